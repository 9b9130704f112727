// The guest's file system: the host's, seen through a sandbox (read-only everywhere, read-write below
// the rw roots: the working directory and a private host directory mapped at /tmp), plus /dev and
// /proc/self special files. Writes outside a rw root fail with EROFS, as on a read-only mount.

import * as fs from 'fs';
import * as path from 'path';
import { EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENOTTY, ENXIO, ERANGE, EROFS, ESPIPE, hostErrno, EACCES } from './errno';
import { Pipe } from './pipe';
import { Sleeper } from './wait';
import { FdTable, OpenFile, O_NONBLOCK, O_DIRECT, O_ACCMODE, O_APPEND, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_LARGEFILE, O_NOCTTY, O_NOFOLLOW, O_PATH, O_RDONLY, O_RDWR, O_TMPFILE, O_TRUNC, O_WRONLY } from './fdtable';
import { HostIO } from './hostio';
import { HostFs, nodeHostFs } from './hostfs';
import { ProcSource, isProcLink, procDirStat, procDirents, procLinkStat, procOpen, procReadlink } from './procfs';
import { KStat, S_IFIFO, S_IFCHR, S_IFDIR, S_IFMT, S_IFREG, defaultTermios, dtypeOf, encodeDirent, encodeStat, encodeWinsize, fromHost, makedev, synthStat } from './stat';

export const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_SYMLINK_FOLLOW = 0x400;
export const AT_EACCESS = 0x200, AT_EMPTY_PATH = 0x1000;
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
export const TIOCGPGRP = 0x540f, FIONREAD = 0x541b;
export const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

export interface VfsOptions {
  /** The guest's initial working directory (a host path; read-write below it). */
  cwd: string;
  /** Host directory that the guest sees as /tmp (read-write). */
  tmpDir: string;
  hostIO: HostIO;
  /** The host's files (default: Node's fs; a debug session records and replays them). */
  hostFs?: HostFs;
  /** Bytes for /dev/urandom (seeded PRNG). */
  random: (n: number) => Uint8Array;
  /** Text of /proc/self/maps. */
  maps: () => string;
  /** Absolute host path of the running program (readlink /proc/self/exe). */
  exePath: string;
  pid: () => number;
  uid: number; gid: number;
  /** Emulated time for synthetic stats, in ns. */
  nowNs?: () => bigint;
  /** The process state /proc/self shows (procfs.ts). */
  proc?: () => ProcSource;
}

export interface Resolved { guest: string; host: string; trailingSlash: boolean }

const enc = new TextEncoder();

function isInside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith('/') ? root : root + '/');
}

/** (Path resolution, the sandbox checks and stats are public for vfs-extra.ts and procfs.ts, which add calls.) */
export class Vfs {
  readonly fdt = new FdTable();
  /** Bytes the read(2) in progress already returned (set by the caller): an empty pipe then ends it. */
  doneSoFar = 0;
  cwd: string;
  umask = 0o022;
  readonly tmpHost: string;
  readonly rwRoots: string[];
  readonly hostUid = typeof process.getuid === 'function' ? process.getuid() : 0;
  readonly hostGid = typeof process.getgid === 'function' ? process.getgid() : 0;

  readonly host: HostFs;

  constructor(readonly o: VfsOptions) {
    this.host = o.hostFs ?? nodeHostFs;
    this.fdt.hostClose = (fd) => this.host.closeSync(fd);
    this.tmpHost = this.host.realpathSync(o.tmpDir);
    const cwdReal = this.host.realpathSync(o.cwd);
    this.rwRoots = [cwdReal, this.tmpHost];
    this.cwd = this.hostToGuest(cwdReal);
    for (const fd of [0, 1, 2]) {
      const mode = fd === 0 ? O_RDONLY : O_WRONLY;
      this.fdt.alloc(new OpenFile('stdio', mode | O_LARGEFILE, `/dev/fd/${fd}`, '', undefined, fd), false, fd);
    }
  }

  // ---- paths ----

  /**
   * The host folder under /tmp that holds the working directory (`/tmp/A` for a cwd of
   * `/tmp/A/B`), when there is one: the guest sees it as it is (read-only outside the cwd), so
   * a program run from a checkout under /tmp still finds its siblings (`../other/prog`).
   */
  private get visibleTmpTree(): string | undefined {
    const cwd = this.rwRoots[0];
    if (!cwd.startsWith('/tmp/')) return undefined;
    return '/tmp/' + cwd.slice(5).split('/')[0];
  }

