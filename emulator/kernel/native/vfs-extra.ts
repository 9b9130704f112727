// More of the file system calls, on top of vfs.ts's sandbox: what real programs (busybox, ld.so,
// coreutils) use besides open/read/write/stat. Each function takes the process's Vfs and returns
// what the service hands back (a number >= 0, -errno, or {ret, bytes}), with Linux's errnos.
// Changes reach the host only inside the writable folders (elsewhere EROFS, as on a read-only mount).
//
// | function                                   | Linux                          | errnos (besides EBADF, ENOENT, ENOTDIR, EROFS)
// |--------------------------------------------|--------------------------------|-----------------------------------------------
// | openInterpreter(v, path)                   | open_exec of PT_INTERP         | EACCES (not a regular executable file)
// | doStatx(v, dfd, path|null, flags, mask)    | statx                          | EINVAL (flags, mask)
// | doTruncate(v, path, len) / doFtruncate     | truncate / ftruncate           | EINVAL (negative, not a regular file, not open for writing) EISDIR
// | vfsFsync(v, fd)                            | fsync fdatasync syncfs         | EINVAL (a pipe, a terminal)
// | doUtimes(v, dfd, path|null, times, flags)  | utimensat                      | EINVAL (flags, tv_nsec)
// | doFchmodat(v, dfd, path, mode, flags)      | chmod fchmodat fchmodat2       | EINVAL (flags) EOPNOTSUPP (a symlink)
// | vfsFchmod(v, fd, mode)                     | fchmod                         |
// | doFchownat / vfsFchown                     | chown lchown fchownat fchown   | EINVAL (flags) EPERM (not root)
// | doSymlinkat(v, target, dfd, path)          | symlink symlinkat              | EEXIST
// | doLinkat(v, odfd, old, ndfd, new, flags)   | link linkat                    | EEXIST EPERM (a directory) EINVAL (flags) EXDEV
// | doRenameat2(v, odfd, old, ndfd, new, fl)   | renameat2                      | EEXIST (NOREPLACE) EINVAL (flags)
// | memfdCreate(v, name, flags)                | memfd_create                   | EINVAL (flags, name too long)
// | doSendfile(v, out, in, pos|null, count)    | sendfile                       | EINVAL (O_APPEND output, unseekable input) WOULD_SLEEP
// | copyFileRange(v, in, pin, out, pout, n, f) | copy_file_range                | EINVAL EISDIR
// | doStatfs(v, path|null, fd)                 | statfs fstatfs                 |
// | fadvise(v, fd, advice) / flock(v, fd, cmd) | fadvise64 / flock              | ESPIPE (a pipe) EINVAL
// | getxattr(v, dfd, path|null, name, flags)   | getxattr listxattr (l, f)      | ENODATA (no attribute is kept)

import * as fs from 'fs';
import * as path from 'path';
import { AT_FDCWD, AT_EMPTY_PATH, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW, Resolved, Vfs } from './vfs';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, EISDIR, ENOENT, ENOEXEC, ENOTDIR, EOPNOTSUPP, EPERM, ESPIPE, hostErrno } from './errno';
import { InterpFile, interpreterOf } from './interp';
import { ExecError } from './loader';
import { readElf } from '../../elf/reader';
import { KStat, devMajor, devMinor } from './stat';
import { OpenFile, O_APPEND, O_LARGEFILE, O_PATH, O_RDONLY, O_RDWR } from './fdtable';
import { PIPE_SIZE } from './pipe';
import { WOULD_SLEEP } from '../abi';
import { errnoValue } from '../../trace/errno';

const X_OK = 1;
const ENODATA = errnoValue('ENODATA') ?? 61;
const AT_NO_AUTOMOUNT = 0x800, AT_STATX_SYNC_TYPE = 0x6000;
const none = new Uint8Array(0);
type Result = { ret: number; bytes: Uint8Array };
const fail = (e: number): Result => ({ ret: e, bytes: none });

/**
 * The program interpreter named by PT_INTERP (a guest path, resolved like any other): its bytes
 * and identity, or a positive errno (execve's answer) when it cannot be run.
 */
