/*
 * entry_64_compat.S: the old door, int $0x80, used by i386 programs and still open to 64-bit
 * ones. INT 0x80 goes through the IDT gate set up in idt.S (DPL 3, so user mode may use it). The
 * CPU switches to the kernel stack from the TSS and pushes ss, sp, flags, cs and ip.
 *
 * Registers on entry, the i386 system call convention:
 *	%eax  system call number (from the i386 table, syscall_32.tbl: 4 is write, 1 is exit)
 *	%ebx arg0, %ecx arg1, %edx arg2, %esi arg3, %edi arg4, %ebp arg5
 * Only the low 32 bits count: that is how a 64-bit program that uses int $0x80 gets surprised.
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "linux/linkage.h"
#include "calling.h"

	.text

SYM_CODE_START(entry_INT80_compat)
	swapgs					/* int $0x80 only comes from user mode */
	pushq	%rax				/* pt_regs->orig_ax */
	PUSH_AND_CLEAR_REGS rax=$-ENOSYS
	movq	%rsp, %rdi
	call	do_int80_syscall_32
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(entry_INT80_compat)
