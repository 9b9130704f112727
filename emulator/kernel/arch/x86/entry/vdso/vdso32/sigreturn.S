/*
 * sigreturn.S: the two ways back from an i386 signal handler (Linux's vdso32/sigreturn.S). The
 * kernel puts one of these addresses on the signal frame as the handler's return address, so the
 * handler's `ret` lands here and the kernel restores the registers the frame saved.
 */
#ifdef BUILD_VDSO32			/* the kernel build skips this file: the 32-bit vDSO is its own image */
	.text
	.globl	__kernel_sigreturn
	.type	__kernel_sigreturn, @function
	.balign	32
__kernel_sigreturn:
	popl	%eax			/* drop the signal number the handler was given */
	movl	$119, %eax		/* __NR_sigreturn (syscall_32.tbl): a struct sigframe */
	int	$0x80
	.size	__kernel_sigreturn, . - __kernel_sigreturn

	.globl	__kernel_rt_sigreturn
	.type	__kernel_rt_sigreturn, @function
	.balign	32
__kernel_rt_sigreturn:
	movl	$173, %eax		/* __NR_rt_sigreturn: a struct rt_sigframe (SA_SIGINFO handlers) */
	int	$0x80
	.size	__kernel_rt_sigreturn, . - __kernel_rt_sigreturn

#endif /* BUILD_VDSO32 */
