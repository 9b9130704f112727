/*
 * xattr.S: extended attributes (name=value pairs beside a file's data: SELinux labels, ACLs).
 * The sandbox shows none: a lookup finds the file and answers ENODATA ("no such attribute"),
 * a listing is empty -- what `ls -l` sees on a file system without labels.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	AT_FDCWD, -100
	.set	AT_SYMLINK_NOFOLLOW, 0x100

	.text

/*
 * long getxattr(const char __user *pathname, const char __user *name, void __user *value, size_t size)
 * lgetxattr: the same on a symlink itself; fgetxattr(int fd, ...): on an open file. Also the
 * listings (listxattr, llistxattr, flistxattr(path|fd, char __user *list, size_t size)) with name NULL.
 * Only the file's existence is checked: the name is not copied, as no attribute exists.
 */
SYM_FUNC_START(sys_getxattr)
	xorl	%r8d, %r8d
.Lpath_xattr:
	pushq	%r8
	pushq	%rsi
	call	getname
	popq	%rdx				/* name (user), only compared with NULL */
	popq	%r8				/* flags */
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR */
	jae	9f
	movq	%rax, %rsi
	movq	$AT_FDCWD, %rdi
	xorl	%ecx, %ecx
	movl	$VMCALL_do_getxattr, %eax
	vmcall					/* do_getxattr(AT_FDCWD, kpath, name, 0, flags) */
9:	ret
SYM_FUNC_END(sys_getxattr)
SYM_FUNC_START(sys_lgetxattr)
	movl	$AT_SYMLINK_NOFOLLOW, %r8d
	jmp	.Lpath_xattr
SYM_FUNC_END(sys_lgetxattr)
SYM_FUNC_START(sys_fgetxattr)
	movq	%rsi, %rdx			/* name */
	xorl	%esi, %esi			/* no path: the fd */
	xorl	%ecx, %ecx
	xorl	%r8d, %r8d
	movl	$VMCALL_do_getxattr, %eax
	vmcall
	ret
SYM_FUNC_END(sys_fgetxattr)

/* The listings: no name (NULL), so the service answers 0 bytes instead of ENODATA. */
SYM_FUNC_START(sys_listxattr)
	xorl	%esi, %esi
	jmp	sys_getxattr
SYM_FUNC_END(sys_listxattr)
SYM_FUNC_START(sys_llistxattr)
	xorl	%esi, %esi
	jmp	sys_lgetxattr
SYM_FUNC_END(sys_llistxattr)
SYM_FUNC_START(sys_flistxattr)
	xorl	%esi, %esi
	jmp	sys_fgetxattr
SYM_FUNC_END(sys_flistxattr)