  /** The private /tmp shadows the host's, except for the tree that holds the working directory. */
  guestToHost(g: string): string {
    if (g === '/tmp' || g.startsWith('/tmp/')) {
      const keep = this.visibleTmpTree;
      // (The private folder itself may lie in that tree: it is still only reachable as /tmp.)
      if (!keep || !isInside(g, keep) || isInside(g, this.tmpHost)) return this.tmpHost + g.slice(4);
    }
    return g;
  }

  hostToGuest(h: string): string {
    if (isInside(h, this.tmpHost) && !isInside(h, this.rwRoots[0])) return '/tmp' + h.slice(this.tmpHost.length);
    return h;
  }

  /** A guest path relative to `dirfd` made absolute and lexically normal (so `..` cannot climb out of /tmp). */
  resolve(dirfd: number, p: string): Resolved | number {
    if (p === '') return -ENOENT;
    let base = this.cwd;
    if (!p.startsWith('/') && dirfd !== AT_FDCWD) {
      const f = this.fdt.get(dirfd);
      if (!f) return -EBADF;
      if (f.kind !== 'dir') return -ENOTDIR;
      base = f.guestPath;
    }
    const guest = path.posix.resolve(base, p);
    return { guest, host: this.guestToHost(guest), trailingSlash: p.endsWith('/') || p.endsWith('/.') };
  }

  /** Where a write to `host` really lands; EROFS unless inside a rw root (symlinks and `..` resolved). */
  writable(host: string, followFinal: boolean): number {
    let real: string;
    try {
      const dir = this.host.realpathSync(path.dirname(host));
      real = path.join(dir, path.basename(host));
      if (followFinal) {
        try { real = this.host.realpathSync(real); } catch (e) {
          // A dangling symlink: the write would create its target.
          try { real = path.resolve(dir, this.host.readlinkSync(real)); } catch { /* not a link: keep */ }
        }
      }
    } catch (e) { return hostErrno(e); }
    return this.rwRoots.some(r => isInside(real, r)) ? 0 : -EROFS;
  }

  lstat(host: string): fs.BigIntStats | number {
    try { return this.host.lstatSync(host, { bigint: true }); } catch (e) { return hostErrno(e); }
  }
  stat(host: string): fs.BigIntStats | number {
    try { return this.host.statSync(host, { bigint: true }); } catch (e) { return hostErrno(e); }
  }

  kstat(s: fs.BigIntStats): KStat {
    return fromHost(s, { hostUid: this.hostUid, hostGid: this.hostGid, uid: this.o.uid, gid: this.o.gid });
  }

  /** /proc/self/... and /proc/<pid>/... names, or undefined for other paths. */
  procSelf(guest: string): string | undefined {
    const m = /^\/proc\/(self|thread-self|\d+)(\/.*)?$/.exec(guest);
    if (!m) return undefined;
    if (m[1] !== 'self' && m[1] !== 'thread-self' && Number(m[1]) !== this.o.pid()) return undefined;
    return m[2] ?? '';
  }

  // ---- open / close ----

