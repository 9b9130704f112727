/*
 * compat.S: system calls of i386 programs whose structures differ from the 64-bit ones (Linux's
 * compat_sys_* functions, kernel/compat.c and friends). An i386 program's long and pointers are
 * 4 bytes, so a struct with a long in it has another layout: the compat handler converts between
 * the program's layout and the kernel's, then does what the 64-bit call does. Calls whose
 * structures are the same (uname, statx, getdents64, the *_time64 calls) use the 64-bit handler
 * directly: syscall_32.tbl names it.
 *
 * The dispatcher (do_syscall_32_irqs_on, common.S) has zero-extended every argument from 32 bits:
 * a handler that takes a signed int (an fd, AT_FDCWD) only looks at the low half.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"
#include "linux/uio.h"

	.set	COMPAT_RLIM_INFINITY, 0xffffffff
	.set	COMPAT_RLIM_OLD_INFINITY, 0x7fffffff
	.set	ROBUST_LIST_HEAD_SIZE, 24	/* struct robust_list_head: three pointers */
	.set	COMPAT_ROBUST_LIST_HEAD_SIZE, 12

	.text

/*
 * long compat_sys_set_robust_list(struct compat_robust_list_head __user *head, compat_size_t len)
 * The list of futexes glibc wants released if the thread dies: three 32-bit words here.
 */
SYM_FUNC_START(compat_sys_set_robust_list)
	cmpq	$COMPAT_ROBUST_LIST_HEAD_SIZE, %rsi
	jne	1f
	movl	$ROBUST_LIST_HEAD_SIZE, %esi	/* recorded like a 64-bit list (it is only kept, never walked) */
	jmp	sys_set_robust_list
1:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(compat_sys_set_robust_list)

/*
 * Limits: struct rlimit is two unsigned longs, 32 bits each in an i386 program. A limit too big
 * for 32 bits (RLIM_INFINITY above all) reads as COMPAT_RLIM_INFINITY (getrlimit, ugetrlimit)
 * or, for the old getrlimit, as 0x7fffffff.
 */

/* long compat_sys_getrlimit(unsigned int resource, struct compat_rlimit __user *rlim): ugetrlimit */
SYM_FUNC_START(compat_sys_getrlimit)
	movl	$COMPAT_RLIM_INFINITY, %eax
	jmp	getrlimit32
SYM_FUNC_END(compat_sys_getrlimit)

/* long compat_sys_old_getrlimit(unsigned int resource, struct compat_rlimit __user *rlim) */
SYM_FUNC_START(compat_sys_old_getrlimit)
	movl	$COMPAT_RLIM_OLD_INFINITY, %eax
	jmp	getrlimit32
SYM_FUNC_END(compat_sys_old_getrlimit)

/* getrlimit32(resource, rlim, %rax = the largest value a 32-bit limit shows) */
SYM_FUNC_START_LOCAL(getrlimit32)
	pushq	%r12
	pushq	%r13
	movq	%rsi, %r12			/* rlim (user) */
	movq	%rax, %r13			/* the ceiling */
	movl	%edi, %esi			/* prlimit64(0, resource, NULL, &old) */
	xorl	%edi, %edi
	xorl	%edx, %edx
	LOAD_KBUF_DATA %rcx
	movl	$VMCALL_do_prlimit, %eax
	vmcall
	testq	%rax, %rax
	js	9f
	LOAD_KBUF_DATA %rdi			/* two 64-bit values -> two 32-bit ones */
	movq	(%rdi), %rax			/* rlim_cur */
	cmpq	%r13, %rax
	cmova	%r13, %rax
	movl	%eax, (%rdi)
	movq	8(%rdi), %rax			/* rlim_max */
	cmpq	%r13, %rax
	cmova	%r13, %rax
	movl	%eax, 4(%rdi)
	xorl	%eax, %eax
	movl	$8, %edx
	call	copy_kbuf_result		/* to rlim (%r12) */
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(getrlimit32)

/* long compat_sys_setrlimit(unsigned int resource, struct compat_rlimit __user *rlim) */
SYM_FUNC_START(compat_sys_setrlimit)
	pushq	%r12
	movl	%edi, %r12d			/* resource */
	LOAD_KBUF_PATH %rdi			/* the two 32-bit values in */
	movl	$8, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %rdx			/* widen them in place: COMPAT_RLIM_INFINITY means RLIM_INFINITY */
	movl	4(%rdx), %eax
	cmpl	$COMPAT_RLIM_INFINITY, %eax
	jne	1f
	movq	$-1, %rax
