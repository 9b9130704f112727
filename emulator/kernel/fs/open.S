/*
 * open.S: the calls of Linux's fs/open.c besides open itself: a file's length (truncate), its
 * permission bits (chmod) and owner (chown), the working directory by descriptor (fchdir), and
 * preallocation hints. Paths are copied in by getname (namei.S); the change itself is made by a
 * TypeScript service on the host file, inside the sandbox (EROFS outside the writable folders).
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	AT_FDCWD, -100
	.set	AT_SYMLINK_NOFOLLOW, 0x100

	.text

/* long truncate(const char __user *path, long length) */
	PATH_SYSCALL sys_truncate, do_truncate, %rdi
/* long ftruncate(unsigned int fd, unsigned long length): the file must be open for writing */
	NATIVE_SYSCALL sys_ftruncate, do_ftruncate

/* long fchdir(unsigned int fd): the directory an open descriptor names becomes the cwd */
	NATIVE_SYSCALL sys_fchdir, ksys_fchdir

/* long fchmod(unsigned int fd, umode_t mode) */
	NATIVE_SYSCALL sys_fchmod, vfs_fchmod
/* long fchmodat2(int dfd, const char __user *filename, umode_t mode, unsigned int flags) */
	PATH_SYSCALL sys_fchmodat2, do_fchmodat, %rsi
/* long fchmodat(int dfd, const char __user *filename, umode_t mode): fchmodat2 without flags */
SYM_FUNC_START(sys_fchmodat)
	xorl	%ecx, %ecx
	jmp	sys_fchmodat2
SYM_FUNC_END(sys_fchmodat)
/* long chmod(const char __user *filename, umode_t mode): fchmodat(AT_FDCWD, filename, mode) */
SYM_FUNC_START(sys_chmod)
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	xorl	%ecx, %ecx
	jmp	sys_fchmodat2
SYM_FUNC_END(sys_chmod)

/* long fchown(unsigned int fd, uid_t user, gid_t group) */
	NATIVE_SYSCALL sys_fchown, vfs_fchown
/* long fchownat(int dfd, const char __user *filename, uid_t user, gid_t group, int flag) */
	PATH_SYSCALL sys_fchownat, do_fchownat, %rsi
/* long chown(const char __user *filename, uid_t user, gid_t group): follows a symlink */
SYM_FUNC_START(sys_chown)
	xorl	%r8d, %r8d
.Lchown:
	movq	%rdx, %rcx			/* the arguments move right by one for fchownat */
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	jmp	sys_fchownat
SYM_FUNC_END(sys_chown)
/* long lchown(const char __user *filename, uid_t user, gid_t group): the symlink itself */
SYM_FUNC_START(sys_lchown)
	movl	$AT_SYMLINK_NOFOLLOW, %r8d
	jmp	.Lchown
SYM_FUNC_END(sys_lchown)

/* long fadvise64(int fd, loff_t offset, size_t len, int advice): a hint; only checked */
	NATIVE_SYSCALL sys_fadvise64, ksys_fadvise64
/* long flock(unsigned int fd, unsigned int cmd): one process tree, one machine: always granted */
	NATIVE_SYSCALL sys_flock, ksys_flock
