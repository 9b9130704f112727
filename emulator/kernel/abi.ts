// The facts the kernel's machine code and the TypeScript side must agree on: addresses, segment
// selectors, MSRs, the layouts of pt_regs, the task and the per-CPU area, and the vmcall service
// numbers. Linux generates asm-offsets.h from its C structures at build time; we generate it from
// this file, so each number is written once.

/** Where the kernel image is linked: Linux's __START_KERNEL_map + 16 MiB. */
export const KERNEL_BASE = 0xffffffff81000000n;
/** Highest user address + 1 on x86-64 with 4-level paging (Linux's TASK_SIZE_MAX). */
export const TASK_SIZE_MAX = 0x00007ffffffff000n;
export const PAGE_SIZE = 4096;

/** GDT selectors, as Linux numbers them (arch/x86/include/asm/segment.h). */
export const SELECTORS = {
  __KERNEL_CS: 0x10,
  __KERNEL_DS: 0x18,
  __USER32_CS: 0x23,
  __USER_DS: 0x2b,
  __USER_CS: 0x33,
};

export const MSRS = {
  MSR_EFER: 0xc0000080,
  MSR_STAR: 0xc0000081,
  MSR_LSTAR: 0xc0000082,
  MSR_CSTAR: 0xc0000083,
  MSR_SYSCALL_MASK: 0xc0000084,
  MSR_FS_BASE: 0xc0000100,
  MSR_GS_BASE: 0xc0000101,
  MSR_KERNEL_GS_BASE: 0xc0000102,
  MSR_IA32_SYSENTER_CS: 0x174,
  MSR_IA32_SYSENTER_ESP: 0x175,
  MSR_IA32_SYSENTER_EIP: 0x176,
};

/** struct pt_regs, in Linux's order: the entry code pushes ss first and r15 last. */
export const PT_REGS_FIELDS = [
  'r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di',
  'orig_ax', 'ip', 'cs', 'flags', 'sp', 'ss',
] as const;
export type PtRegsField = (typeof PT_REGS_FIELDS)[number];
export const PT_REGS_SIZE = PT_REGS_FIELDS.length * 8;
export const ptRegsOffset = (f: PtRegsField): number => PT_REGS_FIELDS.indexOf(f) * 8;
/** The names arch/x86/include/uapi/asm/ptrace-abi.h gives the offsets, used by the .S files. */
const PTRACE_ABI_NAMES: Record<PtRegsField, string> = {
  r15: 'R15', r14: 'R14', r13: 'R13', r12: 'R12', bp: 'RBP', bx: 'RBX', r11: 'R11', r10: 'R10', r9: 'R9', r8: 'R8',
  ax: 'RAX', cx: 'RCX', dx: 'RDX', si: 'RSI', di: 'RDI', orig_ax: 'ORIG_RAX', ip: 'RIP', cs: 'CS', flags: 'EFLAGS', sp: 'RSP', ss: 'SS',
};

/** The per-CPU area that GS points to in kernel mode (after swapgs). */
export const PERCPU = {
  /** Top of the current task's kernel stack: entry_SYSCALL_64 switches to it. */
  PCPU_top_of_stack: 0,
  /** Where entry_SYSCALL_64 keeps the user's %rsp while it has no stack (Linux: cpu_tss_rw.sp2). */
  PCPU_user_sp: 8,
  /** The running task's task_struct. */
  PCPU_current_task: 16,
  PCPU_SIZE: 64,
};

/** The part of task_struct that machine code reads (the rest lives in TypeScript). */
export const TASK = {
  TASK_pid: 0, // the thread group id, what getpid returns
  TASK_tid: 8,
  TASK_ppid: 16,
  TASK_uid: 24,
  TASK_euid: 32,
  TASK_gid: 40,
  TASK_egid: 48,
  /** Thread-info flags: _TIF_SYSCALL_TRACE when a tracer (Trapdoor's strace) watches. */
  TASK_flags: 56,
  /**
   * Two pages of kernel memory for copying user data in and out: a path (PATH_MAX bytes), then a
   * data page (KBUF_DATA bytes on from it).
   */
  TASK_kbuf: 64,
  TASK_stack_top: 72,
  /** The kernel %rsp this task stopped at in schedule() (Linux: thread.sp), where it resumes. */
  TASK_sp: 80,
  /** Where the process's vDSO is mapped (Linux: mm->context.vdso); the SYSENTER return lands in it. */
  TASK_vdso: 88,
  /**
   * Linux's thread.tls_array: the three TLS segment descriptors of an i386 program (GDT entries
   * 12-14, set_thread_area), copied into the GDT whenever this task is switched in.
   */
  TASK_tls_array: 96,
  TASK_SIZE: 128,
  PATH_MAX: 4096,
  KBUF_DATA: 4096,
  KBUF_SIZE: 8192,
};

