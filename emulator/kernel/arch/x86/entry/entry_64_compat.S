/*
 * entry_64_compat.S: the doors of i386 programs into the 64-bit kernel. An i386 program runs in
 * compatibility mode (its code segment is __USER32_CS, a 32-bit segment of the 64-bit CPU); it
 * asks the kernel for something with the i386 system call convention:
 *	%eax  system call number (from the i386 table, syscall_32.tbl: 4 is write, 1 is exit)
 *	%ebx arg0, %ecx arg1, %edx arg2, %esi arg3, %edi arg4, %ebp arg5
 * Only the low 32 bits count: that is how a 64-bit program that uses int $0x80 gets surprised.
 *
 * Two doors lead here:
 *	int $0x80	the old one, through the IDT (any CPU, any mode): entry_INT80_compat;
 *	sysenter	the fast one (Intel), through __kernel_vsyscall in the 32-bit vDSO, which the
 *			program calls instead of choosing an instruction itself: entry_SYSENTER_compat.
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "asm/asm.h"
#include "asm/vdso-image-32.h"
#include "linux/linkage.h"
#include "calling.h"

	.set	X86_EFLAGS_TF, 0x100		/* trap flag: single-stepping */
	.set	X86_EFLAGS_IF, 0x200		/* interrupts enabled */
	.set	X86_EFLAGS_IF_BIT, 9
	.set	X86_EFLAGS_RF, 0x10000		/* resume flag */
	.set	X86_EFLAGS_VM, 0x20000		/* virtual-8086 mode */

	.text

/*
 * int $0x80 goes through the IDT gate set up in idt.S (DPL 3, so user mode may use it). The CPU
 * switches to the kernel stack from the TSS and pushes ss, sp, flags, cs and ip: everything the
 * way back (IRETQ) needs is saved by the hardware.
 */
SYM_CODE_START(entry_INT80_compat)
	swapgs					/* int $0x80 only comes from user mode */
	pushq	%rax				/* pt_regs->orig_ax */
	PUSH_AND_CLEAR_REGS rax=$-ENOSYS
	movq	%rsp, %rdi
	call	do_int80_syscall_32
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(entry_INT80_compat)

/*
 * SYSENTER (Intel SDM vol. 2B, "SYSENTER") does much less than int $0x80, which is why it is fast:
 *	CS, SS <- MSR_IA32_SYSENTER_CS (__KERNEL_CS), and + 8	(ring 0, 64-bit mode)
 *	%rsp   <- MSR_IA32_SYSENTER_ESP				(a small per-CPU entry stack)
 *	%rip   <- MSR_IA32_SYSENTER_EIP = entry_SYSENTER_compat	(syscall_init set all three)
 *	RFLAGS.IF <- 0
 * It saves nothing: the user's EIP and ESP are lost. The vDSO's __kernel_vsyscall, the only
 * place SYSENTER is used from, arranged for that: it pushed %ecx, %edx and %ebp (argument 5)
 * and put the user stack pointer in %ebp; and the kernel knows where to return: the
 * int80_landing_pad label of the same vDSO.
 */
SYM_CODE_START(entry_SYSENTER_compat)
	swapgs					/* %gs now points at this CPU's data */
	movq	PER_CPU_VAR(PCPU_top_of_stack), %rsp	/* leave the entry stack for the task's kernel stack */

	/* Build struct pt_regs. What SYSENTER lost gets placeholders, filled in by do_SYSENTER_32. */
	pushq	$__USER_DS			/* pt_regs->ss */
	pushq	$0				/* pt_regs->sp: the user stack, from %ebp */
	pushfq					/* pt_regs->flags (IF is 0 here; do_SYSENTER_32 sets it) */
	pushq	$__USER32_CS			/* pt_regs->cs */
	pushq	$0				/* pt_regs->ip: the vDSO's landing pad */
	movl	%eax, %eax			/* the call number is 32 bits wide: zero-extend it */
	pushq	%rax				/* pt_regs->orig_ax */
	PUSH_AND_CLEAR_REGS rax=$-ENOSYS
	cld					/* SYSENTER does not clear DF, and the kernel's string copies go up */

	movq	%rsp, %rdi
	call	do_SYSENTER_32			/* the call itself; %eax = 1 if SYSEXIT may return */
	testl	%eax, %eax
	jz	swapgs_restore_regs_and_return_to_usermode	/* no: the careful way, IRETQ */

	/*
	 * The fast way back, SYSEXIT (as Linux's i386 kernel, and its x86-64 kernels before 4.2, do;
	 * newer x86-64 kernels use SYSRETL here). SYSEXIT restores even less than SYSENTER saved:
	 *	%eip <- %edx, %esp <- %ecx, CS <- __USER32_CS, SS <- __USER_DS	(ring 3, 32-bit)
	 * so %edx and %ecx carry the landing pad and the user stack, and __kernel_vsyscall pops the
	 * caller's %edx and %ecx back. Every other register comes from pt_regs.
	 */
