/*
 * fork.S: new processes (and, with CLONE_VM | CLONE_THREAD, new threads of this process).
 *
 * fork, vfork and clone are one operation with different flags: kernel_clone (TypeScript, Linux's
 * copy_process) makes a task_struct and a kernel stack for the child, copies -- or, as the flags
 * say, shares -- the address space, the file descriptors and the signal handlers, and copies the
 * parent's pt_regs onto the child's kernel stack with ax = 0. The child first runs when schedule()
 * picks it, and starts in ret_from_fork (entry_64.S). The parent gets the child's pid.
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	SIGCHLD, 17
	.set	CLONE_VM, 0x100
	.set	CLONE_VFORK, 0x4000
	.set	CLONE_PARENT_SETTID, 0x100000

	.text

/* long fork(void): a copy of this process; its end is reported to us with SIGCHLD. */
SYM_FUNC_START(sys_fork)
	movl	$SIGCHLD, %edi			/* flags */
	xorl	%esi, %esi			/* no new stack: the child uses a copy of ours */
	jmp	kernel_clone_common
SYM_FUNC_END(sys_fork)

/*
 * long vfork(void): the child borrows this address space (CLONE_VM) and the parent sleeps until
 * the child calls execve or exits (CLONE_VFORK), so nothing is copied.
 */
SYM_FUNC_START(sys_vfork)
	movl	$(CLONE_VFORK | CLONE_VM | SIGCHLD), %edi
	xorl	%esi, %esi
	jmp	kernel_clone_common
SYM_FUNC_END(sys_vfork)

/*
 * long clone(unsigned long flags, void __user *stack, int __user *parent_tid,
 *            int __user *child_tid, unsigned long tls)
 * The arguments are already where kernel_clone wants them (x86-64's order).
 */
SYM_FUNC_START(sys_clone)
	jmp	kernel_clone_common
SYM_FUNC_END(sys_clone)

/* kernel_clone(flags, newsp, parent_tid, child_tid, tls) for the three calls above */
SYM_FUNC_START_LOCAL(kernel_clone_common)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %rbx			/* flags */
	movq	%rdx, %r12			/* parent_tid (user) */
	movq	PER_CPU_VAR(PCPU_top_of_stack), %r9
	subq	$PT_REGS_SIZE, %r9		/* our pt_regs: what the child starts from */
	movl	$VMCALL_kernel_clone, %eax
	vmcall					/* the child's pid, or -errno */
	testq	%rax, %rax
	js	9f
	movq	%rax, %r13
	testq	$CLONE_PARENT_SETTID, %rbx	/* the parent wants the child's id in its memory */
	jz	1f
	pushq	%rax
	movq	%r12, %rdi
	movq	%rsp, %rsi			/* from the copy just pushed */
	movl	$4, %edx
	call	copy_to_user
	popq	%rcx
1:	testq	$CLONE_VFORK, %rbx		/* vfork: sleep until the child lets go of our memory */
	jz	2f
	movq	%r13, %rdi
	SLEEPING_SERVICE wait_for_vfork_done
2:	movq	%r13, %rax
9:	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(kernel_clone_common)
