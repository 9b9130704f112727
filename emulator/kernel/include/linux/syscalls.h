/*
 * syscalls.h: the shapes most system call handlers share, as GAS macros.
 *
 * Handlers are called by do_syscall_64 like C functions: arguments in %rdi %rsi %rdx %rcx %r8
 * %r9, result in %rax (a value, or -errno). The heavy work (files, memory maps) is done by the
 * emulator's TypeScript services, reached with `vmcall` (%eax = service number, the same argument
 * registers, result in %rax, and for services that fill a kernel buffer its length in %rdx).
 * Services only ever see kernel pointers: user memory is copied here, in machine code.
 */
#include "linux/linkage.h"
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

/*
 * SLEEPING_SERVICE service: call a service that may have to wait (for a child to exit, for data
 * in a pipe). When it must, the service puts this task to sleep on a wait queue and answers
 * WOULD_SLEEP; schedule() then runs other tasks until something wakes this one, and the question
 * is asked again (Linux's wait_event loop). The argument registers wait on the stack meanwhile.
 * Leaves the service's %rax and %rdx.
 */
.macro SLEEPING_SERVICE service
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	pushq	%r9
.Lask\@:
	movq	40(%rsp), %rdi
	movq	32(%rsp), %rsi
	movq	24(%rsp), %rdx
	movq	16(%rsp), %rcx
	movq	8(%rsp), %r8
	movq	(%rsp), %r9
	movl	$VMCALL_\service, %eax
	vmcall
	cmpq	$WOULD_SLEEP, %rax
	jne	.Lanswered\@
	call	schedule			/* asleep: other tasks run until we are woken */
	jmp	.Lask\@
.Lanswered\@:
	addq	$48, %rsp
.endm

/*
 * PATH_SYSCALL name, service, path_arg: the argument in register path_arg is a user path;
 * replace it with the kernel copy, keep the other arguments, and call the service.
 */
.macro PATH_SYSCALL name, service, path_arg
SYM_FUNC_START(\name)
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	movq	\path_arg, %rdi
	call	getname
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR: a kernel pointer is negative too */
	jae	1f
	movq	%rax, \path_arg
	movl	$VMCALL_\service, %eax
	vmcall
1:	ret
SYM_FUNC_END(\name)
.endm

/*
 * AT_FDCWD_SYSCALL name, target: the old call without a directory fd is the *at one with AT_FDCWD
 * (-100): the arguments move one register to the right.
 */
.macro AT_FDCWD_SYSCALL name, target
SYM_FUNC_START(\name)
	movq	%rdx, %rcx			/* shift the arguments right by one */
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$-100, %rdi			/* AT_FDCWD */
	jmp	\target
SYM_FUNC_END(\name)
.endm
