/*
 * sched/core.S: sharing the CPU among tasks.
 *
 * A task stops running in exactly one place: inside schedule(). It gets there when it must wait
 * (for a child, for data in a pipe: see SLEEPING_SERVICE in syscalls.h), when it yields, when its
 * time slice is over (exit_to_user_mode sees _TIF_NEED_RESCHED), or when it has exited.
 */
#include "asm/asm-offsets.h"
#include "asm/percpu.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/*
 * void schedule(void): let the next task run; return when this task's turn comes again.
 *
 * __schedule (TypeScript) picks the next runnable task, always in the same order so that every
 * run of a program is the same, and switches what the hardware holds for a task: the address
 * space (Linux loads CR3), the FPU/SSE registers and the FS base. What is left is the switch of
 * kernel stacks, done here as Linux's __switch_to_asm does it: the callee-saved registers go onto
 * this task's stack, %rsp is saved in its task_struct, and the next task's %rsp is loaded. From
 * that instruction on we run on the next task's stack, so the `ret` at the end returns to wherever
 * *that* task called schedule() from -- or, for a task that has never run, to ret_from_fork.
 */
SYM_FUNC_START(schedule)
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movl	$VMCALL___schedule, %eax
	vmcall					/* %rax = next task, %rdx = prev (this one) */
	cmpq	%rax, %rdx
	je	1f				/* nobody else to run: carry on */
	movq	%rsp, TASK_sp(%rdx)		/* where prev resumes */
	movq	TASK_sp(%rax), %rsp		/* --- now on next's kernel stack --- */
	movq	%rax, PER_CPU_VAR(PCPU_current_task)
	movq	TASK_stack_top(%rax), %rcx
	movq	%rcx, PER_CPU_VAR(PCPU_top_of_stack)	/* entry_SYSCALL_64's stack for next */
	movq	%rcx, cpu_tss_rw+4(%rip)	/* TSS.RSP0: the same for interrupts and int $0x80 */
1:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
SYM_FUNC_END(schedule)

/* long sched_yield(void): go to the back of the run queue. */
SYM_FUNC_START(sys_sched_yield)
	call	schedule
	xorl	%eax, %eax
	ret
SYM_FUNC_END(sys_sched_yield)
