/*
 * sync.S: flushing to the disk. The emulated machine's writes go straight to the host's files
 * (the host kernel caches and flushes them), so there is nothing to wait for: the calls only
 * check their descriptor, as Linux does.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/* long fsync(unsigned int fd) */
SYM_FUNC_START(sys_fsync)
	xorl	%esi, %esi
	movl	$VMCALL_vfs_fsync, %eax
	vmcall					/* vfs_fsync(fd, datasync = 0) */
	ret
SYM_FUNC_END(sys_fsync)

/* long fdatasync(unsigned int fd): fsync without the metadata that reading does not need */
SYM_FUNC_START(sys_fdatasync)
	movl	$1, %esi
	movl	$VMCALL_vfs_fsync, %eax
	vmcall
	ret
SYM_FUNC_END(sys_fdatasync)

/* long syncfs(int fd): the file system of fd */
SYM_FUNC_START(sys_syncfs)
	movl	$2, %esi
	movl	$VMCALL_vfs_fsync, %eax
	vmcall
	ret
SYM_FUNC_END(sys_syncfs)

/* long sync(void): every file system; it cannot fail */
SYM_FUNC_START(sys_sync)
	xorl	%eax, %eax
	ret
SYM_FUNC_END(sys_sync)
