/*
 * sys.S: who am I? These calls only read the current task_struct: no copying, no service --
 * the cheapest system calls there are, which is why benchmarks use getpid.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

.macro TASK_FIELD name, field
SYM_FUNC_START(\name)
	GET_CURRENT(%rax)			/* the task_struct */
	movq	\field(%rax), %rax		/* one field of it */
	ret
SYM_FUNC_END(\name)
.endm

	TASK_FIELD sys_getpid,	TASK_pid	/* the process id: the thread group's id */
	TASK_FIELD sys_gettid,	TASK_tid	/* this thread's id */
	TASK_FIELD sys_getppid,	TASK_ppid
	TASK_FIELD sys_getuid,	TASK_uid
	TASK_FIELD sys_geteuid,	TASK_euid
	TASK_FIELD sys_getgid,	TASK_gid
	TASK_FIELD sys_getegid,	TASK_egid

/* long newuname(struct new_utsname __user *name): 6 fields of 65 bytes */
SYM_FUNC_START(sys_newuname)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi
	movl	$VMCALL_newuname, %eax
	vmcall
	movl	$390, %edx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_newuname)

/* long sysinfo(struct sysinfo __user *info) */
SYM_FUNC_START(sys_sysinfo)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi
	movl	$VMCALL_do_sysinfo, %eax
	vmcall
	movl	$112, %edx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_sysinfo)

/*
 * long prlimit64(pid_t pid, unsigned int resource, const struct rlimit64 __user *new_rlim,
 *                struct rlimit64 __user *old_rlim)
 * The new limit (16 bytes) comes in through the path buffer, the old one out through the data
 * buffer.
 */
SYM_FUNC_START(sys_prlimit64)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r13			/* pid */
	movq	%rsi, %r14			/* resource */
	movq	%rcx, %r12			/* old_rlim (user) */
	xorl	%r15d, %r15d			/* new_rlim (kernel copy), or NULL */
	testq	%rdx, %rdx
	jz	1f
	LOAD_KBUF_PATH %rdi
	movq	%rdx, %rsi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_PATH %r15
1:	movq	%r13, %rdi
	movq	%r14, %rsi
	movq	%r15, %rdx
	xorl	%ecx, %ecx
	testq	%r12, %r12
	jz	2f
	LOAD_KBUF_DATA %rcx
2:	movl	$VMCALL_do_prlimit, %eax
	vmcall					/* do_prlimit(pid, resource, knew, kold) */
	testq	%r12, %r12
	jz	9f
	movl	$16, %edx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_prlimit64)

/* long getrlimit(unsigned int resource, struct rlimit __user *rlim) */
SYM_FUNC_START(sys_getrlimit)
	testq	%rsi, %rsi			/* getrlimit always writes the limit: NULL is a bad address */
	jz	1f
	movq	%rsi, %rcx
	movq	%rdi, %rsi
	xorl	%edi, %edi
	xorl	%edx, %edx
	jmp	sys_prlimit64
1:	movq	$-EFAULT, %rax
	ret
SYM_FUNC_END(sys_getrlimit)

/*
 * Process groups and sessions, what a shell needs for job control: a pipeline's processes share
 * a group, and a session holds the groups of one terminal. The ids live in TypeScript.
 */
	NATIVE_SYSCALL sys_setpgid, ksys_setpgid	/* long setpgid(pid_t pid, pid_t pgid) */
	NATIVE_SYSCALL sys_getpgid, ksys_getpgid	/* long getpgid(pid_t pid) */
	NATIVE_SYSCALL sys_setsid, ksys_setsid		/* long setsid(void) */
	NATIVE_SYSCALL sys_getsid, ksys_getsid		/* long getsid(pid_t pid) */

/* long getpgrp(void): getpgid(0) */
SYM_FUNC_START(sys_getpgrp)
	xorl	%edi, %edi
	jmp	sys_getpgid
SYM_FUNC_END(sys_getpgrp)
