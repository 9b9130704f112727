/*
 * select.S: poll(2), ppoll(2), select(2) and pselect6(2) (Linux's fs/select.c): wait until one
 * of several descriptors is ready, or a timeout passes, or a signal comes.
 *
 * The descriptors' readiness and the sleeping live in TypeScript (do_sys_poll, core_sys_select
 * look at every descriptor, and put the task to sleep on all their wait queues and a timer at
 * once when none is ready). What happens here: the arrays and sets are copied in and out, and
 * every timeout -- milliseconds for poll, a struct timeval for select, a struct timespec for
 * ppoll and pselect6 -- becomes one struct timespec, checked as Linux checks it. select, ppoll
 * and pselect6 then hand the time that was left back to the program.
 *
 * The pollfd array and the fd_sets go through the task's whole copy buffer (KBUF_SIZE bytes):
 * at most 1024 struct pollfd, and descriptors below 1024 (FD_SETSIZE) for select.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	POLLFD_SIZE, 8			/* struct pollfd { int fd; short events, revents; } */
	.set	MAX_POLLFDS, KBUF_SIZE / POLLFD_SIZE
	.set	FD_SETSIZE, 1024
	.set	FD_SET_BYTES, FD_SETSIZE / 8	/* one fd_set in the kernel buffer */
	.set	NSEC_PER_SEC, 1000000000
	.set	NSEC_PER_MSEC, 1000000
	.set	USEC_PER_SEC, 1000000
	.set	NSEC_PER_USEC, 1000
	.set	SIGSET_SIZE, 8

	.text

/*
 * A struct timespec at (%reg) is a valid timeout: tv_sec >= 0 and 0 <= tv_nsec < 10^9
 * (timespec64_valid); else jump to \bad.
 */
.macro CHECK_TIMESPEC reg, bad
	cmpq	$0, (\reg)
	jl	\bad
	movq	$NSEC_PER_SEC, %rax
	cmpq	%rax, 8(\reg)			/* unsigned: a negative tv_nsec is out of range too */
	jae	\bad
.endm

/*
 * long do_poll_user(struct pollfd __user *ufds, unsigned int nfds, struct timespec *kts,
 *                   sigset_t *ksigmask)
 * kts: the timeout in kernel memory (NULL: none); ksigmask: the mask to wait with (NULL: the
 * task's own). Returns the number of ready descriptors, 0 on a timeout, or -errno; %rdx = 1
 * when *kts now holds the time that was left.
 */
SYM_FUNC_START(do_poll_user)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r12			/* ufds */
	movl	%esi, %r13d			/* nfds */
	movq	%rdx, %r14			/* kts */
	movq	%rcx, %r15			/* ksigmask */
	cmpl	$MAX_POLLFDS, %r13d
	ja	8f				/* more than RLIMIT_NOFILE (1024) descriptors */
	LOAD_KBUF_PATH %rdi			/* copy_from_user(kfds, ufds, nfds * 8) */
	movq	%r12, %rsi
	movl	%r13d, %edx
	shlq	$3, %rdx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	LOAD_KBUF_PATH %rdi
	movl	%r13d, %esi
	movq	%r14, %rdx
	movq	%r15, %rcx
	SLEEPING_SERVICE do_sys_poll		/* do_sys_poll(kfds, nfds, kts, ksigmask): revents filled in */
	testq	%rax, %rax
	js	9f
	pushq	%rax
	pushq	%rdx
	movq	%r12, %rdi			/* copy_to_user(ufds, kfds, nfds * 8): the revents go back */
	LOAD_KBUF_PATH %rsi
	movl	%r13d, %edx
	shlq	$3, %rdx
	call	copy_to_user
	movq	%rax, %rcx
	popq	%rdx
	popq	%rax
	testq	%rcx, %rcx
	jz	9f
7:	movq	$-EFAULT, %rax
	xorl	%edx, %edx
	jmp	9f
8:	movq	$-EINVAL, %rax
	xorl	%edx, %edx
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(do_poll_user)

/*
 * long poll(struct pollfd __user *ufds, unsigned int nfds, int timeout_msecs)
 * A negative timeout waits for ever; 0 only looks.
 */
SYM_FUNC_START(sys_poll)
	subq	$16, %rsp			/* struct timespec */
	xorl	%ecx, %ecx			/* no signal mask */
	movslq	%edx, %rax			/* timeout_msecs */
	xorl	%r8d, %r8d			/* kts: none */
	testq	%rax, %rax
	js	1f
	pushq	%rdx				/* milliseconds -> seconds and nanoseconds */
	cqto
	movq	$1000, %r9
	idivq	%r9				/* %rax = seconds, %rdx = the milliseconds left */
	movq	%rax, 8(%rsp)
	imulq	$NSEC_PER_MSEC, %rdx, %rdx
	movq	%rdx, 16(%rsp)
	popq	%rdx
	movq	%rsp, %r8
1:	movq	%r8, %rdx
	call	do_poll_user			/* poll does not hand back the time left */
	addq	$16, %rsp
	ret
SYM_FUNC_END(sys_poll)

