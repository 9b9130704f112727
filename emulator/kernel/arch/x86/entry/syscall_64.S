/*
 * syscall_64.S: the system call tables, built from syscall_64.tbl and syscall_32.tbl.
 *
 * The build writes one `__SYSCALL(nr, handler)` line per number into the generated headers,
 * `sys_ni_syscall` wherever the table has a hole or the kernel has no handler yet. Entry i is
 * the address of the function for system call number i: do_syscall_64 calls
 * `*sys_call_table(, %rax, 8)`.
 */
#include "linux/linkage.h"

#define __SYSCALL(nr, sym)	.quad sym

	.section .rodata
	.balign 8
SYM_DATA_START(sys_call_table)
#include "generated/asm/syscalls_64.h"
SYM_DATA_END(sys_call_table)

SYM_DATA_START(ia32_sys_call_table)
#include "generated/asm/syscalls_32.h"
SYM_DATA_END(ia32_sys_call_table)