export function openInterpreter(v: Vfs, guestPath: string): InterpFile | number {
  const r = v.resolve(AT_FDCWD, guestPath);
  if (typeof r === 'number') return -r;
  const st = v.stat(r.host);
  if (typeof st === 'number') return -st;
  if (!st.isFile()) return EACCES;
  try {
    v.host.accessSync(r.host, X_OK);
    const real = v.host.realpathSync(r.host);
    const bytes = v.host.readFileSync(real);
    return { bytes, path: v.hostToGuest(real), dev: { major: devMajor(st.dev), minor: devMinor(st.dev) }, inode: Number(st.ino) };
  } catch (e) {
    return -hostErrno(e);
  }
}

/**
 * execve's check before its point of no return: a dynamically linked program's interpreter must
 * open too. 0, or the positive errno execve returns (ENOENT for a missing ld.so, as on Linux).
 */
export function interpreterError(v: Vfs, image: Uint8Array): number {
  let p: string | undefined;
  try { p = interpreterOf(readElf(image), image); } catch (e) { return e instanceof ExecError ? e.errno : ENOEXEC; }
  if (p === undefined) return 0;
  const f = openInterpreter(v, p);
  return typeof f === 'number' ? f : 0;
}

// ---- looking files up ----

/** What a path (or, with AT_EMPTY_PATH and "", the descriptor) names: host stats, or a synthetic stat. */
type Found = { host?: fs.BigIntStats; k: KStat; hostPath?: string; file?: OpenFile };

function lookup(v: Vfs, dfd: number, p: string, follow: boolean, emptyPath: boolean): Found | number {
  if (p === '') {
    if (!emptyPath) return -ENOENT;
    if (dfd === AT_FDCWD) return lookup(v, AT_FDCWD, '.', follow, false);
    const f = v.fdt.get(dfd);
    if (!f) return -EBADF;
    return foundFile(v, f);
  }
  const r = v.resolve(dfd, p);
  if (typeof r === 'number') return r;
  const special = v.openSpecial(r.guest, O_RDONLY);
  if (typeof special === 'number') return special;
  if (special && special.kind !== 'host') return foundFile(v, special);
  const host = special ? special.hostPath : r.host;
  const s = follow ? v.stat(host) : v.lstat(host);
  if (typeof s === 'number') return s;
  if (r.trailingSlash && !s.isDirectory()) return -ENOTDIR;
  return { host: s, k: v.kstat(s), hostPath: host };
}

function foundFile(v: Vfs, f: OpenFile): Found | number {
  if ((f.kind === 'host' || f.kind === 'dir') && f.hostPath) {
    try {
      const s = f.hostFd >= 0 ? v.host.fstatSync(f.hostFd, { bigint: true }) : v.host.statSync(f.hostPath, { bigint: true });
      return { host: s, k: v.kstat(s), hostPath: f.hostPath, file: f };
    } catch (e) { return hostErrno(e); }
  }
  const k = v.statFile(f);
  return typeof k === 'number' ? k : { k, file: f };
}

/** A path that must name an existing file inside the writable folders: its host path, or -errno. */
function writableTarget(v: Vfs, r: Resolved, follow: boolean): string | number {
  const s = follow ? v.stat(r.host) : v.lstat(r.host);
  if (typeof s === 'number') return s;
  if (r.trailingSlash && !s.isDirectory()) return -ENOTDIR;
  const w = v.writable(r.host, follow);
  return w < 0 ? w : r.host;
}

function openFile(v: Vfs, fd: number): OpenFile | number {
  const f = v.fdt.get(fd);
  return f ? f : -EBADF;
}

// ---- statx ----

const STATX_MTIME = 0x40, STATX_CTIME = 0x80, STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX_MNT_ID = 0x1000, STATX__RESERVED = 0x80000000;
export const STATX_SIZE = 256;

/**
 * statx(2): struct statx. The file systems report btime only when asked (as ext4 does), and
 * always the mount id; the mount id is the device's number here (one "mount" per host device).
 */
