/*
 * syscalls.h: the shapes most system call handlers share, as GAS macros.
 *
 * Handlers are called by do_syscall_64 like C functions: arguments in %rdi %rsi %rdx %rcx %r8
 * %r9, result in %rax (a value, or -errno). The heavy work (files, memory maps) is done by the
 * emulator's TypeScript services, reached with `vmcall` (%eax = service number, the same argument
 * registers, result in %rax, and for services that fill a kernel buffer its length in %rdx).
 * Services only ever see kernel pointers: user memory is copied here, in machine code.
 */
#include "asm/percpu.h"
#include "asm/vmcall.h"

/* A system call whose arguments need no copying (numbers, file descriptors, addresses). */
.macro NATIVE_SYSCALL name, service
SYM_FUNC_START(\name)
	movl	$VMCALL_\service, %eax
	vmcall
	ret
SYM_FUNC_END(\name)
.endm

/* %reg = this task's path buffer (PATH_MAX bytes) */
.macro LOAD_KBUF_PATH reg
	GET_CURRENT(\reg)
	movq	TASK_kbuf(\reg), \reg
.endm

/* %reg = this task's data buffer (KBUF_DATA bytes) */
.macro LOAD_KBUF_DATA reg
	LOAD_KBUF_PATH \reg
	addq	$PATH_MAX, \reg
.endm