sysexit_from_sys_call:
	POP_REGS				/* %eax: the result; %ebp: argument 5, the caller's %ebp */
	movl	RIP-ORIG_RAX(%rsp), %edx	/* where SYSEXIT jumps: int80_landing_pad */
	movl	RSP-ORIG_RAX(%rsp), %ecx	/* and the stack it returns on */
	addq	$EFLAGS-ORIG_RAX, %rsp		/* %rsp at pt_regs->flags */
	btrq	$X86_EFLAGS_IF_BIT, (%rsp)	/* restore the flags but IF, which STI sets last: */
	popfq					/* no interrupt may come between here and SYSEXIT */
	swapgs					/* give the user back its %gs */
	sti					/* takes effect after the next instruction */
	sysexit					/* ring 3, compatibility mode, at int80_landing_pad */
SYM_CODE_END(entry_SYSENTER_compat)

/*
 * bool do_SYSENTER_32(struct pt_regs *regs): puts back in pt_regs what SYSENTER lost, then makes
 * the call (in Linux this and the next function are C, in arch/x86/entry/common.c).
 */
SYM_FUNC_START(do_SYSENTER_32)
	movq	RBP(%rdi), %rax
	movq	%rax, RSP(%rdi)			/* regs->sp = regs->bp: __kernel_vsyscall's `movl %esp, %ebp` */
	orq	$X86_EFLAGS_IF, EFLAGS(%rdi)	/* SYSENTER cleared IF; in user mode it is always set */
	jmp	do_fast_syscall_32
SYM_FUNC_END(do_SYSENTER_32)

/*
 * bool do_fast_syscall_32(struct pt_regs *regs): a call through the vDSO, made to look as if it had
 * come through int $0x80 from the vDSO. Returns 1 when the fast return (SYSEXIT) is possible, 0
 * when pt_regs changed in a way only IRETQ can return to (a signal handler, sigreturn, execve).
 */
SYM_FUNC_START(do_fast_syscall_32)
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %rbx			/* %rbx = regs, kept across calls */

	/*
	 * The user continues at int80_landing_pad in its vDSO (mm->context.vdso + the offset the vDSO
	 * build reported): right after an int $0x80, so that a restarted call (regs->ip -= 2) makes
	 * it again through int $0x80.
	 */
	GET_CURRENT(%rax)
	movq	TASK_vdso(%rax), %r12
	addq	$vdso_image_32_sym_int80_landing_pad, %r12
	movq	%r12, RIP(%rbx)

	/*
	 * Argument 5 is not in %ebp any more (the vDSO needed %ebp for the stack pointer): it is the
	 * first word on the user stack, where __kernel_vsyscall pushed it. Reading user memory may
	 * fault: the load is in the exception table, so a bad stack gives -EFAULT, not an oops. (The
	 * pointer is 32 bits wide: it cannot reach the kernel's half, so no access_ok is needed.)
	 */
	movl	RSP(%rbx), %eax
1:	movl	(%rax), %eax			/* __get_user(regs->bp, (u32 *)regs->sp) */
	movq	%rax, RBP(%rbx)

	/* Now this is just like a call through int $0x80: traced, dispatched, traced. */
	GET_CURRENT(%rax)
	testq	$_TIF_SYSCALL_TRACE, TASK_flags(%rax)
	jz	2f
	movq	%rbx, %rdi
	call	syscall_trace_enter		/* the tracer sees it come from here: the SYSENTER door */
2:	movq	%rbx, %rdi
	call	do_syscall_32_irqs_on		/* the ia32_sys_call_table dispatch (common.S) */
	GET_CURRENT(%rax)
	testq	$_TIF_SYSCALL_TRACE, TASK_flags(%rax)
	jz	3f
	movq	%rbx, %rdi
	call	syscall_trace_exit
3:	movq	%rbx, %rdi
	call	exit_to_user_mode		/* signals, rescheduling */

	/*
	 * SYSEXIT can only return to the landing pad, in __USER32_CS with __USER_DS, and not with TF
	 * (single-stepping), RF or VM set: anything else takes IRETQ.
	 */
	xorl	%eax, %eax
	cmpq	%r12, RIP(%rbx)
	jne	4f
	cmpq	$__USER32_CS, CS(%rbx)
	jne	4f
	cmpq	$__USER_DS, SS(%rbx)
	jne	4f
	testq	$(X86_EFLAGS_RF | X86_EFLAGS_TF | X86_EFLAGS_VM), EFLAGS(%rbx)
	jnz	4f
	movl	$1, %eax
4:	popq	%r12
	popq	%rbx
	ret

9:	/* The user stack could not be read: the program broke the vDSO's convention. */
	movq	$-EFAULT, RAX(%rbx)
	movq	%rbx, %rdi
	call	exit_to_user_mode
	xorl	%eax, %eax
	jmp	4b
	_ASM_EXTABLE(1b, 9b)
SYM_FUNC_END(do_fast_syscall_32)

/*
 * The stack SYSENTER switches to (MSR_IA32_SYSENTER_ESP). entry_SYSENTER_compat leaves it at
 * once; Linux keeps one per CPU in the cpu_entry_area, for an NMI that would hit the first
 * instruction.
 */
	.bss
	.balign	64
SYM_DATA_START(cpu_entry_stack)
	.zero	512
SYM_DATA_END(cpu_entry_stack)
cpu_entry_stack_top:
	.globl	cpu_entry_stack_top
