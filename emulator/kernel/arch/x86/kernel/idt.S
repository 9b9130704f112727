/*
 * idt.S: the Interrupt Descriptor Table. Entry n tells the CPU where to go for vector n
 * (an exception, or `int $n`), and from which privilege level software may raise it.
 *
 * A 64-bit gate is 16 bytes (Intel SDM vol. 3A, 6.14.1):
 *	0: offset 15:0   2: code segment selector   4: IST index   5: type and DPL
 *	6: offset 31:16  8: offset 63:32           12: reserved
 * Type 0x8E: present, DPL 0, interrupt gate (only the CPU or the kernel raises it).
 * Type 0xEE: present, DPL 3 -- `int3` and `int $0x80` are allowed from user mode.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"

.macro set_gate vector, handler, type
	leaq	\handler(%rip), %rax
	leaq	idt_table + \vector * 16(%rip), %rdi
	movw	%ax, (%rdi)			/* offset 15:0 */
	movw	$__KERNEL_CS, 2(%rdi)		/* run the handler in the kernel's code segment */
	movb	$0, 4(%rdi)			/* IST 0: use the stack from the TSS */
	movb	$\type, 5(%rdi)
	shrq	$16, %rax
	movw	%ax, 6(%rdi)			/* offset 31:16 */
	shrq	$16, %rax
	movl	%eax, 8(%rdi)			/* offset 63:32 */
	movl	$0, 12(%rdi)
.endm

	.text

SYM_FUNC_START(idt_setup)
	set_gate 0,    asm_exc_divide_error,		0x8e
	set_gate 3,    asm_exc_int3,			0xee
	set_gate 6,    asm_exc_invalid_op,		0x8e
	set_gate 13,   asm_exc_general_protection,	0x8e
	set_gate 14,   asm_exc_page_fault,		0x8e
	set_gate 0x80, entry_INT80_compat,		0xee
	set_gate LOCAL_TIMER_VECTOR, asm_sysvec_apic_timer_interrupt, 0x8e	/* the scheduler's tick */
	lidt	idt_descr(%rip)			/* load the table's size and address */
	ret
SYM_FUNC_END(idt_setup)

	.data
	.balign 8
idt_descr:
	.word	256 * 16 - 1			/* limit */
	.quad	idt_table			/* base */

	.bss
	.balign 4096
SYM_DATA_START(idt_table)
	.zero	256 * 16
SYM_DATA_END(idt_table)
