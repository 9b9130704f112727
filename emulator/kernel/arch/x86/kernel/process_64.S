/*
 * process_64.S: arch_prctl(2), how a C library sets up thread-local storage: it points the %fs
 * segment base at the thread's TLS block, so `mov %fs:0x28, %rax` reads the stack canary.
 * The base is a register of the CPU (MSR_FS_BASE), written here with WRMSR.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	ARCH_SET_GS, 0x1001
	.set	ARCH_SET_FS, 0x1002
	.set	ARCH_GET_FS, 0x1003
	.set	ARCH_GET_GS, 0x1004

	.text

/* long arch_prctl(int option, unsigned long arg2) */
SYM_FUNC_START(sys_arch_prctl)
	cmpl	$ARCH_SET_FS, %edi
	je	1f
	cmpl	$ARCH_SET_GS, %edi
	je	2f
	cmpl	$ARCH_GET_FS, %edi
	je	3f
	cmpl	$ARCH_GET_GS, %edi
	je	4f
	movq	$-EINVAL, %rax
	ret

1:	movl	$MSR_FS_BASE, %ecx		/* ARCH_SET_FS */
	jmp	5f
2:	movl	$MSR_KERNEL_GS_BASE, %ecx	/* ARCH_SET_GS: the user's %gs base waits in KERNEL_GS_BASE until swapgs */
5:	movabsq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %rsi
	jae	8f				/* only user addresses */
	movq	%rsi, %rax
	movq	%rsi, %rdx
	shrq	$32, %rdx
	wrmsr
	xorl	%eax, %eax
	ret
8:	movq	$-EPERM, %rax
	ret

3:	movl	$MSR_FS_BASE, %ecx		/* ARCH_GET_FS: *(unsigned long *)arg2 = base */
	jmp	6f
4:	movl	$MSR_KERNEL_GS_BASE, %ecx
6:	pushq	%r12
	movq	%rsi, %r12
	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax
	LOAD_KBUF_DATA %rdi
	movq	%rax, (%rdi)
	xorl	%eax, %eax
	movl	$8, %edx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_arch_prctl)
