// The shape of a system-call test case: a program made of calls, the return each call must give
// (checked on the emulated machine, and against real Linux when as, ld and strace are present).

import { Arg, Call, GuestOptions } from '../../helpers/guest';

/** An errno name (the call must return -errno), an exact value, 'ok' (>= 0) or a predicate. */
export type Expect = string | number | bigint | 'ok' | { test: (r: bigint) => boolean; what: string };

export interface SyscallCase {
  name: string;
  calls: Call[];
  /** One per system call in `calls` (raw asm lines have none). */
  expect: Expect[];
  /** Extra .data lines (the common labels below are always present). */
  data?: string;
  /** Compare with a native run (default true): off where the sandbox differs on purpose (EROFS). */
  native?: boolean;
  /** Compare the strace lines with the native ones after masking addresses (default true). */
  sameLines?: boolean;
  /** Exact strace lines expected on the emulated machine (the calls' lines, without execve/exit_group). */
  lines?: (string | RegExp)[];
  /** The program's whole stdout, when it matters. */
  stdout?: string;
  opts?: GuestOptions;
}

export const NR = {
  read: 0, write: 1, open: 2, close: 3, stat: 4, fstat: 5, lstat: 6, lseek: 8, mmap: 9, mprotect: 10, munmap: 11,
  brk: 12, rt_sigaction: 13, rt_sigprocmask: 14, ioctl: 16, pread64: 17, pwrite64: 18, readv: 19, writev: 20,
  access: 21, sched_yield: 24, mremap: 25, madvise: 28, dup: 32, dup2: 33, nanosleep: 35, getpid: 39, exit: 60,
  uname: 63, fcntl: 72, getcwd: 79, chdir: 80, rename: 82, mkdir: 83, rmdir: 84, unlink: 87, readlink: 89,
  umask: 95, gettimeofday: 96, getrlimit: 97, sysinfo: 99, getuid: 102, getgid: 104, geteuid: 107, getegid: 108,
  getppid: 110, arch_prctl: 158, gettid: 186, time: 201, getdents64: 217, set_tid_address: 218,
  clock_gettime: 228, clock_nanosleep: 230, exit_group: 231, openat: 257, mkdirat: 258, newfstatat: 262,
  unlinkat: 263, renameat: 264, readlinkat: 267, faccessat: 269, set_robust_list: 273, dup3: 292,
  prlimit64: 302, getrandom: 318, rseq: 334, faccessat2: 439,
} as const;

export const AT_FDCWD = -100;
export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100, O_EXCL = 0o200, O_TRUNC = 0o1000;
export const O_DIRECTORY = 0o200000, O_CLOEXEC = 0o2000000;
/** A kernel address: mapped, supervisor-only: every user copy from or to it must give EFAULT. */
export const KADDR = 0xffffffff81000000n;
/** A non-canonical address. */
export const NONCANON = 0x0000800000000000n;

/** Saves rax (the last call's return) in r12 / r13; FD / FD2 pass them as arguments. */
export const SAVE = 'mov %rax, %r12';
export const SAVE2 = 'mov %rax, %r13';
export const FD: Arg = { raw: 'mov %r12, $REG' };
export const FD2: Arg = { raw: 'mov %r13, $REG' };
/** r12 plus a constant (addresses inside a mapping). */
export const FDPLUS = (n: number): Arg => ({ raw: `lea ${n}(%r12), $REG` });

/** Labels every case program has. data.txt holds "0123456789\n". */
export const COMMON_DATA = `
msg: .ascii "hello\\n"
msg2: .ascii "world!\\n"
p_data: .asciz "data.txt"
p_missing: .asciz "missing"
p_dir: .asciz "dir"
p_dirfile: .asciz "dir/f"
p_link: .asciz "link"
p_new: .asciz "new.txt"
p_new2: .asciz "new2.txt"
p_newdir: .asciz "newdir"
p_notdir: .asciz "data.txt/x"
p_empty: .asciz ""
p_dot: .asciz "."
p_etc: .asciz "/etc/passwd"
p_etcnew: .asciz "/etc/trapdoor-test-new"
p_etcdir: .asciz "/etc/trapdoor-test-dir"
p_escape: .asciz "../../../../../../../../../../etc/trapdoor-escape"
p_long: .fill 5000, 1, 'a'
  .byte 0
p_longname: .fill 300, 1, 'b'
  .byte 0
  .balign 8
iov: .quad msg, 6, msg2, 7
iov_bad: .quad 0xffffffff81000000, 6
iov_r: .quad buf, 4, buf2, 3
ts_short: .quad 0, 1000
ts_bad: .quad 0, 2000000000
ts_neg: .quad -1, 0
sigset: .quad 0x4000
act: .quad 1, 0x04000000, 0, 0
  .balign 32
rseq_area: .fill 32, 1, 0
`;

export const COMMON_BSS = `
  .balign 64
buf: .skip 4096
buf2: .skip 4096
`;

/** Files of every case's working directory. */
export const COMMON_FILES = { 'data.txt': '0123456789\n', 'dir/f': 'f\n' };