export const TIF = {
  _TIF_SYSCALL_TRACE: 1,
  /** A signal waits for delivery: the way back to user mode goes through the signal code. */
  _TIF_SIGPENDING: 4,
  /** The time slice is used up (or a woken task should run): schedule() on the way out. */
  _TIF_NEED_RESCHED: 8,
};

/** Kernel stacks of tasks after the first: THREAD_SIZE bytes each, like Linux's 16 KiB. */
export const THREAD_SIZE = 16384;
/**
 * Where task_structs, kernel stacks and copy buffers of new tasks live: one slot per task in a
 * kernel region (Linux's vmalloc area), mapped in every address space.
 */
export const TASK_AREA_BASE = 0xffffc90000000000n;
export const TASK_SLOT_SIZE = 32768; // stack (16K), kbuf (8K), task_struct (rest)
/** The timer's interrupt vector (Linux's LOCAL_TIMER_VECTOR). */
export const LOCAL_TIMER_VECTOR = 0xec;

/**
 * vmcall services: the kernel's machine code calls into TypeScript with `vmcall`, %eax = the
 * service number, arguments as for a C function (%rdi %rsi %rdx %rcx %r8 %r9), result in %rax
 * (a value, or -errno) and, for services that also say how many bytes they wrote to a kernel
 * buffer, %rdx. Kernel pointers only: user memory is copied by machine code.
 */
