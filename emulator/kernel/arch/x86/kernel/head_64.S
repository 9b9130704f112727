/*
 * head_64.S: where the kernel starts, and the boot CPU's data.
 *
 * The emulator enters start_kernel in ring 0 with %rsp at the top of init_stack and the kernel
 * image mapped at 0xffffffff81000000 (supervisor-only pages: a user program cannot read them).
 * Linux's boot does much more (decompression, page tables, memory discovery); the steps kept are
 * the ones every system call depends on.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "asm/vmcall.h"

	.text

SYM_CODE_START(start_kernel)
	/* The per-CPU area: in kernel mode %gs points at it (MSR_GS_BASE). */
	leaq	per_cpu_area(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	movl	$MSR_GS_BASE, %ecx
	wrmsr

	/* The first task runs on init_stack; entry code finds it through the per-CPU area. */
	leaq	init_task(%rip), %rax
	movq	%rax, %gs:PCPU_current_task
	leaq	init_stack_top(%rip), %rax
	movq	%rax, %gs:PCPU_top_of_stack
	movq	%rax, init_task+TASK_stack_top(%rip)	/* schedule() reloads it from here */
	movq	%rax, cpu_tss_rw+4(%rip)	/* TSS.RSP0: the stack for interrupts from ring 3 */
	leaq	init_task_kbuf(%rip), %rax
	movq	%rax, init_task+TASK_kbuf(%rip)

	/*
	 * The GDT, the table segment selectors index (Intel SDM vol. 3A, 3.4.5). 64-bit code ignores
	 * nearly everything in it, but an i386 program's %gs selects a TLS descriptor here: its base
	 * is where that program's thread-local storage starts (set_thread_area).
	 */
	lgdt	gdt_descr(%rip)

	call	syscall_init			/* MSR_STAR, MSR_LSTAR, MSR_SYSCALL_MASK */
	call	idt_setup			/* exceptions and int $0x80 */
	jmp	run_init_process
SYM_CODE_END(start_kernel)

/*
 * Load the first program (execve in TypeScript: read the ELF, map it, build the stack with argv,
 * envp and the auxiliary vector) and enter it in user mode for the first time. There is nothing
 * to return to, so the kernel fakes the frame an interrupt from user mode would have left, and
 * executes IRETQ.
 */
SYM_CODE_START(run_init_process)
	leaq	init_task(%rip), %rdi
	movl	$VMCALL_kernel_init, %eax
	vmcall					/* %rax = entry point, %rdx = user stack pointer, %rcx = code segment */

	pushq	$__USER_DS			/* ss */
	pushq	%rdx				/* rsp */
	pushq	$0x202				/* rflags: IF set, as user code always runs */
	pushq	%rcx				/* cs: ring 3, __USER_CS (64-bit) or __USER32_CS (an i386 program) */
	pushq	%rax				/* rip: the ELF entry point */

	xorl	%eax, %eax			/* a new program starts with clear registers */
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	swapgs					/* the user's %gs base (0) becomes active */
	iretq					/* and we are in ring 3, at _start */
SYM_CODE_END(run_init_process)

	.data
	.balign 64
SYM_DATA_START(per_cpu_area)
	.zero	PCPU_SIZE
SYM_DATA_END(per_cpu_area)

/* The 64-bit TSS: only RSP0 (at offset 4) matters, the stack the CPU switches to from ring 3. */
	.balign 16
SYM_DATA_START(cpu_tss_rw)
	.zero	104
SYM_DATA_END(cpu_tss_rw)

/*
 * The boot CPU's GDT (Linux's gdt_page, arch/x86/kernel/cpu/common.c), indexed by selector / 8.
 * A descriptor packs base, limit and access bits into 8 bytes: 0x00cf9b000000ffff is base 0,
 * limit 0xfffff pages (4 GiB), present, DPL 0, code, D = 1 (32-bit); 0x00af... has L = 1 (64-bit).
 */
	.balign	64
SYM_DATA_START(gdt_page)
	.quad	0				/*  0: the null descriptor */
	.quad	0x00cf9b000000ffff		/*  1: __KERNEL32_CS (0x08) */
	.quad	0x00af9b000000ffff		/*  2: __KERNEL_CS   (0x10), 64-bit */
	.quad	0x00cf93000000ffff		/*  3: __KERNEL_DS   (0x18) */
	.quad	0x00cffb000000ffff		/*  4: __USER32_CS   (0x23), DPL 3, 32-bit: i386 programs */
	.quad	0x00cff3000000ffff		/*  5: __USER_DS     (0x2b), DPL 3 */
	.quad	0x00affb000000ffff		/*  6: __USER_CS     (0x33), DPL 3, 64-bit */
	.quad	0				/*  7 */
	.quad	0, 0				/*  8-9: the TSS (unused: TSS.RSP0 is read from cpu_tss_rw) */
	.quad	0, 0				/* 10-11: the LDT (none) */
	.quad	0, 0, 0				/* 12-14: the running task's TLS descriptors (switch_to rewrites them) */
	.quad	0				/* 15: the CPU number (vgetcpu) */
SYM_DATA_END(gdt_page)

/* The operand of lgdt: limit (size - 1), then base. */
gdt_descr:
	.word	GDT_ENTRIES * 8 - 1
	.quad	gdt_page

/* The first task's task_struct: the fields machine code reads (see abi.ts, TASK_*). */
	.balign 64
SYM_DATA_START(init_task)
	.zero	TASK_SIZE
SYM_DATA_END(init_task)

	.bss
	.balign 4096
SYM_DATA_START(init_stack)
	.zero	16384
SYM_DATA_END(init_stack)
init_stack_top:
SYM_DATA_START(init_task_kbuf)
	.zero	KBUF_SIZE
SYM_DATA_END(init_task_kbuf)
