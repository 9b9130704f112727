// /proc/self (and /proc/<own pid>): the files a process reads about itself, made from the emulated
// process's state when opened, in Linux's formats: maps, cmdline, environ, comm, status, stat and
// statm; the links exe, cwd, root and fd/N; the directories fd and /proc/self itself. Other
// processes' /proc entries are not shown (ENOENT), and neither are the host's.

import type { LoadedProgram } from './loader';
import type { Mm } from './mm';
import type { Task } from './process';
import type { Vfs } from './vfs';
import { EACCES, ENOENT, ENOTDIR } from './errno';
import { OpenFile, O_ACCMODE, O_RDONLY } from './fdtable';
import { DT_DIR, DT_LNK, DT_REG, KStat, S_IFDIR, S_IFLNK, encodeDirent, synthStat } from './stat';

/** What /proc/self shows of a process (the process's NativeKernel has all of it). */
export interface ProcSource {
  task: Task;
  mm: Mm;
  program: LoadedProgram | undefined;
  exePath: string;
}

const enc = new TextEncoder();

/** The entries of /proc/self, with their d_type (Linux lists ~50; these are the ones emulated). */
const ENTRIES: [string, number][] = [
  ['fd', DT_DIR], ['environ', DT_REG], ['status', DT_REG], ['cmdline', DT_REG], ['comm', DT_REG], ['stat', DT_REG],
  ['statm', DT_REG], ['maps', DT_REG], ['cwd', DT_LNK], ['root', DT_LNK], ['exe', DT_LNK],
];
const LINKS = new Set(['/exe', '/cwd', '/root']);

/** True for the /proc/self names that are symbolic links (lstat shows S_IFLNK). */
export function isProcLink(sub: string): boolean {
  return LINKS.has(sub) || /^\/fd\/\d+$/.test(sub);
}

/** A directory listing as getdents64 records (".", ".." first). */
function listing(names: [string, number][]): Uint8Array[] {
  const all: [string, number][] = [['.', DT_DIR], ['..', DT_DIR], ...names];
  return all.map(([n, t], i) => encodeDirent(BigInt(0x1000 + i), BigInt(i + 1), t, enc.encode(n)));
}

/** A /proc directory: no host folder behind it; getdents64 asks procDirents for its entries. */
function dir(guest: string, flags: number): OpenFile {
  return new OpenFile('dir', flags, guest, '');
}

/** The listing of a /proc directory, made when it is first read (so /proc/self/fd shows its own fd). */
export function procDirents(v: Vfs, sub: string): Uint8Array[] {
  if (sub === '/fd') return listing(v.fdt.list().map((fd) => [String(fd), DT_LNK]));
  return listing(sub === '' ? ENTRIES : []);
}

/** The bytes [from, to) of the process's memory (argv and environ live on its stack). */
function userBytes(src: ProcSource, from: number, to: number): Uint8Array {
  if (to <= from) return new Uint8Array(0);
  try { return src.mm.as.readBytes(from, to - from); } catch { return new Uint8Array(0); }
}

function strEnd(src: ProcSource, addr: number): number {
  for (let a = addr; a < addr + 131072; a++) if (src.mm.as.readBytes(a, 1)[0] === 0) return a + 1;
  return addr;
}

function cmdline(src: ProcSource): Uint8Array {
  const p = src.program;
  if (!p || p.argvAddrs.length === 0) return new Uint8Array(0);
  return userBytes(src, p.argvAddrs[0], strEnd(src, p.argvAddrs[p.argvAddrs.length - 1]));
}

function environ(src: ProcSource): Uint8Array {
  const p = src.program;
  if (!p || p.envpAddrs.length === 0) return new Uint8Array(0);
  return userBytes(src, p.envpAddrs[0], strEnd(src, p.envpAddrs[p.envpAddrs.length - 1]));
}

/**
 * Names given with prctl(PR_SET_NAME), per loaded program: execve starts a new one (the name is
 * the new file's again), fork keeps it (the child runs the same program).
 */
const comms = new WeakMap<LoadedProgram, string>();

/**
 * The task's name, 15 characters at most (Linux's TASK_COMM_LEN): the one it set, else the last
 * part of the path execve was given (AT_EXECFN: "exe" after an execve of /proc/self/exe).
 */
export function commOf(src: ProcSource): string {
  const p = src.program;
  if (!p) return (src.exePath.split('/').pop() ?? '').slice(0, 15);
  let name = comms.get(p);
  if (name === undefined) {
    const execfn = Buffer.from(userBytes(src, p.execfnAddr, strEnd(src, p.execfnAddr) - 1)).toString('latin1');
    name = (execfn.split('/').pop() ?? '').slice(0, 15);
    comms.set(p, name);
  }
  return name;
}

