/*
 * vclock_gettime.S: clock_gettime, gettimeofday, time and clock_getres without entering the
 * kernel, as Linux's arch/x86/entry/vdso/vclock_gettime.c + lib/vdso/gettimeofday.c do.
 * The kernel keeps a [vvar] page mapped read-only in every process, just below the vDSO: the
 * value of every clock at one moment and the TSC at that moment. A clock read is then
 *     now = base[clock] + ((rdtsc - cycle_last) * mult >> shift)      (nanoseconds)
 * which user code can compute alone: no SYSCALL, no kernel entry, no system call in strace.
 * In Trapdoor the TSC counts the machine's emulated cycles, so the time is reproducible.
 */
#ifdef BUILD_VDSO			/* the kernel build skips this file: the vDSO is its own image */
#include "vdso.h"

	.text

/*
 * vdso_clock_ns: nanoseconds of one clock, read from [vvar].
 *   in:  %eax = a clock id the vDSO handles (VDSO_HRES, VDSO_COARSE or VDSO_RAW)
 *   out: %rax = the clock in ns since its epoch, CF clear; CF set when the vDSO cannot read
 *        the clock (clock_mode is not VCLOCK_TSC), and the caller must make the system call.
 *   clobbers %rcx, %rdx, %r8-%r11; keeps %rdi and %rsi (the caller's arguments) intact.
 */
VDSO_LOCAL_START(vdso_clock_ns)
	movl	%eax, %r11d			/* r11 = clock id */
	leaq	vvar_page(%rip), %r8		/* r8 = [vvar]: position independent, a fixed distance below us */
.Lretry:
	/*
	 * A sequence count guards the data, as Linux's vdso_read_begin/vdso_read_retry: the kernel
	 * makes it odd while it writes and even again after, so an odd or changed count means we
	 * may have read a half-written page and must read again.
	 */
	movl	VVAR_seq(%r8), %r9d
	testl	$1, %r9d
	jnz	.Lwait
	cmpl	$VCLOCK_TSC, VVAR_clock_mode(%r8)
	jne	.Lno_vdso			/* no usable clock source (or no data yet): the kernel answers */
	movq	VVAR_base(%r8,%r11,8), %r10	/* r10 = this clock at the moment cycle_last */

	/* The TSC now. LFENCE keeps RDTSC from running ahead of earlier loads (rdtsc_ordered). */
	lfence
	rdtsc					/* edx:eax = TSC */
	shlq	$32, %rdx
	orq	%rdx, %rax
	subq	VVAR_cycle_last(%r8), %rax	/* rax = cycles since the base moment */
	jae	1f
	xorl	%eax, %eax			/* a TSC behind cycle_last counts as no time at all */
1:	mulq	VVAR_mult(%r8)			/* rdx:rax = cycles * mult (128 bits: no overflow) */
	movl	VVAR_shift(%r8), %ecx
	shrdq	%cl, %rdx, %rax			/* rax = cycles * mult >> shift = nanoseconds */
	addq	%r10, %rax			/* rax = base + elapsed */

	/*
	 * A coarse clock is cheap and only as fine as the kernel tick: Linux returns the time of the
	 * last tick. Our [vvar] is written rarely, so the coarse time is the precise time rounded
	 * down to a multiple of the tick (coarse_res, which divides a second).
	 */
	movl	$VDSO_COARSE, %ecx
	btl	%r11d, %ecx
	jnc	2f
	movq	%rax, %r10
	xorl	%edx, %edx
	movl	VVAR_coarse_res(%r8), %ecx
	divq	%rcx				/* rdx = time % tick */
	subq	%rdx, %r10
	movq	%r10, %rax

2:	cmpl	VVAR_seq(%r8), %r9d		/* did the kernel write meanwhile? */
	jne	.Lretry
	clc
	ret

.Lwait:
	pause					/* the kernel is writing: let it finish */
	jmp	.Lretry
.Lno_vdso:
	stc
	ret
VDSO_LOCAL_END(vdso_clock_ns)

/*
 * int clock_gettime(clockid_t clock, struct timespec *ts)
 *   %edi = clock, %rsi = ts; returns 0, or what the system call returns (-EINVAL, -EFAULT ...).
 */
