/*
 * usercopy_64.S: the only way the kernel touches user memory.
 *
 * A user pointer can be anything: NULL, a kernel address, an unmapped page. So before copying,
 * access_ok checks that the whole range lies below TASK_SIZE_MAX (a user may not make the kernel
 * read kernel memory for it); and while copying, a page fault on the user side is expected: the
 * copy instruction is in the exception table, the fault handler jumps to the fixup, and the
 * function returns how much it could not copy. The callers turn that into -EFAULT.
 */
#include "asm/asm-offsets.h"
#include "asm/asm.h"
#include "linux/linkage.h"

	.text

/*
 * bool access_ok(const void __user *addr, unsigned long size)
 * Whether [addr, addr+size) lies entirely in user space. It says nothing about whether the pages
 * are mapped: that is found out by copying (and the exception table).
 */
SYM_FUNC_START(access_ok)
	movabsq	$TASK_SIZE_MAX, %r8
	movq	%rdi, %rax
	addq	%rsi, %rax
	jc	9f				/* wraps around */
	cmpq	%r8, %rax
	ja	9f				/* ends in the kernel's half */
	cmpq	%r8, %rdi
	ja	9f				/* starts there (size 0) */
	movl	$1, %eax
	ret
9:	xorl	%eax, %eax
	ret
SYM_FUNC_END(access_ok)

/*
 * unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
 * Returns the number of bytes NOT copied: 0 on success.
 */
SYM_FUNC_START(copy_from_user)
	movq	%rdx, %rcx			/* count for rep movsb */
	movq	%rsi, %rax			/* access_ok(from, n) */
	addq	%rdx, %rax
	jc	9f				/* the range wraps around */
	movabsq	$TASK_SIZE_MAX, %r8
	cmpq	%r8, %rax
	ja	9f				/* it reaches into the kernel's half */
1:	rep movsb				/* may fault on the user side */
2:	movq	%rcx, %rax			/* bytes left: 0, or where the fault stopped us */
	ret
9:	movq	%rdx, %rax			/* refused: nothing copied */
	ret
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(copy_from_user)

/* unsigned long copy_to_user(void __user *to, const void *from, unsigned long n) */
SYM_FUNC_START(copy_to_user)
	movq	%rdx, %rcx
	movq	%rdi, %rax			/* access_ok(to, n) */
	addq	%rdx, %rax
	jc	9f
	movabsq	$TASK_SIZE_MAX, %r8
	cmpq	%r8, %rax
	ja	9f
1:	rep movsb
2:	movq	%rcx, %rax
	ret
9:	movq	%rdx, %rax
	ret
	_ASM_EXTABLE(1b, 2b)
SYM_FUNC_END(copy_to_user)

/*
 * long strncpy_from_user(char *dst, const char __user *src, long count)
 * Copies a NUL-terminated string: returns its length (without the NUL), count if no NUL came
 * within count bytes (the caller says -ENAMETOOLONG), or -EFAULT.
 */
SYM_FUNC_START(strncpy_from_user)
	movabsq	$TASK_SIZE_MAX, %r8
	cmpq	%r8, %rsi
	jae	9f				/* a kernel pointer */
	subq	%rsi, %r8			/* never read past the end of user space */
	cmpq	%r8, %rdx
	cmova	%r8, %rdx
	xorl	%eax, %eax
1:	cmpq	%rdx, %rax
	jae	3f
2:	movb	(%rsi, %rax), %cl		/* may fault */
	movb	%cl, (%rdi, %rax)
	testb	%cl, %cl
	jz	3f				/* the NUL: %rax is the length */
	incq	%rax
	jmp	1b
3:	ret
9:	movq	$-EFAULT, %rax
	ret
	_ASM_EXTABLE(2b, 9b)
SYM_FUNC_END(strncpy_from_user)
