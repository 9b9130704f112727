/*
 * extable.S: searching the exception table (see asm/asm.h for how entries are made).
 *
 * Each entry is two 32-bit offsets, each relative to its own address:
 *	insn:  where the faulting instruction is
 *	fixup: where to continue instead
 * The linker gathers every file's entries into the section __ex_table, between the symbols
 * __start___ex_table and __stop___ex_table.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"

	.text

/* int fixup_exception(struct pt_regs *regs): 1 and regs->ip = fixup if the fault is expected */
SYM_FUNC_START(fixup_exception)
	movq	RIP(%rdi), %rax			/* where the fault happened */
	leaq	__start___ex_table(%rip), %rsi
	leaq	__stop___ex_table(%rip), %r8
1:	cmpq	%r8, %rsi
	jae	3f				/* not in the table */
	movslq	(%rsi), %rdx
	addq	%rsi, %rdx			/* entry->insn + &entry->insn */
	cmpq	%rax, %rdx
	jne	2f
	movslq	4(%rsi), %rdx
	leaq	4(%rsi, %rdx), %rdx		/* entry->fixup + &entry->fixup */
	movq	%rdx, RIP(%rdi)			/* the iretq will continue there */
	movl	$1, %eax
	ret
2:	addq	$8, %rsi
	jmp	1b
3:	xorl	%eax, %eax
	ret
SYM_FUNC_END(fixup_exception)
