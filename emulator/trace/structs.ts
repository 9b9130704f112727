// Structures in guest memory printed as strace prints them without -v: stat, timespec, sigaction,
// rlimit, utsname, winsize, termios (short form), iovec arrays, signal sets, wait status, siginfo.
// Each printer returns the pointer in hex when the memory cannot be read, as strace does.

import type { SyscallAbi } from '../kernel/syscalls/table';
import type { GuestMemory, SignalEvent } from './event';
import { bufferStr, hexStr, octStr, ptrStr, quoteBytes, readCString, readUint, StrOpts, ulong } from './decode';
import { ENUMS, FLAG_SETS, formatFlags, lookup, signalName, Xlat } from './xlat';

type Reader = (off: number, size: 1 | 2 | 4 | 8) => bigint;

/** Reads a whole struct at once, or returns undefined (then the caller prints the pointer). */
function struct(mem: GuestMemory, addr: bigint, size: number): Reader | undefined {
  const b = mem.read(addr, size);
  if (!b || b.length < size) return undefined;
  return (off, n) => {
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
    return v;
  };
}

const s32 = (v: bigint) => BigInt.asIntN(32, v).toString();
const s64 = (v: bigint) => BigInt.asIntN(64, v).toString();

/** Wraps a printer: NULL for 0, hex when unreadable. */
export function withStruct(mem: GuestMemory, addr: bigint, abi: SyscallAbi, size: number, f: (r: Reader) => string): string {
  const a = ulong(addr, abi);
  if (a === 0n) return 'NULL';
  const r = struct(mem, a, size);
  return r ? f(r) : ptrStr(addr, abi);
}

export function timespecStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, time32 = abi === 'i386'): string {
  return withStruct(mem, addr, abi, time32 ? 8 : 16, (r) =>
    time32 ? `{tv_sec=${s32(r(0, 4))}, tv_nsec=${s32(r(4, 4))}}` : `{tv_sec=${s64(r(0, 8))}, tv_nsec=${s64(r(8, 8))}}`);
}

export function timevalStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  const w = abi === 'i386' ? 4 : 8;
  return withStruct(mem, addr, abi, 2 * w, (r) =>
    `{tv_sec=${w === 4 ? s32(r(0, 4)) : s64(r(0, 8))}, tv_usec=${w === 4 ? s32(r(4, 4)) : s64(r(8, 8))}}`);
}

/** struct itimerval: {it_interval={...}, it_value={...}}, two timevals. */
export function itimervalStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  const w = abi === 'i386' ? 4 : 8;
  return withStruct(mem, addr, abi, 4 * w, () =>
    `{it_interval=${timevalStr(mem, addr, abi)}, it_value=${timevalStr(mem, addr + BigInt(2 * w), abi)}}`);
}

/** st_mode as strace prints it: S_IFREG|0644, with S_ISUID/S_ISGID/S_ISVTX named. */
export function modeStr(mode: number): string {
  const type = lookup(ENUMS.fileType, mode & 0o170000);
  const parts: string[] = [];
  if (type) parts.push(type);
  else if (mode & 0o170000) parts.push(octStr(mode & 0o170000));
  if (mode & 0o4000) parts.push('S_ISUID');
  if (mode & 0o2000) parts.push('S_ISGID');
  if (mode & 0o1000) parts.push('S_ISVTX');
  parts.push(octStr(mode & 0o777));
  return parts.join('|');
}

/** Linux's dev_t split (new encoding): makedev(0x88, 0x2). */
export function makedevStr(dev: bigint): string {
  const major = Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn));
  const minor = Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn));
  return `makedev(${hexStr(major)}, ${hexStr(minor)})`;
}

function statBody(mode: number, size: bigint, rdev: bigint): string {
  const t = mode & 0o170000;
  const mid = t === 0o20000 || t === 0o60000 ? `st_rdev=${makedevStr(rdev)}` : `st_size=${size}`;
  return `{st_mode=${modeStr(mode)}, ${mid}, ...}`;
}

/** struct stat (x86-64), struct stat64 (i386 *64 calls) or the old i386 struct stat. */
export function statStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, layout: 'stat' | 'stat64' | 'oldstat' = abi === 'i386' ? 'oldstat' : 'stat'): string {
  if (layout === 'stat') return withStruct(mem, addr, abi, 144, (r) => statBody(Number(r(24, 4)), BigInt.asIntN(64, r(48, 8)), r(40, 8)));
  if (layout === 'stat64') return withStruct(mem, addr, abi, 96, (r) => statBody(Number(r(16, 4)), BigInt.asIntN(64, r(44, 8)), r(32, 8)));
  return withStruct(mem, addr, abi, 64, (r) => statBody(Number(r(8, 2)), r(20, 4), r(16, 4)));
}

