/*
 * futex.S: fast user-space mutexes. A lock that is free is taken in user space with one atomic
 * instruction; only a thread that must wait asks the kernel: FUTEX_WAIT sleeps while the int at
 * uaddr still holds the value the thread saw (the kernel re-reads it, so a wake-up cannot be
 * missed between the check and the sleep), FUTEX_WAKE wakes sleepers on that address.
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	FUTEX_WAIT, 0
	.set	FUTEX_CMP_REQUEUE, 4
	.set	FUTEX_WAIT_BITSET, 9
	.set	FUTEX_CMD_MASK, 0x7f		/* without FUTEX_PRIVATE_FLAG and FUTEX_CLOCK_REALTIME */

	.text

/*
 * long futex(u32 __user *uaddr, int op, u32 val, const struct __kernel_timespec __user *utime,
 *            u32 __user *uaddr2, u32 val3)
 * The kernel copies what do_futex needs into the task's buffer: the current value of *uaddr at
 * +0, the timeout at +8 (and 1 at +24 when there is one), utime as a number at +32 (the requeue
 * ops pass a count there).
 */
SYM_FUNC_START(sys_futex)
	movl	$16, %eax			/* a struct __kernel_timespec: two 64-bit words */
	jmp	do_sys_futex
SYM_FUNC_END(sys_futex)

/*
 * The body of futex and of i386's futex_time32 (compat.S), which differ only in the timeout's
 * size in %eax: 16 bytes, or 8 (two 32-bit words, widened here to a struct __kernel_timespec).
 */
SYM_FUNC_START(do_sys_futex)
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rax				/* the timeout's size, at (%rsp) */
	movq	%rdi, %rbx			/* uaddr */
	movl	%esi, %r12d			/* op */
	movl	%edx, %r13d			/* val */
	movq	%rcx, %r14			/* utime */
	movq	%r8, %r15			/* uaddr2 */
	movl	%r9d, %ebp			/* val3 */
	LOAD_KBUF_DATA %rdi
	movq	%r14, 32(%rdi)
	movq	$0, 24(%rdi)
	movl	%r12d, %eax
	andl	$FUTEX_CMD_MASK, %eax
	cmpl	$FUTEX_WAIT, %eax
	je	1f
	cmpl	$FUTEX_WAIT_BITSET, %eax
	je	1f
	cmpl	$FUTEX_CMP_REQUEUE, %eax
	je	2f
	jmp	3f
1:	testq	%r14, %r14			/* a wait with a timeout: copy the timespec */
	jz	2f
	LOAD_KBUF_DATA %rdi
	addq	$8, %rdi
	movq	%r14, %rsi
	movl	(%rsp), %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	cmpl	$16, (%rsp)
	je	4f
	LOAD_KBUF_DATA %rdi			/* an old_timespec32: widen its two words */
	addq	$8, %rdi
	movl	$2, %esi
	call	widen_words
4:	LOAD_KBUF_DATA %rdi
	movq	$1, 24(%rdi)
2:	LOAD_KBUF_DATA %rdi			/* get_user(current, uaddr): the value now */
	movq	%rbx, %rsi
	movl	$4, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
3:	movq	%rbx, %rdi
	movl	%r12d, %esi
	movl	%r13d, %edx
	LOAD_KBUF_DATA %rcx
	movq	%r15, %r8
	movl	%ebp, %r9d
	SLEEPING_SERVICE do_futex		/* do_futex(uaddr, op, val, kargs, uaddr2, val3) */
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	addq	$8, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
SYM_FUNC_END(do_sys_futex)
