// Open file descriptions (offset, status flags, what they refer to) and the per-process descriptor
// table: lowest free fd, close-on-exec, dup/dup2/dup3 and fcntl, with Linux's errnos.

import * as fs from 'fs';
import { EBADF, EINVAL, EMFILE } from './errno';
import type { Pipe } from './pipe';
import type { KStat } from './stat';

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
export const O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100, O_TRUNC = 0x200, O_APPEND = 0x400;
export const O_NONBLOCK = 0x800, O_DSYNC = 0x1000, O_ASYNC = 0x2000, O_DIRECT = 0x4000, O_LARGEFILE = 0x8000;
export const O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_NOATIME = 0x40000, O_CLOEXEC = 0x80000;
export const O_PATH = 0x200000, O_TMPFILE = 0x410000;
export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;
/** Status flags F_SETFL may change (Linux's SETFL_MASK). */
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

export type FileKind = 'host' | 'dir' | 'null' | 'zero' | 'urandom' | 'tty' | 'stdio' | 'mem' | 'pipe' | 'socket' | 'eventfd';

/**
 * What a socket or an eventfd does behind read(2), write(2), fstat(2), FIONREAD and the last
 * close (native/socket.ts, native/eventfd.ts): Linux's file_operations, for the kinds that have them.
 */
export interface FileOps {
  /** `done`: bytes this read(2) already returned (then an empty socket ends the call instead of sleeping). */
  read(count: number, nonblock: boolean, done: number): { ret: number; bytes: Uint8Array };
  write(bytes: Uint8Array, nonblock: boolean): number;
  stat(nowNs: bigint): KStat;
  /** FIONREAD: bytes waiting to be read. */
  available(): number;
  /** The last descriptor of the open file is gone. */
  release(): void;
}

/** One open file description, shared by dup'ed descriptors. */
export class OpenFile {
  offset = 0;
  hostFd = -1;
  refs = 0;
  /** Directory listing snapshot for getdents64 (taken on the first call). */
  dirents?: Uint8Array[];
  /** A /proc file's contents are made when it is first read, as Linux's seq_file does (procfs.ts). */
  fill?: () => Uint8Array;
  /** A pipe's end (kind 'pipe'). */
  pipe?: { pipe: Pipe; end: 'read' | 'write' };
  /** A socket or an eventfd (kinds 'socket', 'eventfd'). */
  ops?: FileOps;
  constructor(
    readonly kind: FileKind,
    /** Access mode and status flags as F_GETFL returns them. */
    public flags: number,
    /** Guest path (for /proc/self/fd, relative lookups, maps). */
    readonly guestPath: string,
    readonly hostPath = '',
    /** Contents of a procfs file (made at its first read when `fill` is set), or the stdio fd number. */
    public mem?: Uint8Array,
    readonly stdioFd = -1,
  ) {}

  get readable(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY && !(this.flags & O_PATH); }
  get writable(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY && !(this.flags & O_PATH); }

  /** `hostClose` closes the host descriptor (the VFS's host layer, which a debug session records). */
  release(hostClose: (fd: number) => void = (fd) => fs.closeSync(fd)): void {
    if (--this.refs > 0) return;
    if (this.pipe) this.pipe.pipe.release(this.pipe.end);
    this.ops?.release();
    if (this.hostFd >= 0) { try { hostClose(this.hostFd); } catch { /* already gone */ } this.hostFd = -1; }
  }
}

interface FdEntry { file: OpenFile; cloexec: boolean }

export class FdTable {
  private fds: (FdEntry | undefined)[] = [];
  /** RLIMIT_NOFILE soft limit: fds must be below it (EMFILE). */
  limit = 1024;
  /** Closes a host descriptor when its last reference goes (set by the VFS). */
  hostClose = (fd: number): void => fs.closeSync(fd);

  get(fd: number): OpenFile | undefined {
    return Number.isInteger(fd) && fd >= 0 ? this.fds[fd]?.file : undefined;
  }

  /** Installs `file` at the lowest free fd >= `min`. */
  alloc(file: OpenFile, cloexec: boolean, min = 0): number {
    if (min >= this.limit) return -EINVAL;
    let fd = min;
    while (fd < this.fds.length && this.fds[fd] !== undefined) fd++;
    if (fd >= this.limit) return -EMFILE;
    this.install(fd, file, cloexec);
    return fd;
  }

  private install(fd: number, file: OpenFile, cloexec: boolean): void {
    file.refs++;
    const old = this.fds[fd];
    this.fds[fd] = { file, cloexec };
    if (old) old.file.release(this.hostClose);
  }

  close(fd: number): number {
    const e = Number.isInteger(fd) && fd >= 0 ? this.fds[fd] : undefined;
    if (!e) return -EBADF;
    this.fds[fd] = undefined;
    e.file.release(this.hostClose);
    return 0;
  }

  dup(fd: number): number {
    const f = this.get(fd);
    return f ? this.alloc(f, false) : -EBADF;
  }

  /** dup2: same fd returns it (if valid); dup3: same fd is EINVAL, flags only O_CLOEXEC. */
  dup3(oldfd: number, newfd: number, flags: number, isDup2 = false): number {
    const f = this.get(oldfd);
    if (isDup2) {
      if (!f) return -EBADF;
      if (oldfd === newfd) return newfd;
    } else {
      if (flags & ~O_CLOEXEC) return -EINVAL;
      if (oldfd === newfd) return -EINVAL;
      if (!f) return -EBADF;
    }
    if (newfd < 0 || newfd >= this.limit) return -EBADF;
    this.install(newfd, f, (flags & O_CLOEXEC) !== 0);
    return newfd;
  }

  fcntl(fd: number, cmd: number, arg: number): number {
    const e = Number.isInteger(fd) && fd >= 0 ? this.fds[fd] : undefined;
    if (!e) return -EBADF;
    switch (cmd) {
      case F_DUPFD: case F_DUPFD_CLOEXEC:
        if (arg < 0) return -EINVAL;
        return this.alloc(e.file, cmd === F_DUPFD_CLOEXEC, arg);
      case F_GETFD: return e.cloexec ? FD_CLOEXEC : 0;
      case F_SETFD: e.cloexec = (arg & FD_CLOEXEC) !== 0; return 0;
      case F_GETFL: return e.file.flags;
      case F_SETFL: e.file.flags = (e.file.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
      default: return -EINVAL;
    }
  }

  /** Closes the close-on-exec descriptors (execve). */
  closeOnExec(): void {
    this.fds.forEach((e, fd) => { if (e?.cloexec) this.close(fd); });
  }

  /** Open descriptor numbers (for /proc/self/fd). */
  list(): number[] {
    const out: number[] = [];
    this.fds.forEach((e, fd) => { if (e) out.push(fd); });
    return out;
  }

  /** This table becomes a copy of `other` (fork): the same open file descriptions, shared. */
  copyFrom(other: FdTable): void {
    this.closeAll();
    other.fds.forEach((e, fd) => { if (e) this.install(fd, e.file, e.cloexec); });
    this.limit = other.limit;
  }

  closeAll(): void {
    this.fds.forEach((e, fd) => { if (e) this.close(fd); });
  }
}