export function doStatx(v: Vfs, dfd: number, p: string | null, flags: number, mask: number): Result {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE)) return fail(-EINVAL);
  if ((flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return fail(-EINVAL);
  if ((mask >>> 0) & STATX__RESERVED) return fail(-EINVAL);
  const found = lookup(v, dfd, p ?? '', (flags & AT_SYMLINK_NOFOLLOW) === 0, p === null || (flags & AT_EMPTY_PATH) !== 0);
  if (typeof found === 'number') return fail(found);
  const k = found.k;
  const b = new Uint8Array(STATX_SIZE);
  const d = new DataView(b.buffer);
  const btime = found.host && (mask & STATX_BTIME) && found.host.birthtimeNs > 0n ? found.host.birthtimeNs : undefined;
  // Linux 6.13+ leaves the (fine-grained) mtime and ctime out when neither was asked for.
  const times = mask & (STATX_MTIME | STATX_CTIME) ? STATX_BASIC_STATS : STATX_BASIC_STATS & ~(STATX_MTIME | STATX_CTIME);
  d.setUint32(0, times | (btime !== undefined ? STATX_BTIME : 0) | STATX_MNT_ID, true);
  d.setUint32(4, Number(k.blksize), true);
  d.setBigUint64(8, 0n, true);                       // stx_attributes
  d.setUint32(16, Number(k.nlink), true);
  d.setUint32(20, k.uid, true);
  d.setUint32(24, k.gid, true);
  d.setUint16(28, k.mode & 0xffff, true);
  d.setBigUint64(32, BigInt.asUintN(64, k.ino), true);
  d.setBigUint64(40, BigInt.asUintN(64, k.size), true);
  d.setBigUint64(48, BigInt.asUintN(64, k.blocks), true);
  d.setBigUint64(56, 0n, true);                      // stx_attributes_mask
  const ts = (off: number, ns: bigint): void => {
    const sec = ns >= 0n ? ns / 1000000000n : -((-ns + 999999999n) / 1000000000n);
    d.setBigInt64(off, sec, true);
    d.setUint32(off + 8, Number(ns - sec * 1000000000n), true);
  };
  ts(64, k.atimeNs);
  if (btime !== undefined) ts(80, btime);
  ts(96, k.ctimeNs);
  ts(112, k.mtimeNs);
  d.setUint32(128, devMajor(k.rdev), true);
  d.setUint32(132, devMinor(k.rdev), true);
  d.setUint32(136, devMajor(k.dev), true);
  d.setUint32(140, devMinor(k.dev), true);
  d.setBigUint64(144, BigInt.asUintN(64, k.dev), true); // stx_mnt_id
  return { ret: 0, bytes: b };
}

// ---- length, times, mode, owner ----

export function doTruncate(v: Vfs, p: string, len: number): number {
  if (len < 0) return -EINVAL;
  const r = v.resolve(AT_FDCWD, p);
  if (typeof r === 'number') return r;
  const s = v.stat(r.host);
  if (typeof s === 'number') return s;
  if (s.isDirectory()) return -EISDIR;
  if (!s.isFile()) return -EINVAL;
  const w = v.writable(r.host, true);
  if (w < 0) return w;
  try { v.host.truncateSync(r.host, len); } catch (e) { return hostErrno(e); }
  return 0;
}

export function doFtruncate(v: Vfs, fd: number, len: number): number {
  const f = openFile(v, fd);
  if (typeof f === 'number') return f;
  if (f.flags & O_PATH) return -EBADF;
  if (len < 0) return -EINVAL;
  // Only a regular file open for writing can change its length.
  if (f.kind !== 'host' || f.hostFd < 0 || !f.writable) return -EINVAL;
  try { v.host.ftruncateSync(f.hostFd, len); } catch (e) { return hostErrno(e); }
  return 0;
}

/** fsync(2) and relatives: the host keeps the data; pipes and terminals cannot be synced (EINVAL). */
export function vfsFsync(v: Vfs, fd: number): number {
  const f = openFile(v, fd);
  if (typeof f === 'number') return f;
  if (f.flags & O_PATH) return -EBADF;
  switch (f.kind) {
    case 'host': case 'dir': case 'mem': return 0;
    case 'stdio': {
      const s = v.o.hostIO.fstat?.(f.stdioFd);
      return s && (s.isFile() || s.isDirectory()) ? 0 : -EINVAL;
    }
    default: return -EINVAL;
  }
}

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

/**
 * utimensat(2). `times` is two struct timespec (or null: both now). "Now" is the machine's clock
 * (CLOCK_REALTIME), so a replayed run sets the same times.
 */
export function doUtimes(v: Vfs, dfd: number, p: string | null, times: Uint8Array | null, flags: number): number {
  let at: [bigint, number] | undefined, mt: [bigint, number] | undefined;
  if (times) {
    const d = new DataView(times.buffer, times.byteOffset, 32);
    at = [d.getBigInt64(0, true), Number(d.getBigInt64(8, true))];
    mt = [d.getBigInt64(16, true), Number(d.getBigInt64(24, true))];
    const valid = (n: number): boolean => (n >= 0 && n <= 999999999) || n === UTIME_NOW || n === UTIME_OMIT;
    if (!valid(at[1]) || !valid(mt[1])) return -EINVAL;
  }
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  let file: OpenFile | undefined, r: Resolved | undefined;
  if (p === null) {
    if (dfd === AT_FDCWD) return -EFAULT;   // utimensat(AT_FDCWD, NULL, ...) names no file
    if (flags & AT_SYMLINK_NOFOLLOW) return -EINVAL;
    const f = openFile(v, dfd);
    if (typeof f === 'number') return f;
    file = f;
  } else if (p === '' && (flags & AT_EMPTY_PATH) && dfd !== AT_FDCWD) {
    const f = openFile(v, dfd);
    if (typeof f === 'number') return f;
    file = f;
  } else {
    const rr = v.resolve(dfd, p === '' && (flags & AT_EMPTY_PATH) ? '.' : p);
    if (typeof rr === 'number') return rr;
    r = rr;
  }
  const follow = (flags & AT_SYMLINK_NOFOLLOW) === 0;
  let hostPath: string;
  if (file) {
    if (!file.hostPath) return 0;   // a pipe, a device: nothing on the host to change
    const w = v.writable(file.hostPath, true);
    if (w < 0) return w;
    hostPath = file.hostPath;
  } else {
    const t = writableTarget(v, r!, follow);
    if (typeof t === 'number') return t;
    hostPath = t;
  }
  if (at && mt && at[1] === UTIME_OMIT && mt[1] === UTIME_OMIT) return 0;
  const now = Number(v.o.nowNs?.() ?? BigInt(Date.now()) * 1000000n) / 1e9;
  let cur: fs.BigIntStats | undefined;
  const secs = (t: [bigint, number] | undefined, which: 'atimeNs' | 'mtimeNs'): number => {
    if (!t || t[1] === UTIME_NOW) return now;
    if (t[1] === UTIME_OMIT) {
      cur ??= (file && file.hostFd >= 0 ? v.host.fstatSync(file.hostFd, { bigint: true }) : (follow ? v.host.statSync(hostPath, { bigint: true }) : v.host.lstatSync(hostPath, { bigint: true })));
      return Number(cur[which]) / 1e9;
    }
    return Number(t[0]) + t[1] / 1e9;
  };
  try {
    const a = secs(at, 'atimeNs'), m = secs(mt, 'mtimeNs');
    if (file && file.hostFd >= 0) v.host.futimesSync(file.hostFd, a, m);
    else if (follow) v.host.utimesSync(hostPath, a, m);
    else v.host.lutimesSync(hostPath, a, m);
  } catch (e) { return hostErrno(e); }
  return 0;
}

export function doFchmodat(v: Vfs, dfd: number, p: string, mode: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  if (p === '' && (flags & AT_EMPTY_PATH) && dfd !== AT_FDCWD) return vfsFchmod(v, dfd, mode);
  const r = v.resolve(dfd, p === '' && (flags & AT_EMPTY_PATH) ? '.' : p);
  if (typeof r === 'number') return r;
  const follow = (flags & AT_SYMLINK_NOFOLLOW) === 0;
  const ls = v.lstat(r.host);
  if (typeof ls === 'number') return ls;
  if (!follow && ls.isSymbolicLink()) return -EOPNOTSUPP;   // a symlink's mode cannot change on Linux
  const t = writableTarget(v, r, true);
  if (typeof t === 'number') return t;
  try { v.host.chmodSync(t, mode & 0o7777); } catch (e) { return hostErrno(e); }
  return 0;
}

export function vfsFchmod(v: Vfs, fd: number, mode: number): number {
  const f = openFile(v, fd);
  if (typeof f === 'number') return f;
  if (f.flags & O_PATH) return -EBADF;
  if (!f.hostPath) return 0;   // a pipe or device inode: its mode lives only in the kernel
  const w = v.writable(f.hostPath, true);
  if (w < 0) return w;
  try {
    if (f.hostFd >= 0) v.host.fchmodSync(f.hostFd, mode & 0o7777);
    else v.host.chmodSync(f.hostPath, mode & 0o7777);
  } catch (e) { return hostErrno(e); }
  return 0;
}

/**
 * chown: the sandbox keeps the host's owners. Root may ask for anything (accepted, nothing
 * changes); anyone else may only "change" to the ids the file already has (-1 = keep).
 */
function chownCheck(k: KStat, uid: number, gid: number, euid: number, egid: number): number {
  if (euid === 0) return 0;
  const keepU = uid === -1 || uid === k.uid, keepG = gid === -1 || gid === k.gid || gid === egid;
  return keepU && keepG && k.uid === euid ? 0 : -EPERM;
}

export function doFchownat(v: Vfs, dfd: number, p: string, uid: number, gid: number, flags: number, ids: { euid: number; egid: number }): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const found = lookup(v, dfd, p, (flags & AT_SYMLINK_NOFOLLOW) === 0, (flags & AT_EMPTY_PATH) !== 0);
  if (typeof found === 'number') return found;
  if (found.hostPath) {
    const w = v.writable(found.hostPath, (flags & AT_SYMLINK_NOFOLLOW) === 0);
    if (w < 0) return w;
  }
  return chownCheck(found.k, uid, gid, ids.euid, ids.egid);
}

