/*
 * fault.S: what happens after an exception (see idtentry in entry_64.S).
 *
 * A fault in user mode is the program's problem: the kernel turns it into a signal (SIGSEGV for
 * a bad address, SIGILL for an invalid instruction, SIGFPE for a division by zero) and, since no
 * handler is installed yet, the process dies of it -- do_user_fault does that in TypeScript.
 *
 * A fault in kernel mode is allowed only at the few instructions listed in the exception table
 * (copy_from_user touching a bad user pointer): fixup_exception moves %rip to their fixup code,
 * which returns -EFAULT. Anything else is a kernel bug: an oops.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "asm/vmcall.h"

	.text

/* void exc_page_fault(struct pt_regs *regs, unsigned long error_code, int vector) */
SYM_FUNC_START(exc_page_fault)
	movq	%cr2, %rcx			/* the address that faulted */
	jmp	handle_fault
SYM_FUNC_END(exc_page_fault)

/* #GP: a privileged instruction in ring 3, a non-canonical address... */
SYM_FUNC_START(exc_general_protection)
	xorl	%ecx, %ecx
	jmp	handle_fault
SYM_FUNC_END(exc_general_protection)

/* #DE, #BP, #UD: no address, no error code */
SYM_FUNC_START(exc_user_fault)
	xorl	%ecx, %ecx
	jmp	handle_fault
SYM_FUNC_END(exc_user_fault)

/* (regs in %rdi, error code in %rsi, vector in %edx, address in %rcx) */
SYM_FUNC_START(handle_fault)
	testb	$3, CS(%rdi)			/* user mode? */
	jz	1f
	/* do_user_fault(vector, error_code, address, regs) */
	movq	%rdi, %r8
	movl	%edx, %edi
	movq	%rcx, %rdx
	movq	%r8, %rcx
	movl	$VMCALL_do_user_fault, %eax
	vmcall
	ret					/* back to the program, or into its signal handler */

1:	pushq	%rdi				/* kernel mode: is the instruction in __ex_table? */
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	call	fixup_exception
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	testl	%eax, %eax
	jnz	2f
	/* kernel_oops(vector, error_code, address, regs): a kernel bug, reported and fatal */
	movq	%rdi, %r8
	movl	%edx, %edi
	movq	%rcx, %rdx
	movq	%r8, %rcx
	movl	$VMCALL_kernel_oops, %eax
	vmcall
2:	ret
SYM_FUNC_END(handle_fault)
