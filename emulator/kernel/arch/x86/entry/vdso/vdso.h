/*
 * vdso.h: what the vDSO sources share. How a vDSO function is declared (with the weak alias
 * Linux exports beside it), the clock ids of <linux/time.h>, and the system call numbers the
 * functions fall back to when the [vvar] data cannot answer (asm/unistd_64.h).
 */
#ifndef _VDSO_H
#define _VDSO_H

/*
 * A vDSO function: `__vdso_NAME` and the weak alias `NAME` at the same address, both ELF
 * functions with a size, as Linux's `int time(...) __attribute__((weak, alias("__vdso_time")))`.
 * The builder exports every global and weak function in the dynamic symbol table, version
 * LINUX_2.6, which is how glibc finds them (dl_vdso_vsym).
 */
#define VDSO_FUNC_START(name, alias) \
	.balign 16 ; \
	.globl name ; .type name, @function ; \
	.weak alias ; .type alias, @function ; \
	name: ; alias:
#define VDSO_FUNC_END(name, alias) \
	.size name, . - name ; .size alias, . - alias

/* A helper only the vDSO itself calls: a local symbol, in .symtab for the debugger only. */
#define VDSO_LOCAL_START(name)	.balign 16 ; .type name, @function ; name:
#define VDSO_LOCAL_END(name)	.size name, . - name

/* Clock ids (include/uapi/linux/time.h). */
#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7
#define CLOCK_TAI			11

/*
 * Which clocks the vDSO answers itself, as bit masks over the clock id (Linux's VDSO_HRES,
 * VDSO_COARSE, VDSO_RAW in include/vdso/datapage.h). Every other id, and every negative one
 * (the CPU-time clocks of a pid or thread), is left to the real system call.
 */
#define VDSO_HRES	((1 << CLOCK_REALTIME) | (1 << CLOCK_MONOTONIC) | (1 << CLOCK_BOOTTIME) | (1 << CLOCK_TAI))
#define VDSO_COARSE	((1 << CLOCK_REALTIME_COARSE) | (1 << CLOCK_MONOTONIC_COARSE))
#define VDSO_RAW	(1 << CLOCK_MONOTONIC_RAW)

#define NSEC_PER_SEC	1000000000
#define NSEC_PER_USEC	1000
#define USEC_PER_SEC	1000000

/* System call numbers of the fallbacks (arch/x86/entry/syscalls/syscall_64.tbl). */
#define __NR_gettimeofday	96
#define __NR_time		201
#define __NR_clock_gettime	228
#define __NR_clock_getres	229
#define __NR_getcpu		309

#endif