export function vfsFchown(v: Vfs, fd: number, uid: number, gid: number, ids: { euid: number; egid: number }): number {
  const f = openFile(v, fd);
  if (typeof f === 'number') return f;
  if (f.flags & O_PATH) return -EBADF;
  const found = foundFile(v, f);
  if (typeof found === 'number') return found;
  if (found.hostPath) {
    const w = v.writable(found.hostPath, true);
    if (w < 0) return w;
  }
  return chownCheck(found.k, uid, gid, ids.euid, ids.egid);
}

// ---- names: symlink, link, rename ----

/** A new name to create: its parent must exist and be writable, the name must not exist. */
function newName(v: Vfs, dfd: number, p: string): Resolved | number {
  const r = v.resolve(dfd, p);
  if (typeof r === 'number') return r;
  const ls = v.lstat(r.host);
  if (typeof ls !== 'number') return -EEXIST;
  if (ls !== -ENOENT) return ls;
  const parent = v.stat(path.dirname(r.host));
  if (typeof parent === 'number') return parent;
  if (!parent.isDirectory()) return -ENOTDIR;
  const w = v.writable(r.host, false);
  return w < 0 ? w : r;
}

/** symlinkat(2): the link holds `target` verbatim (a guest path, resolved when the link is used). */
export function doSymlinkat(v: Vfs, target: string, dfd: number, p: string): number {
  if (target === '') return -ENOENT;
  const r = newName(v, dfd, p);
  if (typeof r === 'number') return r;
  try { v.host.symlinkSync(target, r.host); } catch (e) { return hostErrno(e); }
  return 0;
}

