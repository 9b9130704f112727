/*
 * utimes.S: a file's access and modification times. utimensat takes two struct timespec (atime,
 * mtime); a tv_nsec of UTIME_NOW means "now", UTIME_OMIT "leave it". No times at all means both
 * now -- what `touch` asks for.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/*
 * long utimensat(int dfd, const char __user *filename, struct __kernel_timespec __user *utimes,
 *                int flags)
 * A NULL filename means the file dfd is open on (futimens).
 */
SYM_FUNC_START(sys_utimensat)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r12			/* dfd */
	movq	%rdx, %r14			/* utimes (user) */
	movq	%rcx, %r15			/* flags */
	xorl	%r13d, %r13d			/* the kernel copy of the path, or NULL */
	testq	%rsi, %rsi
	jz	1f
	movq	%rsi, %rdi
	call	getname
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR */
	jae	9f
	movq	%rax, %r13
1:	testq	%r14, %r14			/* the times, if any, into the data buffer */
	jz	2f
	LOAD_KBUF_DATA %rdi
	movq	%r14, %rsi
	movl	$32, %edx			/* struct __kernel_timespec times[2] */
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_DATA %r14
2:	movq	%r12, %rdi
	movq	%r13, %rsi
	movq	%r14, %rdx
	movq	%r15, %rcx
	movl	$VMCALL_do_utimes, %eax
	vmcall					/* do_utimes(dfd, kpath, ktimes, flags) */
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_utimensat)
