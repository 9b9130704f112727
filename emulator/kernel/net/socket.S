/*
 * socket.S: the socket system calls (Linux's net/socket.c).
 *
 * A socket is a file descriptor like any other -- read(2), write(2), close(2) and poll(2) work on
 * it -- but it has its own calls to name it (bind), to wait for connections (listen, accept),
 * to make one (connect), and to send and receive with an address and flags (sendto, recvfrom,
 * sendmsg, recvmsg). The sockets themselves live in TypeScript (native/socket.ts); what happens
 * here is what every kernel does at this boundary: copy the address in and out of user memory
 * (move_addr_to_kernel, move_addr_to_user), walk the user's struct iovec array, and move the data
 * through a kernel buffer one page at a time, so that a bad pointer gives -EFAULT.
 *
 * What the kernel knows about one send or receive while its data goes through in chunks sits in
 * a struct kmsghdr at the start of the task's path page (Linux keeps the same in its own kernel
 * struct msghdr); its layout is KMSG in services-net.ts.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"

	.set	SOCKADDR_STORAGE, 128		/* sizeof(struct sockaddr_storage): the largest address */
	.set	SOCK_NONBLOCK, 0x800
	.set	SOCK_CLOEXEC, 0x80000
	.set	UIO_MAXIOV, 1024		/* the most iovecs one call may pass */
	.set	MAX_RW_COUNT, 0x7ffff000	/* the most bytes one call moves (INT_MAX, page aligned) */
	.set	EMSGSIZE, 90

	/* struct kmsghdr, in the task's path page (services-net.ts KMSG) */
	.set	KMSG_name, 0			/* kernel pointer to the address, or 0 */
	.set	KMSG_namelen, 8			/* its length (receive: filled in by the socket) */
	.set	KMSG_flags, 16			/* the call's MSG_* flags */
	.set	KMSG_sent, 24			/* send: bytes the socket really took so far */
	.set	KMSG_extra, 32			/* receive: datagram bytes beyond the buffer (MSG_TRUNC) */
	.set	KMSG_oflags, 40			/* receive: the msg_flags recvmsg reports */
	.set	KMSG_control, 48		/* kernel pointer to control messages (KMSG_ctlbuf), or 0 */
	.set	KMSG_controllen, 56		/* send: their length; receive: the room for them */
	.set	KMSG_cused, 64			/* receive: the bytes of control messages written */
	.set	KMSG_addr, 128			/* struct sockaddr_storage */
	.set	KMSG_ctlbuf, 256		/* control messages (SCM_RIGHTS ...), to the end of the page */
	.set	KMSG_CTL_MAX, PATH_MAX - KMSG_ctlbuf
	.set	ENOBUFS, 105

	/* struct user_msghdr, as a program passes it to sendmsg and recvmsg */
	.set	MSG_name, 0
	.set	MSG_namelen, 8			/* int */
	.set	MSG_iov, 16
	.set	MSG_iovlen, 24
	.set	MSG_control, 32
	.set	MSG_controllen, 40
	.set	MSG_flags, 48			/* int */
	.set	USER_MSGHDR_SIZE, 56

	.text

/*
 * int move_addr_to_kernel(void __user *uaddr, int ulen, struct sockaddr_storage *kaddr)
 * An address from the program: at most 128 bytes (-EINVAL), readable (-EFAULT).
 */
SYM_FUNC_START(move_addr_to_kernel)
	movslq	%esi, %rsi			/* ulen is an int */
	cmpq	$SOCKADDR_STORAGE, %rsi		/* unsigned: a negative length is huge too */
	ja	8f
	testq	%rsi, %rsi
	jz	9f				/* no address at all */
	movq	%rdi, %rax
	movq	%rdx, %rdi			/* to: the kernel's copy */
	movq	%rsi, %rdx			/* n */
	movq	%rax, %rsi			/* from: the program's address */
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
9:	xorl	%eax, %eax
	ret
7:	movq	$-EFAULT, %rax
	ret
8:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(move_addr_to_kernel)

/*
 * int move_addr_to_user(struct sockaddr_storage *kaddr, int klen, void __user *uaddr,
 *                       int __user *ulen)
 * An address to the program: *ulen says how much room it has; the address is cut to that, and
 * *ulen gets the real length (so the program can tell it was cut: "[110 => 2]" in strace).
 */
SYM_FUNC_START(move_addr_to_user)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$16, %rsp
	movq	%rdi, %r12			/* kaddr */
	movslq	%esi, %r13			/* klen */
	movq	%rdx, %r14			/* uaddr */
	movq	%rcx, %r15			/* ulen */
	movq	%rsp, %rdi			/* get_user(len, ulen) */
	movq	%r15, %rsi
	movl	$4, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	movslq	(%rsp), %rbx			/* len: the room the program gave */
	cmpq	%r13, %rbx
	jle	1f
	movq	%r13, %rbx			/* more room than needed: copy klen */
