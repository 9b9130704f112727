/*
 * entry_64.S: the doors into the kernel from 64-bit user mode.
 *
 * A program asks the kernel for something with the SYSCALL instruction. SYSCALL does very little
 * by itself (Intel SDM vol. 2B, "SYSCALL"):
 *	%rcx   <- the address of the next instruction (where to return)
 *	%r11   <- RFLAGS
 *	RFLAGS <- RFLAGS & ~MSR_SYSCALL_MASK	(interrupts, direction and trap flags off)
 *	CS, SS <- the kernel's selectors, from MSR_STAR	(now in ring 0)
 *	%rip   <- MSR_LSTAR = entry_SYSCALL_64	(set by syscall_init at boot)
 * It does not switch stacks and saves nothing else: that is this file's job.
 *
 * Registers on entry, the x86-64 system call convention:
 *	%rax  system call number
 *	%rdi  arg0, %rsi arg1, %rdx arg2, %r10 arg3 (not %rcx: SYSCALL overwrote it), %r8 arg4, %r9 arg5
 * On return %rax holds the result (a value, or -errno); only %rcx and %r11 are clobbered.
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "linux/linkage.h"
#include "calling.h"

	.text

SYM_CODE_START(entry_SYSCALL_64)
	swapgs					/* %gs now points at this CPU's data */
	movq	%rsp, PER_CPU_VAR(PCPU_user_sp)	/* no stack yet: park the user's %rsp */
	movq	PER_CPU_VAR(PCPU_top_of_stack), %rsp	/* switch to the task's kernel stack */

	/* Build struct pt_regs: first the part an interrupt gate would have pushed... */
	pushq	$__USER_DS			/* pt_regs->ss */
	pushq	PER_CPU_VAR(PCPU_user_sp)	/* pt_regs->sp */
	pushq	%r11				/* pt_regs->flags */
	pushq	$__USER_CS			/* pt_regs->cs */
	pushq	%rcx				/* pt_regs->ip: the instruction after SYSCALL */
	pushq	%rax				/* pt_regs->orig_ax: the call number, kept for the tracer */
	/* ...then every general register. ax starts as -ENOSYS: the answer if nothing handles it. */
	PUSH_AND_CLEAR_REGS rax=$-ENOSYS

	movq	%rsp, %rdi			/* do_syscall_64(regs, nr) does the real work */
	movslq	%eax, %rsi
	call	do_syscall_64

	/*
	 * Back to user mode with SYSRET, the fast way: it reloads %rip from %rcx and RFLAGS from
	 * %r11, so put the values saved in pt_regs there. (Linux falls back to IRET when they were
	 * changed to something SYSRET cannot return to; the kernel here never changes them.)
	 */
SYM_CODE_START(syscall_return_via_sysret)
	/*
	 * SYSRET can only return to %rcx with flags %r11. After a signal frame or rt_sigreturn,
	 * pt_regs may say otherwise: then take the slower IRET path, which restores everything.
	 */
	movq	RCX(%rsp), %rcx
	cmpq	%rcx, RIP(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode
	movq	R11(%rsp), %r11
	cmpq	%r11, EFLAGS(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode
	POP_REGS				/* %rax now holds the result from pt_regs->ax */
	movq	RIP-ORIG_RAX(%rsp), %rcx	/* the return address */
	movq	EFLAGS-ORIG_RAX(%rsp), %r11	/* the user's flags */
	movq	RSP-ORIG_RAX(%rsp), %rsp	/* the user's stack: the kernel stack is left behind */
	swapgs					/* give the user back its %gs */
	sysretq					/* ring 3, %rip = %rcx, RFLAGS = %r11 */
SYM_CODE_END(syscall_return_via_sysret)
SYM_CODE_END(entry_SYSCALL_64)

/*
 * The way back after an interrupt, an exception or int $0x80 from user mode: the CPU pushed
 * ss, sp, flags, cs and ip, and IRETQ pops them again.
 */
SYM_CODE_START(swapgs_restore_regs_and_return_to_usermode)
	POP_REGS
	addq	$8, %rsp			/* drop orig_ax (or the CPU's error code) */
	swapgs
	iretq
SYM_CODE_END(swapgs_restore_regs_and_return_to_usermode)

/* The same for an exception taken in kernel mode (copy_from_user's page fault): no swapgs. */
SYM_CODE_START(restore_regs_and_return_to_kernel)
	POP_REGS
	addq	$8, %rsp
	iretq
SYM_CODE_END(restore_regs_and_return_to_kernel)

/*
 * Exceptions. The CPU enters through the IDT (see idt.S) with, on the kernel stack,
 *	ss sp flags cs ip		and, for some vectors, an error code below them.
 * idtentry makes every vector look the same: an error code (or -1) in the orig_ax slot, then
 * PUSH_AND_CLEAR_REGS, then a call to the handler with (regs, error_code).
 */
.macro idtentry vector, asmsym, cfunc, has_error_code
SYM_CODE_START(\asmsym)
	.if \has_error_code == 0
	pushq	$-1				/* no error code: orig_ax = -1 */
	.endif
	testb	$3, CS-ORIG_RAX(%rsp)		/* did we come from user mode (CPL 3)? */
	jz	1f
	swapgs					/* yes: switch to the kernel's %gs */
1:	PUSH_AND_CLEAR_REGS
	movq	%rsp, %rdi			/* struct pt_regs * */
	movq	ORIG_RAX(%rsp), %rsi		/* error code */
	movl	$\vector, %edx			/* which exception */
	call	\cfunc
	testb	$3, CS(%rsp)			/* return to where we came from */
	jz	restore_regs_and_return_to_kernel
	movq	%rsp, %rdi
	call	exit_to_user_mode		/* a fault's signal is delivered on the way out */
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(\asmsym)
.endm

	idtentry 0,  asm_exc_divide_error,	exc_user_fault,		0	/* #DE: divide by zero */
	idtentry 3,  asm_exc_int3,		exc_user_fault,		0	/* #BP: int3 */
	idtentry 6,  asm_exc_invalid_op,	exc_user_fault,		0	/* #UD: ud2, unknown opcodes */
	idtentry 13, asm_exc_general_protection, exc_general_protection, 1	/* #GP */
	idtentry 14, asm_exc_page_fault,	exc_page_fault,		1	/* #PF */
	/*
	 * The timer: when a task has used its time slice and another is waiting, the emulated local
	 * APIC raises LOCAL_TIMER_VECTOR. The handler only marks the task (_TIF_NEED_RESCHED): the
	 * switch itself happens in exit_to_user_mode, on the way back out, as in Linux.
	 */
	idtentry LOCAL_TIMER_VECTOR, asm_sysvec_apic_timer_interrupt, sysvec_apic_timer_interrupt, 0

/*
 * A new task's first instructions. copy_process (kernel_clone, in TypeScript) built the task's
 * kernel stack so that schedule(), switching to it for the first time, "returns" here with %rsp
 * at the task's pt_regs: a copy of its parent's at the fork, with ax = 0. That 0 is why fork()
 * returns 0 in the child. From here the way out is the same as after an interrupt.
 */
SYM_CODE_START(ret_from_fork)
	movq	%rsp, %rdi			/* struct pt_regs * */
	call	exit_to_user_mode		/* signals, or another reschedule */
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(ret_from_fork)
