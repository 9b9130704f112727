/*
 * common.S: per-CPU setup for the system call instruction.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"

	.text

/*
 * syscall_init: tell the CPU where SYSCALL goes and what it does on the way (Intel SDM vol. 3A,
 * 5.8.8 "Fast System Calls in 64-Bit Mode"). WRMSR writes %edx:%eax to the MSR numbered %ecx.
 */
SYM_FUNC_START(syscall_init)
	/*
	 * MSR_STAR bits 47:32: the kernel's CS for SYSCALL (SS is CS + 8).
	 * MSR_STAR bits 63:48: the base for SYSRET: 64-bit user CS = base + 16, SS = base + 8.
	 */
	movl	$MSR_STAR, %ecx
	xorl	%eax, %eax
	movl	$((__USER32_CS << 16) | __KERNEL_CS), %edx
	wrmsr

	/* MSR_LSTAR: the address SYSCALL jumps to from 64-bit mode. */
	movl	$MSR_LSTAR, %ecx
	leaq	entry_SYSCALL_64(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr

	/*
	 * MSR_SYSCALL_MASK: the RFLAGS bits SYSCALL clears: TF (no single-stepping into the
	 * kernel), DF (string instructions go up), IF (no interrupts until the stack is switched),
	 * IOPL, AC and NT.
	 */
	movl	$MSR_SYSCALL_MASK, %ecx
	movl	$0x47700, %eax
	xorl	%edx, %edx
	wrmsr

	/*
	 * The SYSENTER door of i386 programs (entry_64_compat.S). SYSENTER takes everything from
	 * three MSRs: the kernel's CS (SS is CS + 8; SYSEXIT returns to CS + 16 = __USER32_CS and
	 * SS = CS + 24 = __USER_DS), a stack pointer (a small per-CPU stack: the entry code leaves it
	 * at once for the task's kernel stack) and the entry point.
	 */
	movl	$MSR_IA32_SYSENTER_CS, %ecx
	movl	$__KERNEL_CS, %eax
	xorl	%edx, %edx
	wrmsr
	movl	$MSR_IA32_SYSENTER_ESP, %ecx
	leaq	cpu_entry_stack_top(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	movl	$MSR_IA32_SYSENTER_EIP, %ecx
	leaq	entry_SYSENTER_compat(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	ret
SYM_FUNC_END(syscall_init)