1:	movq	%rax, 8(%rdx)			/* rlim_max (read before rlim_cur is widened over it) */
	movl	(%rdx), %eax
	cmpl	$COMPAT_RLIM_INFINITY, %eax
	jne	2f
	movq	$-1, %rax
2:	movq	%rax, (%rdx)			/* rlim_cur */
	xorl	%edi, %edi			/* prlimit64(0, resource, &new, NULL) */
	movl	%r12d, %esi
	xorl	%ecx, %ecx
	movl	$VMCALL_do_prlimit, %eax
	vmcall
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r12
	ret
SYM_FUNC_END(compat_sys_setrlimit)

/*
 * Many compat structures are the 64-bit ones with every long cut to 32 bits. These two helpers
 * convert n such words in place (the kernel's side lives in the task's copy buffers):
 *	narrow_words(ptr, n)	n 64-bit words -> n 32-bit words, from the front (copy_to_user next)
 *	widen_words(ptr, n)	n 32-bit words -> n sign-extended 64-bit words, from the back
 */
SYM_FUNC_START(narrow_words)
	xorl	%ecx, %ecx
1:	cmpq	%rsi, %rcx
	jae	2f
	movl	(%rdi, %rcx, 8), %eax
	movl	%eax, (%rdi, %rcx, 4)
	incq	%rcx
	jmp	1b
2:	ret
SYM_FUNC_END(narrow_words)

SYM_FUNC_START(widen_words)
1:	testq	%rsi, %rsi
	jz	2f
	decq	%rsi
	movslq	(%rdi, %rsi, 4), %rax
	movq	%rax, (%rdi, %rsi, 8)
	jmp	1b
2:	ret
SYM_FUNC_END(widen_words)

/* narrow_result: %rax >= 0: narrow %rsi words of the data buffer, copy them to %r12 (user); keeps %rax */
SYM_FUNC_START_LOCAL(narrow_result)
	testq	%rax, %rax
	js	9f
	pushq	%rax
	pushq	%rsi
	LOAD_KBUF_DATA %rdi
	call	narrow_words
	popq	%rdx
	shlq	$2, %rdx			/* n words of 4 bytes */
	popq	%rax
	jmp	copy_kbuf_result
9:	ret
SYM_FUNC_END(narrow_result)

/*
 * Files. open and openat are the 64-bit calls (compat_sys_open does not force O_LARGEFILE; this
 * VFS sets it on every open file). lseek's offset is a signed 32-bit compat_off_t.
 */
SYM_FUNC_START(compat_sys_open)
	jmp	sys_open
SYM_FUNC_END(compat_sys_open)

SYM_FUNC_START(compat_sys_openat)
	jmp	sys_openat
SYM_FUNC_END(compat_sys_openat)

/* off_t compat_sys_lseek(unsigned int fd, compat_off_t offset, unsigned int whence) */
SYM_FUNC_START(compat_sys_lseek)
	movslq	%esi, %rsi			/* sign-extend: lseek(fd, -1, SEEK_CUR) goes back */
	jmp	sys_lseek
SYM_FUNC_END(compat_sys_lseek)

/* long compat_sys_truncate(const char __user *path, compat_off_t length), and ftruncate(fd, length) */
SYM_FUNC_START(compat_sys_truncate)
	movslq	%esi, %rsi			/* a signed 32-bit length: a negative one is EINVAL */
	jmp	sys_truncate
SYM_FUNC_END(compat_sys_truncate)

SYM_FUNC_START(compat_sys_ftruncate)
	movslq	%esi, %rsi
	jmp	sys_ftruncate
SYM_FUNC_END(compat_sys_ftruncate)

/*
 * long llseek(unsigned int fd, unsigned long offset_high, unsigned long offset_low,
 *             loff_t __user *result, unsigned int whence): _llseek, a 64-bit offset in two halves
 * and a 64-bit result through a pointer (the return value has only 32 bits).
 */
