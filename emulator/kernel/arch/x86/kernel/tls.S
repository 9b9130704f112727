/*
 * tls.S: set_thread_area(2) and get_thread_area(2), how an i386 program finds its thread-local
 * storage (Linux's arch/x86/kernel/tls.c).
 *
 * A 64-bit program points the %fs base at its TLS block with arch_prctl, which writes an MSR. An
 * i386 program cannot: in compatibility mode a segment register gets its base from a descriptor
 * in the GDT, the table the selector indexes. So the program describes the segment it wants, in a
 * struct user_desc:
 *	unsigned int entry_number;	GDT index, or -1: "any free TLS entry"
 *	unsigned int base_addr;		where the segment starts: the thread's TCB
 *	unsigned int limit;		its size (in pages if limit_in_pages)
 *	unsigned int flags;		seg_32bit:1 contents:2 read_exec_only:1 limit_in_pages:1
 *					seg_not_present:1 useable:1 lm:1
 * and the kernel turns it into a descriptor in one of the three GDT entries kept for TLS (12, 13,
 * 14). glibc asks for a free one, learns which (12), and loads %gs with selector 12*8+3 = 0x63
 * (index 12, in the GDT, ring 3): the CPU reads descriptor 12 and takes its base, so that
 * `movl %gs:0, %eax` reads the thread's own TCB.
 *
 * The three entries belong to the task (thread.tls_array in task_struct); the GDT holds the
 * running task's copy: the scheduler copies the next task's in at every switch (tls.ts).
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	USER_DESC_SIZE, 16

	.text

/* long set_thread_area(struct user_desc __user *u_info) */
SYM_FUNC_START(sys_set_thread_area)
	pushq	%r12
	movq	%rdi, %r12			/* u_info */
	LOAD_KBUF_DATA %rdi			/* copy the description in */
	movq	%r12, %rsi
	movl	$USER_DESC_SIZE, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_DATA %rdi
	movl	$1, %esi			/* can_allocate: entry_number -1 picks a free entry */
	movl	$VMCALL_do_set_thread_area, %eax
	vmcall					/* checks it, builds the descriptor, loads it: 0 or -errno */
	testq	%rax, %rax
	jnz	9f
	testl	%edx, %edx			/* %edx = 1: an entry was picked for us */
	jz	9f
	movq	%r12, %rdi			/* put_user(idx, &u_info->entry_number): tell the caller which */
	LOAD_KBUF_DATA %rsi
	movl	$4, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	8f
	xorl	%eax, %eax
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r12
	ret
SYM_FUNC_END(sys_set_thread_area)

/* long get_thread_area(struct user_desc __user *u_info): the entry u_info->entry_number names */
SYM_FUNC_START(sys_get_thread_area)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi			/* get_user(idx, &u_info->entry_number) */
	movq	%r12, %rsi
	movl	$4, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_DATA %rdi
	movl	$VMCALL_do_get_thread_area, %eax
	vmcall					/* the descriptor, decoded back into a struct user_desc */
	movl	$USER_DESC_SIZE, %edx
	call	copy_kbuf_result		/* to u_info (%r12) */
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r12
	ret
SYM_FUNC_END(sys_get_thread_area)