  doSysOpen(dirfd: number, p: string, flags: number, mode: number): number {
    const r0 = this.resolve(dirfd, p);
    if (typeof r0 === 'number') return r0;
    const acc = flags & O_ACCMODE;
    if ((flags & O_TMPFILE) === O_TMPFILE || acc === 3) return -EINVAL;
    if ((flags & O_CREAT) && (flags & O_DIRECTORY)) return -EINVAL;
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const keep = (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
    let r = r0;
    const special = this.openSpecial(r.guest, keep);
    if (typeof special === 'number') return special;
    // A /proc/self link (exe, cwd, fd/N of a file): open the file it points to.
    if (special && special.kind === 'host' && special.hostFd < 0) r = { guest: special.guestPath, host: special.hostPath, trailingSlash: r.trailingSlash };
    else if (special) return this.fdt.alloc(special, cloexec);

    const ls = this.lstat(r.host);
    let created = false;
    if (typeof ls === 'number') {
      if (ls !== -ENOENT || !(flags & O_CREAT)) return ls;
      if (r.trailingSlash) return -EISDIR;
      const w = this.writable(r.host, false);
      if (w < 0) return w;
      created = true;
    } else {
      if ((flags & O_CREAT) && (flags & O_EXCL)) return -EEXIST;
      let st = ls;
      if (ls.isSymbolicLink()) {
        if ((flags & O_NOFOLLOW) && !(flags & O_PATH)) return -ELOOP;
        const s = this.stat(r.host);
        if (typeof s === 'number') {
          if (s !== -ENOENT || !(flags & O_CREAT)) return s;
          const w = this.writable(r.host, true);
          if (w < 0) return w;
          created = true;
        } else st = s;
      }
      if (!created) {
        if (st.isDirectory()) {
          if ((flags & O_CREAT) || acc !== O_RDONLY) return -EISDIR;
          return this.fdt.alloc(new OpenFile('dir', keep, r.guest, r.host), cloexec);
        }
        if ((flags & O_DIRECTORY) || r.trailingSlash) return -ENOTDIR;
        if (acc !== O_RDONLY || (flags & O_TRUNC)) {
          const w = this.writable(r.host, true);
          if (w < 0) return w;
        }
      }
    }
    if (flags & O_PATH) return this.fdt.alloc(new OpenFile('host', keep, r.guest, r.host), cloexec);
    const hostFlags = acc | (flags & (O_CREAT | O_EXCL | O_TRUNC | O_APPEND)) | O_CLOEXEC | O_NOCTTY;
    let hfd: number;
    try { hfd = this.host.openSync(r.host, hostFlags, 0o600); } catch (e) { return hostErrno(e); }
    if (created) { try { this.host.fchmodSync(hfd, mode & 0o7777 & ~this.umask); } catch { /* best effort */ } }
    const f = new OpenFile('host', keep, r.guest, r.host);
    f.hostFd = hfd;
    const fd = this.fdt.alloc(f, cloexec);
    if (fd < 0) { this.host.closeSync(hfd); }
    return fd;
  }

  openSpecial(guest: string, flags: number): OpenFile | number | undefined {
    switch (guest) {
      case '/dev/null': return new OpenFile('null', flags, guest);
      case '/dev/zero': return new OpenFile('zero', flags, guest);
      case '/dev/urandom': case '/dev/random': return new OpenFile('urandom', flags, guest);
      case '/dev/tty':
        if (![0, 1, 2].some(fd => this.o.hostIO.isatty(fd))) return -ENXIO;
        return new OpenFile('tty', flags, guest);
      case '/dev/stdin': case '/dev/stdout': case '/dev/stderr': {
        const fd = ['/dev/stdin', '/dev/stdout', '/dev/stderr'].indexOf(guest);
        return new OpenFile('stdio', flags, guest, '', undefined, fd);
      }
    }
    const sub = this.procSelf(guest);
    // Another process's /proc entry is not shown (nor the host's processes).
    if (sub === undefined) return /^\/proc\/\d+(\/.*)?$/.test(guest) ? -ENOENT : undefined;
    return procOpen(this, this.o.proc?.(), sub, guest, flags);
  }

  sysClose(fd: number): number { return this.fdt.close(fd); }

  // ---- read / write ----

  fileOf(fd: number): OpenFile | number {
    const f = this.fdt.get(fd);
    return f && !(f.flags & O_PATH) ? f : -EBADF;
  }

  /** read(2): {ret, bytes} with ret = bytes.length or -errno. */
  ksysRead(fd: number, count: number): { ret: number; bytes: Uint8Array } {
    return this.doRead(fd, count, undefined);
  }

  ksysPread64(fd: number, count: number, pos: number): { ret: number; bytes: Uint8Array } {
    if (pos < 0) return { ret: -EINVAL, bytes: new Uint8Array(0) };
    return this.doRead(fd, count, pos);
  }

  private doRead(fd: number, count: number, pos: number | undefined): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    const f = this.fileOf(fd);
    if (typeof f === 'number') return { ret: f, bytes: none };
    if (!f.readable) return { ret: -EBADF, bytes: none };
    if (count < 0) return { ret: -EINVAL, bytes: none };
    count = Math.min(count, 0x7ffff000);
    if (pos !== undefined && !this.seekable(f)) return { ret: -ESPIPE, bytes: none };
    let b: Uint8Array;
    switch (f.kind) {
      case 'pipe': return f.pipe!.end === 'read' ? f.pipe!.pipe.read(count, (f.flags & O_NONBLOCK) !== 0, this.doneSoFar) : { ret: -EBADF, bytes: none };
      case 'socket': case 'eventfd': return f.ops!.read(count, (f.flags & O_NONBLOCK) !== 0, this.doneSoFar);
      case 'dir': return { ret: -EISDIR, bytes: none };
      case 'null': return { ret: 0, bytes: none };
      case 'zero': b = new Uint8Array(count); break;
      case 'urandom': b = this.o.random(count); break;
      case 'stdio': b = this.o.hostIO.read(f.stdioFd, count); break;
      case 'tty': b = this.o.hostIO.read(0, count); break;
      case 'mem': {
        const at = pos ?? f.offset;
        if (f.fill) { f.mem = f.fill(); f.fill = undefined; }
        b = f.mem!.slice(Math.min(at, f.mem!.length), Math.min(at + count, f.mem!.length));
        if (pos === undefined) f.offset += b.length;
        break;
      }
      case 'host': {
        if (f.hostFd < 0) return { ret: -EBADF, bytes: none };
        const buf = new Uint8Array(Math.min(count, 1 << 24));
        let n: number;
        try { n = this.host.readSync(f.hostFd, buf, 0, buf.length, pos ?? f.offset); } catch (e) { return { ret: hostErrno(e), bytes: none }; }
        if (pos === undefined) f.offset += n;
        b = buf.subarray(0, n);
        break;
      }
    }
    return { ret: b.length, bytes: b };
  }

