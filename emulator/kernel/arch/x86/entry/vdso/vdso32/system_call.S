/*
 * system_call.S: __kernel_vsyscall, the door the kernel hands every i386 program (Linux's
 * arch/x86/entry/vdso/vdso32/system_call.S). The program does not know which instruction enters
 * the kernel fastest on this CPU: it finds this function's address in the auxiliary vector
 * (AT_SYSINFO; glibc keeps it at %gs:0x10) and calls it with the registers of int $0x80:
 *	%eax  system call number (syscall_32.tbl), %ebx %ecx %edx %esi %edi %ebp  arguments 0..5
 * and gets the result in %eax, every other register kept.
 *
 * SYSENTER is fast because it saves nothing: not the return address, not even the stack
 * pointer. So before using it the vDSO leaves what the kernel needs where it can find it.
 */
#ifdef BUILD_VDSO32			/* the kernel build skips this file: the 32-bit vDSO is its own image */
	.text
	.globl	__kernel_vsyscall
	.type	__kernel_vsyscall, @function
	.balign	16
__kernel_vsyscall:
	pushl	%ecx			/* SYSEXIT returns with ECX = the user stack, EDX = the return address: */
	pushl	%edx			/* keep the caller's ECX and EDX to put them back afterwards */
	pushl	%ebp			/* argument 5: the kernel reads it back from 0(%ebp) */
	movl	%esp, %ebp		/* SYSENTER forgets ESP: the kernel finds the user stack in EBP */
	sysenter			/* into entry_SYSENTER_compat, ring 0, 64-bit mode */

	/*
	 * The kernel does not come back here: it returns to int80_landing_pad below. The int $0x80
	 * sits right before the landing pad on purpose: when a call must be restarted (a signal
	 * interrupted it), the kernel moves the return address back by 2 bytes, onto this int $0x80,
	 * so the call is made again the slow way, with the same registers.
	 */
	int	$0x80
int80_landing_pad:
	popl	%ebp			/* the caller's registers, as pushed above */
	popl	%edx
	popl	%ecx
	ret				/* back to the caller of __kernel_vsyscall */
	.size	__kernel_vsyscall, . - __kernel_vsyscall

#endif /* BUILD_VDSO32 */