export function doLinkat(v: Vfs, odfd: number, oldp: string, ndfd: number, newp: string, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  let from: string;
  if (oldp === '' && (flags & AT_EMPTY_PATH)) {
    const f = openFile(v, odfd);
    if (typeof f === 'number') return f;
    if (!f.hostPath) return -ENOENT;
    from = f.hostPath;
  } else {
    const a = v.resolve(odfd, oldp);
    if (typeof a === 'number') return a;
    from = a.host;
  }
  const s = (flags & AT_SYMLINK_FOLLOW) ? v.stat(from) : v.lstat(from);
  if (typeof s === 'number') return s;
  if (s.isDirectory()) return -EPERM;
  if (flags & AT_SYMLINK_FOLLOW) { try { from = v.host.realpathSync(from); } catch (e) { return hostErrno(e); } }
  // The file itself must be writable too: a new name for a read-only file would be a way to write it.
  const w = v.writable(from, false);
  if (w < 0) return w;
  const b = newName(v, ndfd, newp);
  if (typeof b === 'number') return b;
  try { v.host.linkSync(from, b.host); } catch (e) { return hostErrno(e); }
  return 0;
}

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

/** renameat2(2): flags 0 is renameat; NOREPLACE refuses an existing target; EXCHANGE swaps. */
export function doRenameat2(v: Vfs, odfd: number, oldp: string, ndfd: number, newp: string, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if ((flags & RENAME_EXCHANGE) && (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT))) return -EINVAL;
  if (flags & RENAME_WHITEOUT) return -EINVAL;   // whiteouts are for union mounts, which the sandbox has not
  if (flags === 0) return v.doRenameat(odfd, oldp, ndfd, newp);
  const a = v.resolve(odfd, oldp);
  if (typeof a === 'number') return a;
  const b = v.resolve(ndfd, newp);
  if (typeof b === 'number') return b;
  const la = v.lstat(a.host);
  if (typeof la === 'number') return la;
  const lb = v.lstat(b.host);
  if (flags & RENAME_NOREPLACE) {
    if (typeof lb !== 'number') return -EEXIST;
    return v.doRenameat(odfd, oldp, ndfd, newp);
  }
  // RENAME_EXCHANGE: both names must exist; the host has no atomic swap, so three renames.
  if (typeof lb === 'number') return lb;
  for (const h of [a.host, b.host]) {
    const w = v.writable(h, false);
    if (w < 0) return w;
  }
  if (a.host === b.host) return 0;
  const tmp = path.join(path.dirname(a.host), `.trapdoor-exchange-${v.o.pid()}`);
  try {
    v.host.renameSync(a.host, tmp);
    v.host.renameSync(b.host, a.host);
    v.host.renameSync(tmp, b.host);
  } catch (e) { return hostErrno(e); }
  return 0;
}