1:	testq	%rbx, %rbx
	js	8f				/* a negative length */
	jz	2f
	movq	%r14, %rdi			/* copy_to_user(uaddr, kaddr, len) */
	movq	%r12, %rsi
	movq	%rbx, %rdx
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
2:	movl	%r13d, (%rsp)			/* put_user(klen, ulen): the length before cutting */
	movq	%r15, %rdi
	movq	%rsp, %rsi
	movl	$4, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
	xorl	%eax, %eax
	jmp	9f
7:	movq	$-EFAULT, %rax
	jmp	9f
8:	movq	$-EINVAL, %rax
9:	addq	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(move_addr_to_user)

/* %reg = the task's struct kmsghdr (the start of its path page) */
.macro LOAD_KMSG reg
	LOAD_KBUF_PATH \reg
.endm

/*
 * int fetch_iovec(const struct iovec *iov, int kernel, struct iovec *to)
 * One struct iovec { void *iov_base; size_t iov_len; }: copied from the program (or, for
 * sendto/recvfrom, which build a one-element iovec on the kernel stack, simply read).
 */
SYM_FUNC_START(fetch_iovec)
	testl	%esi, %esi
	jnz	1f
	movq	%rdi, %rsi			/* copy_from_user(to, iov, 16) */
	movq	%rdx, %rdi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	9f
	ret
1:	movq	(%rdi), %rax
	movq	%rax, (%rdx)
	movq	8(%rdi), %rax
	movq	%rax, 8(%rdx)
	xorl	%eax, %eax
	ret
9:	movq	$-EFAULT, %rax
	ret
SYM_FUNC_END(fetch_iovec)

/* Locals of the two iterators below, on the kernel stack. */
	.set	L_FD, 0				/* the socket's fd */
	.set	L_IOV, 8			/* the iovec array */
	.set	L_IOVLEN, 16			/* how many iovecs */
	.set	L_KIOV, 24			/* 1: the array is in kernel memory */
	.set	L_IDX, 32			/* the next iovec to fetch */
	.set	L_LEFT, 40			/* bytes still to move */
	.set	L_DONE, 48			/* bytes moved */
	.set	L_BASE, 56			/* where in the current iovec */
	.set	L_LEN, 64			/* bytes left in the current iovec */
	.set	L_N, 72				/* this chunk */
	.set	L_VEC, 80			/* a struct iovec (16 bytes) */
	.set	L_GOT, 96			/* what the socket gave in this chunk */
	.set	L_SIZE, 104

/*
 * The first pass over the iovecs (Linux's import_iovec): every length fits in a ssize_t
 * (-EINVAL), every buffer lies in user space (-EFAULT), and the total is at most MAX_RW_COUNT.
 * Leaves the total in L_LEFT.
 */
.macro SUM_IOVECS fault, inval
	movq	$0, L_LEFT(%rsp)
	movq	$0, L_IDX(%rsp)
.Lsum\@:
	movq	L_IDX(%rsp), %rdi
	cmpq	L_IOVLEN(%rsp), %rdi
	jae	.Lsummed\@
	shlq	$4, %rdi
	addq	L_IOV(%rsp), %rdi
	movl	L_KIOV(%rsp), %esi
	leaq	L_VEC(%rsp), %rdx
	call	fetch_iovec
	testq	%rax, %rax
	jnz	\fault
	movq	L_VEC+8(%rsp), %rsi		/* iov_len */
	testq	%rsi, %rsi
	js	\inval				/* negative as a ssize_t */
	movq	L_VEC(%rsp), %rdi
	call	access_ok			/* access_ok(iov_base, iov_len) */
	testl	%eax, %eax
	jz	\fault
	movq	L_VEC+8(%rsp), %rax
	addq	%rax, L_LEFT(%rsp)
	movq	$MAX_RW_COUNT, %rax		/* the total is cut at MAX_RW_COUNT */
	cmpq	%rax, L_LEFT(%rsp)
	jbe	1f
	movq	%rax, L_LEFT(%rsp)
1:	incq	L_IDX(%rsp)
	jmp	.Lsum\@
.Lsummed\@:
	movq	$0, L_IDX(%rsp)
	movq	$0, L_DONE(%rsp)
	movq	$0, L_LEN(%rsp)
.endm

/*
 * The next chunk (second pass): the next non-empty iovec when the current one is used up, then
 * L_N = min(what is left of it, KBUF_DATA). A call with nothing to move still makes one chunk of
 * 0 bytes: a zero-length datagram is a message too.
 */