SYM_FUNC_START(sys_llseek)
	pushq	%r12
	movq	%rcx, %r12			/* result (user) */
	shlq	$32, %rsi			/* offset = high << 32 | low */
	movl	%edx, %edx
	orq	%rdx, %rsi
	movl	%r8d, %edx			/* whence */
	movl	$VMCALL_ksys_lseek, %eax
	vmcall					/* the new position, or -errno */
	testq	%rax, %rax
	js	9f
	LOAD_KBUF_DATA %rdi
	movq	%rax, (%rdi)
	xorl	%eax, %eax			/* _llseek returns 0 ... */
	movl	$8, %edx
	call	copy_kbuf_result		/* ... and the position in *result */
9:	popq	%r12
	ret
SYM_FUNC_END(sys_llseek)

/* ioctl and fcntl64: the terminal structures and the fcntl commands used here have one layout */
SYM_FUNC_START(compat_sys_ioctl)
	jmp	sys_ioctl
SYM_FUNC_END(compat_sys_ioctl)

SYM_FUNC_START(compat_sys_fcntl64)
	jmp	sys_fcntl
SYM_FUNC_END(compat_sys_fcntl64)

/*
 * ssize_t compat_sys_writev(compat_ulong_t fd, const struct compat_iovec __user *vec,
 *                           compat_ulong_t vlen), and readv: struct compat_iovec is
 * { u32 iov_base; u32 iov_len; }, 8 bytes instead of 16 (VECTORED, linux/uio.h, with w = 4).
 */

	VECTORED compat_sys_writev, vfs_write_user, 4
	VECTORED compat_sys_readv, vfs_read_user, 4

/* long compat_sys_execve(filename, const compat_uptr_t __user *argv, envp): do_execve reads 32-bit vectors for an i386 caller */
SYM_FUNC_START(compat_sys_execve)
	jmp	sys_execve
SYM_FUNC_END(compat_sys_execve)

/*
 * Processes. struct compat_rusage is struct rusage with 32-bit longs (18 words).
 * long compat_sys_wait4(compat_pid_t pid, compat_uint_t __user *stat_addr, int options,
 *                       struct compat_rusage __user *ru)
 */
SYM_FUNC_START(compat_sys_wait4)
	pushq	%r12
	pushq	%r13
	movq	%rcx, %r12			/* ru (user) */
	xorl	%ecx, %ecx			/* the 64-bit call without ru ... */
	call	sys_wait4
	testq	%rax, %rax
	jle	9f
	testq	%r12, %r12
	jz	9f
	movq	%rax, %r13
	LOAD_KBUF_DATA %rdi			/* ... left the child's rusage at data + 8 */
	addq	$8, %rdi
	movl	$18, %esi
	call	narrow_words
	movq	%r12, %rdi
	LOAD_KBUF_DATA %rsi
	addq	$8, %rsi
	movl	$72, %edx
	call	copy_to_user
	testq	%rax, %rax
	movq	%r13, %rax
	jz	9f
	movq	$-EFAULT, %rax
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(compat_sys_wait4)

/* long waitpid(pid_t pid, int __user *stat_addr, int options): wait4 without rusage */
SYM_FUNC_START(sys_waitpid)
	xorl	%ecx, %ecx
	jmp	sys_wait4
SYM_FUNC_END(sys_waitpid)

/* The 16-bit ids of the oldest calls (getuid, not getuid32): an id past 65535 reads as 65534. */
.macro TASK_FIELD16 name, field
SYM_FUNC_START(\name)
	GET_CURRENT(%rax)
	movq	\field(%rax), %rax
	cmpq	$0xffff, %rax
	jbe	1f
	movl	$65534, %eax			/* overflowuid */
1:	ret
SYM_FUNC_END(\name)
.endm

	TASK_FIELD16 sys_getuid16,	TASK_uid
	TASK_FIELD16 sys_geteuid16,	TASK_euid
	TASK_FIELD16 sys_getgid16,	TASK_gid
	TASK_FIELD16 sys_getegid16,	TASK_egid

/*
 * Signals. struct compat_sigaction is { u32 handler; u32 flags; u32 restorer; u64 mask; },
 * 20 bytes; the kernel's has 64-bit fields (32 bytes). A sigset_t is 8 bytes in both.
 * long compat_sys_rt_sigaction(int sig, const struct compat_sigaction __user *act,
 *                              struct compat_sigaction __user *oact, compat_size_t sigsetsize)
 */