  ksysWrite(fd: number, bytes: Uint8Array): number { return this.doWrite(fd, bytes, undefined); }

  ksysPwrite64(fd: number, bytes: Uint8Array, pos: number): number {
    if (pos < 0) return -EINVAL;
    return this.doWrite(fd, bytes, pos);
  }

  private doWrite(fd: number, bytes: Uint8Array, pos: number | undefined): number {
    const f = this.fileOf(fd);
    if (typeof f === 'number') return f;
    if (!f.writable) return -EBADF;
    if (pos !== undefined && !this.seekable(f)) return -ESPIPE;
    switch (f.kind) {
      case 'pipe': return f.pipe!.end === 'write' ? f.pipe!.pipe.write(bytes, (f.flags & O_NONBLOCK) !== 0) : -EBADF;
      case 'socket': case 'eventfd': return f.ops!.write(bytes, (f.flags & O_NONBLOCK) !== 0);
      case 'null': case 'zero': case 'urandom': return bytes.length;
      case 'dir': return -EISDIR;
      case 'mem': return -EINVAL;
      case 'stdio': return this.o.hostIO.write(f.stdioFd, bytes);
      case 'tty': return this.o.hostIO.write(this.o.hostIO.isatty(1) ? 1 : 2, bytes);
      case 'host': {
        try {
          let at = pos ?? f.offset;
          if (f.flags & O_APPEND) at = Number(this.host.fstatSync(f.hostFd, { bigint: true }).size);   // Linux appends even for pwrite
          const n = this.host.writeSync(f.hostFd, bytes, 0, bytes.length, at);
          if (pos === undefined) f.offset = at + n;
          return n;
        } catch (e) { return hostErrno(e); }
      }
    }
  }

  seekable(f: OpenFile): boolean {
    // The host stream's offset is not ours to move: stdio is a pipe to the guest even when redirected.
    return f.kind !== 'tty' && f.kind !== 'stdio' && f.kind !== 'pipe' && f.kind !== 'socket' && f.kind !== 'eventfd';
  }

  ksysLseek(fd: number, offset: number, whence: number): number {
    const f = this.fileOf(fd);
    if (typeof f === 'number') return f;
    if (!this.seekable(f)) return -ESPIPE;
    let size = 0;
    if (f.kind === 'host') {
      try { size = Number(this.host.fstatSync(f.hostFd, { bigint: true }).size); } catch (e) { return hostErrno(e); }
    } else if (f.kind === 'mem') {
      if (f.fill) { f.mem = f.fill(); f.fill = undefined; }
      size = f.mem!.length;
    }
    let to: number;
    switch (whence) {
      case SEEK_SET: to = offset; break;
      case SEEK_CUR: to = f.offset + offset; break;
      case SEEK_END: to = size + offset; break;
      case SEEK_DATA: if (offset >= size) return -ENXIO; to = offset; break;
      case SEEK_HOLE: if (offset >= size) return -ENXIO; to = size; break;
      default: return -EINVAL;
    }
    if (to < 0) return -EINVAL;
    if (f.kind === 'dir') f.dirents = undefined;
    f.offset = to;
    return to;
  }

