/*
 * memfd.S: memfd_create(2), an anonymous file that lives only as long as a descriptor to it: a
 * program can write it, mmap it and pass it on (what JITs and Wayland clients do). Its name is
 * only a label for /proc/self/fd ("/memfd:NAME (deleted)").
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/* long memfd_create(const char __user *uname, unsigned int flags) */
	PATH_SYSCALL sys_memfd_create, memfd_create, %rdi