.macro NEXT_CHUNK fault
.Lseg\@:
	cmpq	$0, L_LEN(%rsp)
	jne	.Lhave\@
	movq	L_IDX(%rsp), %rdi
	cmpq	L_IOVLEN(%rsp), %rdi
	jae	.Lhave\@			/* no more iovecs: a chunk of 0 */
	shlq	$4, %rdi
	addq	L_IOV(%rsp), %rdi
	movl	L_KIOV(%rsp), %esi
	leaq	L_VEC(%rsp), %rdx
	call	fetch_iovec
	testq	%rax, %rax
	jnz	\fault
	incq	L_IDX(%rsp)
	movq	L_VEC(%rsp), %rax
	movq	%rax, L_BASE(%rsp)
	movq	L_VEC+8(%rsp), %rax
	cmpq	L_LEFT(%rsp), %rax		/* not past the (cut) total */
	jbe	1f
	movq	L_LEFT(%rsp), %rax
1:	movq	%rax, L_LEN(%rsp)
	jmp	.Lseg\@
.Lhave\@:
	movq	L_LEN(%rsp), %rax
	cmpq	$KBUF_DATA, %rax
	jbe	2f
	movl	$KBUF_DATA, %eax
2:	movq	%rax, L_N(%rsp)
	subq	%rax, L_LEFT(%rsp)
.endm

/*
 * long sock_sendmsg_iter(int fd, const struct iovec *iov, unsigned long iovlen, int kernel_iov)
 * The data of a send: each chunk is copied in from the program and handed to the socket
 * (sock_sendmsg), which may put the task to sleep while the other end's buffer is full. The
 * struct kmsghdr (address, flags) is ready. Returns the bytes sent, or -errno.
 */
SYM_FUNC_START(sock_sendmsg_iter)
	subq	$L_SIZE, %rsp
	movq	%rdi, L_FD(%rsp)
	movq	%rsi, L_IOV(%rsp)
	movq	%rdx, L_IOVLEN(%rsp)
	movq	%rcx, L_KIOV(%rsp)
	SUM_IOVECS .Lsend_efault, .Lsend_einval
.Lsend_chunk:
	NEXT_CHUNK .Lsend_fault
	movq	L_N(%rsp), %rdx
	testq	%rdx, %rdx
	jz	1f
	LOAD_KBUF_DATA %rdi			/* copy_from_user(kdata, base, n) */
	movq	L_BASE(%rsp), %rsi
	call	copy_from_user
	testq	%rax, %rax
	jnz	.Lsend_fault
1:	movq	L_FD(%rsp), %rdi
	LOAD_KMSG %rsi
	LOAD_KBUF_DATA %rdx
	movq	L_N(%rsp), %rcx
	movq	L_DONE(%rsp), %r8
	movq	L_LEFT(%rsp), %r9
	SLEEPING_SERVICE sock_sendmsg		/* sock_sendmsg(fd, kmsg, kdata, n, done, left) */
	testq	%rax, %rax
	js	.Lsend_error
	addq	%rax, L_DONE(%rsp)
	addq	%rax, L_BASE(%rsp)
	subq	%rax, L_LEN(%rsp)
	cmpq	L_N(%rsp), %rax
	jne	.Lsend_done			/* the socket took less (non-blocking): stop */
	cmpq	$0, L_LEFT(%rsp)
	jne	.Lsend_chunk
.Lsend_done:
	movq	L_DONE(%rsp), %rax
	jmp	.Lsend_out
.Lsend_fault:					/* an unreadable buffer after the first pass */
	movq	$-EFAULT, %rax
.Lsend_error:					/* an error after bytes went out: report the bytes */
	LOAD_KMSG %rcx
	cmpq	$0, KMSG_sent(%rcx)
	je	.Lsend_out
	movq	KMSG_sent(%rcx), %rax
	jmp	.Lsend_out
.Lsend_efault:
	movq	$-EFAULT, %rax
	jmp	.Lsend_out
.Lsend_einval:
	movq	$-EINVAL, %rax
.Lsend_out:
	addq	$L_SIZE, %rsp
	ret
SYM_FUNC_END(sock_sendmsg_iter)

/*
 * long sock_recvmsg_iter(int fd, const struct iovec *iov, unsigned long iovlen, int kernel_iov)
 * The data of a receive: the socket fills the data page (sock_recvmsg, which may sleep until
 * something arrives), and each chunk is copied out to the program. Returns the bytes received
 * (plus, with MSG_TRUNC, the datagram bytes that did not fit), or -errno.
 */
SYM_FUNC_START(sock_recvmsg_iter)
	subq	$L_SIZE, %rsp
	movq	%rdi, L_FD(%rsp)
	movq	%rsi, L_IOV(%rsp)
	movq	%rdx, L_IOVLEN(%rsp)
	movq	%rcx, L_KIOV(%rsp)
	SUM_IOVECS .Lrecv_efault, .Lrecv_einval
