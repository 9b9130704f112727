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

/*
 * TWO_PATHS_SYSCALL name, service: (int olddfd, const char __user *oldname, int newdfd,
 * const char __user *newname, unsigned int flags). The old path goes into the path buffer, the
 * new one into the data buffer, then the service gets both kernel copies and the other arguments.
 */
.macro TWO_PATHS_SYSCALL name, service
SYM_FUNC_START(\name)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rdi, %r12			/* olddfd */
	movq	%rdx, %r14			/* newdfd */
	movq	%rcx, %r15			/* newname (user) */
	movq	%r8, %rbx			/* flags */
	movq	%rsi, %rdi
	call	getname				/* oldname */
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR */
	jae	9f
	movq	%rax, %r13
	LOAD_KBUF_DATA %rdi
	movq	%r15, %rsi
	call	getname_into			/* newname */
	cmpq	$-MAX_ERRNO, %rax
	jae	9f
	movq	%rax, %rcx
	movq	%r12, %rdi
	movq	%r13, %rsi
	movq	%r14, %rdx
	movq	%rbx, %r8
	movl	$VMCALL_\service, %eax
	vmcall
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(\name)
.endm

/*
 * long renameat2(int olddfd, const char __user *oldname, int newdfd, const char __user *newname,
 *                unsigned int flags): RENAME_NOREPLACE fails with EEXIST instead of replacing,
 * RENAME_EXCHANGE swaps the two names.
 */
	TWO_PATHS_SYSCALL sys_renameat2, do_renameat2

/*
 * long linkat(int olddfd, const char __user *oldname, int newdfd, const char __user *newname,
 *             int flags): a second name for the same file (a hard link); AT_SYMLINK_FOLLOW
 * links the file a symlink points to rather than the symlink.
 */
	TWO_PATHS_SYSCALL sys_linkat, do_linkat
/* long link(const char __user *oldname, const char __user *newname) */
SYM_FUNC_START(sys_link)
	movq	%rsi, %rcx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	movq	$AT_FDCWD, %rdx
	xorl	%r8d, %r8d
	jmp	sys_linkat
SYM_FUNC_END(sys_link)

/*
 * long symlinkat(const char __user *oldname, int newdfd, const char __user *newname)
 * A symlink holds a string, not a file: oldname is copied like a path but never looked up.
 */
SYM_FUNC_START(sys_symlinkat)
	movq	%rdx, %rcx			/* as (AT_FDCWD, oldname, newdfd, newname) for the macro's layout */
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	xorl	%r8d, %r8d
	jmp	symlinkat_paths
SYM_FUNC_END(sys_symlinkat)
/* long symlink(const char __user *oldname, const char __user *newname) */
SYM_FUNC_START(sys_symlink)
	movq	%rsi, %rdx
	movq	$AT_FDCWD, %rsi
	jmp	sys_symlinkat
SYM_FUNC_END(sys_symlink)
	TWO_PATHS_SYSCALL symlinkat_paths, do_symlinkat
