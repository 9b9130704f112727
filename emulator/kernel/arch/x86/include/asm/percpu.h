/*
 * percpu.h: per-CPU variables. In kernel mode %gs points at this CPU's data (entry code runs
 * swapgs to get there), so `PER_CPU_VAR(PCPU_top_of_stack)` reads a field of it.
 */
#ifndef _ASM_X86_PERCPU_H
#define _ASM_X86_PERCPU_H

#define PER_CPU_VAR(var)	%gs:var

/* The task running on this CPU: its task_struct address. */
#define GET_CURRENT(reg)	movq PER_CPU_VAR(PCPU_current_task), reg

#endif
