/*
 * vgetcpu.S: getcpu without entering the kernel, as Linux's arch/x86/entry/vdso/vgetcpu.c.
 * Linux reads the CPU and NUMA node numbers from RDPID (or the limit of a per-CPU GDT
 * segment, with LSL); the Trapdoor machine has one CPU and one node, so both are 0.
 */
#ifdef BUILD_VDSO			/* the kernel build skips this file: the vDSO is its own image */
#include "vdso.h"

	.text

/*
 * long getcpu(unsigned *cpu, unsigned *node, struct getcpu_cache *unused)
 *   Either pointer may be NULL; returns 0.
 */
VDSO_FUNC_START(__vdso_getcpu, getcpu)
	testq	%rdi, %rdi
	jz	1f
	movl	$0, (%rdi)			/* *cpu = 0: the only CPU */
1:	testq	%rsi, %rsi
	jz	2f
	movl	$0, (%rsi)			/* *node = 0: the only NUMA node */
2:	xorl	%eax, %eax
	ret
VDSO_FUNC_END(__vdso_getcpu, getcpu)

#endif /* BUILD_VDSO */