SYM_FUNC_START(compat_sys_rt_sigaction)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r13			/* sig */
	movq	%rdx, %r12			/* oact (user) */
	movq	%rcx, %r14			/* sigsetsize */
	xorl	%r15d, %r15d			/* act (kernel copy, widened), or NULL */
	testq	%rsi, %rsi
	jz	1f
	LOAD_KBUF_PATH %rdi
	movl	$20, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %r15			/* widen in place, the last field first */
	movq	12(%r15), %rax			/* sa_mask: 12 -> 24 */
	movq	%rax, 24(%r15)
	movl	8(%r15), %eax			/* sa_restorer: 8 -> 16 */
	movq	%rax, 16(%r15)
	movl	4(%r15), %eax			/* sa_flags: 4 -> 8 */
	movq	%rax, 8(%r15)
	movl	(%r15), %eax			/* sa_handler stays at 0, zero-extended */
	movq	%rax, (%r15)
1:	movq	%r13, %rdi
	movq	%r15, %rsi
	xorl	%edx, %edx
	testq	%r12, %r12
	jz	2f
	LOAD_KBUF_DATA %rdx
2:	movq	%r14, %rcx
	movl	$VMCALL_do_sigaction, %eax
	vmcall					/* do_sigaction(sig, kact, koact, sigsetsize) */
	testq	%r12, %r12
	jz	9f
	testq	%rax, %rax
	js	9f
	LOAD_KBUF_DATA %rdi			/* narrow the old action, the first field first */
	movl	8(%rdi), %ecx			/* sa_flags: 8 -> 4 */
	movl	%ecx, 4(%rdi)
	movl	16(%rdi), %ecx			/* sa_restorer: 16 -> 8 */
	movl	%ecx, 8(%rdi)
	movq	24(%rdi), %rcx			/* sa_mask: 24 -> 12 */
	movq	%rcx, 12(%rdi)
	movl	$20, %edx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(compat_sys_rt_sigaction)

/* rt_sigprocmask and rt_sigsuspend: a compat_sigset_t (two u32) is laid out as a sigset_t */
SYM_FUNC_START(compat_sys_rt_sigprocmask)
	jmp	sys_rt_sigprocmask
SYM_FUNC_END(compat_sys_rt_sigprocmask)

SYM_FUNC_START(compat_sys_rt_sigsuspend)
	jmp	sys_rt_sigsuspend
SYM_FUNC_END(compat_sys_rt_sigsuspend)

/*
 * Time with 32-bit seconds (the *_time32 calls; glibc now uses the *_time64 ones, which are the
 * 64-bit handlers). struct old_timespec32 and old_timeval32 are two 32-bit words.
 */

/* long sys_clock_gettime32(clockid_t which_clock, struct old_timespec32 __user *tp) */
SYM_FUNC_START(sys_clock_gettime32)
	pushq	%r12
	movq	%rsi, %r12
	LOAD_KBUF_DATA %rsi
	movl	$VMCALL_clock_gettime, %eax
	vmcall
	movl	$2, %esi
	call	narrow_result
	popq	%r12
	ret
SYM_FUNC_END(sys_clock_gettime32)

/* long compat_sys_gettimeofday(struct old_timeval32 __user *tv, struct timezone __user *tz) */
SYM_FUNC_START(compat_sys_gettimeofday)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi
	movl	$VMCALL_do_gettimeofday, %eax
	vmcall
	testq	%r12, %r12			/* tv may be NULL */
	jz	9f
	movl	$2, %esi
	call	narrow_result
9:	popq	%r12
	ret
SYM_FUNC_END(compat_sys_gettimeofday)

/* old_time32_t sys_time32(old_time32_t __user *tloc) */
SYM_FUNC_START(sys_time32)
	pushq	%r12
	movq	%rdi, %r12
	xorl	%edi, %edi
	call	sys_time			/* the seconds */
	testq	%r12, %r12
	jz	9f
	LOAD_KBUF_DATA %rdi
	movl	%eax, (%rdi)
	movl	$4, %edx
	call	copy_kbuf_result		/* *tloc = them, in 32 bits */
9:	popq	%r12
	ret
SYM_FUNC_END(sys_time32)

/*
 * long sys_clock_nanosleep_time32(clockid_t which_clock, int flags,
 *                                 struct old_timespec32 __user *rqtp, struct old_timespec32 __user *rmtp)
 */
SYM_FUNC_START(sys_clock_nanosleep_time32)
	movl	$8, %eax			/* struct old_timespec32 (do_sys_clock_nanosleep, time.S) */
	jmp	do_sys_clock_nanosleep
SYM_FUNC_END(sys_clock_nanosleep_time32)