VDSO_FUNC_START(__vdso_clock_gettime, clock_gettime)
	cmpl	$CLOCK_TAI, %edi		/* unsigned: negative ids (CPU-time clocks) are above too */
	ja	.Lgettime_syscall
	movl	$(VDSO_HRES | VDSO_COARSE | VDSO_RAW), %eax
	btl	%edi, %eax
	jnc	.Lgettime_syscall		/* CLOCK_PROCESS_CPUTIME_ID and friends: only the kernel knows */
	movl	%edi, %eax
	call	vdso_clock_ns
	jc	.Lgettime_syscall
	xorl	%edx, %edx
	movl	$NSEC_PER_SEC, %ecx
	divq	%rcx				/* rax = seconds, rdx = nanoseconds */
	movq	%rax, 0(%rsi)			/* ts->tv_sec */
	movq	%rdx, 8(%rsi)			/* ts->tv_nsec */
	xorl	%eax, %eax
	ret
.Lgettime_syscall:
	/* The fallback is the real system call, arguments still in %rdi and %rsi. */
	movl	$__NR_clock_gettime, %eax
	syscall
	ret
VDSO_FUNC_END(__vdso_clock_gettime, clock_gettime)

/*
 * int gettimeofday(struct timeval *tv, struct timezone *tz)
 *   CLOCK_REALTIME in microseconds; either pointer may be NULL.
 */
VDSO_FUNC_START(__vdso_gettimeofday, gettimeofday)
	testq	%rdi, %rdi
	jz	.Ltz
	movl	$CLOCK_REALTIME, %eax
	call	vdso_clock_ns
	jc	.Lgtod_syscall
	xorl	%edx, %edx
	movl	$NSEC_PER_USEC, %ecx
	divq	%rcx				/* rax = microseconds */
	xorl	%edx, %edx
	movl	$USEC_PER_SEC, %ecx
	divq	%rcx				/* rax = seconds, rdx = microseconds */
	movq	%rax, 0(%rdi)			/* tv->tv_sec */
	movq	%rdx, 8(%rdi)			/* tv->tv_usec */
.Ltz:
	testq	%rsi, %rsi
	jz	.Lgtod_done
	leaq	vvar_page(%rip), %r8
	movl	VVAR_tz_minuteswest(%r8), %eax
	movl	%eax, 0(%rsi)			/* tz->tz_minuteswest */
	movl	VVAR_tz_dsttime(%r8), %eax
	movl	%eax, 4(%rsi)			/* tz->tz_dsttime */
.Lgtod_done:
	xorl	%eax, %eax
	ret
.Lgtod_syscall:
	movl	$__NR_gettimeofday, %eax
	syscall
	ret
VDSO_FUNC_END(__vdso_gettimeofday, gettimeofday)

/*
 * time_t time(time_t *t)
 *   The seconds of CLOCK_REALTIME, also stored at *t when t is not NULL.
 */
VDSO_FUNC_START(__vdso_time, time)
	movl	$CLOCK_REALTIME, %eax
	call	vdso_clock_ns
	jc	.Ltime_syscall
	xorl	%edx, %edx
	movl	$NSEC_PER_SEC, %ecx
	divq	%rcx				/* rax = seconds */
	testq	%rdi, %rdi
	jz	3f
	movq	%rax, (%rdi)
3:	ret
.Ltime_syscall:
	movl	$__NR_time, %eax
	syscall
	ret
VDSO_FUNC_END(__vdso_time, time)

/*
 * int clock_getres(clockid_t clock, struct timespec *res)
 *   The resolution: hres_res for the precise clocks (1 ns), coarse_res (the tick) for the
 *   coarse ones. (Linux answers even without a clock source; we also ask the kernel then, as
 *   a [vvar] page the kernel has not filled yet holds no resolutions either.)
 */
VDSO_FUNC_START(__vdso_clock_getres, clock_getres)
	cmpl	$CLOCK_TAI, %edi
	ja	.Lgetres_syscall
	leaq	vvar_page(%rip), %r8
	cmpl	$VCLOCK_TSC, VVAR_clock_mode(%r8)
	jne	.Lgetres_syscall
	movl	$(VDSO_HRES | VDSO_RAW), %eax
	btl	%edi, %eax
	jc	.Lgetres_hres
	movl	$VDSO_COARSE, %eax
	btl	%edi, %eax
	jnc	.Lgetres_syscall
	movl	VVAR_coarse_res(%r8), %eax
	jmp	.Lgetres_store
.Lgetres_hres:
	movl	VVAR_hres_res(%r8), %eax
.Lgetres_store:
	testq	%rsi, %rsi			/* res may be NULL: then only the clock id is checked */
	jz	4f
	movq	$0, 0(%rsi)			/* res->tv_sec */
	movq	%rax, 8(%rsi)			/* res->tv_nsec (movl zeroed the upper half) */
4:	xorl	%eax, %eax
	ret
.Lgetres_syscall:
	movl	$__NR_clock_getres, %eax
	syscall
	ret
VDSO_FUNC_END(__vdso_clock_getres, clock_getres)

#endif /* BUILD_VDSO */
