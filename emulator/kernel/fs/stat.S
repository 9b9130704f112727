/*
 * stat.S: stat(2) and friends, readlink(2). The service fills the task's data buffer with a
 * struct stat (144 bytes on x86-64) or the link's text; copy_to_user hands it to the program.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	AT_FDCWD, -100
	.set	AT_SYMLINK_NOFOLLOW, 0x100
	.set	AT_EMPTY_PATH, 0x1000
	.set	STAT_SIZE, 144

	.text

/* Copies the data buffer to the user pointer in %r12 if %rax >= 0; %rdx bytes (or STAT_SIZE). */
SYM_FUNC_START(copy_kbuf_result)
	testq	%rax, %rax
	js	9f
	pushq	%rax
	movq	%r12, %rdi
	LOAD_KBUF_DATA %rsi
	call	copy_to_user
	testq	%rax, %rax
	popq	%rax
	jz	9f
	movq	$-EFAULT, %rax
9:	ret
SYM_FUNC_END(copy_kbuf_result)

/* long newfstat(unsigned int fd, struct stat __user *statbuf) */
SYM_FUNC_START(sys_newfstat)
	pushq	%r12
	movq	%rsi, %r12
	LOAD_KBUF_DATA %rsi
	movl	$VMCALL_vfs_fstat, %eax
	vmcall					/* vfs_fstat(fd, kstat) */
	movl	$STAT_SIZE, %edx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_newfstat)

/* long newfstatat(int dfd, const char __user *filename, struct stat __user *statbuf, int flag) */
SYM_FUNC_START(sys_newfstatat)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %r13			/* dfd */
	movq	%rdx, %r12			/* statbuf */
	movq	%rcx, %r14			/* flags */
	movq	%rsi, %rdi
	call	getname
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR: a kernel pointer is negative too */
	jae	9f
	movq	%r13, %rdi
	movq	%rax, %rsi
	LOAD_KBUF_DATA %rdx
	movq	%r14, %rcx
	movl	$VMCALL_vfs_fstatat, %eax
	vmcall					/* vfs_fstatat(dfd, kpath, kstat, flags) */
	movl	$STAT_SIZE, %edx
	call	copy_kbuf_result
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_newfstatat)

/* long newstat(const char __user *filename, struct stat __user *statbuf) */
SYM_FUNC_START(sys_newstat)
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	xorl	%ecx, %ecx
	jmp	sys_newfstatat
SYM_FUNC_END(sys_newstat)

/* long newlstat(const char __user *filename, struct stat __user *statbuf) */
SYM_FUNC_START(sys_newlstat)
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	movl	$AT_SYMLINK_NOFOLLOW, %ecx
	jmp	sys_newfstatat
SYM_FUNC_END(sys_newlstat)

/* long readlinkat(int dfd, const char __user *path, char __user *buf, int bufsiz) */
SYM_FUNC_START(sys_readlinkat)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %r13
	movq	%rdx, %r12
	movq	%rcx, %r14
	testl	%r14d, %r14d
	jle	8f				/* bufsiz must be positive */
	movq	%rsi, %rdi
	call	getname
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR: a kernel pointer is negative too */
	jae	9f
	movq	%r13, %rdi
	movq	%rax, %rsi
	LOAD_KBUF_DATA %rdx
	movslq	%r14d, %rcx
	cmpq	$KBUF_DATA, %rcx
	jbe	1f
	movl	$KBUF_DATA, %ecx
1:	movl	$VMCALL_do_readlinkat, %eax
	vmcall					/* length of the link text, not NUL-terminated */
	movq	%rax, %rdx
	call	copy_kbuf_result
	jmp	9f
8:	movq	$-EINVAL, %rax
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_readlinkat)

/* long readlink(const char __user *path, char __user *buf, int bufsiz) */
SYM_FUNC_START(sys_readlink)
	movq	%rdx, %rcx
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	jmp	sys_readlinkat
SYM_FUNC_END(sys_readlink)

/* long getcwd(char __user *buf, unsigned long size): the length including the NUL */
SYM_FUNC_START(sys_getcwd)
	pushq	%r12
	movq	%rdi, %r12
	LOAD_KBUF_DATA %rdi
	cmpq	$KBUF_DATA, %rsi
	jbe	1f
	movl	$KBUF_DATA, %esi
