/*
 * exit.S: the end of a task, and a parent waiting for it.
 *
 * do_exit (TypeScript) closes the task's files, frees its memory (unless other threads share it),
 * turns it into a zombie that keeps only its exit status, and tells the parent (SIGCHLD, and a
 * wake-up if it sleeps in wait4). The zombie then calls schedule() one last time: no one will
 * pick it again. wait4 reaps it: the status is copied out and the task is gone.
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	RUSAGE_SIZE, 144
	.set	SIGINFO_SIZE, 128

	.text

/* void exit(int error_code): this thread */
SYM_FUNC_START(sys_exit)
	xorl	%esi, %esi
	movl	$VMCALL_do_exit, %eax
	vmcall
	call	schedule			/* a zombie now: this never returns */
	ud2
SYM_FUNC_END(sys_exit)

/* void exit_group(int error_code): every thread of the process */
SYM_FUNC_START(sys_exit_group)
	movl	$1, %esi
	movl	$VMCALL_do_exit, %eax
	vmcall
	call	schedule
	ud2
SYM_FUNC_END(sys_exit_group)

/*
 * long wait4(pid_t upid, int __user *stat_addr, int options, struct rusage __user *ru)
 * kernel_wait4 answers with a child that has ended (its pid; the status and the rusage in our
 * buffer), 0 for WNOHANG with none yet, -ECHILD, or WOULD_SLEEP: then we sleep until a child ends.
 */
SYM_FUNC_START(sys_wait4)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rsi, %r12			/* stat_addr */
	movq	%rcx, %r13			/* ru */
	movl	%edx, %esi			/* options */
	movslq	%edi, %rdi			/* upid: -1 any child, 0 our group, < -1 group -upid */
	LOAD_KBUF_DATA %rdx			/* kernel copies: status at +0 ... */
	leaq	8(%rdx), %rcx			/* ... rusage at +8 */
	SLEEPING_SERVICE kernel_wait4
	testq	%rax, %rax
	jle	9f				/* an error, or WNOHANG and nothing yet */
	movq	%rax, %r14
	testq	%r12, %r12			/* put_user(status, stat_addr) */
	jz	1f
	movq	%r12, %rdi
	LOAD_KBUF_DATA %rsi
	movl	$4, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	8f
1:	testq	%r13, %r13			/* the child's resource usage */
	jz	2f
	movq	%r13, %rdi
	LOAD_KBUF_DATA %rsi
	addq	$8, %rsi
	movl	$RUSAGE_SIZE, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	8f
2:	movq	%r14, %rax
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
8:	movq	$-EFAULT, %rax
	jmp	9b
SYM_FUNC_END(sys_wait4)

/*
 * long waitid(int which, pid_t upid, struct siginfo __user *infop, int options,
 *             struct rusage __user *ru)
 */
SYM_FUNC_START(sys_waitid)
	pushq	%r12
	pushq	%r13
	movq	%rdx, %r12			/* infop */
	movq	%r8, %r13			/* ru */
	movl	%ecx, %ecx			/* options */
	movslq	%esi, %rsi
	LOAD_KBUF_DATA %rdx			/* kernel copies: siginfo at +0 ... */
	leaq	SIGINFO_SIZE(%rdx), %r8		/* ... rusage after it */
	SLEEPING_SERVICE kernel_waitid
	testq	%rax, %rax
	js	9f
	testq	%r12, %r12
	jz	1f
	pushq	%rax
	movq	%r12, %rdi
	LOAD_KBUF_DATA %rsi
	movl	$SIGINFO_SIZE, %edx
	call	copy_to_user
	movq	%rax, %rcx
	popq	%rax
	testq	%rcx, %rcx
	jnz	8f
1:	testq	%r13, %r13
	jz	9f
	pushq	%rax
	movq	%r13, %rdi
	LOAD_KBUF_DATA %rsi
	addq	$SIGINFO_SIZE, %rsi
	movl	$RUSAGE_SIZE, %edx
	call	copy_to_user
	movq	%rax, %rcx
	popq	%rax
	testq	%rcx, %rcx
	jnz	8f
9:	popq	%r13
	popq	%r12
	ret
8:	movq	$-EFAULT, %rax
	jmp	9b
SYM_FUNC_END(sys_waitid)
