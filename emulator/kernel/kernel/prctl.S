/*
 * prctl.S: prctl(2), operations on the calling process. The name (PR_SET_NAME / PR_GET_NAME: the
 * 16-byte comm that /proc/self/status and ps show) is copied here; the other options carry
 * numbers only and go straight to the service.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	PR_SET_NAME, 15
	.set	PR_GET_NAME, 16
	.set	TASK_COMM_LEN, 16

	.text

/* long prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5) */
SYM_FUNC_START(sys_prctl)
	cmpl	$PR_SET_NAME, %edi
	je	1f
	cmpl	$PR_GET_NAME, %edi
	je	2f
	movl	$VMCALL_do_prctl, %eax		/* the others: numbers only */
	vmcall
	ret

1:	/* PR_SET_NAME: at most 15 characters of the user's string, always NUL-terminated */
	pushq	%r12
	LOAD_KBUF_DATA %r12
	movb	$0, TASK_COMM_LEN-1(%r12)
	movq	%r12, %rdi
	movl	$TASK_COMM_LEN-1, %edx
	call	strncpy_from_user		/* (kbuf, arg2, 15) */
	testq	%rax, %rax
	js	9f				/* -EFAULT */
	movb	$0, (%r12, %rax)
	movl	$PR_SET_NAME, %edi
	movq	%r12, %rsi
	movl	$VMCALL_do_prctl, %eax
	vmcall					/* do_prctl(PR_SET_NAME, kname) */
9:	popq	%r12
	ret

2:	/* PR_GET_NAME: the 16 bytes of the name, NUL included */
	pushq	%r12
	movq	%rsi, %r12			/* the user's buffer */
	LOAD_KBUF_DATA %rsi
	movl	$VMCALL_do_prctl, %eax
	vmcall					/* do_prctl(PR_GET_NAME, kbuf) */
	movl	$TASK_COMM_LEN, %edx
	call	copy_kbuf_result		/* to the user pointer in %r12 */
	popq	%r12
	ret
SYM_FUNC_END(sys_prctl)
