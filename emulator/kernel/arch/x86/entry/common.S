/*
 * common.S: the system call dispatcher. In Linux this is C (arch/x86/entry/common.c); here it is
 * the same steps in assembly, so you can step through them:
 *
 *	1. if a tracer is attached (strace, Trapdoor's timeline), let it see the call;
 *	2. check the number against the table's size;
 *	3. load the arguments from pt_regs into the C argument registers;
 *	4. call through sys_call_table -- the dispatch;
 *	5. store the result in pt_regs->ax, where the return path picks it up;
 *	6. let the tracer see the result;
 *	7. before going back to user mode, deliver any pending signal (exit_to_user_mode).
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "linux/linkage.h"
#include "asm/vmcall.h"

	.text

/* void do_syscall_64(struct pt_regs *regs, int nr) */
SYM_FUNC_START(do_syscall_64)
	pushq	%rbx
	movq	%rdi, %rbx			/* %rbx = regs, kept across calls */

	GET_CURRENT(%rax)
	testq	$_TIF_SYSCALL_TRACE, TASK_flags(%rax)
	jz	1f
	movq	%rbx, %rdi
	call	syscall_trace_enter		/* step 1 */

1:	movq	ORIG_RAX(%rbx), %rax		/* the number, as the user put it in %rax */
	cmpq	$NR_syscalls, %rax		/* step 2: unsigned, so negative numbers fail too */
	jae	2f

	movq	RDI(%rbx), %rdi			/* step 3: arguments 0..5 */
	movq	RSI(%rbx), %rsi
	movq	RDX(%rbx), %rdx
	movq	R10(%rbx), %rcx			/* user %r10 becomes the C ABI's 4th argument, %rcx */
	movq	R8(%rbx), %r8
	movq	R9(%rbx), %r9
	call	*sys_call_table(, %rax, 8)	/* step 4: sys_call_table[nr](arg0, ..., arg5) */
	movq	%rax, RAX(%rbx)			/* step 5 */
	jmp	3f

2:	call	sys_ni_syscall			/* no such system call: -ENOSYS */
	movq	%rax, RAX(%rbx)

3:	GET_CURRENT(%rax)
	testq	$_TIF_SYSCALL_TRACE, TASK_flags(%rax)
	jz	4f
	movq	%rbx, %rdi
	call	syscall_trace_exit		/* step 6 */
4:	movq	%rbx, %rdi
	call	exit_to_user_mode		/* step 7 */
	popq	%rbx
	ret
SYM_FUNC_END(do_syscall_64)

/*
 * void do_int80_syscall_32(struct pt_regs *regs): the same for int $0x80, with the i386 table
 * and the i386 registers (the SYSENTER door, do_fast_syscall_32 in entry_64_compat.S, shares
 * the dispatch below).
 */
SYM_FUNC_START(do_int80_syscall_32)
	pushq	%rbx
	movq	%rdi, %rbx

	GET_CURRENT(%rax)
	testq	$_TIF_SYSCALL_TRACE, TASK_flags(%rax)
	jz	1f
	movq	%rbx, %rdi
	call	syscall_trace_enter		/* step 1 */

1:	movq	%rbx, %rdi
	call	do_syscall_32_irqs_on		/* steps 2 to 5, with the i386 table */

	GET_CURRENT(%rax)
	testq	$_TIF_SYSCALL_TRACE, TASK_flags(%rax)
	jz	2f
	movq	%rbx, %rdi
	call	syscall_trace_exit		/* step 6 */
2:	movq	%rbx, %rdi
	call	exit_to_user_mode		/* step 7 */
	popq	%rbx
	ret
SYM_FUNC_END(do_int80_syscall_32)

/*
 * void do_syscall_32_irqs_on(struct pt_regs *regs): the i386 dispatch. The number and the
 * arguments are 32 bits wide: `movl` zero-extends them.
 */
SYM_FUNC_START(do_syscall_32_irqs_on)
	pushq	%rbx
	movq	%rdi, %rbx
	movl	ORIG_RAX(%rbx), %eax		/* only %eax counts */
	cmpq	$IA32_NR_syscalls, %rax
	jae	1f

	movl	RBX(%rbx), %edi			/* i386 order: ebx, ecx, edx, esi, edi, ebp */
	movl	RCX(%rbx), %esi
	movl	RDX(%rbx), %edx
	movl	RSI(%rbx), %ecx
	movl	RDI(%rbx), %r8d
	movl	RBP(%rbx), %r9d
	call	*ia32_sys_call_table(, %rax, 8)
	movq	%rax, RAX(%rbx)
	popq	%rbx
	ret

1:	call	sys_ni_syscall			/* no such system call: -ENOSYS */
	movq	%rax, RAX(%rbx)
	popq	%rbx
	ret
SYM_FUNC_END(do_syscall_32_irqs_on)

/*
 * void exit_to_user_mode(struct pt_regs *regs): the last stop before user mode, where pending
 * work is done (Linux's exit_to_user_mode_loop):
 *	_TIF_NEED_RESCHED	the time slice is over: let another task run first (schedule());
 *	_TIF_SIGPENDING		a signal waits: for a handler, arch_do_signal_or_restart rewrites
 *				pt_regs so that the return "to user mode" enters the handler, on a
 *				signal frame pushed onto the user's stack.
 * Each may cause the other (a task that ran meanwhile may send us a signal), hence the loop.
 */
SYM_FUNC_START(exit_to_user_mode)
	pushq	%rbx
	movq	%rdi, %rbx			/* regs, kept across schedule() */
1:	GET_CURRENT(%rax)
	testq	$_TIF_NEED_RESCHED, TASK_flags(%rax)
	jz	2f
	call	schedule			/* returns when this task's turn comes again */
	jmp	1b
2:	testq	$_TIF_SIGPENDING, TASK_flags(%rax)
	jz	3f
	movq	%rbx, %rdi
	movl	$VMCALL_arch_do_signal_or_restart, %eax
	vmcall
	jmp	1b
3:	popq	%rbx
	ret
SYM_FUNC_END(exit_to_user_mode)

/* void sysvec_apic_timer_interrupt(struct pt_regs *regs): the tick (see entry_64.S). */
SYM_FUNC_START(sysvec_apic_timer_interrupt)
	movl	$VMCALL_sysvec_apic_timer_interrupt, %eax
	vmcall					/* sets _TIF_NEED_RESCHED */
	ret
SYM_FUNC_END(sysvec_apic_timer_interrupt)

/* The tracer's hooks (ptrace in Linux): the emulator records the event from pt_regs. */
SYM_FUNC_START(syscall_trace_enter)
	movl	$VMCALL_syscall_trace_enter, %eax
	vmcall
	ret
SYM_FUNC_END(syscall_trace_enter)

SYM_FUNC_START(syscall_trace_exit)
	movl	$VMCALL_syscall_trace_exit, %eax
	vmcall
	ret
SYM_FUNC_END(syscall_trace_exit)

/* long sys_ni_syscall(void): every number without a handler lands here. */
SYM_FUNC_START(sys_ni_syscall)
	movq	$-ENOSYS, %rax
	ret
SYM_FUNC_END(sys_ni_syscall)