export const VMCALL_SERVICES = [
  // Boot and process life.
  'kernel_init', // load the first program; returns its entry, leaves the user stack pointer in %rdx and its CS in %rcx
  'do_exit', // (code, group) never returns to this task
  'syscall_trace_enter', // (regs) the tracer sees the call's arguments
  'syscall_trace_exit', // (regs) the tracer sees the result
  'arch_do_signal_or_restart', // (regs) deliver pending signals: a handler frame, or the default action
  'rt_sigreturn', // (regs) restore the registers a handler's frame saved; returns the restored ax
  'kill_something_info', // (pid, sig) kill(2)
  'do_tkill', // (tgid, tid, sig) tgkill(2); tkill(2) passes tgid = -1
  'fdget', // (fd, mode) 0 if fd is open for reading (mode 1) or writing (mode 2), else -EBADF
  'do_execve', // (kpath, argv, envp, regs) replace the program; on success pt_regs start the new one
  'do_user_fault', // (vector, error_code, address, regs) a fault in user mode becomes a signal
  'kernel_oops', // (vector, error_code, address, regs) a fault in the kernel that no fixup covers
  // File I/O on kernel buffers.
  'ksys_read', 'ksys_write', 'ksys_pread64', 'ksys_pwrite64', 'ksys_lseek',
  'do_sys_openat', 'ksys_close', 'vfs_fstat', 'vfs_fstatat', 'do_faccessat', 'ksys_ioctl', 'do_fcntl',
  'ksys_dup', 'ksys_dup3', 'do_getcwd', 'ksys_chdir', 'do_mkdirat', 'do_unlinkat', 'do_renameat',
  'ksys_getdents64', 'do_readlinkat', 'ksys_umask',
  // Memory.
  'sys_brk', 'ksys_mmap_pgoff', 'do_munmap', 'do_mprotect', 'do_mremap', 'do_madvise',
  // Process state, time, misc.
  'do_arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq', 'do_prlimit', 'newuname', 'do_sysinfo',
  'getrandom', 'clock_gettime', 'do_gettimeofday', 'hrtimer_nanosleep',
  'do_sigaction', 'sigprocmask',
  // Processes: the scheduler, fork and wait (kernel/fork.S, kernel/exit.S, kernel/sched/core.S).
  '__schedule', // () pick the next task and switch the hardware to it: %rax = next, %rdx = prev
  'kernel_clone', // (flags, newsp, parent_tid, child_tid, tls, regs) a new task: its pid, or -errno
  'wait_for_vfork_done', // (pid) 0 once the vfork child has exec'd or exited; WOULD_SLEEP until then
  'kernel_wait4', // (pid, options, kstatus, kinfo) a child's pid and status; WOULD_SLEEP to wait
  'kernel_waitid', // (which, pid, ksiginfo, options) 0, or WOULD_SLEEP
  'sysvec_apic_timer_interrupt', // (regs) the time slice ended: mark the task for schedule()
  'do_pipe2', // (kfds, flags) two fds into kfds[0..1]
  'ksys_setpgid', 'ksys_getpgid', 'ksys_setsid', 'ksys_getsid',
  // Threads, futexes, timers and more signals (services.ts).
  'do_futex', // (uaddr, op, val, kargs, uaddr2, val3) kargs: current *uaddr, timeout, utime (futex.S)
  'sys_pause_wait', // () sleep until a signal: -ERESTARTNOHAND
  'do_sigsuspend', // (kmask, size) the same, with a temporary mask
  'do_sigaltstack', // (kss or 0, koss) 0; the old stack_t in koss
  'do_setitimer', // (which, knew or 0, kold) 0; the old itimerval in kold
  'do_getitimer', // (which, 0, kcur) 0
  'alarm_setitimer', // (seconds) the seconds left of the previous alarm
  // Files, /proc and what dynamic linking needs (services-fs.ts).
  'do_statx', // (dfd, kpath, flags, mask, kbuf) struct statx (256 bytes) into kbuf
  'do_truncate', 'do_ftruncate', // (kpath | fd, length)
  'vfs_fsync', // (fd, datasync)
  'do_utimes', // (dfd, kpath or 0, ktimes or 0, flags) ktimes: two struct timespec
  'do_fchmodat', 'vfs_fchmod', // (dfd, kpath, mode, flags) / (fd, mode)
  'do_fchownat', 'vfs_fchown', // (dfd, kpath, uid, gid, flags) / (fd, uid, gid)
  'do_symlinkat', // (AT_FDCWD, ktarget, newdfd, kpath): the link's text, and where the link goes
  'do_linkat', 'do_renameat2', // (olddfd, kold, newdfd, knew, flags)
  'ksys_fchdir', // (fd)
  'memfd_create', // (kname, flags)
  'do_sendfile', // (out_fd, in_fd, kpos or 0, count): bytes moved, *kpos advanced
  'vfs_copy_file_range', // (fd_in, kpos_in or 0, fd_out, kpos_out or 0, len, flags)
  'do_statfs', // (kpath or 0, fd, kbuf) struct statfs (120 bytes) of a path, or of fd when kpath is 0
  'ksys_fadvise64', 'ksys_flock', // (fd, offset, len, advice) / (fd, cmd)
  'do_getxattr', // (dfd, kpath or 0, kname, size, flags): -ENODATA, the sandbox keeps no attributes
  'do_prctl', // (option, arg2 (PR_SET_NAME / PR_GET_NAME: a kernel buffer), arg3, arg4, arg5)
  // Sockets, poll/select and eventfd (services-net.ts).
  '__sys_socket', // (family, type, protocol) a new socket's fd
  '__sys_socketpair', // (family, type, protocol, kfds) two connected sockets' fds into kfds[0..1]
  'sockfd_lookup', // (fd) 0 if fd is an open socket, else -EBADF or -ENOTSOCK
  '__sys_bind', // (fd, kaddr, addrlen)
  '__sys_connect', // (fd, kaddr, addrlen) 0, -errno, or WOULD_SLEEP while the listener's queue is full
  '__sys_listen', // (fd, backlog)
  'do_accept', // (fd, flags, kaddr) the new fd, the peer's address in kaddr (%rdx = its length); WOULD_SLEEP
  '__sys_getsockname', // (fd, kaddr, peer) 0, the address (peer: the other end's) in kaddr, %rdx = its length
  '__sys_shutdown', // (fd, how)
  'sock_sendmsg', // (fd, kmsg, kdata, len, done, left) one chunk of a send: bytes taken, or WOULD_SLEEP
  'sock_recvmsg', // (fd, kmsg, kdata, len, done, left) one chunk of a receive: bytes in kdata, or WOULD_SLEEP
  'do_setsockopt', // (fd, level, optname, kval, optlen)
  'do_getsockopt', // (fd, level, optname, kval, len) 0, the value in kval (%rdx = its length)
  'do_sys_poll', // (kfds, nfds, kts, ksigmask) ready count, revents in kfds; %rdx = 1: kts holds the time left
  'core_sys_select', // (n, kfds, kts, ksigmask) ready count, result sets after the three sets; %rdx as poll
  'do_eventfd', // (count, flags) a new eventfd's fd
  'fdtable_max_fds', // () the size of the task's descriptor table: select looks at no descriptor above it
  // i386 processes (services-compat.ts).
  'do_set_thread_area', // (kinfo, can_allocate) struct user_desc in kinfo; entry_number written back when allocated
  'do_get_thread_area', // (kinfo) fills the struct user_desc whose entry_number kinfo holds
  'ia32_sigreturn', // (regs, rt) restore what an i386 signal frame saved; returns the restored %eax
] as const;
export type VmcallService = (typeof VMCALL_SERVICES)[number];
export const vmcallNumber = (s: VmcallService): number => VMCALL_SERVICES.indexOf(s) + 1;