/** prctl(PR_SET_NAME). */
export function setComm(src: ProcSource, name: string): void {
  if (src.program) comms.set(src.program, name.slice(0, 15));
}

const kB = (bytes: number): string => String(Math.ceil(bytes / 1024)).padStart(8, ' ') + ' kB';
const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** Sizes of the address space by kind, as status and statm count them. */
function vmSizes(src: ProcSource): { size: number; stack: number; data: number; exe: number; lib: number; rss: number } {
  let size = 0, stack = 0, data = 0, exe = 0, lib = 0;
  for (const v of src.mm.vmas) {
    const n = v.end - v.start;
    size += n;
    if (v.kind === 'stack') stack += n;
    else if (v.kind === 'special') continue;
    else if (v.kind === 'file' && (v.prot & 4)) { if (v.name === src.exePath) exe += n; else lib += n; }
    else if ((v.prot & 2) && !v.shared) data += n;
  }
  let rss = 0;
  for (const [pn] of src.mm.as.pages.userEntries()) { void pn; rss += 4096; }
  return { size, stack, data, exe, lib, rss };
}

function status(v: Vfs, src: ProcSource): string {
  const t = src.task;
  let ign = 0n, cgt = 0n;
  t.sigactions.forEach((a, i) => {
    if (i === 0 || !a) return;
    if (a.handler === 1n) ign |= 1n << BigInt(i - 1);
    else if (a.handler > 1n) cgt |= 1n << BigInt(i - 1);
  });
  const m = vmSizes(src);
  const fds = v.fdt.list();
  const fdSize = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, (fds[fds.length - 1] ?? 0) + 1))));
  const caps = t.euid === 0 ? '000001ffffffffff' : '0000000000000000';
  return [
    `Name:\t${commOf(src)}`, `Umask:\t${v.umask.toString(8).padStart(4, '0')}`, 'State:\tR (running)',
    `Tgid:\t${t.pid}`, 'Ngid:\t0', `Pid:\t${t.pid}`, `PPid:\t${t.ppid}`, 'TracerPid:\t0',
    `Uid:\t${t.uid}\t${t.euid}\t${t.euid}\t${t.euid}`, `Gid:\t${t.gid}\t${t.egid}\t${t.egid}\t${t.egid}`,
    `FDSize:\t${fdSize}`, 'Groups:\t ', `NStgid:\t${t.pid}`, `NSpid:\t${t.tid}`, 'Kthread:\t0',
    `VmPeak:\t${kB(m.size)}`, `VmSize:\t${kB(m.size)}`, `VmLck:\t${kB(0)}`, `VmPin:\t${kB(0)}`,
    `VmHWM:\t${kB(m.rss)}`, `VmRSS:\t${kB(m.rss)}`, `VmData:\t${kB(m.data)}`, `VmStk:\t${kB(m.stack)}`,
    `VmExe:\t${kB(m.exe)}`, `VmLib:\t${kB(m.lib)}`, `VmSwap:\t${kB(0)}`, 'CoreDumping:\t0',
    'Threads:\t1', `SigQ:\t0/${t.rlimits[11]?.[0] ?? 0}`, `SigPnd:\t${hex16(0n)}`, `ShdPnd:\t${hex16(0n)}`,
    `SigBlk:\t${hex16(t.sigmask)}`, `SigIgn:\t${hex16(ign)}`, `SigCgt:\t${hex16(cgt)}`,
    `CapInh:\t${hex16(0n)}`, `CapPrm:\t${caps}`, `CapEff:\t${caps}`, `CapBnd:\t000001ffffffffff`, `CapAmb:\t${hex16(0n)}`,
    'NoNewPrivs:\t0', 'Seccomp:\t0', 'Seccomp_filters:\t0', 'Cpus_allowed:\t1', 'Cpus_allowed_list:\t0',
    'Mems_allowed:\t00000000,00000001', 'Mems_allowed_list:\t0', 'voluntary_ctxt_switches:\t0', 'nonvoluntary_ctxt_switches:\t0',
  ].join('\n') + '\n';
}