/** A signal set: [INT TERM], or ~[...] when more than half the bits are set. */
export function sigsetBitsStr(bits: bigint, nbits: number): string {
  const all = (1n << BigInt(nbits)) - 1n;
  let count = 0;
  for (let i = 0; i < nbits; i++) if ((bits >> BigInt(i)) & 1n) count++;
  let prefix = '';
  if (count * 2 > nbits) { prefix = '~'; bits = ~bits & all; }
  const names: string[] = [];
  for (let i = 0; i < nbits; i++) if ((bits >> BigInt(i)) & 1n) names.push(signalName(i + 1).replace(/^SIG/, ''));
  return `${prefix}[${names.join(' ')}]`;
}

/**
 * A sigset_t of `size` bytes (rt_sigprocmask's sigsetsize). strace prints the address instead when
 * the size is below the word size or above its own sigset (8 bytes), whatever the kernel says.
 */
export function sigsetStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, size: number): string {
  if (ulong(addr, abi) === 0n) return 'NULL';
  if (size < (abi === 'i386' ? 4 : 8) || size > 8) return ptrStr(addr, abi);
  const b = mem.read(ulong(addr, abi), size);
  if (!b || b.length < size) return ptrStr(addr, abi);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return sigsetBitsStr(v, size * 8);
}

function handlerStr(h: bigint, abi: SyscallAbi): string {
  if (h === 0n) return 'SIG_DFL';
  if (h === 1n) return 'SIG_IGN';
  return ptrStr(h, abi);
}

/** The kernel's struct sigaction: {sa_handler=..., sa_mask=[...], sa_flags=..., sa_restorer=...}. */
export function sigactionStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, setsize = 8): string {
  const w = abi === 'i386' ? 4 : 8;
  const n = setsize === 4 ? 4 : 8;
  return withStruct(mem, addr, abi, 3 * w + n, (r) => {
    const flags = Number(r(w, w as 4 | 8) & 0xffffffffn);
    const restorer = r(2 * w, w as 4 | 8);
    let s = `{sa_handler=${handlerStr(r(0, w as 4 | 8), abi)}, sa_mask=${sigsetBitsStr(r(3 * w, n as 4 | 8), n * 8)}, sa_flags=${formatFlags(FLAG_SETS.sa, flags)}`;
    if (flags & 0x04000000) s += `, sa_restorer=${ptrStr(restorer, abi)}`;
    return s + '}';
  });
}

/** strace's sprint_rlim64: RLIM64_INFINITY, N*1024 for whole KiB above 1024, else the number. */
export function rlimValue(v: bigint, infinity: bigint, infName: string): string {
  if (v === infinity) return infName;
  if (v > 1024n && v % 1024n === 0n) return `${v / 1024n}*1024`;
  return v.toString();
}

export function rlimitStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, wide = true): string {
  const w = wide ? 8 : 4;
  const inf = wide ? 0xffffffffffffffffn : 0xffffffffn;
  const name = wide ? 'RLIM64_INFINITY' : 'RLIM_INFINITY';
  return withStruct(mem, addr, abi, 2 * w, (r) =>
    `{rlim_cur=${rlimValue(r(0, w as 4 | 8), inf, name)}, rlim_max=${rlimValue(r(w, w as 4 | 8), inf, name)}}`);
}

export function utsnameStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  const field = (i: number) => {
    const s = readCString(mem, ulong(addr, abi) + BigInt(65 * i), 65);
    return s ? quoteBytes(s.bytes) : '""';
  };
  return withStruct(mem, addr, abi, 65 * 6, () => `{sysname=${field(0)}, nodename=${field(1)}, ...}`);
}

export function winsizeStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 8, (r) =>
    `{ws_row=${r(0, 2)}, ws_col=${r(2, 2)}, ws_xpixel=${r(4, 2)}, ws_ypixel=${r(6, 2)}}`);
}

const BAUD: Xlat = [
  [0, 'B0'], [1, 'B50'], [2, 'B75'], [3, 'B110'], [4, 'B134'], [5, 'B150'], [6, 'B200'], [7, 'B300'], [8, 'B600'],
  [9, 'B1200'], [10, 'B1800'], [11, 'B2400'], [12, 'B4800'], [13, 'B9600'], [14, 'B19200'], [15, 'B38400'],
  [0o10000, 'BOTHER'], [0o10001, 'B57600'], [0o10002, 'B115200'], [0o10003, 'B230400'], [0o10004, 'B460800'],
  [0o10005, 'B500000'], [0o10006, 'B576000'], [0o10007, 'B921600'], [0o10010, 'B1000000'], [0o10011, 'B1152000'],
  [0o10012, 'B1500000'], [0o10013, 'B2000000'], [0o10014, 'B2500000'], [0o10015, 'B3000000'], [0o10016, 'B3500000'],
  [0o10017, 'B4000000'],
];

