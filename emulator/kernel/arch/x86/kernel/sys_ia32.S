/*
 * sys_ia32.S: i386 system calls whose arguments come in another order or another shape than the
 * 64-bit ones (Linux's arch/x86/kernel/sys_ia32.c): the 64-bit work is reused, the arguments are
 * moved around first.
 */
#include "asm/asm-offsets.h"
#include "linux/linkage.h"
#include "linux/syscalls.h"
#include "asm/percpu.h"

	.text

/*
 * long compat_sys_ia32_clone(unsigned long clone_flags, unsigned long newsp,
 *                            int __user *parent_tidptr, unsigned long tls_val, int __user *child_tidptr)
 * i386 passes tls before child_tid (CONFIG_CLONE_BACKWARDS); x86-64 the other way round. With
 * CLONE_SETTLS, tls is a struct user_desc * (the child's TLS entry: kernel_clone sees that the
 * caller is an i386 program).
 */
SYM_FUNC_START(compat_sys_ia32_clone)
	xchgq	%rcx, %r8			/* (flags, newsp, parent_tid, child_tid, tls) */
	jmp	sys_clone
SYM_FUNC_END(compat_sys_ia32_clone)

/*
 * Memory. mmap2 takes the offset in pages (4096 bytes), so a 32-bit argument reaches 16 TiB of
 * file; the old mmap takes its six arguments from a struct in memory.
 * long sys_mmap_pgoff(addr, len, prot, flags, fd, unsigned long pgoff)
 */
SYM_FUNC_START(sys_mmap_pgoff)
	shlq	$12, %r9			/* pages -> bytes */
	jmp	sys_mmap
SYM_FUNC_END(sys_mmap_pgoff)

/* long compat_sys_ia32_mmap(struct mmap_arg_struct32 __user *arg): six u32, the offset in bytes */
SYM_FUNC_START(compat_sys_ia32_mmap)
	subq	$24, %rsp
	movq	%rdi, %rsi
	movq	%rsp, %rdi
	movl	$24, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	8f
	movl	20(%rsp), %r9d			/* offset */
	testl	$0xfff, %r9d
	jnz	7f				/* not a whole number of pages */
	movl	(%rsp), %edi			/* addr */
	movl	4(%rsp), %esi			/* len */
	movl	8(%rsp), %edx			/* prot */
	movl	12(%rsp), %ecx			/* flags */
	movl	16(%rsp), %r8d			/* fd */
	addq	$24, %rsp
	jmp	sys_mmap
7:	addq	$24, %rsp
	movq	$-EINVAL, %rax
	ret
8:	addq	$24, %rsp
	movq	$-EFAULT, %rax
	ret
SYM_FUNC_END(compat_sys_ia32_mmap)

/*
 * 64-bit file offsets in two 32-bit registers, low half first.
 * long sys_ia32_pread64(unsigned int fd, char __user *ubuf, u32 count, u32 poslo, u32 poshi)
 */
SYM_FUNC_START(sys_ia32_pread64)
	shlq	$32, %r8
	orq	%r8, %rcx			/* pos = poshi << 32 | poslo */
	jmp	sys_pread64
SYM_FUNC_END(sys_ia32_pread64)

SYM_FUNC_START(sys_ia32_pwrite64)
	shlq	$32, %r8
	orq	%r8, %rcx
	jmp	sys_pwrite64
SYM_FUNC_END(sys_ia32_pwrite64)

/* long sys_ia32_truncate64(const char __user *filename, u32 lo, u32 hi) */
SYM_FUNC_START(sys_ia32_truncate64)
	shlq	$32, %rdx
	orq	%rdx, %rsi
	jmp	sys_truncate
SYM_FUNC_END(sys_ia32_truncate64)

/* long sys_ia32_ftruncate64(unsigned int fd, u32 lo, u32 hi) */
SYM_FUNC_START(sys_ia32_ftruncate64)
	shlq	$32, %rdx
	orq	%rdx, %rsi
	jmp	sys_ftruncate
SYM_FUNC_END(sys_ia32_ftruncate64)

/*
 * struct stat64 of i386: 96 bytes, packed, with 32-bit times and a 32-bit copy of the inode
 * number up front. The VFS fills the kernel's struct stat (x86-64's, 144 bytes) in the data
 * buffer; cp_stat64 converts it on the kernel stack and copies it to the user pointer in %r12.
 * %rax: the VFS's result (a negative one is returned as it is).
 */