.Lrecv_chunk:
	NEXT_CHUNK .Lrecv_fault
	movq	L_FD(%rsp), %rdi
	LOAD_KMSG %rsi
	LOAD_KBUF_DATA %rdx
	movq	L_N(%rsp), %rcx
	movq	L_DONE(%rsp), %r8
	movq	L_LEFT(%rsp), %r9
	SLEEPING_SERVICE sock_recvmsg		/* sock_recvmsg(fd, kmsg, kdata, n, done, left) */
	testq	%rax, %rax
	js	.Lrecv_error
	movq	%rax, L_GOT(%rsp)		/* bytes in the data page */
	testq	%rax, %rax
	jz	1f
	movq	L_BASE(%rsp), %rdi		/* copy_to_user(base, kdata, got) */
	LOAD_KBUF_DATA %rsi
	movq	%rax, %rdx
	call	copy_to_user
	testq	%rax, %rax
	jnz	.Lrecv_fault
1:	movq	L_GOT(%rsp), %rax
	addq	%rax, L_DONE(%rsp)
	addq	%rax, L_BASE(%rsp)
	subq	%rax, L_LEN(%rsp)
	cmpq	L_N(%rsp), %rax
	jne	.Lrecv_done			/* less than asked: that is all there is for now */
	cmpq	$0, L_LEFT(%rsp)
	jne	.Lrecv_chunk
.Lrecv_done:
	LOAD_KMSG %rcx
	movq	L_DONE(%rsp), %rax
	addq	KMSG_extra(%rcx), %rax		/* MSG_TRUNC: the datagram's real length */
	jmp	.Lrecv_out
.Lrecv_fault:
	movq	$-EFAULT, %rax
.Lrecv_error:					/* an error after bytes came: report the bytes */
	cmpq	$0, L_DONE(%rsp)
	je	.Lrecv_out
	movq	L_DONE(%rsp), %rax
	jmp	.Lrecv_out
.Lrecv_efault:
	movq	$-EFAULT, %rax
	jmp	.Lrecv_out
.Lrecv_einval:
	movq	$-EINVAL, %rax
.Lrecv_out:
	addq	$L_SIZE, %rsp
	ret
SYM_FUNC_END(sock_recvmsg_iter)

/*
 * Sets up the task's struct kmsghdr: no address yet, the call's flags, nothing sent.
 * %rdi = flags. Leaves %rcx = the kmsghdr.
 */
SYM_FUNC_START(kmsg_init)
	LOAD_KMSG %rcx
	movq	$0, KMSG_name(%rcx)
	movq	$0, KMSG_namelen(%rcx)
	movslq	%edi, %rdi
	movq	%rdi, KMSG_flags(%rcx)
	movq	$0, KMSG_sent(%rcx)
	movq	$0, KMSG_extra(%rcx)
	movq	$0, KMSG_oflags(%rcx)
	movq	$0, KMSG_control(%rcx)
	movq	$0, KMSG_controllen(%rcx)
	movq	$0, KMSG_cused(%rcx)
	ret
SYM_FUNC_END(kmsg_init)

/* long socket(int family, int type, int protocol): a new socket, and an fd for it */
	NATIVE_SYSCALL sys_socket, __sys_socket

/* long socketpair(int family, int type, int protocol, int __user *usockvec): two connected sockets */
SYM_FUNC_START(sys_socketpair)
	pushq	%r12
	movq	%rcx, %r12			/* where the two fds go */
	LOAD_KBUF_DATA %rcx
	movl	$VMCALL___sys_socketpair, %eax
	vmcall					/* __sys_socketpair(family, type, protocol, kfds) */
	testq	%rax, %rax
	js	9f
	movq	%r12, %rdi			/* copy_to_user(usockvec, kfds, 8) */
	LOAD_KBUF_DATA %rsi
	movl	$8, %edx
	call	copy_to_user
	testq	%rax, %rax
	jz	9f
	LOAD_KBUF_DATA %rax			/* the program cannot learn the fds: close them again */
	movl	(%rax), %edi
	movl	$VMCALL_ksys_close, %eax
	vmcall
	LOAD_KBUF_DATA %rax
	movl	4(%rax), %edi
	movl	$VMCALL_ksys_close, %eax
	vmcall
	movq	$-EFAULT, %rax
9:	popq	%r12
	ret
SYM_FUNC_END(sys_socketpair)

/* Checks that %edi is an open socket: leaves 0, -EBADF or -ENOTSOCK in %rax (sockfd_lookup_light). */
.macro SOCKFD_LOOKUP
	movl	$VMCALL_sockfd_lookup, %eax
	vmcall
.endm