/** struct termios in strace's short form: {B38400 opost isig icanon echo ...}. */
export function termiosStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 36, (r) => {
    const oflag = Number(r(4, 4)), cflag = Number(r(8, 4)), lflag = Number(r(12, 4));
    const speed = lookup(BAUD, cflag & 0o10017) ?? hexStr(cflag & 0o10017);
    const on = (b: boolean, n: string) => (b ? n : '-' + n);
    return `{${speed} ${on(!!(oflag & 1), 'opost')} ${on(!!(lflag & 1), 'isig')} ${on(!!(lflag & 2), 'icanon')} ${on(!!(lflag & 8), 'echo')} ...}`;
  });
}

/**
 * An iovec array: [{iov_base="...", iov_len=N}, ...], at most -s elements. `count` is the raw
 * vlen argument: as in strace's print_array, a count whose byte size overflows (vlen -1) or
 * wraps the address space prints the address. `dataSize` caps the bytes shown in total
 * (readv's return value); `addrOnly` shows each iov_base as an address (a failed readv).
 */
export function iovecStr(
  mem: GuestMemory, addr: bigint, count: bigint, abi: SyscallAbi, dataSize: number | undefined, o: StrOpts = {}, addrOnly = false,
): string {
  const w = abi === 'i386' ? 4 : 8;
  const start = ulong(addr, abi);
  if (start === 0n) return 'NULL';
  if (count === 0n) return '[]';
  const size = count * BigInt(2 * w);
  if (size >= 1n << 64n || start + size >= 1n << 64n) return ptrStr(addr, abi);
  const max = o.maxStrlen ?? 32;
  const shown = count < BigInt(max) ? Number(count) : max;
  const items: string[] = [];
  let left = dataSize ?? Infinity;
  for (let i = 0; i < shown; i++) {
    const r = struct(mem, start + BigInt(i * 2 * w), 2 * w);
    if (!r) {
      if (i === 0) return ptrStr(addr, abi);
      items.push('...');
      break;
    }
    const base = r(0, w as 4 | 8), len = r(w, w as 4 | 8);
    const n = Math.min(Number(len), left);
    left -= n;
    items.push(`{iov_base=${addrOnly ? ptrStr(base, abi) : bufferStr(mem, base, n, abi, o)}, iov_len=${len}}`);
    if (i === shown - 1 && count > BigInt(shown)) items.push('...');
  }
  return `[${items.join(', ')}]`;
}

/** wait4's status: [{WIFEXITED(s) && WEXITSTATUS(s) == 3}]. */
export function waitStatusStr(status: number): string {
  let body: string;
  if ((status & 0xff) === 0x7f) body = `WIFSTOPPED(s) && WSTOPSIG(s) == ${signalName((status >> 8) & 0xff)}`;
  else if (status === 0xffff) body = 'WIFCONTINUED(s)';
  else if ((status & 0x7f) === 0) body = `WIFEXITED(s) && WEXITSTATUS(s) == ${(status >> 8) & 0xff}`;
  else body = `WIFSIGNALED(s) && WTERMSIG(s) == ${signalName(status & 0x7f)}${status & 0x80 ? ' && WCOREDUMP(s)' : ''}`;
  return `[{${body}}]`;
}

const SI_CODES: Xlat = [
  [0, 'SI_USER'], [0x80, 'SI_KERNEL'], [-1, 'SI_QUEUE'], [-2, 'SI_TIMER'], [-3, 'SI_MESGQ'], [-4, 'SI_ASYNCIO'],
  [-5, 'SI_SIGIO'], [-6, 'SI_TKILL'], [-7, 'SI_DETHREAD'], [-60, 'SI_ASYNCNL'],
];
const SIG_CODES: Record<number, Xlat> = {
  4: [[1, 'ILL_ILLOPC'], [2, 'ILL_ILLOPN'], [3, 'ILL_ILLADR'], [4, 'ILL_ILLTRP'], [5, 'ILL_PRVOPC'], [6, 'ILL_PRVREG'], [7, 'ILL_COPROC'], [8, 'ILL_BADSTK']],
  8: [[1, 'FPE_INTDIV'], [2, 'FPE_INTOVF'], [3, 'FPE_FLTDIV'], [4, 'FPE_FLTOVF'], [5, 'FPE_FLTUND'], [6, 'FPE_FLTRES'], [7, 'FPE_FLTINV'], [8, 'FPE_FLTSUB']],
  11: [[1, 'SEGV_MAPERR'], [2, 'SEGV_ACCERR'], [3, 'SEGV_BNDERR'], [4, 'SEGV_PKUERR']],
  7: [[1, 'BUS_ADRALN'], [2, 'BUS_ADRERR'], [3, 'BUS_OBJERR'], [4, 'BUS_MCEERR_AR'], [5, 'BUS_MCEERR_AO']],
  5: [[1, 'TRAP_BRKPT'], [2, 'TRAP_TRACE'], [3, 'TRAP_BRANCH'], [4, 'TRAP_HWBKPT']],
  17: [[1, 'CLD_EXITED'], [2, 'CLD_KILLED'], [3, 'CLD_DUMPED'], [4, 'CLD_TRAPPED'], [5, 'CLD_STOPPED'], [6, 'CLD_CONTINUED']],
};
const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);