/*
 * long ppoll(struct pollfd __user *ufds, unsigned int nfds, struct __kernel_timespec __user *tsp,
 *            const sigset_t __user *sigmask, size_t sigsetsize)
 * poll with a timespec, and a signal mask that holds while it waits.
 */
SYM_FUNC_START(sys_ppoll)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$32, %rsp			/* timespec at 0, sigset at 16 */
	movq	%rdi, %r12			/* ufds */
	movl	%esi, %r13d			/* nfds */
	movq	%rdx, %r14			/* tsp */
	movq	%rcx, %r15			/* sigmask */
	movq	%r8, %rbx			/* sigsetsize */
	xorl	%edx, %edx			/* kts: none */
	testq	%r14, %r14
	jz	1f
	movq	%rsp, %rdi			/* the timeout first: copied (-EFAULT), then checked (-EINVAL) */
	movq	%r14, %rsi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	CHECK_TIMESPEC %rsp, 8f
	movq	%rsp, %rdx
1:	pushq	%rdx
	xorl	%ecx, %ecx			/* ksigmask: none */
	testq	%r15, %r15
	jz	2f
	cmpq	$SIGSET_SIZE, %rbx
	jne	6f				/* a sigset of another size */
	leaq	24(%rsp), %rdi			/* copy_from_user(ksigmask, sigmask, 8) */
	movq	%r15, %rsi
	movl	$SIGSET_SIZE, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	5f
	leaq	24(%rsp), %rcx
2:	popq	%rdx
	movq	%r12, %rdi
	movl	%r13d, %esi
	call	do_poll_user
	cmpq	$1, %rdx			/* hand the time left back (errors ignored, as in Linux) */
	jne	9f
	pushq	%rax
	movq	%r14, %rdi
	leaq	8(%rsp), %rsi
	movl	$16, %edx
	call	copy_to_user
	popq	%rax
	jmp	9f
5:	popq	%rdx
7:	movq	$-EFAULT, %rax
	jmp	9f
6:	popq	%rdx
8:	movq	$-EINVAL, %rax
9:	addq	$32, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(sys_ppoll)

/*
 * long core_select_user(int n, fd_set __user *inp, fd_set __user *outp, fd_set __user *exp,
 *                       struct timespec *kts, sigset_t *ksigmask)
 * The three sets are copied in (a NULL set is empty), the service fills three result sets, and
 * those are copied back over the program's. Returns the number of ready bits; %rdx = 1 when
 * *kts holds the time left.
 */
SYM_FUNC_START(core_select_user)
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$40, %rsp			/* inp, outp, exp at 0, 8, 16; kts at 24, ksigmask at 32 */
	movq	%rsi, (%rsp)
	movq	%rdx, 8(%rsp)
	movq	%rcx, 16(%rsp)
	movq	%r8, 24(%rsp)
	movq	%r9, 32(%rsp)
	movslq	%edi, %r12			/* n */
	testq	%r12, %r12
	js	8f
	movl	$VMCALL_fdtable_max_fds, %eax	/* descriptors above the table's size are not looked at */
	vmcall
	cmpq	%rax, %r12
	jbe	1f
	movq	%rax, %r12
1:	cmpq	$FD_SETSIZE, %r12		/* (and this kernel's buffer holds FD_SETSIZE bits) */
	jbe	1f
	movl	$FD_SETSIZE, %r12d
1:	leaq	63(%r12), %r13			/* the bytes of a set: n bits, in whole longs */
	shrq	$6, %r13
	shlq	$3, %r13
	LOAD_KBUF_PATH %rdi			/* the three sets start empty */
	xorl	%eax, %eax
	movl	$3 * FD_SET_BYTES, %ecx
	rep stosb
	xorl	%ebx, %ebx			/* for each of in, out, except: */
2:	movq	(%rsp,%rbx,8), %rsi
	testq	%rsi, %rsi
	jz	3f
	LOAD_KBUF_PATH %rdi			/* copy_from_user(kset, set, bytes) */
	movq	%rbx, %rax
	imulq	$FD_SET_BYTES, %rax
	addq	%rax, %rdi
	movq	%r13, %rdx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
3:	incq	%rbx
	cmpq	$3, %rbx
	jb	2b
	movq	%r12, %rdi
	LOAD_KBUF_PATH %rsi
	movq	24(%rsp), %rdx
	movq	32(%rsp), %rcx
	SLEEPING_SERVICE core_sys_select	/* core_sys_select(n, ksets, kts, ksigmask): result sets after the three */
	testq	%rax, %rax
	js	9f
	movq	%rax, %r14			/* the count */
	movq	%rdx, %r15			/* the time-left flag */
	xorl	%ebx, %ebx
4:	movq	(%rsp,%rbx,8), %rdi
	testq	%rdi, %rdi
	jz	5f
	LOAD_KBUF_PATH %rsi			/* copy_to_user(set, kresult, bytes) */
	movq	%rbx, %rax
	addq	$3, %rax
	imulq	$FD_SET_BYTES, %rax
	addq	%rax, %rsi
	movq	%r13, %rdx
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
5:	incq	%rbx
	cmpq	$3, %rbx
	jb	4b
	movq	%r14, %rax
	movq	%r15, %rdx
	jmp	9f