// ---- memfd ----

const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
/** memfds made by each process so far: names that are the same in every run (a replay asks the host the same). */
const memfdCounts = new WeakMap<Vfs, number>();

/**
 * memfd_create(2): a file with no name, kept as a host file in the private /tmp folder that is
 * unlinked at once; /proc/self/fd shows it as "/memfd:NAME (deleted)", as Linux does.
 */
export function memfdCreate(v: Vfs, name: string, flags: number): number {
  if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)) return -EINVAL;
  if ((flags & MFD_HUGETLB) || ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))) return -EINVAL;
  if (Buffer.byteLength(name, 'latin1') > 249) return -EINVAL;   // NAME_MAX minus "memfd:"
  let hfd = -1, host = '';
  for (let tries = 0; hfd < 0; tries++) {
    const n = (memfdCounts.get(v) ?? 0) + 1;
    memfdCounts.set(v, n);
    host = path.join(v.tmpHost, `.memfd-${v.o.pid()}-${n}`);
    try {
      hfd = v.host.openSync(host, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST' || tries > 100) return hostErrno(e);
    }
  }
  try { v.host.unlinkSync(host); } catch (e) { v.host.closeSync(hfd); return hostErrno(e); }
  const f = new OpenFile('host', O_RDWR | O_LARGEFILE, `/memfd:${name} (deleted)`, host);
  f.hostFd = hfd;
  const fd = v.fdt.alloc(f, (flags & MFD_CLOEXEC) !== 0);
  if (fd < 0) v.host.closeSync(hfd);
  return fd;
}

