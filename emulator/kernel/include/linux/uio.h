/*
 * uio.h: readv and writev, for read_write.S and (with 32-bit iovecs) compat.S.
 *
 * ssize_t writev(unsigned long fd, const struct iovec __user *vec, unsigned long vlen)
 * ssize_t readv(...): each struct iovec { void *iov_base; size_t iov_len; } in turn, through
 * `each` (vfs_write_user or vfs_read_user). `w` is the width of iovec's two fields: 8, or 4 for
 * an i386 caller's struct compat_iovec { u32 iov_base; u32 iov_len; }.
 */
#ifndef _LINUX_UIO_H
#define _LINUX_UIO_H
.macro VECTORED name, each, w=8
SYM_FUNC_START(\name)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movl	%edi, %r12d			/* fd */
	movq	%rsi, %r13			/* the next struct iovec */
	movq	%rdx, %r14			/* how many are left */
	xorl	%r15d, %r15d			/* total */
	cmpq	$1024, %r14			/* UIO_MAXIOV */
	ja	8f
1:	testq	%r14, %r14
	jz	6f
	subq	$(2 * \w), %rsp			/* copy the iovec itself in */
	movq	%rsp, %rdi
	movq	%r13, %rsi
	movl	$(2 * \w), %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	movl	%r12d, %edi
	.if \w == 8
	movq	(%rsp), %rsi			/* iov_base */
	movq	8(%rsp), %rdx			/* iov_len */
	.else
	movl	(%rsp), %esi			/* 32-bit fields, zero-extended */
	movl	4(%rsp), %edx
	.endif
	movq	%rdx, %rbx
	addq	$(2 * \w), %rsp
	movq	$-1, %rcx
	call	\each
	testq	%rax, %rax
	js	5f
	addq	%rax, %r15
	cmpq	%rbx, %rax
	jne	6f				/* short: stop */
	addq	$(2 * \w), %r13
	decq	%r14
	jmp	1b
5:	testq	%r15, %r15			/* an error: report it unless bytes moved */
	jz	9f
6:	movq	%r15, %rax
	jmp	9f
7:	addq	$(2 * \w), %rsp
	movq	$-EFAULT, %rax
	jmp	9f
8:	movq	$-EINVAL, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(\name)
.endm
#endif
