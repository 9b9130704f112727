// Syscall argument kinds, as data: what each argument of each call is (fd, path, in-buffer with its
// length argument, out-buffer shown at exit, flag set, enum, struct ...) and how the return value
// reads. The strace printer and the timeline are driven by this table; names match the .tbl files.

import type { EnumName, FlagSetName } from './xlat';
import type { NetSpecialName } from './net';

export type StructName =
  | 'stat' | 'stat64' | 'oldstat' | 'timespec' | 'timespec32' | 'timeval' | 'itimerval' | 'siginfo' | 'sigaction' | 'rlimit' | 'rlimit32'
  | 'utsname' | 'sysinfo' | 'stack' | 'winsize' | 'termios'
  | 'statx' | 'statfs' | 'utimes' | 'userDesc';

export type Arg =
  | { k: 'int' } | { k: 'uint' } | { k: 'long' } | { k: 'ulong' } | { k: 'hex' } | { k: 'ptr' } | { k: 'oct' }
  | { k: 'fd' } | { k: 'dirfd' } | { k: 'path' } | { k: 'str' } | { k: 'sig' }
  /** Bytes the call reads: shown at entry, length from argument `len`. */
  | { k: 'inbuf'; len: number }
  /** Bytes the call fills: shown at exit, as many as the return value says (or a C string). */
  | { k: 'outbuf'; hex?: boolean; cstr?: boolean }
  | { k: 'flags'; set: FlagSetName }
  | { k: 'enum'; e: EnumName; what: string }
  | { k: 'struct'; s: StructName; exit?: boolean }
  /** A sigset_t; its size is argument `size`. */
  | { k: 'sigset'; size: number; exit?: boolean }
  | { k: 'iovec'; count: number; exit?: boolean }
  /** Decoded by a per-call rule in the printer (execve argv, fcntl's third argument, ...). */
  | { k: 'special'; name: SpecialName; exit?: boolean };

export type SpecialName =
  | 'argv' | 'envp' | 'openMode' | 'fcntlArg' | 'ioctlArg' | 'waitStatus' | 'pipe' | 'timeOut' | 'archPrctlAddr'
  | 'dirents' | 'remain' | 'mremapNew' | 'cloneFlags' | 'futexArgs' | 'childTid' | 'wait4Pid'
  | 'offInOut' | 'loff' | 'gidList' | 'prctlArgs' | 'llseekOffset' | 'llseekLow' | 'llseekResult'
  | NetSpecialName;

export type RetKind = 'dec' | 'hex' | 'oct' | 'none' | 'fcntl';

export interface Signature {
  args: Arg[];
  ret?: RetKind;
}

const int: Arg = { k: 'int' }, uint: Arg = { k: 'uint' }, long: Arg = { k: 'long' }, ulong: Arg = { k: 'ulong' };
const hex: Arg = { k: 'hex' }, ptr: Arg = { k: 'ptr' }, oct: Arg = { k: 'oct' }, fd: Arg = { k: 'fd' };
const dirfd: Arg = { k: 'dirfd' }, path: Arg = { k: 'path' }, sig: Arg = { k: 'sig' };
const inbuf = (len: number): Arg => ({ k: 'inbuf', len });
const outbuf: Arg = { k: 'outbuf' };
const flags = (set: FlagSetName): Arg => ({ k: 'flags', set });
const en = (e: EnumName, what: string): Arg => ({ k: 'enum', e, what });
const st = (s: StructName, exit = false): Arg => ({ k: 'struct', s, exit });
const out = (s: StructName): Arg => st(s, true);
const sp = (name: SpecialName, exit = false): Arg => ({ k: 'special', name, exit });
const sigset = (size: number, exit = false): Arg => ({ k: 'sigset', size, exit });
const sig_ = (args: Arg[], ret?: RetKind): Signature => (ret ? { args, ret } : { args });