// ---- copying between descriptors ----

const CHUNK = 65536;

/**
 * sendfile(2): up to `count` bytes from in_fd (at `pos`, or its own position) to out_fd. A pipe
 * that is full takes what fits; with nothing moved yet the caller sleeps (WOULD_SLEEP) and asks
 * again. Returns the count and the position after it.
 */
export function doSendfile(v: Vfs, outFd: number, inFd: number, pos: number | null, count: number): { ret: number; pos: number } {
  const inF = openFile(v, inFd), outF = openFile(v, outFd);
  if (typeof inF === 'number' || !inF.readable) return { ret: -EBADF, pos: pos ?? 0 };
  if (typeof outF === 'number' || !outF.writable) return { ret: -EBADF, pos: pos ?? 0 };
  if (outF.flags & O_APPEND) return { ret: -EINVAL, pos: pos ?? 0 };
  // The input must be seekable (a file): it is read where the copy stands, not consumed like a pipe.
  if (inF.kind !== 'host' && inF.kind !== 'mem' && inF.kind !== 'zero') return { ret: -EINVAL, pos: pos ?? 0 };
  if (pos !== null && pos < 0) return { ret: -EINVAL, pos };
  let at = pos ?? inF.offset, done = 0;
  count = Math.min(count, 0x7ffff000);
  while (done < count) {
    let n = Math.min(count - done, CHUNK);
    if (outF.kind === 'pipe' && outF.pipe) {
      const room = PIPE_SIZE - outF.pipe.pipe.available;
      if (room === 0 && done > 0) break;
      if (room > 0) n = Math.min(n, room);
    }
    const r = v.ksysPread64(inFd, n, at);
    if (r.ret < 0) { if (done > 0) break; return { ret: r.ret, pos: at }; }
    if (r.ret === 0) break;
    const w = v.ksysWrite(outFd, r.bytes);
    if (w < 0) {
      if (done > 0 && w !== WOULD_SLEEP) break;
      return { ret: done > 0 ? done : w, pos: at };
    }
    done += w; at += w;
    if (w < r.ret) break;
  }
  if (pos === null) inF.offset = at;
  return { ret: done, pos: at };
}

/** copy_file_range(2) between two regular files, at the given positions or the files' own. */
export function copyFileRange(v: Vfs, inFd: number, pin: number | null, outFd: number, pout: number | null, len: number, flags: number): { ret: number; pin: number; pout: number } {
  const inF = openFile(v, inFd), outF = openFile(v, outFd);
  const bad = (e: number) => ({ ret: e, pin: pin ?? 0, pout: pout ?? 0 });
  if (flags !== 0) return bad(-EINVAL);
  if (typeof inF === 'number' || !inF.readable) return bad(-EBADF);
  if (typeof outF === 'number' || !outF.writable || (outF.flags & O_APPEND)) return bad(-EBADF);
  if (inF.kind === 'dir' || outF.kind === 'dir') return bad(-EISDIR);
  if (inF.kind !== 'host' || outF.kind !== 'host' || inF.hostFd < 0 || outF.hostFd < 0) return bad(-EINVAL);
  if ((pin !== null && pin < 0) || (pout !== null && pout < 0)) return bad(-EINVAL);
  let a = pin ?? inF.offset, b = pout ?? outF.offset, done = 0;
  len = Math.min(len, 1 << 24);
  if (inF.hostPath === outF.hostPath && a < b + len && b < a + len) return bad(-EINVAL);   // overlapping ranges of one file
  const buf = new Uint8Array(CHUNK);
  try {
    while (done < len) {
      const n = v.host.readSync(inF.hostFd, buf, 0, Math.min(CHUNK, len - done), a);
      if (n === 0) break;
      const w = v.host.writeSync(outF.hostFd, buf, 0, n, b);
      done += w; a += w; b += w;
      if (w < n) break;
    }
  } catch (e) { if (done === 0) return bad(hostErrno(e)); }
  if (pin === null) inF.offset = a;
  if (pout === null) outF.offset = b;
  return { ret: done, pin: a, pout: b };
}