/* long bind(int fd, struct sockaddr __user *umyaddr, int addrlen): give the socket a name */
SYM_FUNC_START(sys_bind)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movl	%edi, %r12d			/* fd */
	movq	%rsi, %r13			/* umyaddr */
	movl	%edx, %r14d			/* addrlen */
	SOCKFD_LOOKUP				/* a socket? */
	testq	%rax, %rax
	jnz	9f
	movq	%r13, %rdi			/* the address, into the kmsghdr's address room */
	movl	%r14d, %esi
	LOAD_KMSG %rdx
	addq	$KMSG_addr, %rdx
	call	move_addr_to_kernel
	testq	%rax, %rax
	jnz	9f
	movl	%r12d, %edi
	LOAD_KMSG %rsi
	addq	$KMSG_addr, %rsi
	movslq	%r14d, %rdx
	movl	$VMCALL___sys_bind, %eax
	vmcall					/* __sys_bind(fd, kaddr, addrlen) */
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_bind)

/*
 * long connect(int fd, struct sockaddr __user *uservaddr, int addrlen): connect to the socket
 * that name stands for. A stream connect waits while the listener's queue is full.
 */
SYM_FUNC_START(sys_connect)
	pushq	%r12
	pushq	%r13
	movl	%edi, %r12d			/* fd */
	movl	%edx, %r13d			/* addrlen */
	movq	%rsi, %rdi			/* the address first (Linux copies it before looking at fd) */
	movl	%edx, %esi
	LOAD_KMSG %rdx
	addq	$KMSG_addr, %rdx
	call	move_addr_to_kernel
	testq	%rax, %rax
	jnz	9f
	movl	%r12d, %edi
	LOAD_KMSG %rsi
	addq	$KMSG_addr, %rsi
	movslq	%r13d, %rdx
	SLEEPING_SERVICE __sys_connect		/* __sys_connect(fd, kaddr, addrlen) */
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_connect)

/* long listen(int fd, int backlog): accept connections, queueing up to backlog of them */
	NATIVE_SYSCALL sys_listen, __sys_listen

/*
 * long accept4(int fd, struct sockaddr __user *upeer_sockaddr, int __user *upeer_addrlen,
 *              int flags): the next connection (waiting for one), as a new fd.
 */
SYM_FUNC_START(sys_accept4)
	testl	$~(SOCK_CLOEXEC | SOCK_NONBLOCK), %ecx
	jnz	8f				/* unknown flags */
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rsi, %r12			/* upeer_sockaddr */
	movq	%rdx, %r13			/* upeer_addrlen */
	movl	%ecx, %esi			/* flags */
	LOAD_KMSG %rdx
	addq	$KMSG_addr, %rdx
	SLEEPING_SERVICE do_accept		/* do_accept(fd, flags, kaddr): the new fd, %rdx = address length */
	testq	%rax, %rax
	js	9f
	testq	%r12, %r12
	jz	9f				/* the caller does not want the address */
	movq	%rax, %r14			/* the new fd */
	LOAD_KMSG %rdi
	addq	$KMSG_addr, %rdi
	movq	%rdx, %rsi
	movq	%r12, %rdx
	movq	%r13, %rcx
	call	move_addr_to_user
	testq	%rax, %rax
	jz	1f
	pushq	%rax				/* the address cannot be given: the connection is dropped */
	movl	%r14d, %edi
	movl	$VMCALL_ksys_close, %eax
	vmcall
	popq	%rax
	jmp	9f
1:	movq	%r14, %rax
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
8:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(sys_accept4)

/* long accept(int fd, struct sockaddr __user *upeer_sockaddr, int __user *upeer_addrlen) */
SYM_FUNC_START(sys_accept)
	xorl	%ecx, %ecx
	jmp	sys_accept4
SYM_FUNC_END(sys_accept)

/* getsockname(2) (peer 0) and getpeername(2) (peer 1): this end's, or the other end's, address */
.macro GETNAME name, peer
SYM_FUNC_START(\name)
	pushq	%r12
	pushq	%r13
	movq	%rsi, %r12			/* usockaddr */
	movq	%rdx, %r13			/* usockaddr_len */
	LOAD_KMSG %rsi
	addq	$KMSG_addr, %rsi
	movl	$\peer, %edx
	movl	$VMCALL___sys_getsockname, %eax
	vmcall					/* __sys_getsockname(fd, kaddr, peer): %rdx = the length */
	testq	%rax, %rax
	jnz	9f
	LOAD_KMSG %rdi
	addq	$KMSG_addr, %rdi
	movq	%rdx, %rsi
	movq	%r12, %rdx
	movq	%r13, %rcx
	call	move_addr_to_user
9:	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(\name)
.endm

	GETNAME sys_getsockname, 0
	GETNAME sys_getpeername, 1

/* long shutdown(int fd, int how): no more receiving (SHUT_RD), sending (SHUT_WR), or both */
	NATIVE_SYSCALL sys_shutdown, __sys_shutdown

/*
 * long setsockopt(int fd, int level, int optname, char __user *optval, int optlen)
 * The value (an int for most options; at most 16 bytes for any this kernel knows) is copied in.
 */