export const SIGNATURES: Record<string, Signature> = {
  read: sig_([fd, outbuf, ulong]),
  write: sig_([fd, inbuf(2), ulong]),
  pread64: sig_([fd, outbuf, ulong, long]),
  pwrite64: sig_([fd, inbuf(2), ulong, long]),
  readv: sig_([fd, { k: 'iovec', count: 2, exit: true }, ulong]),
  writev: sig_([fd, { k: 'iovec', count: 2 }, ulong]),
  open: sig_([path, flags('open'), sp('openMode')]),
  openat: sig_([dirfd, path, flags('open'), sp('openMode')]),
  creat: sig_([path, oct]),
  close: sig_([fd]),
  lseek: sig_([fd, long, en('whence', 'SEEK')]),
  stat: sig_([path, out('stat')]),
  lstat: sig_([path, out('stat')]),
  fstat: sig_([fd, out('stat')]),
  newfstatat: sig_([dirfd, path, out('stat'), flags('at')]),
  access: sig_([path, flags('access')]),
  faccessat: sig_([dirfd, path, flags('access')]),
  faccessat2: sig_([dirfd, path, flags('access'), flags('atAccess')]),
  ioctl: sig_([fd, en('ioctl', 'TC'), sp('ioctlArg', true)]),
  fcntl: sig_([fd, en('fcntl', 'F'), sp('fcntlArg')], 'fcntl'),
  dup: sig_([fd]),
  dup2: sig_([fd, fd]),
  dup3: sig_([fd, fd, flags('pipe')]),
  getcwd: sig_([{ k: 'outbuf', cstr: true }, ulong]),
  chdir: sig_([path]),
  fchdir: sig_([fd]),
  mkdir: sig_([path, oct]),
  mkdirat: sig_([dirfd, path, oct]),
  rmdir: sig_([path]),
  unlink: sig_([path]),
  unlinkat: sig_([dirfd, path, flags('at')]),
  rename: sig_([path, path]),
  renameat: sig_([dirfd, path, dirfd, path]),
  renameat2: sig_([dirfd, path, dirfd, path, flags('rename')]),
  link: sig_([path, path]),
  symlink: sig_([path, path]),
  chmod: sig_([path, oct]),
  fchmod: sig_([fd, oct]),
  getdents64: sig_([fd, sp('dirents', true), uint]),
  getdents: sig_([fd, sp('dirents', true), uint]),
  readlink: sig_([path, outbuf, ulong]),
  readlinkat: sig_([dirfd, path, outbuf, ulong]),
  brk: sig_([ptr], 'hex'),
  mmap: sig_([ptr, ulong, flags('prot'), flags('mmap'), int, hex], 'hex'),
  mmap2: sig_([ptr, ulong, flags('prot'), flags('mmap'), int, hex], 'hex'),
  munmap: sig_([ptr, ulong]),
  mprotect: sig_([ptr, ulong, flags('prot')]),
  mremap: sig_([ptr, ulong, ulong, flags('mremap'), sp('mremapNew')], 'hex'),
  madvise: sig_([ptr, ulong, en('madvise', 'MADV')]),
  arch_prctl: sig_([en('archPrctl', 'ARCH'), sp('archPrctlAddr', true)]),
  set_tid_address: sig_([ptr]),
  set_robust_list: sig_([ptr, ulong]),
  rseq: sig_([ptr, hex, hex, hex]),
  prlimit64: sig_([int, en('rlimit', 'RLIMIT'), st('rlimit'), out('rlimit')]),
  getrlimit: sig_([en('rlimit', 'RLIMIT'), out('rlimit')]),
  setrlimit: sig_([en('rlimit', 'RLIMIT'), st('rlimit')]),
  ugetrlimit: sig_([en('rlimit', 'RLIMIT'), out('rlimit32')]),
  uname: sig_([out('utsname')]),
  getpid: sig_([]), getppid: sig_([]), gettid: sig_([]), getpgrp: sig_([]), setsid: sig_([]),
  getuid: sig_([]), geteuid: sig_([]), getgid: sig_([]), getegid: sig_([]),
  getuid32: sig_([]), geteuid32: sig_([]), getgid32: sig_([]), getegid32: sig_([]),
  fork: sig_([]), vfork: sig_([]), pause: sig_([]), sched_yield: sig_([]), sync: sig_([]),
  exit: sig_([int], 'none'),
  exit_group: sig_([int], 'none'),
  clock_gettime: sig_([en('clock', 'CLOCK'), out('timespec')]),
  clock_getres: sig_([en('clock', 'CLOCK'), out('timespec')]),
  clock_gettime64: sig_([en('clock', 'CLOCK'), out('timespec')]),
  gettimeofday: sig_([out('timeval'), ptr]),
  time: sig_([sp('timeOut', true)]),
  nanosleep: sig_([st('timespec'), sp('remain', true)]),
  clock_nanosleep: sig_([en('clock', 'CLOCK'), flags('timer'), st('timespec'), sp('remain', true)]),
  getrandom: sig_([{ k: 'outbuf', hex: true }, ulong, flags('grnd')]),
  rt_sigaction: sig_([sig, st('sigaction'), out('sigaction'), ulong]),
  rt_sigprocmask: sig_([en('sigprocmaskHow', 'SIG'), sigset(3), sigset(3, true), ulong]),
  rt_sigreturn: sig_([sp('argv')]), // replaced by the frame printer in strace.ts; args unused
  sigaltstack: sig_([st('stack'), out('stack')]),
  kill: sig_([int, sig]),
  tkill: sig_([int, sig]),
  tgkill: sig_([int, int, sig]),
  sysinfo: sig_([out('sysinfo')]),
  umask: sig_([oct], 'oct'),
  execve: sig_([path, sp('argv'), sp('envp')]),
  wait4: sig_([sp('wait4Pid'), sp('waitStatus', true), flags('wait'), ptr]),
  waitpid: sig_([sp('wait4Pid'), sp('waitStatus', true), flags('wait')]),
  pipe: sig_([sp('pipe', true)]),
  pipe2: sig_([sp('pipe', true), flags('pipe')]),
  clone: sig_([sp('cloneFlags')]), // the whole argument list comes from the clone rule
  futex: sig_([sp('futexArgs')]), // the whole argument list comes from the futex rule
  setpgid: sig_([int, int]),
  getpgid: sig_([int]),
  getsid: sig_([int]),
  ftruncate: sig_([fd, ulong]),
  truncate: sig_([path, ulong]),
  fsync: sig_([fd]),
  fdatasync: sig_([fd]),
  chroot: sig_([path]),
  alarm: sig_([uint]),
  setitimer: sig_([en('itimer', 'ITIMER'), st('itimerval'), out('itimerval')]),
  getitimer: sig_([en('itimer', 'ITIMER'), out('itimerval')]),
  rt_sigsuspend: sig_([sigset(1), ulong]),
  waitid: sig_([en('idtype', 'P'), int, out('siginfo'), flags('wait'), ptr]),
  // File calls (services-fs.ts)
  statx: sig_([dirfd, path, flags('statx'), flags('statxMask'), out('statx')]),
  statfs: sig_([path, out('statfs')]),
  fstatfs: sig_([fd, out('statfs')]),
  utimensat: sig_([dirfd, path, st('utimes'), flags('at')]),
  fchmodat: sig_([dirfd, path, oct]),
  fchmodat2: sig_([dirfd, path, oct, flags('at')]),
  chown: sig_([path, int, int]),
  lchown: sig_([path, int, int]),
  fchown: sig_([fd, int, int]),
  fchownat: sig_([dirfd, path, int, int, flags('at')]),
  symlinkat: sig_([path, dirfd, path]),
  linkat: sig_([dirfd, path, dirfd, path, flags('at')]),
  memfd_create: sig_([{ k: 'str' }, flags('mfd')]),
  sendfile: sig_([fd, fd, sp('offInOut', true), ulong]),
  copy_file_range: sig_([fd, sp('loff'), fd, sp('loff'), ulong, uint]),
  fadvise64: sig_([fd, long, ulong, en('fadvise', 'POSIX_FADV')]),
  flock: sig_([fd, flags('lock')]),
  syncfs: sig_([fd]),
  getgroups: sig_([int, sp('gidList', true)]),
  getxattr: sig_([path, { k: 'str' }, outbuf, ulong]),
  lgetxattr: sig_([path, { k: 'str' }, outbuf, ulong]),
  fgetxattr: sig_([fd, { k: 'str' }, outbuf, ulong]),
  listxattr: sig_([path, outbuf, ulong]),
  llistxattr: sig_([path, outbuf, ulong]),
  flistxattr: sig_([fd, outbuf, ulong]),
  prctl: sig_([en('prctl', 'PR'), sp('prctlArgs', true)]), // the other arguments by option
  // Sockets, poll/select and eventfd: their own kinds are decoded in net.ts.
  socket: sig_([sp('sockFamily'), sp('sockType'), sp('sockProto')]),
  socketpair: sig_([sp('sockFamily'), sp('sockType'), uint, sp('pipe', true)]),
  bind: sig_([fd, sp('sockaddr'), int]),
  connect: sig_([fd, sp('sockaddr'), int]),
  listen: sig_([fd, int]),
  accept: sig_([fd, sp('sockaddrOut', true), sp('socklenOut', true)]),
  accept4: sig_([fd, sp('sockaddrOut', true), sp('socklenOut', true), sp('sockFlags')]),
  getsockname: sig_([fd, sp('sockaddrOut', true), sp('socklenOut', true)]),
  getpeername: sig_([fd, sp('sockaddrOut', true), sp('socklenOut', true)]),
  sendto: sig_([fd, inbuf(2), ulong, sp('msgFlags'), sp('sockaddr'), int]),
  recvfrom: sig_([fd, sp('recvBuf', true), ulong, sp('msgFlags'), sp('sockaddrOut', true), sp('socklenOut', true)]),
  sendmsg: sig_([fd, sp('msghdr'), sp('msgFlags')]),
  recvmsg: sig_([fd, sp('msghdrOut', true), sp('msgFlags')]),
  shutdown: sig_([fd, sp('shutHow')]),
  setsockopt: sig_([fd, sp('sockLevel'), sp('sockOptName'), sp('sockOptVal'), int]),
  getsockopt: sig_([fd, sp('sockLevel'), sp('sockOptName'), sp('sockOptValOut', true), sp('sockOptLenOut', true)]),
  poll: sig_([sp('pollfds'), uint, int]),
  ppoll: sig_([sp('pollfds'), uint, st('timespec'), sigset(4), ulong]),
  select: sig_([int, sp('fdSet'), sp('fdSet'), sp('fdSet'), st('timeval')]),
  pselect6: sig_([int, sp('fdSet'), sp('fdSet'), sp('fdSet'), st('timespec'), sp('pselectSig')]),
  eventfd: sig_([uint]),
  eventfd2: sig_([uint, sp('efdFlags')]),
  // i386 names of the same calls
  _llseek: sig_([fd, sp('llseekOffset'), sp('llseekLow'), sp('llseekResult', true), en('whence', 'SEEK')]),
  stat64: sig_([path, out('stat64')]),
  lstat64: sig_([path, out('stat64')]),
  fstat64: sig_([fd, out('stat64')]),
  fstatat64: sig_([dirfd, path, out('stat64'), flags('at')]),
  fcntl64: sig_([fd, en('fcntl', 'F'), sp('fcntlArg')], 'fcntl'),
  set_thread_area: sig_([st('userDesc')]),
  get_thread_area: sig_([out('userDesc')]),
};

/** Arguments the printer shows for unknown calls and calls without a signature: six, in hex. */
export const RAW_SIGNATURE: Signature = { args: [hex, hex, hex, hex, hex, hex] };

/** Index of the first argument decoded at exit; args before it print at entry. */
export function firstExitArg(s: Signature): number {
  const i = s.args.findIndex((a) => ('exit' in a && a.exit) || a.k === 'outbuf');
  return i < 0 ? s.args.length : i;
}

export function signatureOf(name: string | undefined): Signature {
  return (name && SIGNATURES[name]) || RAW_SIGNATURE;
}
