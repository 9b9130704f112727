/*
 * mmap.S: the program's address space. Mapping pages is the machine's business (TypeScript keeps
 * the list of areas, like Linux's VMAs, and the page tables), so these calls pass straight through.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/* unsigned long brk(unsigned long brk): the end of the heap; brk(0) asks where it is */
	NATIVE_SYSCALL sys_brk, sys_brk
/* unsigned long mmap(addr, len, prot, flags, fd, off) */
	NATIVE_SYSCALL sys_mmap, ksys_mmap_pgoff
/* long munmap(unsigned long addr, size_t len) */
	NATIVE_SYSCALL sys_munmap, do_munmap
/* long mprotect(unsigned long start, size_t len, unsigned long prot) */
	NATIVE_SYSCALL sys_mprotect, do_mprotect
/* unsigned long mremap(addr, old_len, new_len, flags, new_addr) */
	NATIVE_SYSCALL sys_mremap, do_mremap
/* long madvise(unsigned long start, size_t len, int behavior) */
	NATIVE_SYSCALL sys_madvise, do_madvise