SYM_FUNC_START(sys_setsockopt)
	testl	%r8d, %r8d
	js	8f				/* optlen < 0 */
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rbx
	movl	%edi, %r12d			/* fd */
	movl	%esi, %r13d			/* level */
	movl	%edx, %r14d			/* optname */
	movq	%rcx, %r15			/* optval */
	movslq	%r8d, %rbx			/* optlen */
	SOCKFD_LOOKUP
	testq	%rax, %rax
	jnz	9f
	movq	%rbx, %rdx			/* copy_from_user(kval, optval, min(optlen, 16)) */
	cmpq	$16, %rdx
	jbe	1f
	movl	$16, %edx
1:	LOAD_KBUF_DATA %rdi
	movq	%r15, %rsi
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	movl	%r12d, %edi
	movl	%r13d, %esi
	movl	%r14d, %edx
	LOAD_KBUF_DATA %rcx
	movq	%rbx, %r8
	movl	$VMCALL_do_setsockopt, %eax
	vmcall					/* do_setsockopt(fd, level, optname, kval, optlen) */
	jmp	9f
7:	movq	$-EFAULT, %rax
9:	popq	%rbx
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
8:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(sys_setsockopt)

/*
 * long getsockopt(int fd, int level, int optname, char __user *optval, int __user *optlen)
 * *optlen says how much room optval has; it gets the length of the value given.
 */
SYM_FUNC_START(sys_getsockopt)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rbx
	subq	$16, %rsp
	movl	%edi, %r12d			/* fd */
	movl	%esi, %r13d			/* level */
	movl	%edx, %r14d			/* optname */
	movq	%rcx, %r15			/* optval */
	movq	%r8, %rbx			/* optlen */
	SOCKFD_LOOKUP
	testq	%rax, %rax
	jnz	9f
	movq	%rsp, %rdi			/* get_user(len, optlen) */
	movq	%rbx, %rsi
	movl	$4, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	movl	%r12d, %edi
	movl	%r13d, %esi
	movl	%r14d, %edx
	LOAD_KBUF_DATA %rcx
	movslq	(%rsp), %r8
	movl	$VMCALL_do_getsockopt, %eax
	vmcall					/* do_getsockopt(fd, level, optname, kval, len): %rdx = length */
	testq	%rax, %rax
	jnz	9f
	movl	%edx, (%rsp)
	movq	%r15, %rdi			/* copy_to_user(optval, kval, length) */
	LOAD_KBUF_DATA %rsi
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
	movq	%rbx, %rdi			/* put_user(length, optlen) */
	movq	%rsp, %rsi
	movl	$4, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
	xorl	%eax, %eax
	jmp	9f
7:	movq	$-EFAULT, %rax
9:	addq	$16, %rsp
	popq	%rbx
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_getsockopt)

/*
 * long sendto(int fd, void __user *buff, size_t len, unsigned int flags,
 *             struct sockaddr __user *addr, int addr_len)
 * send(2) is sendto without an address.
 */
SYM_FUNC_START(sys_sendto)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$16, %rsp			/* a struct iovec for the one buffer */
	movl	%edi, %r12d			/* fd */
	movl	%ecx, %r13d			/* flags */
	movq	%r8, %r14			/* addr */
	movl	%r9d, %r15d			/* addr_len */
	movq	$MAX_RW_COUNT, %rax		/* at most MAX_RW_COUNT bytes */
	cmpq	%rax, %rdx
	jbe	1f
	movq	%rax, %rdx
1:	movq	%rsi, (%rsp)			/* iov_base */
	movq	%rdx, 8(%rsp)			/* iov_len */
	movq	%rsi, %rdi			/* access_ok(buff, len) */
	movq	%rdx, %rsi
	call	access_ok
	testl	%eax, %eax
	jz	7f
	movl	%r12d, %edi
	SOCKFD_LOOKUP
	testq	%rax, %rax
	jnz	9f
	movl	%r13d, %edi
	call	kmsg_init
	testq	%r14, %r14
	jz	2f				/* no address: the connected peer */
	movq	%r14, %rdi
	movl	%r15d, %esi
	LOAD_KMSG %rdx
	addq	$KMSG_addr, %rdx
	call	move_addr_to_kernel
	testq	%rax, %rax
	jnz	9f
	LOAD_KMSG %rcx
	leaq	KMSG_addr(%rcx), %rax
	movq	%rax, KMSG_name(%rcx)
	movslq	%r15d, %rax
	movq	%rax, KMSG_namelen(%rcx)
2:	movl	%r12d, %edi
	movq	%rsp, %rsi			/* the iovec, in kernel memory */
	movl	$1, %edx
	movl	$1, %ecx
	call	sock_sendmsg_iter
	jmp	9f
7:	movq	$-EFAULT, %rax
9:	addq	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(sys_sendto)