7:	movq	$-EFAULT, %rax
	xorl	%edx, %edx
	jmp	9f
8:	movq	$-EINVAL, %rax
	xorl	%edx, %edx
9:	addq	$40, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
SYM_FUNC_END(core_select_user)

/*
 * long select(int n, fd_set __user *inp, fd_set __user *outp, fd_set __user *exp,
 *             struct __kernel_old_timeval __user *tvp)
 * The timeval becomes a timespec (microseconds past a second carry into the seconds, as Linux
 * allows); what was left goes back as a timeval.
 */
SYM_FUNC_START(sys_select)
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$24, %rsp			/* struct timespec */
	movl	%edi, %r13d			/* n */
	movq	%rsi, %r14			/* inp */
	movq	%rdx, %r15			/* outp */
	movq	%rcx, %rbp			/* exp */
	movq	%r8, %r12			/* tvp */
	xorl	%ebx, %ebx			/* kts: none */
	testq	%r12, %r12
	jz	1f
	movq	%rsp, %rdi			/* copy_from_user(&tv, tvp, 16) */
	movq	%r12, %rsi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	movq	8(%rsp), %rax			/* tv_usec / USEC_PER_SEC: more seconds */
	cqto
	movq	$USEC_PER_SEC, %rcx
	idivq	%rcx
	addq	%rax, (%rsp)
	imulq	$NSEC_PER_USEC, %rdx, %rdx	/* (tv_usec % USEC_PER_SEC) * 1000: the nanoseconds */
	movq	%rdx, 8(%rsp)
	movq	%rsp, %rbx
	CHECK_TIMESPEC %rbx, 8f
1:	movl	%r13d, %edi
	movq	%r14, %rsi
	movq	%r15, %rdx
	movq	%rbp, %rcx
	movq	%rbx, %r8			/* kts */
	xorl	%r9d, %r9d			/* ksigmask: none */
	call	core_select_user
	cmpq	$1, %rdx
	jne	9f
	movq	%rax, %rbx			/* timespec -> timeval, back to the program */
	movq	8(%rsp), %rax
	xorl	%edx, %edx
	movq	$NSEC_PER_USEC, %rcx
	divq	%rcx
	movq	%rax, 8(%rsp)			/* tv_usec */
	movq	%r12, %rdi
	movq	%rsp, %rsi
	movl	$16, %edx
	call	copy_to_user
	movq	%rbx, %rax
	jmp	9f
7:	movq	$-EFAULT, %rax
	jmp	9f
8:	movq	$-EINVAL, %rax
9:	addq	$24, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
SYM_FUNC_END(sys_select)

/*
 * long pselect6(int n, fd_set __user *inp, fd_set __user *outp, fd_set __user *exp,
 *               struct __kernel_timespec __user *tsp, void __user *sig)
 * `sig` points to { const sigset_t __user *ss; size_t ss_len; }: the mask to wait with.
 */
SYM_FUNC_START(sys_pselect6)
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$56, %rsp			/* timespec at 0, {ss, ss_len} at 16, the sigset at 32 */
	movl	%edi, %r12d			/* n */
	movq	%rsi, %r13			/* inp */
	movq	%rdx, %r14			/* outp */
	movq	%rcx, %r15			/* exp */
	movq	%r8, %rbp			/* tsp */
	movq	$0, 16(%rsp)			/* no sig: no mask */
	movq	$0, 24(%rsp)
	testq	%r9, %r9
	jz	1f
	leaq	16(%rsp), %rdi			/* the argument pack first (get_sigset_argpack) */
	movq	%r9, %rsi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
1:	xorl	%ebx, %ebx			/* kts: none */
	testq	%rbp, %rbp
	jz	2f
	movq	%rsp, %rdi			/* the timeout: copied, then checked */
	movq	%rbp, %rsi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	movq	%rsp, %rbx
	CHECK_TIMESPEC %rbx, 8f
2:	xorl	%r9d, %r9d			/* the mask, if any */
	movq	16(%rsp), %rsi
	testq	%rsi, %rsi
	jz	3f
	cmpq	$SIGSET_SIZE, 24(%rsp)
	jne	8f
	leaq	32(%rsp), %rdi
	movl	$SIGSET_SIZE, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	leaq	32(%rsp), %r9
3:	movl	%r12d, %edi
	movq	%r13, %rsi
	movq	%r14, %rdx
	movq	%r15, %rcx
	movq	%rbx, %r8
	call	core_select_user
	cmpq	$1, %rdx
	jne	9f
	pushq	%rax				/* the time left goes back */
	movq	%rbp, %rdi
	leaq	8(%rsp), %rsi
	movl	$16, %edx
	call	copy_to_user
	popq	%rax
	jmp	9f
7:	movq	$-EFAULT, %rax
	jmp	9f
8:	movq	$-EINVAL, %rax
9:	addq	$56, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
SYM_FUNC_END(sys_pselect6)
