/*
 * signal.S: installing signal handlers and masks. The kernel records them (delivery through a
 * signal frame on the user stack comes with the processes work); the structures are copied in
 * and out like any other.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	SIGACTION_SIZE, 32		/* handler, flags, restorer, mask */

	.text

/*
 * long rt_sigaction(int sig, const struct sigaction __user *act, struct sigaction __user *oact,
 *                   size_t sigsetsize)
 */
SYM_FUNC_START(sys_rt_sigaction)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r13			/* sig */
	movq	%rdx, %r12			/* oact (user) */
	movq	%rcx, %r14			/* sigsetsize */
	xorl	%r15d, %r15d			/* act (kernel copy) */
	testq	%rsi, %rsi
	jz	1f
	LOAD_KBUF_PATH %rdi
	movl	$SIGACTION_SIZE, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %r15
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
	movl	$SIGACTION_SIZE, %edx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_rt_sigaction)

/* long rt_sigprocmask(int how, sigset_t __user *set, sigset_t __user *oset, size_t sigsetsize) */
SYM_FUNC_START(sys_rt_sigprocmask)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r13
	movq	%rdx, %r12
	movq	%rcx, %r14
	xorl	%r15d, %r15d
	testq	%rsi, %rsi
	jz	1f
	LOAD_KBUF_PATH %rdi
	movl	$8, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %r15
1:	movq	%r13, %rdi
	movq	%r15, %rsi
	xorl	%edx, %edx
	testq	%r12, %r12
	jz	2f
	LOAD_KBUF_DATA %rdx
2:	movq	%r14, %rcx
	movl	$VMCALL_sigprocmask, %eax
	vmcall
	testq	%r12, %r12
	jz	9f
	movl	$8, %edx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_rt_sigprocmask)

/* long kill(pid_t pid, int sig) */
	NATIVE_SYSCALL sys_kill, kill_something_info
/* long tgkill(pid_t tgid, pid_t pid, int sig) */
	NATIVE_SYSCALL sys_tgkill, do_tkill
/* long tkill(pid_t pid, int sig): tgkill without the thread group check */
SYM_FUNC_START(sys_tkill)
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$-1, %rdi
	movl	$VMCALL_do_tkill, %eax
	vmcall
	ret
SYM_FUNC_END(sys_tkill)

/*
 * long rt_sigreturn(void): called by the handler's restorer after the handler returned. It takes
 * no arguments: the saved registers are in the frame on the user stack, found from pt_regs.
 */
SYM_FUNC_START(sys_rt_sigreturn)
	movq	PER_CPU_VAR(PCPU_top_of_stack), %rdi
	subq	$PT_REGS_SIZE, %rdi		/* current_pt_regs() */
	movl	$VMCALL_rt_sigreturn, %eax
	vmcall					/* returns the restored %rax, which do_syscall_64 stores back */
	ret
SYM_FUNC_END(sys_rt_sigreturn)

/*
 * Waiting for a signal. Both sleep until a signal that needs the task arrives (one that is not
 * blocked and not ignored); the handler runs, and the call then fails with EINTR -- the only way
 * these calls ever return.
 */

/* long pause(void) */
SYM_FUNC_START(sys_pause)
	SLEEPING_SERVICE sys_pause_wait
	ret
SYM_FUNC_END(sys_pause)

/*
 * long rt_sigsuspend(sigset_t __user *unewset, size_t sigsetsize): wait with `unewset` as the
 * mask; the old mask comes back when the handler returns (it is the one saved in the frame).
 */
SYM_FUNC_START(sys_rt_sigsuspend)
	pushq	%r12
	movq	%rsi, %r12			/* sigsetsize */
	movq	%rdi, %rsi			/* from: the user's mask */
	LOAD_KBUF_PATH %rdi			/* to: the kernel copy */
	movl	$8, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %rdi
	movq	%r12, %rsi
	SLEEPING_SERVICE do_sigsuspend		/* do_sigsuspend(kmask, sigsetsize) */
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r12
	ret
SYM_FUNC_END(sys_rt_sigsuspend)

/*
 * long sigaltstack(const stack_t __user *uss, stack_t __user *uoss): another stack for handlers
 * installed with SA_ONSTACK (a handler for SIGSEGV after a stack overflow needs one).
 * stack_t is { void *ss_sp; int ss_flags; size_t ss_size; }: 24 bytes.
 */
SYM_FUNC_START(sys_sigaltstack)
	pushq	%r12
	pushq	%r13
	movq	%rsi, %r12			/* uoss */
	xorl	%r13d, %r13d			/* the new stack's kernel copy, if any */
	testq	%rdi, %rdi
	jz	1f
	movq	%rdi, %rsi
	LOAD_KBUF_PATH %rdi
	movl	$24, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %r13
1:	movq	%r13, %rdi
	LOAD_KBUF_DATA %rsi
	movl	$VMCALL_do_sigaltstack, %eax
	vmcall					/* do_sigaltstack(kss or 0, koss) */
	testq	%r12, %r12
	jz	9f
	movl	$24, %edx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_sigaltstack)