/*
 * long recvfrom(int fd, void __user *ubuf, size_t size, unsigned int flags,
 *               struct sockaddr __user *addr, int __user *addr_len)
 * recv(2) is recvfrom without an address.
 */
SYM_FUNC_START(sys_recvfrom)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$16, %rsp
	movl	%edi, %r12d			/* fd */
	movl	%ecx, %r13d			/* flags */
	movq	%r8, %r14			/* addr */
	movq	%r9, %r15			/* addr_len */
	movq	$MAX_RW_COUNT, %rax
	cmpq	%rax, %rdx
	jbe	1f
	movq	%rax, %rdx
1:	movq	%rsi, (%rsp)
	movq	%rdx, 8(%rsp)
	movq	%rsi, %rdi			/* access_ok(ubuf, size) */
	movq	%rdx, %rsi
	call	access_ok
	testl	%eax, %eax
	jz	7f
	movl	%r12d, %edi
	SOCKFD_LOOKUP
	testq	%rax, %rax
	jnz	9f
	movl	%r13d, %edi
	call	kmsg_init
	testq	%r14, %r14
	jz	2f
	leaq	KMSG_addr(%rcx), %rax		/* the sender's address comes back there */
	movq	%rax, KMSG_name(%rcx)
2:	movl	%r12d, %edi
	movq	%rsp, %rsi
	movl	$1, %edx
	movl	$1, %ecx
	call	sock_recvmsg_iter
	testq	%rax, %rax
	js	9f
	testq	%r14, %r14
	jz	9f
	movq	%rax, %rbx			/* the result, unless the address cannot be given */
	LOAD_KMSG %rdi
	movq	KMSG_namelen(%rdi), %rsi
	addq	$KMSG_addr, %rdi
	movq	%r14, %rdx
	movq	%r15, %rcx
	call	move_addr_to_user
	testq	%rax, %rax
	jnz	9f
	movq	%rbx, %rax
	jmp	9f
7:	movq	$-EFAULT, %rax
9:	addq	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(sys_recvfrom)

/*
 * Copies a struct user_msghdr in to the caller's frame (at its %rsp: 8(%rsp) here, above the
 * return address) and checks it as Linux's copy_msghdr_from_user does. %rdi = the program's msghdr. Returns 0,
 * -EFAULT, -EINVAL (negative msg_namelen) or -EMSGSIZE (too many iovecs); a msg_namelen above
 * 128 is cut to 128.
 */
SYM_FUNC_START(copy_msghdr_from_user)
	movq	%rdi, %rsi
	leaq	8(%rsp), %rdi
	movl	$USER_MSGHDR_SIZE, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	cmpq	$0, 8+MSG_name(%rsp)
	jne	1f
	movl	$0, 8+MSG_namelen(%rsp)		/* no name: no length either */
1:	movl	8+MSG_namelen(%rsp), %eax
	testl	%eax, %eax
	js	8f
	cmpl	$SOCKADDR_STORAGE, %eax
	jbe	2f
	movl	$SOCKADDR_STORAGE, 8+MSG_namelen(%rsp)
2:	cmpq	$UIO_MAXIOV, 8+MSG_iovlen(%rsp)
	ja	6f
	xorl	%eax, %eax
	ret
6:	movq	$-EMSGSIZE, %rax
	ret
7:	movq	$-EFAULT, %rax
	ret
8:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END(copy_msghdr_from_user)

/*
 * long sendmsg(int fd, struct user_msghdr __user *msg, unsigned int flags): a message from
 * several buffers (msg_iov), to msg_name if given, with control messages (msg_control: open
 * files to pass with SCM_RIGHTS).
 */
SYM_FUNC_START(sys_sendmsg)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movl	%edi, %r12d			/* fd */
	movq	%rsi, %r13			/* msg */
	movl	%edx, %r14d			/* flags */
	subq	$USER_MSGHDR_SIZE+8, %rsp	/* the kernel's copy of the msghdr */
	SOCKFD_LOOKUP
	testq	%rax, %rax
	jnz	9f
	movq	%r13, %rdi
	call	copy_msghdr_from_user		/* fills the frame at %rsp */
	testq	%rax, %rax
	jnz	9f
	movl	%r14d, %edi
	call	kmsg_init
	movslq	MSG_namelen(%rsp), %rsi
	testq	%rsi, %rsi
	jz	1f				/* no address */
	movq	MSG_name(%rsp), %rdi
	LOAD_KMSG %rdx
	addq	$KMSG_addr, %rdx
	call	move_addr_to_kernel
	testq	%rax, %rax
	jnz	9f
	LOAD_KMSG %rcx
	leaq	KMSG_addr(%rcx), %rax
	movq	%rax, KMSG_name(%rcx)
	movslq	MSG_namelen(%rsp), %rax
	movq	%rax, KMSG_namelen(%rcx)