/** The siginfo of a signal line: {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}. */
export function siginfoStr(s: SignalEvent): string {
  const fromUser = s.code <= 0;
  const codeName = (fromUser || s.code === 0x80 ? lookup(SI_CODES, s.code) : lookup(SIG_CODES[s.signo] ?? [], s.code)) ?? `${s.code}`;
  const f = [`si_signo=${signalName(s.signo)}`, `si_code=${codeName}`];
  if (fromUser) {
    f.push(`si_pid=${s.senderPid ?? 0}`, `si_uid=${s.senderUid ?? 0}`);
  } else if (s.signo === 17) {
    const st = s.status ?? 0;
    f.push(`si_pid=${s.senderPid ?? 0}`, `si_uid=${s.senderUid ?? 0}`,
      `si_status=${s.code === 1 ? st : signalName(st)}`, `si_utime=${s.utime ?? 0}`, `si_stime=${s.stime ?? 0}`);
  } else if (FAULT_SIGNALS.has(s.signo)) {
    f.push(`si_addr=${ptrStr(s.addr ?? 0n, '64')}`);
  }
  return `{${f.join(', ')}}`;
}

/** A siginfo in memory (waitid's result): `{}` when nothing was filled in. */
export function siginfoMemStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 48, (r) => {
    const signo = Number(r(0, 4));
    if (signo === 0) return '{}';
    const i32 = (o: number): number => Number(BigInt.asIntN(32, r(o, 4)));
    const ev: SignalEvent = { pid: 0, tid: 0, signo, code: i32(8), senderPid: i32(16), senderUid: i32(20) };
    if (signo === 17) Object.assign(ev, { status: i32(24), utime: Number(r(32, 8)), stime: Number(r(40, 8)) });
    return siginfoStr(ev);
  });
}

/** struct sysinfo (x86-64 layout). */
export function sysinfoStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  const w = abi === 'i386' ? 4 : 8;
  const W = w as 4 | 8;
  return withStruct(mem, addr, abi, w === 8 ? 112 : 64, (r) => {
    const at = (i: number) => r(i * w, W);
    const procs = r(10 * w, 2), hi = 10 * w + 2 + (w === 8 ? 6 : 2);
    return `{uptime=${BigInt.asIntN(w * 8, at(0))}, loads=[${at(1)}, ${at(2)}, ${at(3)}], totalram=${at(4)}, freeram=${at(5)}, ` +
      `sharedram=${at(6)}, bufferram=${at(7)}, totalswap=${at(8)}, freeswap=${at(9)}, procs=${procs}, ` +
      `totalhigh=${r(hi, W)}, freehigh=${r(hi + w, W)}, mem_unit=${r(hi + 2 * w, 4)}}`;
  });
}

/** stack_t for sigaltstack. */
export function stackStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  const w = abi === 'i386' ? 4 : 8;
  return withStruct(mem, addr, abi, 3 * w, (r) =>
    `{ss_sp=${ptrStr(r(0, w as 4 | 8), abi)}, ss_flags=${formatFlags(FLAG_SETS.ss, Number(r(w, 4)))}, ss_size=${r(2 * w, w as 4 | 8)}}`);
}

/** Two ints, as pipe and socketpair fill them: [3, 4]. */
export function intPairStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 8, (r) => `[${s32(r(0, 4))}, ${s32(r(4, 4))}]`);
}

/** One value behind a pointer, in brackets: [0x4c7380], [1700000000]. */
export function boxedStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, size: 4 | 8, show: (v: bigint) => string): string {
  return withStruct(mem, addr, abi, size, (r) => `[${show(r(0, size))}]`);
}

/** getdents64 without -v: the buffer address and the number of entries the kernel filled in. */
export function direntsStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, len: number): string {
  let count = 0;
  for (let off = 0; off + 19 <= len; count++) {
    const reclen = readUint(mem, ulong(addr, abi) + BigInt(off + 16), 2);
    if (reclen === undefined || reclen === 0n) return ptrStr(addr, abi);
    off += Number(reclen);
  }
  return `${ptrStr(addr, abi)} /* ${count} entries */`;
}
