/*
 * misc.S: calls a C library makes while it starts up (set_tid_address, set_robust_list, rseq),
 * and getrandom. The first three only record a user address for later.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

	NATIVE_SYSCALL sys_set_tid_address, set_tid_address	/* returns the thread id */
	NATIVE_SYSCALL sys_set_robust_list, set_robust_list
	NATIVE_SYSCALL sys_rseq, rseq

/* long getrandom(char __user *buf, size_t count, unsigned int flags): one page at most per call */
SYM_FUNC_START(sys_getrandom)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi
	cmpq	$KBUF_DATA, %rsi
	jbe	1f
	movl	$KBUF_DATA, %esi
1:	movl	$VMCALL_getrandom, %eax
	vmcall					/* getrandom(kbuf, count, flags): bytes made */
	movq	%rax, %rdx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_getrandom)
