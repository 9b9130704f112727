/*
 * groups.S: supplementary groups, the extra groups a process belongs to besides its gid. The
 * emulated process has none, so the list is always empty.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/*
 * long getgroups(int gidsetsize, gid_t __user *grouplist): how many groups (here 0), copied into
 * grouplist when gidsetsize is large enough; a negative size is EINVAL.
 */
SYM_FUNC_START(sys_getgroups)
	testl	%edi, %edi
	js	1f
	xorl	%eax, %eax			/* no groups: nothing to copy */
	ret
1:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(sys_getgroups)
