/*
 * read_write.S: read(2), write(2) and their relatives.
 *
 * The file itself lives in TypeScript (ksys_read / ksys_write work on kernel buffers). What
 * happens here is the part every kernel does: the user's buffer is copied through a kernel
 * buffer one page at a time, with copy_from_user / copy_to_user, so a bad pointer gives -EFAULT.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"
#include "linux/uio.h"

	.text

/*
 * ssize_t vfs_write_user(unsigned int fd, const char __user *buf, size_t count, loff_t pos)
 * pos == -1: at the file's own position (write); otherwise at pos (pwrite64).
 */
SYM_FUNC_START(vfs_write_user)
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movl	%edi, %r12d			/* fd */
	movq	%rsi, %r13			/* where the user's bytes are */
	movq	%rdx, %r14			/* how many are left */
	movq	%rcx, %rbp			/* position, or -1 */
	xorl	%r15d, %r15d			/* how many were written */
	movl	$2, %esi			/* fdget: an open file, open for writing? (-EBADF first) */
	movl	$VMCALL_fdget, %eax
	vmcall
	testq	%rax, %rax
	jnz	9f
	movq	%r13, %rdi			/* then: is the whole buffer in user space? */
	movq	%r14, %rsi
	call	access_ok
	testl	%eax, %eax
	jz	8f
1:	movq	%r14, %rbx			/* this round: min(left, one page) */
	cmpq	$KBUF_DATA, %rbx
	jbe	2f
	movl	$KBUF_DATA, %ebx
2:	LOAD_KBUF_DATA %rdi
	movq	%r13, %rsi
	movq	%rbx, %rdx
	call	copy_from_user			/* user -> kernel */
	testq	%rax, %rax
	jnz	8f				/* part of the buffer is not readable */
	movl	%r12d, %edi
	LOAD_KBUF_DATA %rsi
	movq	%rbx, %rdx
	movq	%rbp, %rcx
	movq	%r15, %r8			/* bytes already written by this call */
	SLEEPING_SERVICE ksys_write		/* ksys_write(fd, kbuf, n, pos, done): a full pipe sleeps */
	testq	%rax, %rax
	js	7f
	addq	%rax, %r15
	addq	%rax, %r13
	subq	%rax, %r14
	cmpq	$-1, %rbp
	je	3f
	addq	%rax, %rbp			/* pwrite: the next page goes after this one */
3:	cmpq	%rbx, %rax
	jne	6f				/* the file took less: stop here */
	testq	%r14, %r14
	jnz	1b
6:	movq	%r15, %rax			/* success: bytes written */
	jmp	9f
7:	testq	%r15, %r15			/* an error after some bytes: report the bytes */
	jnz	6b
	jmp	9f
8:	testq	%r15, %r15
	jnz	6b
	movq	$-EFAULT, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
SYM_FUNC_END(vfs_write_user)

/* ssize_t vfs_read_user(unsigned int fd, char __user *buf, size_t count, loff_t pos) */
SYM_FUNC_START(vfs_read_user)
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movl	%edi, %r12d
	movq	%rsi, %r13
	movq	%rdx, %r14
	movq	%rcx, %rbp
	xorl	%r15d, %r15d
	movl	$1, %esi			/* fdget: open for reading? */
	movl	$VMCALL_fdget, %eax
	vmcall
	testq	%rax, %rax
	jnz	9f
	movq	%r13, %rdi			/* access_ok(buf, count) */
	movq	%r14, %rsi
	call	access_ok
	testl	%eax, %eax
	jz	10f
1:	movq	%r14, %rbx
	cmpq	$KBUF_DATA, %rbx
	jbe	2f
	movl	$KBUF_DATA, %ebx
2:	movl	%r12d, %edi
	LOAD_KBUF_DATA %rsi
	movq	%rbx, %rdx
	movq	%rbp, %rcx
	movq	%r15, %r8			/* bytes already read: once some came, an empty pipe ends the call */
	SLEEPING_SERVICE ksys_read		/* ksys_read(fd, kbuf, n, pos, done): an empty pipe sleeps */
	testq	%rax, %rax
	js	7f
	pushq	%rax				/* bytes read this round */
	movq	%r13, %rdi
	LOAD_KBUF_DATA %rsi
	movq	%rax, %rdx
	call	copy_to_user			/* kernel -> user */
	movq	%rax, %rcx
	popq	%rax
	testq	%rcx, %rcx
	jnz	11f				/* the user's buffer is not writable */
	addq	%rax, %r15
	addq	%rax, %r13
	subq	%rax, %r14
	cmpq	$-1, %rbp
	je	3f
	addq	%rax, %rbp
3:	cmpq	%rbx, %rax
	jne	6f				/* less than asked: that is all there is for now */
	testq	%r14, %r14
	jnz	1b
6:	movq	%r15, %rax
	jmp	9f
7:	testq	%r15, %r15
	jnz	6b
	jmp	9f
11:	cmpq	$-1, %rbp			/* the copy failed after the file gave us n = %rax bytes: */
	jne	10f
	movl	%r12d, %edi			/* give them back, so a failed read moves nothing */
	movq	%rax, %rsi
	negq	%rsi
	movl	$1, %edx			/* lseek(fd, -n, SEEK_CUR); a pipe cannot, and keeps nothing */
	movl	$VMCALL_ksys_lseek, %eax
	vmcall
