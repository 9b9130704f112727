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
	movl	$VMCALL_ksys_write, %eax
	vmcall					/* ksys_write(fd, kbuf, n, pos) */
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
	movl	$VMCALL_ksys_read, %eax
	vmcall					/* ksys_read(fd, kbuf, n, pos) */
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

/*
 * ssize_t writev(unsigned long fd, const struct iovec __user *vec, unsigned long vlen)
 * ssize_t readv(...): each struct iovec { void *iov_base; size_t iov_len; } in turn.
 */
.macro VECTORED name, each
SYM_FUNC_START(\name)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movl	%edi, %r12d			/* fd */
	movq	%rsi, %r13			/* the next struct iovec */
	movq	%rdx, %r14			/* how many are left */
	xorl	%r15d, %r15d			/* total */
	cmpq	$1024, %r14			/* UIO_MAXIOV */
	ja	8f
1:	testq	%r14, %r14
	jz	6f
	subq	$16, %rsp			/* copy the iovec itself in */
	movq	%rsp, %rdi
	movq	%r13, %rsi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	movl	%r12d, %edi
	movq	(%rsp), %rsi			/* iov_base */
	movq	8(%rsp), %rdx			/* iov_len */
	movq	%rdx, %rbx
	addq	$16, %rsp
	movq	$-1, %rcx
	call	\each
	testq	%rax, %rax
	js	5f
	addq	%rax, %r15
	cmpq	%rbx, %rax
	jne	6f				/* short: stop */
	addq	$16, %r13
	decq	%r14
	jmp	1b
5:	testq	%r15, %r15			/* an error: report it unless bytes moved */
	jz	9f
6:	movq	%r15, %rax
	jmp	9f
7:	addq	$16, %rsp
	movq	$-EFAULT, %rax
	jmp	9f
8:	movq	$-EINVAL, %rax
9:	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(\name)
.endm

	VECTORED sys_writev, vfs_write_user
	VECTORED sys_readv, vfs_read_user

/* off_t lseek(unsigned int fd, off_t offset, unsigned int whence) */
	NATIVE_SYSCALL sys_lseek, ksys_lseek
