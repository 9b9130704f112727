/*
 * eventfd.S: eventfd(2) and eventfd2(2) (Linux's fs/eventfd.c). An eventfd is a 64-bit counter
 * in the kernel behind a file descriptor: write(2) adds 8 bytes' worth to it, read(2) takes it
 * (waiting while it is 0), and poll(2) sees when it can. read and write are the ordinary ones
 * (fs/read_write.S); only the creation is here. The counter lives in native/eventfd.ts.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/* long eventfd2(unsigned int count, int flags): flags EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE */
	NATIVE_SYSCALL sys_eventfd2, do_eventfd

/* long eventfd(unsigned int count): the old call, without flags */
SYM_FUNC_START(sys_eventfd)
	xorl	%esi, %esi
	jmp	sys_eventfd2
SYM_FUNC_END(sys_eventfd)