/* long sys_nanosleep_time32(struct old_timespec32 __user *rqtp, struct old_timespec32 __user *rmtp) */
SYM_FUNC_START(sys_nanosleep_time32)
	movq	%rsi, %rcx
	movq	%rdi, %rdx
	xorl	%edi, %edi			/* CLOCK_REALTIME */
	xorl	%esi, %esi			/* relative */
	jmp	sys_clock_nanosleep_time32
SYM_FUNC_END(sys_nanosleep_time32)

/*
 * long sys_futex_time32(u32 __user *uaddr, int op, u32 val, struct old_timespec32 __user *utime,
 *                       u32 __user *uaddr2, u32 val3)
 * futex with a 32-bit timeout (glibc calls it when it has no timeout to give, futex_time64
 * otherwise): the same steps as sys_futex (futex.S), with an 8-byte timespec.
 */
SYM_FUNC_START(sys_futex_time32)
	movl	$8, %eax			/* struct old_timespec32: two 32-bit words */
	jmp	do_sys_futex
SYM_FUNC_END(sys_futex_time32)

/*
 * long compat_sys_sigaltstack(const compat_stack_t __user *uss, compat_stack_t __user *uoss)
 * compat_stack_t is { u32 ss_sp; int ss_flags; u32 ss_size; }: 12 bytes, 24 in the kernel.
 */
SYM_FUNC_START(compat_sys_sigaltstack)
	pushq	%r12
	pushq	%r13
	movq	%rsi, %r12			/* uoss */
	xorl	%r13d, %r13d			/* the new stack's kernel copy, if any */
	testq	%rdi, %rdi
	jz	1f
	movq	%rdi, %rsi
	LOAD_KBUF_PATH %rdi
	movl	$12, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %r13			/* widen in place, the last field first */
	movl	8(%r13), %eax			/* ss_size: 8 -> 16 */
	movq	%rax, 16(%r13)
	movl	4(%r13), %eax			/* ss_flags: 4 -> 8 */
	movq	%rax, 8(%r13)
	movl	(%r13), %eax			/* ss_sp stays at 0 */
	movq	%rax, (%r13)
1:	movq	%r13, %rdi
	LOAD_KBUF_DATA %rsi
	movl	$VMCALL_do_sigaltstack, %eax
	vmcall					/* do_sigaltstack(kss or 0, koss) */
	testq	%r12, %r12
	jz	9f
	testq	%rax, %rax
	js	9f
	LOAD_KBUF_DATA %rdi			/* narrow the old one, the first field first */
	movl	8(%rdi), %ecx			/* ss_flags: 8 -> 4 */
	movl	%ecx, 4(%rdi)
	movl	16(%rdi), %ecx			/* ss_size: 16 -> 8 */
	movl	%ecx, 8(%rdi)
	movl	$12, %edx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(compat_sys_sigaltstack)

/*
 * Interval timers: struct old_itimerval32 is four 32-bit words (interval, value: sec, usec).
 * long compat_sys_setitimer(int which, struct old_itimerval32 __user *value, ... __user *ovalue)
 */
SYM_FUNC_START(compat_sys_setitimer)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movl	%edi, %r13d			/* which */
	movq	%rdx, %r12			/* ovalue */
	xorl	%r14d, %r14d
	testq	%rsi, %rsi			/* value may be NULL: the timer is disarmed */
	jz	1f
	LOAD_KBUF_PATH %rdi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %rdi
	movl	$4, %esi
	call	widen_words
	LOAD_KBUF_PATH %r14
1:	movl	%r13d, %edi
	movq	%r14, %rsi
	LOAD_KBUF_DATA %rdx
	movl	$VMCALL_do_setitimer, %eax
	vmcall					/* do_setitimer(which, knew or 0, kold) */
	testq	%r12, %r12
	jz	9f
	movl	$4, %esi
	call	narrow_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(compat_sys_setitimer)

/* long compat_sys_getitimer(int which, struct old_itimerval32 __user *value) */
SYM_FUNC_START(compat_sys_getitimer)
	pushq	%r12
	movq	%rsi, %r12
	xorl	%esi, %esi			/* no new value: only read */
	LOAD_KBUF_DATA %rdx
	movl	$VMCALL_do_getitimer, %eax
	vmcall
	movl	$4, %esi
	call	narrow_result
	popq	%r12
	ret
SYM_FUNC_END(compat_sys_getitimer)
