/*
 * asm.h: the exception table. A kernel instruction that may fault on a user address (inside
 * copy_from_user and friends) is listed in __ex_table with the place to continue at. When the
 * page fault handler sees a fault at a listed address in kernel mode it jumps to the fixup, which
 * turns the fault into -EFAULT instead of a crash. Entries are 32-bit offsets relative to
 * themselves, as Linux stores them, so the table needs no relocation.
 */
#ifndef _ASM_X86_ASM_H
#define _ASM_X86_ASM_H

#define _ASM_EXTABLE(from, to)				\
	.pushsection __ex_table, "a" ;			\
	.balign 4 ;					\
	.long (from) - . ;				\
	.long (to) - . ;				\
	.popsection

#endif