1:	movl	$VMCALL_do_getcwd, %eax
	vmcall
	movq	%rax, %rdx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(sys_getcwd)

/*
 * long getdents64(unsigned int fd, struct linux_dirent64 __user *dirent, unsigned int count)
 * The directory's position is noted first: if the entries cannot be copied out, it is put back,
 * so a bad buffer loses no entries.
 */
SYM_FUNC_START(sys_getdents64)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsi, %r12			/* dirent (user) */
	movl	%edi, %r13d			/* fd */
	movl	%edx, %r14d			/* count */
	xorl	%esi, %esi			/* pos = lseek(fd, 0, SEEK_CUR) */
	movl	$1, %edx
	movl	$VMCALL_ksys_lseek, %eax
	vmcall
	movq	%rax, %r15
	movl	%r13d, %edi
	LOAD_KBUF_DATA %rsi
	movq	%r14, %rdx
	cmpq	$KBUF_DATA, %rdx
	jbe	1f
	movl	$KBUF_DATA, %edx
1:	movl	$VMCALL_ksys_getdents64, %eax
	vmcall
	movq	%rax, %rdx
	call	copy_kbuf_result
	cmpq	$-EFAULT, %rax
	jne	9f
	testq	%r15, %r15			/* the copy failed: back to where the directory was */
	js	9f
	pushq	%rax
	movl	%r13d, %edi
	movq	%r15, %rsi
	xorl	%edx, %edx			/* SEEK_SET */
	movl	$VMCALL_ksys_lseek, %eax
	vmcall
	popq	%rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_getdents64)

/*
 * long statx(int dfd, const char __user *path, unsigned int flags, unsigned int mask,
 *            struct statx __user *buffer)
 * The extended stat: the caller says which fields it wants (mask), the kernel says which it
 * filled (stx_mask). Since Linux 6.11 a NULL path with AT_EMPTY_PATH means dfd itself.
 */
	.set	STATX_SIZE, 256
SYM_FUNC_START(sys_statx)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rbx
	movq	%rdi, %r13			/* dfd */
	movq	%rdx, %r14			/* flags */
	movq	%rcx, %r15			/* mask */
	movq	%r8, %r12			/* buffer (user) */
	xorl	%eax, %eax			/* no path: the kernel copy is NULL */
	testq	%rsi, %rsi
	jnz	1f
	testl	$AT_EMPTY_PATH, %r14d
	jnz	2f
1:	movq	%rsi, %rdi
	call	getname
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR */
	jae	9f
2:	movq	%r13, %rdi
	movq	%rax, %rsi
	movq	%r14, %rdx
	movq	%r15, %rcx
	LOAD_KBUF_DATA %r8
	movl	$VMCALL_do_statx, %eax
	vmcall					/* do_statx(dfd, kpath, flags, mask, kstatx) */
	movl	$STATX_SIZE, %edx
	call	copy_kbuf_result
9:	popq	%rbx
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_statx)

/*
 * long statfs(const char __user *pathname, struct statfs __user *buf)
 * long fstatfs(unsigned int fd, struct statfs __user *buf)
 * What the file system holding the file says of itself: its type, block counts, name length.
 */
	.set	STATFS_SIZE, 120
/* long statfs_to_user(const char *kpath, int fd, struct statfs __user *buf): kpath NULL = fd's */
SYM_FUNC_START_LOCAL(statfs_to_user)
	pushq	%r12
	movq	%rdx, %r12
	LOAD_KBUF_DATA %rdx
	movl	$VMCALL_do_statfs, %eax
	vmcall					/* do_statfs(kpath, fd, kbuf) */
	movl	$STATFS_SIZE, %edx
	call	copy_kbuf_result
	popq	%r12
	ret
SYM_FUNC_END(statfs_to_user)

SYM_FUNC_START(sys_statfs)
	pushq	%rsi
	call	getname
	popq	%rdx				/* buf */
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR */
	jae	9f
	movq	%rax, %rdi
	movq	$-1, %rsi			/* no fd */
	call	statfs_to_user
9:	ret
SYM_FUNC_END(sys_statfs)

SYM_FUNC_START(sys_fstatfs)
	movq	%rsi, %rdx			/* buf */
	movq	%rdi, %rsi			/* the fd */
	xorl	%edi, %edi			/* no path */
	jmp	statfs_to_user
SYM_FUNC_END(sys_fstatfs)
