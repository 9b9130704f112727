/*
 * pipe.S: pipes. A pipe is a buffer in the kernel with two ends, each an open file: what is
 * written into fds[1] is read from fds[0]. A reader of an empty pipe sleeps until a writer
 * writes or the last writer closes (then read returns 0: end of file); a writer to a pipe with no
 * reader left gets SIGPIPE and -EPIPE. The buffer and the ends live in TypeScript (native/pipe.ts).
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.text

/* long pipe2(int __user *fildes, int flags): flags O_CLOEXEC, O_NONBLOCK, O_DIRECT */
SYM_FUNC_START(sys_pipe2)
	pushq	%r12
	movq	%rdi, %r12			/* where the two fds go */
	LOAD_KBUF_DATA %rdi
	movl	$VMCALL_do_pipe2, %eax
	vmcall					/* do_pipe2(kfds, flags): 0, two ints in kfds */
	movl	$8, %edx
	call	copy_kbuf_result		/* int fildes[2] */
	popq	%r12
	ret
SYM_FUNC_END(sys_pipe2)

/* long pipe(int __user *fildes) */
SYM_FUNC_START(sys_pipe)
	xorl	%esi, %esi
	jmp	sys_pipe2
SYM_FUNC_END(sys_pipe)