/** The GDT (arch/x86/include/asm/segment.h): 16 entries; 12-14 hold the running task's TLS descriptors. */
export const GDT = {
  GDT_ENTRIES: 16,
  GDT_ENTRY_TLS_MIN: 12,
  GDT_ENTRY_TLS_ENTRIES: 3,
};

/** Linux's errno numbers the machine code returns itself (the rest come from TypeScript). */
export const KERNEL_ERRNOS = { EPERM: 1, EFAULT: 14, EINVAL: 22, ENAMETOOLONG: 36, ENOSYS: 38, MAX_ERRNO: 4095 };
/**
 * A service's answer "not yet: this task now sleeps on a wait queue" (never seen by user space).
 * The handler then calls schedule() and asks again when woken, as Linux's wait_event loops do.
 */
export const WOULD_SLEEP = -4096;

/** The text of asm-offsets.h: every constant above as a #define, for the .S files. */
export function asmOffsetsHeader(): string {
  const lines = ['/* Generated from emulator/kernel/abi.ts by the kernel build: do not edit. */', '#ifndef __ASM_OFFSETS_H', '#define __ASM_OFFSETS_H'];
  const def = (name: string, value: number | bigint): void => {
    lines.push(`#define ${name} ${typeof value === 'bigint' ? '0x' + value.toString(16) : value}`);
  };
  def('TASK_SIZE_MAX', TASK_SIZE_MAX);
  def('PAGE_SIZE', PAGE_SIZE);
  for (const [k, v] of Object.entries(SELECTORS)) def(k, v);
  for (const [k, v] of Object.entries(MSRS)) def(k, v);
  for (const f of PT_REGS_FIELDS) def(PTRACE_ABI_NAMES[f], ptRegsOffset(f));
  def('PT_REGS_SIZE', PT_REGS_SIZE);
  for (const [k, v] of Object.entries(PERCPU)) def(k, v);
  for (const [k, v] of Object.entries(TASK)) def(k, v);
  for (const [k, v] of Object.entries(TIF)) def(k, v);
  for (const [k, v] of Object.entries(GDT)) def(k, v);
  for (const [k, v] of Object.entries(KERNEL_ERRNOS)) def(k, v);
  def('WOULD_SLEEP', WOULD_SLEEP);
  def('THREAD_SIZE', THREAD_SIZE);
  def('LOCAL_TIMER_VECTOR', LOCAL_TIMER_VECTOR);
  lines.push('#endif', '');
  return lines.join('\n');
}

/**
 * The text of vmcall.h: the service numbers as assembler symbols (not #defines, so a GAS macro
 * can paste `VMCALL_\service` together after the C preprocessor has run).
 */
export function vmcallHeader(): string {
  const lines = ['/* Generated from emulator/kernel/abi.ts by the kernel build: do not edit. */'];
  for (const s of VMCALL_SERVICES) lines.push(`\t.set VMCALL_${s}, ${vmcallNumber(s)}`);
  return lines.join('\n') + '\n';
}