SYM_FUNC_START_LOCAL(cp_stat64)
	testq	%rax, %rax
	js	9f
	subq	$96, %rsp
	movq	%rsp, %rdi
	xorl	%eax, %eax
	movl	$96, %ecx
	rep stosb				/* padding reads as zeros */
	LOAD_KBUF_DATA %rsi
	movq	0(%rsi), %rax			/* st_dev */
	movq	%rax, 0(%rsp)
	movl	8(%rsi), %eax			/* __st_ino: the low 32 bits */
	movl	%eax, 12(%rsp)
	movl	24(%rsi), %eax			/* st_mode */
	movl	%eax, 16(%rsp)
	movl	16(%rsi), %eax			/* st_nlink */
	movl	%eax, 20(%rsp)
	movl	28(%rsi), %eax			/* st_uid */
	movl	%eax, 24(%rsp)
	movl	32(%rsi), %eax			/* st_gid */
	movl	%eax, 28(%rsp)
	movq	40(%rsi), %rax			/* st_rdev */
	movq	%rax, 32(%rsp)
	movq	48(%rsi), %rax			/* st_size: 64 bits, the point of stat64 */
	movq	%rax, 44(%rsp)
	movl	56(%rsi), %eax			/* st_blksize */
	movl	%eax, 52(%rsp)
	movq	64(%rsi), %rax			/* st_blocks */
	movq	%rax, 56(%rsp)
	movl	72(%rsi), %eax			/* st_atime, st_atime_nsec */
	movl	%eax, 64(%rsp)
	movl	80(%rsi), %eax
	movl	%eax, 68(%rsp)
	movl	88(%rsi), %eax			/* st_mtime, st_mtime_nsec */
	movl	%eax, 72(%rsp)
	movl	96(%rsi), %eax
	movl	%eax, 76(%rsp)
	movl	104(%rsi), %eax			/* st_ctime, st_ctime_nsec */
	movl	%eax, 80(%rsp)
	movl	112(%rsi), %eax
	movl	%eax, 84(%rsp)
	movq	8(%rsi), %rax			/* st_ino, all 64 bits, last */
	movq	%rax, 88(%rsp)
	movq	%r12, %rdi
	movq	%rsp, %rsi
	movl	$96, %edx
	call	copy_to_user
	addq	$96, %rsp
	testq	%rax, %rax
	jnz	8f
	xorl	%eax, %eax
	ret
8:	movq	$-EFAULT, %rax
9:	ret
SYM_FUNC_END(cp_stat64)

/* long compat_sys_ia32_fstat64(unsigned int fd, struct stat64 __user *statbuf) */
SYM_FUNC_START(compat_sys_ia32_fstat64)
	pushq	%r12
	movq	%rsi, %r12
	LOAD_KBUF_DATA %rsi
	movl	$VMCALL_vfs_fstat, %eax
	vmcall					/* vfs_fstat(fd, kstat) */
	call	cp_stat64
	popq	%r12
	ret
SYM_FUNC_END(compat_sys_ia32_fstat64)

/* long compat_sys_ia32_fstatat64(unsigned int dfd, const char __user *filename, struct stat64 __user *statbuf, int flag) */
SYM_FUNC_START(compat_sys_ia32_fstatat64)
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %r13			/* dfd */
	movq	%rdx, %r12			/* statbuf */
	movq	%rcx, %r14			/* flags */
	movq	%rsi, %rdi
	call	getname
	cmpq	$-MAX_ERRNO, %rax		/* IS_ERR */
	jae	9f
	movq	%r13, %rdi
	movq	%rax, %rsi
	LOAD_KBUF_DATA %rdx
	movq	%r14, %rcx
	movl	$VMCALL_vfs_fstatat, %eax
	vmcall					/* vfs_fstatat(dfd, kpath, kstat, flags) */
	call	cp_stat64
9:	popq	%r14
	popq	%r13
	popq	%r12
	ret
SYM_FUNC_END(compat_sys_ia32_fstatat64)

/* long compat_sys_ia32_stat64(const char __user *filename, struct stat64 __user *statbuf) */
SYM_FUNC_START(compat_sys_ia32_stat64)
	xorl	%ecx, %ecx
.Lstat64:
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	$-100, %rdi			/* AT_FDCWD */
	jmp	compat_sys_ia32_fstatat64
SYM_FUNC_END(compat_sys_ia32_stat64)

/* long compat_sys_ia32_lstat64(const char __user *filename, struct stat64 __user *statbuf) */
SYM_FUNC_START(compat_sys_ia32_lstat64)
	movl	$0x100, %ecx			/* AT_SYMLINK_NOFOLLOW */
	jmp	.Lstat64
SYM_FUNC_END(compat_sys_ia32_lstat64)

/*
 * The way back from an i386 signal handler (Linux's arch/x86/kernel/signal_32.c). The handler
 * returned into the vDSO's __kernel_sigreturn (or glibc's restorer), which made this call: the
 * registers saved in the frame on the user stack come back into pt_regs, and the return to user
 * mode resumes the interrupted code. Neither call takes arguments.
 * long compat_sys_sigreturn(void): a struct sigframe_ia32 (a handler without SA_SIGINFO)
 */
SYM_FUNC_START(compat_sys_sigreturn)
	xorl	%esi, %esi			/* rt = 0 */
	jmp	ia32_sigreturn_common
SYM_FUNC_END(compat_sys_sigreturn)

/* long compat_sys_rt_sigreturn(void): a struct rt_sigframe_ia32 */
SYM_FUNC_START(compat_sys_rt_sigreturn)
	movl	$1, %esi			/* rt = 1 */
	jmp	ia32_sigreturn_common
SYM_FUNC_END(compat_sys_rt_sigreturn)

SYM_FUNC_START_LOCAL(ia32_sigreturn_common)
	movq	PER_CPU_VAR(PCPU_top_of_stack), %rdi
	subq	$PT_REGS_SIZE, %rdi		/* current_pt_regs() */
	movl	$VMCALL_ia32_sigreturn, %eax
	vmcall					/* the restored %eax, which the dispatcher stores back */
	ret
SYM_FUNC_END(ia32_sigreturn_common)