10:	movq	$-EFAULT, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	ret
SYM_FUNC_END(vfs_read_user)

/* ssize_t write(unsigned int fd, const char __user *buf, size_t count) */
SYM_FUNC_START(sys_write)
	movq	$-1, %rcx			/* at the file position */
	jmp	vfs_write_user
SYM_FUNC_END(sys_write)

/* ssize_t read(unsigned int fd, char __user *buf, size_t count) */
SYM_FUNC_START(sys_read)
	movq	$-1, %rcx
	jmp	vfs_read_user
SYM_FUNC_END(sys_read)

/* ssize_t pread64(unsigned int fd, char __user *buf, size_t count, loff_t pos) */
SYM_FUNC_START(sys_pread64)
	testq	%rcx, %rcx
	js	1f				/* a negative position is invalid */
	jmp	vfs_read_user
1:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(sys_pread64)

/* ssize_t pwrite64(unsigned int fd, const char __user *buf, size_t count, loff_t pos) */
SYM_FUNC_START(sys_pwrite64)
	testq	%rcx, %rcx
	js	1f
	jmp	vfs_write_user
1:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(sys_pwrite64)


/* ssize_t writev / readv: the VECTORED macro is in linux/uio.h */
	VECTORED sys_writev, vfs_write_user
	VECTORED sys_readv, vfs_read_user

/* off_t lseek(unsigned int fd, off_t offset, unsigned int whence) */
	NATIVE_SYSCALL sys_lseek, ksys_lseek

/*
 * ssize_t sendfile64(int out_fd, int in_fd, loff_t __user *offset, size_t count)
 * Copies between two descriptors inside the kernel, without the bytes passing through user
 * memory: what `cat` uses. With an offset, in_fd is read from *offset (which moves on) and its own
 * position stays; without, from its position. A full pipe makes the caller sleep.
 */
SYM_FUNC_START(sys_sendfile64)
	pushq	%r12
	pushq	%r13
	movq	%rdx, %r12			/* offset (user), or NULL */
	xorl	%r13d, %r13d			/* its kernel copy, or NULL */
	testq	%r12, %r12
	jz	1f
	pushq	%rdi
	pushq	%rsi
	pushq	%rcx
	LOAD_KBUF_DATA %rdi
	movq	%r12, %rsi
	movl	$8, %edx
	call	copy_from_user			/* loff_t in */
	popq	%rcx
	popq	%rsi
	popq	%rdi
	testq	%rax, %rax
	jnz	8f
	LOAD_KBUF_DATA %r13
1:	movq	%r13, %rdx
	SLEEPING_SERVICE do_sendfile		/* do_sendfile(out_fd, in_fd, kpos, count) */
	testq	%r12, %r12
	jz	9f
	movl	$8, %edx
	call	copy_kbuf_result		/* the new offset back out */
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_sendfile64)

/*
 * ssize_t copy_file_range(int fd_in, loff_t __user *off_in, int fd_out, loff_t __user *off_out,
 *                         size_t len, unsigned int flags)
 * Copies between two regular files inside the kernel (what `cp` uses). Each offset, when given,
 * is read and moved on instead of that file's position: they travel in the data buffer, off_in
 * at +0 and off_out at +8.
 */
SYM_FUNC_START(sys_copy_file_range)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rbp
	movl	%edi, %ebx			/* fd_in */
	movq	%rsi, %r12			/* off_in (user) */
	movl	%edx, %r13d			/* fd_out */
	movq	%rcx, %r14			/* off_out (user) */
	movq	%r8, %r15			/* len */
	movq	%r9, %rbp			/* flags */
	testq	%r12, %r12
	jz	1f
	LOAD_KBUF_DATA %rdi
	movq	%r12, %rsi
	movl	$8, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
1:	testq	%r14, %r14
	jz	2f
	LOAD_KBUF_DATA %rdi
	addq	$8, %rdi
	movq	%r14, %rsi
	movl	$8, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
2:	movl	%ebx, %edi
	xorl	%esi, %esi			/* kernel copies of the offsets, or NULL */
	testq	%r12, %r12
	jz	3f
	LOAD_KBUF_DATA %rsi
3:	movl	%r13d, %edx
	xorl	%ecx, %ecx
	testq	%r14, %r14
	jz	4f
	LOAD_KBUF_DATA %rcx
	addq	$8, %rcx
4:	movq	%r15, %r8
	movq	%rbp, %r9
	movl	$VMCALL_vfs_copy_file_range, %eax
	vmcall
	testq	%rax, %rax
	js	9f
	movq	%rax, %rbx			/* bytes copied */
	testq	%r12, %r12			/* the offsets back out */
	jz	5f
	movq	%r12, %rdi
	LOAD_KBUF_DATA %rsi
	movl	$8, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	8f
5:	testq	%r14, %r14
	jz	6f
	movq	%r14, %rdi
	LOAD_KBUF_DATA %rsi
	addq	$8, %rsi
	movl	$8, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	8f
6:	movq	%rbx, %rax
	jmp	9f
8:	movq	$-EFAULT, %rax
9:	popq	%rbp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(sys_copy_file_range)