  // ---- stat ----

  statFile(f: OpenFile): KStat | number {
    const now = this.o.nowNs?.() ?? 0n;
    switch (f.kind) {
      case 'null': return synthStat(S_IFCHR | 0o666, makedev(1, 3), 0n, 4n, now);
      case 'zero': return synthStat(S_IFCHR | 0o666, makedev(1, 5), 0n, 5n, now);
      case 'urandom': return synthStat(S_IFCHR | 0o666, makedev(1, 9), 0n, 9n, now);
      case 'tty': return synthStat(S_IFCHR | 0o666, makedev(5, 0), 0n, 11n, now);
      case 'pipe': return synthStat(S_IFIFO | 0o600, makedev(0, 14), 0n, BigInt(f.pipe!.pipe.ino), now);
      case 'socket': case 'eventfd': return f.ops!.stat(now);
      case 'mem': return { ...synthStat(S_IFREG | 0o444, 0n, 0n, 0n, now), dev: 0x16n, blksize: 1024n };
      case 'stdio': {
        const s = this.o.hostIO.fstat?.(f.stdioFd);
        if (s) return this.kstat(s);
        return this.o.hostIO.isatty(f.stdioFd) ? { ...synthStat(S_IFCHR | 0o620, makedev(136, 0), 0n, 3n, now), dev: 0x18n, blksize: 1024n }
          : synthStat(0o010000 | 0o600, 0n, 0n, 0n, now);   // a pipe
      }
      case 'dir': case 'host': {
        if (f.kind === 'dir' && !f.hostPath) return procDirStat(f.guestPath, now);
        try { return this.kstat(f.hostFd >= 0 ? this.host.fstatSync(f.hostFd, { bigint: true }) : this.host.statSync(f.hostPath, { bigint: true })); } catch (e) { return hostErrno(e); }
      }
    }
  }

  /** fstat(2): {ret, bytes} with the 144-byte struct stat. */
  vfsFstat(fd: number): { ret: number; bytes: Uint8Array } {
    const f = this.fdt.get(fd);
    if (!f) return { ret: -EBADF, bytes: new Uint8Array(0) };
    const s = this.statFile(f);
    return typeof s === 'number' ? { ret: s, bytes: new Uint8Array(0) } : { ret: 0, bytes: encodeStat(s) };
  }