// ---- file systems ----

export const STATFS_SIZE = 120;
const ST_RDONLY = 1, ST_VALID = 0x20, ST_RELATIME = 0x1000;

/** statfs(2): the host's answer for the file's file system; outside the writable folders it is read-only. */
export function doStatfs(v: Vfs, p: string | null, fd: number): Result {
  let hostPath: string | undefined;
  let fsType = 0n;
  if (p !== null) {
    const found = lookup(v, AT_FDCWD, p, true, false);
    if (typeof found === 'number') return fail(found);
    hostPath = found.hostPath;
  } else {
    const f = openFile(v, fd);
    if (typeof f === 'number') return fail(f);
    hostPath = f.hostPath || undefined;
    if (f.kind === 'pipe') fsType = 0x50495045n;   // PIPEFS_MAGIC
  }
  const b = new Uint8Array(STATFS_SIZE);
  const d = new DataView(b.buffer);
  if (!hostPath) {
    // A pipe, a device: the kernel's internal file systems, with no blocks to count.
    d.setBigInt64(0, fsType || 0x01021994n, true);   // TMPFS_MAGIC for devices
    d.setBigInt64(8, 4096n, true);
    d.setBigInt64(64, 255n, true);
    d.setBigInt64(72, 4096n, true);
    d.setBigInt64(80, BigInt(ST_VALID), true);
    return { ret: 0, bytes: b };
  }
  let s: fs.BigIntStatsFs;
  try { s = v.host.statfsSync(hostPath, { bigint: true }); } catch (e) { return fail(hostErrno(e)); }
  const ro = v.writable(hostPath, true) < 0;
  d.setBigInt64(0, s.type, true);
  d.setBigInt64(8, s.bsize, true);
  d.setBigUint64(16, s.blocks, true);
  d.setBigUint64(24, s.bfree, true);
  d.setBigUint64(32, s.bavail, true);
  d.setBigUint64(40, s.files, true);
  d.setBigUint64(48, s.ffree, true);
  // f_fsid (8 bytes at 56) stays zero: Node does not report it.
  d.setBigInt64(64, 255n, true);                         // f_namelen
  d.setBigInt64(72, s.bsize, true);                      // f_frsize
  d.setBigInt64(80, BigInt(ST_VALID | ST_RELATIME | (ro ? ST_RDONLY : 0)), true);
  return { ret: 0, bytes: b };
}

// ---- hints, locks, attributes ----

/** fadvise64(2): the advice is only checked (EINVAL for an unknown one, ESPIPE for a pipe). */
export function fadvise(v: Vfs, fd: number, advice: number): number {
  const f = openFile(v, fd);
  if (typeof f === 'number' || (f.flags & O_PATH)) return -EBADF;
  if (f.kind === 'pipe') return -ESPIPE;
  if (advice < 0 || advice > 5) return -EINVAL;
  return 0;
}

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

/** flock(2): one machine, and nobody else sees its locks: every lock is granted at once. */
export function flock(v: Vfs, fd: number, cmd: number): number {
  const f = openFile(v, fd);
  if (typeof f === 'number') return f;
  const op = cmd & ~LOCK_NB;
  if (op !== LOCK_SH && op !== LOCK_EX && op !== LOCK_UN) return -EINVAL;
  return 0;
}

/** getxattr(2) and listxattr(2) (`name` false): the file must exist; it has no attributes. */
export function getxattr(v: Vfs, dfd: number, p: string | null, name: boolean, flags: number): number {
  if (p === null) {
    const f = openFile(v, dfd);
    if (typeof f === 'number') return f;
  } else {
    const found = lookup(v, dfd, p, (flags & AT_SYMLINK_NOFOLLOW) === 0, false);
    if (typeof found === 'number') return found;
  }
  return name ? -ENODATA : 0;
}
