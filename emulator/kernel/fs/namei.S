/*
 * namei.S: system calls that take a path. A path is a C string in user memory: getname copies it
 * into the kernel with strncpy_from_user before anything looks at it, so the user cannot change
 * it halfway and a bad pointer is -EFAULT.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	AT_FDCWD, -100
	.set	AT_REMOVEDIR, 0x200
	.set	AT_SYMLINK_NOFOLLOW, 0x100

	.text

/*
 * char *getname_into(char *kbuf, const char __user *filename)
 * The path copied into kbuf (PATH_MAX bytes): kbuf, or -EFAULT / -ENAMETOOLONG.
 */
SYM_FUNC_START(getname_into)
	pushq	%rdi
	movl	$PATH_MAX, %edx
	call	strncpy_from_user
	popq	%rdi
	testq	%rax, %rax
	js	9f				/* -EFAULT */
	cmpq	$PATH_MAX, %rax
	jae	8f				/* no NUL within PATH_MAX bytes */
	movq	%rdi, %rax
	ret
8:	movq	$-ENAMETOOLONG, %rax
9:	ret
SYM_FUNC_END(getname_into)

/* char *getname(const char __user *filename): into this task's path buffer */
SYM_FUNC_START(getname)
	movq	%rdi, %rsi
	LOAD_KBUF_PATH %rdi
	jmp	getname_into
SYM_FUNC_END(getname)

/*
 * PATH_SYSCALL name, service, path_arg: the argument in register path_arg is a user path;
 * replace it with the kernel copy, keep the other arguments, and call the service.
 */
.macro PATH_SYSCALL name, service, path_arg
SYM_FUNC_START(\name)
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%r8
	movq	\path_arg, %rdi
	call	getname
	popq	%r8
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR: a kernel pointer is negative too */
	jae	1f
	movq	%rax, \path_arg
	movl	$VMCALL_\service, %eax
	vmcall
1:	ret
SYM_FUNC_END(\name)
.endm

/* AT_FDCWD_SYSCALL name, target: the old call without a directory fd is the *at one with AT_FDCWD. */
.macro AT_FDCWD_SYSCALL name, target
SYM_FUNC_START(\name)
	movq	%rdx, %rcx			/* shift the arguments right by one */
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	jmp	\target
SYM_FUNC_END(\name)
.endm

/* long openat(int dfd, const char __user *filename, int flags, umode_t mode) */
	PATH_SYSCALL sys_openat, do_sys_openat, %rsi
/* long open(const char __user *filename, int flags, umode_t mode) */
	AT_FDCWD_SYSCALL sys_open, sys_openat

/* long faccessat(int dfd, const char __user *filename, int mode) and faccessat2 with flags */
	PATH_SYSCALL sys_faccessat, do_faccessat, %rsi
	PATH_SYSCALL sys_faccessat2, do_faccessat, %rsi
/* long access(const char __user *filename, int mode) */
SYM_FUNC_START(sys_access)
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	xorl	%ecx, %ecx			/* no flags */
	jmp	sys_faccessat2
SYM_FUNC_END(sys_access)

/* long mkdirat(int dfd, const char __user *pathname, umode_t mode) */
	PATH_SYSCALL sys_mkdirat, do_mkdirat, %rsi
	AT_FDCWD_SYSCALL sys_mkdir, sys_mkdirat

/* long unlinkat(int dfd, const char __user *pathname, int flag) */
	PATH_SYSCALL sys_unlinkat, do_unlinkat, %rsi
SYM_FUNC_START(sys_unlink)
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	xorl	%edx, %edx
	jmp	sys_unlinkat
SYM_FUNC_END(sys_unlink)
SYM_FUNC_START(sys_rmdir)
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	movl	$AT_REMOVEDIR, %edx
	jmp	sys_unlinkat
SYM_FUNC_END(sys_rmdir)

/* long chdir(const char __user *filename) */
	PATH_SYSCALL sys_chdir, ksys_chdir, %rdi

/*
 * long renameat(int olddfd, const char __user *oldname, int newdfd, const char __user *newname)
 * Two paths: the old one in the path buffer, the new one in the data buffer.
 */
SYM_FUNC_START(sys_renameat)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r12
	movq	%rdx, %r14
	movq	%rcx, %r15
	movq	%rsi, %rdi
	call	getname				/* oldname */
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR: a kernel pointer is negative too */
	jae	9f
	movq	%rax, %r13
	LOAD_KBUF_DATA %rdi
	movq	%r15, %rsi
	call	getname_into			/* newname */
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR: a kernel pointer is negative too */
	jae	9f
	movq	%rax, %rcx
	movq	%r12, %rdi
	movq	%r13, %rsi
	movq	%r14, %rdx
	movl	$VMCALL_do_renameat, %eax
	vmcall
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_renameat)
SYM_FUNC_START(sys_rename)
	movq	%rsi, %rcx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	movq	$AT_FDCWD, %rdx
	jmp	sys_renameat
SYM_FUNC_END(sys_rename)

/*
 * long execve(const char __user *filename, const char __user *const __user *argv,
 *             const char __user *const __user *envp)
 * The path is copied like any other; the argument and environment strings are read by the
 * service (Linux's copy_strings), which also loads the new program. On success there is nothing
 * to return to: pt_regs now describe the new program's first instruction.
 */
SYM_FUNC_START(sys_execve)
	pushq	%r12
	pushq	%r13
	movq	%rsi, %r12			/* argv */
	movq	%rdx, %r13			/* envp */
	call	getname
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR */
	jae	9f
	movq	%rax, %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	movq	PER_CPU_VAR(PCPU_top_of_stack), %rcx
	subq	$PT_REGS_SIZE, %rcx		/* current_pt_regs() */
	movl	$VMCALL_do_execve, %eax
	vmcall
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_execve)
