/*
 * time.S: clocks and sleeping. Time here is the machine's emulated time, derived from the
 * instructions it has run, so a program sees the same clock on every run.
 * (A static glibc program reads the clock through the vDSO without a system call at all.)
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/* long clock_gettime(clockid_t which_clock, struct __kernel_timespec __user *tp) */
SYM_FUNC_START(sys_clock_gettime)
	pushq	%r12
	movq	%rsi, %r12
	LOAD_KBUF_DATA %rsi
	movl	$VMCALL_clock_gettime, %eax
	vmcall
	movl	$16, %edx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_clock_gettime)

/* long gettimeofday(struct timeval __user *tv, struct timezone __user *tz) */
SYM_FUNC_START(sys_gettimeofday)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi
	movl	$VMCALL_do_gettimeofday, %eax
	vmcall
	testq	%r12, %r12			/* tv may be NULL */
	jz	9f
	movl	$16, %edx
	call	copy_kbuf_result
9:	popq	%r12
	ret
SYM_FUNC_END(sys_gettimeofday)

/* time_t time(time_t __user *tloc) */
SYM_FUNC_START(sys_time)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi
	movl	$VMCALL_do_gettimeofday, %eax
	vmcall
	LOAD_KBUF_DATA %rax
	movq	(%rax), %rax			/* the seconds */
	testq	%r12, %r12
	jz	9f
	movl	$8, %edx
	call	copy_kbuf_result
9:	popq	%r12
	ret
SYM_FUNC_END(sys_time)

/*
 * long clock_nanosleep(clockid_t which_clock, int flags, const struct __kernel_timespec __user *rqtp,
 *                      struct __kernel_timespec __user *rmtp)
 */
SYM_FUNC_START(sys_clock_nanosleep)
	movl	$16, %eax			/* a struct __kernel_timespec */
	jmp	do_sys_clock_nanosleep
SYM_FUNC_END(sys_clock_nanosleep)

/*
 * The body of clock_nanosleep and of i386's clock_nanosleep_time32 (compat.S): the request's
 * size in %eax is 16, or 8 for an old_timespec32 (two 32-bit words, widened here).
 */
SYM_FUNC_START(do_sys_clock_nanosleep)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movl	%eax, %r12d			/* the timespec's size */
	movq	%rdi, %r13
	movq	%rsi, %r14
	LOAD_KBUF_DATA %rdi
	movq	%rdx, %rsi
	movl	%r12d, %edx
	call	copy_from_user			/* the requested duration */
	testq	%rax, %rax
	jnz	8f
	cmpl	$16, %r12d
	je	1f
	LOAD_KBUF_DATA %rdi
	movl	$2, %esi
	call	widen_words			/* 32-bit: as a struct __kernel_timespec */
1:	movq	%r13, %rdi
	movq	%r14, %rsi
	LOAD_KBUF_DATA %rdx
	SLEEPING_SERVICE hrtimer_nanosleep	/* hrtimer_nanosleep(clock, flags, ktimespec): asleep until the deadline */
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(do_sys_clock_nanosleep)

/* long nanosleep(struct __kernel_timespec __user *rqtp, struct __kernel_timespec __user *rmtp) */
SYM_FUNC_START(sys_nanosleep)
	movq	%rsi, %rcx
	movq	%rdi, %rdx
	xorl	%edi, %edi			/* CLOCK_REALTIME */
	xorl	%esi, %esi			/* relative */
	jmp	sys_clock_nanosleep
SYM_FUNC_END(sys_nanosleep)

/*
 * Interval timers on the emulated clock: ITIMER_REAL sends SIGALRM, ITIMER_VIRTUAL SIGVTALRM and
 * ITIMER_PROF SIGPROF (all three count the machine's time here). struct itimerval is
 * { struct timeval it_interval; struct timeval it_value; }: 32 bytes.
 */

/* long setitimer(int which, struct __kernel_old_itimerval __user *value, ... __user *ovalue) */
SYM_FUNC_START(sys_setitimer)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movl	%edi, %r13d			/* which */
	movq	%rdx, %r12			/* ovalue */
	xorl	%r14d, %r14d
	testq	%rsi, %rsi			/* value may be NULL: the timer is disarmed */
	jz	1f
	LOAD_KBUF_PATH %rdi
	movl	$32, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %r14
1:	movl	%r13d, %edi
	movq	%r14, %rsi
	LOAD_KBUF_DATA %rdx
	movl	$VMCALL_do_setitimer, %eax
	vmcall					/* do_setitimer(which, knew or 0, kold) */
	testq	%r12, %r12
	jz	9f
	movl	$32, %edx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_setitimer)

/* long getitimer(int which, struct __kernel_old_itimerval __user *value) */
SYM_FUNC_START(sys_getitimer)
	pushq	%r12
	movq	%rsi, %r12
	xorl	%esi, %esi			/* no new value: only read */
	LOAD_KBUF_DATA %rdx
	movl	$VMCALL_do_getitimer, %eax
	vmcall
	movl	$32, %edx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_getitimer)

/* unsigned int alarm(unsigned int seconds): ITIMER_REAL once; returns the seconds that were left */
	NATIVE_SYSCALL sys_alarm, alarm_setitimer