/** /proc/self/stat: one line, fields in proc_pid_stat's order (times and faults are not counted: 0). */
function stat(src: ProcSource): string {
  const t = src.task, p = src.program, m = vmSizes(src);
  const code = src.mm.vmas.filter((x) => x.kind === 'file' && (x.prot & 4) && x.name === src.exePath);
  const startcode = code.length ? code[0].start : 0, endcode = code.length ? code[code.length - 1].end : 0;
  const argStart = p?.argvAddrs[0] ?? 0, envStart = p?.envpAddrs[0] ?? 0;
  const argEnd = p && p.argvAddrs.length ? strEnd(src, p.argvAddrs[p.argvAddrs.length - 1]) : 0;
  const envEnd = p && p.envpAddrs.length ? strEnd(src, p.envpAddrs[p.envpAddrs.length - 1]) : 0;
  const f = [t.pid, `(${commOf(src)})`, 'R', t.ppid, t.pid, t.pid, 0, -1, 0x400000, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0, 0,
    m.size, m.rss / 4096, '18446744073709551615', startcode, endcode, p?.stackPointer ?? 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0,
    0, 0, src.mm.startBrk, argStart, argEnd, envStart, envEnd, 0];
  return f.join(' ') + '\n';
}

function statm(src: ProcSource): string {
  const m = vmSizes(src);
  const pages = (n: number): number => Math.ceil(n / 4096);
  return `${pages(m.size)} ${pages(m.rss)} 0 ${pages(m.exe)} 0 ${pages(m.data + m.stack)} 0\n`;
}

/**
 * Opens /proc/self`sub`: a file made now (read-only), a directory with its listing, or a link
 * (an OpenFile of kind 'host' with no host descriptor: the caller opens what it points to).
 */
export function procOpen(v: Vfs, src: ProcSource | undefined, sub: string, guest: string, flags: number): OpenFile | number {
  // Made at the first read, not at open: `cat /proc/self/maps` shows the buffer cat mapped in between.
  const file = (text: () => string | Uint8Array): OpenFile | number => {
    if ((flags & O_ACCMODE) !== O_RDONLY) return -EACCES;
    const f = new OpenFile('mem', flags, guest, '');
    f.fill = () => { const t = text(); return typeof t === 'string' ? enc.encode(t) : t; };
    return f;
  };
  const fdm = /^\/fd\/(\d+)$/.exec(sub);
  if (fdm) {
    const f = v.fdt.get(Number(fdm[1]));
    if (!f) return -ENOENT;
    // Opening fd/N opens that file again: the same pipe or device; a regular file from its start.
    // (A memfd has no name left on the host: it is shared as it is.)
    if ((f.kind === 'host' || f.kind === 'dir') && f.hostPath && !f.guestPath.startsWith('/memfd:')) return new OpenFile('host', flags, f.guestPath, f.hostPath);
    return f;
  }
  switch (sub) {
    case '': case '/fd': return dir(guest, flags);
    case '/maps': return file(() => v.o.maps());
    case '/exe': return new OpenFile('host', flags, v.hostToGuest(v.o.exePath), v.o.exePath);
    case '/cwd': return new OpenFile('host', flags, v.cwd, v.guestToHost(v.cwd));
    case '/root': return new OpenFile('host', flags, '/', '/');
  }
  if (!src) return -ENOENT;
  switch (sub) {
    case '/cmdline': return file(() => cmdline(src));
    case '/environ': return file(() => environ(src));
    case '/comm': return file(() => commOf(src) + '\n');
    case '/status': return file(() => status(v, src));
    case '/stat': return file(() => stat(src));
    case '/statm': return file(() => statm(src));
  }
  return /^\/(fd|[a-z_]+)\//.test(sub) ? -ENOTDIR : -ENOENT;
}

/** The text of a /proc/self link (readlink), or undefined when `sub` is no link. */
export function procReadlink(v: Vfs, sub: string): string | number | undefined {
  if (sub === '/exe') return v.hostToGuest(v.o.exePath);
  if (sub === '/cwd') return v.cwd;
  if (sub === '/root') return '/';
  const fdm = /^\/fd\/(\d+)$/.exec(sub);
  if (fdm) {
    const f = v.fdt.get(Number(fdm[1]));
    if (!f) return -ENOENT;
    return f.kind === 'stdio' ? (v.o.hostIO.isatty(f.stdioFd) ? '/dev/pts/0' : 'pipe:[0]') : f.guestPath;
  }
  return undefined;
}

/** The stat of a /proc directory (no host file behind it): fd is the owner's only (0500). */
export function procDirStat(guest: string, nowNs: bigint): KStat {
  const mode = guest.endsWith('/fd') ? 0o500 : 0o555;
  return { ...synthStat(S_IFDIR | mode, 0n, 0n, 0n, nowNs), nlink: 2n, dev: 0x16n, blksize: 1024n };
}

/** lstat of a /proc/self link: fd/N links are 0500 with st_size 64, the others 0777 and 0, as Linux shows them. */
export function procLinkStat(sub: string, nowNs: bigint): KStat {
  const fd = sub.startsWith('/fd/');
  return { ...synthStat(S_IFLNK | (fd ? 0o500 : 0o777), 0n, fd ? 64n : 0n, 0n, nowNs), dev: 0x16n, blksize: 1024n };
}
