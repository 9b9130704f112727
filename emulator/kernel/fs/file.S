/*
 * file.S: file descriptors: close, dup, fcntl, ioctl, umask. These pass numbers only, except
 * ioctl, whose third argument may point at a structure the call fills (TCGETS: struct termios,
 * TIOCGWINSZ: struct winsize): the service says how many bytes of the data buffer to copy out.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

	NATIVE_SYSCALL sys_close, ksys_close	/* long close(unsigned int fd) */
	NATIVE_SYSCALL sys_dup, ksys_dup	/* long dup(unsigned int fildes) */
	NATIVE_SYSCALL sys_dup3, ksys_dup3	/* long dup3(unsigned int oldfd, unsigned int newfd, int flags) */
	NATIVE_SYSCALL sys_fcntl, do_fcntl	/* long fcntl(unsigned int fd, unsigned int cmd, unsigned long arg) */
	NATIVE_SYSCALL sys_umask, ksys_umask	/* long umask(int mask) */

/* long dup2(unsigned int oldfd, unsigned int newfd): dup3 without flags, but dup2(fd, fd) is fine */
SYM_FUNC_START(sys_dup2)
	xorl	%edx, %edx
	movl	$VMCALL_ksys_dup3, %eax
	movq	$-1, %rcx			/* tells the service: dup2 semantics */
	vmcall
	ret
SYM_FUNC_END(sys_dup2)

/* long ioctl(unsigned int fd, unsigned int cmd, unsigned long arg) */
SYM_FUNC_START(sys_ioctl)
	pushq	%r12
	movq	%rdx, %r12			/* arg: maybe a user pointer */
	LOAD_KBUF_DATA %rdx
	movq	%r12, %rcx			/* the service also sees arg as a number */
	movl	$VMCALL_ksys_ioctl, %eax
	vmcall					/* ksys_ioctl(fd, cmd, kbuf, arg): %rdx = bytes to copy out */
	testq	%rdx, %rdx
	jz	9f				/* nothing to hand back */
	call	copy_kbuf_result		/* to the user pointer in %r12 */
9:	popq	%r12
	ret
SYM_FUNC_END(sys_ioctl)
