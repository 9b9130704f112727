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
