/*
 * exit.S: the end of a process. do_exit (TypeScript) closes its files, frees its memory and
 * records the status; it does not return to this task.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/* void exit(int error_code): this thread */
SYM_FUNC_START(sys_exit)
	xorl	%esi, %esi
	movl	$VMCALL_do_exit, %eax
	vmcall
	ud2					/* not reached */
SYM_FUNC_END(sys_exit)

/* void exit_group(int error_code): every thread of the process */
SYM_FUNC_START(sys_exit_group)
	movl	$1, %esi
	movl	$VMCALL_do_exit, %eax
	vmcall
	ud2
SYM_FUNC_END(sys_exit_group)