  /** newfstatat(2) (stat = AT_FDCWD + 0, lstat = AT_FDCWD + AT_SYMLINK_NOFOLLOW). */
  vfsFstatat(dirfd: number, p: string, flags: number): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */)) return { ret: -EINVAL, bytes: none };
    if (p === '' && (flags & AT_EMPTY_PATH)) {
      if (dirfd === AT_FDCWD) return this.vfsFstatat(AT_FDCWD, '.', flags & ~AT_EMPTY_PATH);
      return this.vfsFstat(dirfd);
    }
    const r = this.resolve(dirfd, p);
    if (typeof r === 'number') return { ret: r, bytes: none };
    const sub = this.procSelf(r.guest);
    if (sub !== undefined && isProcLink(sub) && (flags & AT_SYMLINK_NOFOLLOW)) {
      const text = procReadlink(this, sub);
      if (typeof text === 'number') return { ret: text, bytes: none };
      if (typeof text === 'string') return { ret: 0, bytes: encodeStat(procLinkStat(sub, this.o.nowNs?.() ?? 0n)) };
    }
    const special = this.openSpecial(r.guest, O_RDONLY);
    if (typeof special === 'number') return { ret: special, bytes: none };
    if (special && special.kind !== 'host') {
      const st = this.statFile(special);
      return typeof st === 'number' ? { ret: st, bytes: none } : { ret: 0, bytes: encodeStat(st) };
    }
    const host = special ? special.hostPath : r.host;
    const s = (flags & AT_SYMLINK_NOFOLLOW) ? this.lstat(host) : this.stat(host);
    if (typeof s === 'number') return { ret: s, bytes: none };
    if (r.trailingSlash && !s.isDirectory()) return { ret: -ENOTDIR, bytes: none };
    return { ret: 0, bytes: encodeStat(this.kstat(s)) };
  }

  // ---- access, ioctl ----

  doFaccessat(dirfd: number, p: string, mode: number, flags = 0): number {
    if (mode & ~7) return -EINVAL;
    if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
    const r = this.resolve(dirfd, p);
    if (typeof r === 'number') return r;
    const special = this.openSpecial(r.guest, O_RDONLY);
    if (typeof special === 'number') return special;
    if (special && special.kind !== 'host') return 0;
    const host = special ? special.hostPath : r.host;
    const s = (flags & AT_SYMLINK_NOFOLLOW) ? this.lstat(host) : this.stat(host);
    if (typeof s === 'number') return s;
    if (r.trailingSlash && !s.isDirectory()) return -ENOTDIR;
    if (mode & W_OK) {
      const w = this.writable(host, !(flags & AT_SYMLINK_NOFOLLOW));
      if (w < 0) return w;
    }
    try { this.host.accessSync(host, mode); } catch (e) { return hostErrno(e); }
    return 0;
  }

  /** ioctl(2) for the tty requests; {ret, bytes} where bytes is what to copy out (TCGETS, TIOCGWINSZ). */
  ksysIoctl(fd: number, cmd: number): { ret: number; bytes?: Uint8Array } {
    const f = this.fdt.get(fd);
    if (!f || (f.flags & O_PATH)) return { ret: -EBADF };
    if ((f.kind === 'pipe' || f.kind === 'socket') && (cmd >>> 0) === FIONREAD) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, f.pipe ? f.pipe.pipe.available : f.ops!.available(), true);
      return { ret: 0, bytes: b };
    }
    const isTty = f.kind === 'tty' || (f.kind === 'stdio' && this.o.hostIO.isatty(f.stdioFd));
    if (!isTty) return { ret: -ENOTTY };
    switch (cmd >>> 0) {
      case TCGETS: return { ret: 0, bytes: defaultTermios() };
      case TIOCGWINSZ: {
        const w = this.o.hostIO.winsize?.(f.kind === 'stdio' ? f.stdioFd : 1) ?? { rows: 24, cols: 80 };
        return { ret: 0, bytes: encodeWinsize(w.rows, w.cols) };
      }
      case TCSETS: case TCSETSW: case TCSETSF: case TIOCSWINSZ: return { ret: 0 };
      case TIOCGPGRP: { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, this.o.pid(), true); return { ret: 0, bytes: b }; }
      default: return { ret: -ENOTTY };
    }
  }

  // ---- pipes ----

  /** pipe2(2): {ret, bytes: int fds[2]}; flags O_CLOEXEC, O_NONBLOCK, O_DIRECT. */
  doPipe2(flags: number, sleep: Sleeper): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return { ret: -EINVAL, bytes: none };
    const pipe = new Pipe(sleep, ++Vfs.pipeInodes);
    const status = flags & (O_NONBLOCK | O_DIRECT);
    const rd = new OpenFile('pipe', O_RDONLY | status, `pipe:[${pipe.ino}]`);
    const wr = new OpenFile('pipe', O_WRONLY | status, `pipe:[${pipe.ino}]`);
    rd.pipe = { pipe, end: 'read' };
    wr.pipe = { pipe, end: 'write' };
    pipe.readers = 1;
    pipe.writers = 1;
    const cloexec = (flags & O_CLOEXEC) !== 0;
    const r = this.fdt.alloc(rd, cloexec);
    if (r < 0) { pipe.release('read'); pipe.release('write'); return { ret: r, bytes: none }; }
    const w = this.fdt.alloc(wr, cloexec);
    if (w < 0) { this.fdt.close(r); pipe.release('write'); return { ret: w, bytes: none }; }
    const b = new Uint8Array(8);
    const v = new DataView(b.buffer);
    v.setInt32(0, r, true);
    v.setInt32(4, w, true);
    return { ret: 0, bytes: b };
  }
  private static pipeInodes = 0x1000;

  /** A child's copy (fork): the same open files, the same working directory and umask. */
  fork(o: VfsOptions): Vfs {
    const v = new Vfs(o);
    v.fdt.copyFrom(this.fdt);
    v.cwd = this.cwd;
    v.umask = this.umask;
    return v;
  }

  // ---- directories and names ----

  /** getcwd(2): the path with its NUL, ret = its length (ERANGE when `size` is too small). */
  sysGetcwd(size: number): { ret: number; bytes: Uint8Array } {
    const b = enc.encode(this.cwd + '\0');
    if (size < b.length) return { ret: -ERANGE, bytes: new Uint8Array(0) };
    return { ret: b.length, bytes: b };
  }

  sysChdir(p: string): number {
    const r = this.resolve(AT_FDCWD, p);
    if (typeof r === 'number') return r;
    return this.chdirTo(r);
  }

  sysFchdir(fd: number): number {
    const f = this.fdt.get(fd);
    if (!f) return -EBADF;
    if (f.kind !== 'dir') return -ENOTDIR;
    return this.chdirTo({ guest: f.guestPath, host: f.hostPath, trailingSlash: false });
  }

  private chdirTo(r: Resolved): number {
    const s = this.stat(r.host);
    if (typeof s === 'number') return s;
    if (!s.isDirectory()) return -ENOTDIR;
    try { this.cwd = this.hostToGuest(this.host.realpathSync(r.host)); } catch (e) { return hostErrno(e); }
    return 0;
  }

  doMkdirat(dirfd: number, p: string, mode: number): number {
    const r = this.resolve(dirfd, p);
    if (typeof r === 'number') return r;
    const ls = this.lstat(r.host);
    if (typeof ls !== 'number') return -EEXIST;
    if (ls !== -ENOENT) return ls;
    const parent = this.stat(path.dirname(r.host));
    if (typeof parent === 'number') return parent;
    if (!parent.isDirectory()) return -ENOTDIR;
    const w = this.writable(r.host, false);
    if (w < 0) return w;
    try {
      this.host.mkdirSync(r.host, { mode: 0o700 });
      this.host.chmodSync(r.host, mode & 0o1777 & ~this.umask);
    } catch (e) { return hostErrno(e); }
    return 0;
  }

  doUnlinkat(dirfd: number, p: string, flags: number): number {
    if (flags & ~AT_REMOVEDIR) return -EINVAL;
    const r = this.resolve(dirfd, p);
    if (typeof r === 'number') return r;
    const ls = this.lstat(r.host);
    if (typeof ls === 'number') return ls;
    if (flags & AT_REMOVEDIR) {
      if (!ls.isDirectory()) return -ENOTDIR;
      if (path.posix.basename(p) === '.') return -EINVAL;
    } else {
      if (ls.isDirectory()) return -EISDIR;
      if (r.trailingSlash) return -ENOTDIR;
    }
    const w = this.writable(r.host, false);
    if (w < 0) return w;
    try { if (flags & AT_REMOVEDIR) this.host.rmdirSync(r.host); else this.host.unlinkSync(r.host); } catch (e) { return hostErrno(e); }
    return 0;
  }

  doRenameat(olddirfd: number, oldp: string, newdirfd: number, newp: string): number {
    const a = this.resolve(olddirfd, oldp);
    if (typeof a === 'number') return a;
    const b = this.resolve(newdirfd, newp);
    if (typeof b === 'number') return b;
    const ls = this.lstat(a.host);
    if (typeof ls === 'number') return ls;
    const wa = this.writable(a.host, false);
    if (wa < 0) return wa;
    const wb = this.writable(b.host, false);
    if (wb < 0) return wb;
    try { this.host.renameSync(a.host, b.host); } catch (e) { return hostErrno(e); }
    return 0;
  }

  /** readlinkat(2): the link text cut to `bufsiz` (no NUL), ret = its length; EINVAL if not a link. */
  doReadlinkat(dirfd: number, p: string, bufsiz: number): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (bufsiz <= 0) return { ret: -EINVAL, bytes: none };
    const r = this.resolve(dirfd, p);
    if (typeof r === 'number') return { ret: r, bytes: none };
    let text: string | undefined;
    const sub = this.procSelf(r.guest);
    if (sub !== undefined) {
      const t = procReadlink(this, sub);
      if (typeof t === 'number') return { ret: t, bytes: none };
      if (t === undefined) return { ret: this.openSpecial(r.guest, O_RDONLY) === -ENOENT ? -ENOENT : -EINVAL, bytes: none };
      text = t;
    }
    if (text === undefined) {
      try { text = this.host.readlinkSync(r.host); } catch (e) { return { ret: hostErrno(e), bytes: none }; }
    }
    const b = enc.encode(text).subarray(0, bufsiz);
    return { ret: b.length, bytes: b.slice() };
  }

  /** getdents64(2): whole linux_dirent64 records fitting in `count` bytes; 0 at the end; EINVAL if none fits. */
  ksysGetdents64(fd: number, count: number): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    const f = this.fdt.get(fd);
    if (!f || (f.flags & O_PATH)) return { ret: -EBADF, bytes: none };
    if (f.kind !== 'dir') return { ret: -ENOTDIR, bytes: none };
    if (!f.dirents && !f.hostPath) f.dirents = procDirents(this, this.procSelf(f.guestPath) ?? '');
    if (!f.dirents) {
      const recs: Uint8Array[] = [];
      const ino = (h: string): bigint => { try { return this.host.lstatSync(h, { bigint: true }).ino; } catch { return 0n; } };
      let names: fs.Dirent[];
      try { names = this.host.readdirSync(f.hostPath, { withFileTypes: true }); } catch (e) { return { ret: hostErrno(e), bytes: none }; }
      const all: [string, bigint, number][] = [['.', ino(f.hostPath), 4], ['..', ino(path.dirname(f.hostPath)), 4]];
      for (const d of names) {
        const h = path.join(f.hostPath, d.name);
        let st: fs.BigIntStats | undefined;
        try { st = this.host.lstatSync(h, { bigint: true }); } catch { st = undefined; }
        all.push([d.name, st?.ino ?? 0n, st ? dtypeOf(Number(st.mode)) : 0]);
      }
      all.forEach(([n, i, t], k) => recs.push(encodeDirent(i, BigInt(k + 1), t, enc.encode(n))));
      f.dirents = recs;
    }
    const out: Uint8Array[] = [];
    let used = 0;
    while (f.offset < f.dirents.length && used + f.dirents[f.offset].length <= count) {
      out.push(f.dirents[f.offset]); used += f.dirents[f.offset].length; f.offset++;
    }
    if (out.length === 0 && f.offset < f.dirents.length) return { ret: -EINVAL, bytes: none };
    const b = new Uint8Array(used);
    let at = 0;
    for (const x of out) { b.set(x, at); at += x.length; }
    return { ret: used, bytes: b };
  }

  sysUmask(mask: number): number {
    const old = this.umask;
    this.umask = mask & 0o777;
    return old;
  }

  /** The bytes of an open regular file for a file mmap (and its identity), or -errno. */
  fileForMmap(fd: number): { data: Uint8Array; path: string; dev: bigint; inode: number; readable: boolean; writable: boolean; isDirectory: boolean } | number {
    const f = this.fileOf(fd);
    if (typeof f === 'number') return f;
    if (f.kind === 'dir') return { data: new Uint8Array(0), path: f.guestPath, dev: 0n, inode: 0, readable: true, writable: false, isDirectory: true };
    if (f.kind !== 'host' && f.kind !== 'zero') return -EACCES;
    if (f.kind === 'zero') return { data: new Uint8Array(0), path: '/dev/zero', dev: 5n, inode: 5, readable: f.readable, writable: f.writable, isDirectory: false };
    try {
      const st = this.host.fstatSync(f.hostFd, { bigint: true });
      if ((Number(st.mode) & S_IFMT) === S_IFDIR) return -EACCES;
      // One copy per open file while it does not change: ld.so maps libc.so.6 five times from one fd.
      const key = `${st.ino}:${st.size}:${st.mtimeNs}`;
      let c = mmapCopies.get(f);
      if (!c || c.key !== key) {
        // Through the descriptor: the file may have been renamed or unlinked since (a memfd is).
        const data = new Uint8Array(Number(st.size));
        for (let at = 0; at < data.length;) {
          const n = this.host.readSync(f.hostFd, data, at, data.length - at, at);
          if (n <= 0) break;
          at += n;
        }
        let name = f.guestPath;
        if (!name.startsWith('/memfd:')) { try { name = this.hostToGuest(this.host.realpathSync(f.hostPath)); } catch { /* gone: the name it had */ } }
        c = { key, data, name };
        mmapCopies.set(f, c);
      }
      // A view of its own per mapping: Mm tells the mappings of different mmap calls apart by it.
      const data = new Uint8Array(c.data.buffer, c.data.byteOffset, c.data.length), name = c.name;
      return { data, path: name, dev: st.dev, inode: Number(st.ino),
        readable: f.readable, writable: f.writable, isDirectory: false };
    } catch (e) { return hostErrno(e); }
  }
}

/** The bytes file mappings were made from, per open file (the mappings copy pages out of them, never into). */
const mmapCopies = new WeakMap<OpenFile, { key: string; data: Uint8Array; name: string }>();

export { O_RDWR, O_ACCMODE };