1:	movq	MSG_controllen(%rsp), %rdx	/* control messages (SCM_RIGHTS: descriptors to pass) */
	testq	%rdx, %rdx
	jz	2f
	movq	$-ENOBUFS, %rax
	cmpq	$KMSG_CTL_MAX, %rdx		/* more than the kernel's buffer for them */
	ja	9f
	LOAD_KMSG %rdi				/* copy_from_user(kctl, msg_control, msg_controllen) */
	addq	$KMSG_ctlbuf, %rdi
	movq	MSG_control(%rsp), %rsi
	call	copy_from_user
	testq	%rax, %rax
	jnz	7f
	LOAD_KMSG %rcx
	leaq	KMSG_ctlbuf(%rcx), %rax
	movq	%rax, KMSG_control(%rcx)
	movq	MSG_controllen(%rsp), %rax
	movq	%rax, KMSG_controllen(%rcx)
2:	movl	%r12d, %edi
	movq	MSG_iov(%rsp), %rsi
	movq	MSG_iovlen(%rsp), %rdx
	xorl	%ecx, %ecx			/* the iovecs are in user memory */
	call	sock_sendmsg_iter
	jmp	9f
7:	movq	$-EFAULT, %rax
9:	addq	$USER_MSGHDR_SIZE+8, %rsp
	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(sys_sendmsg)

/*
 * long recvmsg(int fd, struct user_msghdr __user *msg, unsigned int flags): a message into
 * several buffers; the sender's address into msg_name, passed files as SCM_RIGHTS into
 * msg_control, and msg_namelen, msg_flags and msg_controllen back into the program's msghdr.
 */
SYM_FUNC_START(sys_recvmsg)
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movl	%edi, %r12d			/* fd */
	movq	%rsi, %r13			/* msg */
	movl	%edx, %r14d			/* flags */
	subq	$USER_MSGHDR_SIZE+8, %rsp
	SOCKFD_LOOKUP
	testq	%rax, %rax
	jnz	9f
	movq	%r13, %rdi
	call	copy_msghdr_from_user
	testq	%rax, %rax
	jnz	9f
	movl	%r14d, %edi
	call	kmsg_init
	cmpq	$0, MSG_name(%rsp)
	je	1f
	leaq	KMSG_addr(%rcx), %rax		/* the sender's address comes back there */
	movq	%rax, KMSG_name(%rcx)
1:	cmpq	$0, MSG_control(%rsp)		/* room for control messages (passed descriptors) */
	je	3f
	leaq	KMSG_ctlbuf(%rcx), %rax
	movq	%rax, KMSG_control(%rcx)
	movq	MSG_controllen(%rsp), %rax
	cmpq	$KMSG_CTL_MAX, %rax
	jbe	4f
	movl	$KMSG_CTL_MAX, %eax
4:	movq	%rax, KMSG_controllen(%rcx)
3:	movl	%r12d, %edi
	movq	MSG_iov(%rsp), %rsi
	movq	MSG_iovlen(%rsp), %rdx
	xorl	%ecx, %ecx
	call	sock_recvmsg_iter
	testq	%rax, %rax
	js	9f
	movq	%rax, %rbx			/* the result */
	cmpq	$0, MSG_name(%rsp)
	je	2f
	LOAD_KMSG %rdi				/* move_addr_to_user(kaddr, namelen, msg_name, &msg->msg_namelen) */
	movq	KMSG_namelen(%rdi), %rsi
	addq	$KMSG_addr, %rdi
	movq	MSG_name(%rsp), %rdx
	leaq	MSG_namelen(%r13), %rcx
	call	move_addr_to_user
	testq	%rax, %rax
	jnz	9f
2:	LOAD_KMSG %rax				/* msg->msg_flags = what happened (MSG_TRUNC ...) */
	movq	KMSG_oflags(%rax), %rax
	movl	%eax, MSG_flags(%rsp)
	leaq	MSG_flags(%r13), %rdi
	leaq	MSG_flags(%rsp), %rsi
	movl	$4, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
	LOAD_KMSG %rax				/* the control messages, to msg_control */
	movq	KMSG_cused(%rax), %rdx
	movq	%rdx, MSG_controllen(%rsp)
	testq	%rdx, %rdx
	jz	5f
	movq	MSG_control(%rsp), %rdi
	leaq	KMSG_ctlbuf(%rax), %rsi
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
5:	leaq	MSG_controllen(%r13), %rdi	/* msg->msg_controllen = the bytes used */
	leaq	MSG_controllen(%rsp), %rsi
	movl	$8, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	7f
	movq	%rbx, %rax
	jmp	9f
7:	movq	$-EFAULT, %rax
9:	addq	$USER_MSGHDR_SIZE+8, %rsp
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END(sys_recvmsg)
