// The host file system as the native kernel reaches it: the few synchronous `fs` calls the VFS,
// the ELF loader and execve make, behind one interface. The live implementation is Node's `fs`;
// a debug session puts a recording/replaying layer (replay.ts) in front of it, so a re-executed
// machine gets the same answers without touching the host again (time travel).

import * as fs from 'fs';

/** Node's names and argument order, limited to the forms the kernel uses (stats are always bigint). */
export interface HostFs {
  realpathSync(p: string): string;
  readlinkSync(p: string): string;
  lstatSync(p: string, o: { bigint: true }): fs.BigIntStats;
  statSync(p: string, o: { bigint: true }): fs.BigIntStats;
  fstatSync(fd: number, o: { bigint: true }): fs.BigIntStats;
  openSync(p: string, flags: number, mode: number): number;
  fchmodSync(fd: number, mode: number): void;
  closeSync(fd: number): void;
  /** Fills `buf[off, off + len)` from `pos` (null: the host's file position); returns the count. */
  readSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number | null): number;
  writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number | null): number;
  accessSync(p: string, mode: number): void;
  mkdirSync(p: string, o: { mode: number }): void;
  chmodSync(p: string, mode: number): void;
  rmdirSync(p: string): void;
  unlinkSync(p: string): void;
  renameSync(from: string, to: string): void;
  readdirSync(p: string, o: { withFileTypes: true }): fs.Dirent[];
  readFileSync(p: string): Uint8Array;
  // More calls of the file system (vfs-extra.ts).
  ftruncateSync(fd: number, len: number): void;
  truncateSync(p: string, len: number): void;
  /** Times in seconds (fractions for the nanoseconds); lutimes does not follow a final symlink. */
  utimesSync(p: string, atime: number, mtime: number): void;
  lutimesSync(p: string, atime: number, mtime: number): void;
  futimesSync(fd: number, atime: number, mtime: number): void;
  symlinkSync(target: string, p: string): void;
  linkSync(existing: string, p: string): void;
  statfsSync(p: string, o: { bigint: true }): fs.BigIntStatsFs;
}

/** The real host, through Node's fs. */
export const nodeHostFs: HostFs = {
  realpathSync: (p) => fs.realpathSync(p),
  readlinkSync: (p) => fs.readlinkSync(p),
  lstatSync: (p, o) => fs.lstatSync(p, o),
  statSync: (p, o) => fs.statSync(p, o),
  fstatSync: (fd, o) => fs.fstatSync(fd, o),
  openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
  fchmodSync: (fd, mode) => fs.fchmodSync(fd, mode),
  closeSync: (fd) => fs.closeSync(fd),
  readSync: (fd, buf, off, len, pos) => fs.readSync(fd, buf, off, len, pos),
  writeSync: (fd, buf, off, len, pos) => fs.writeSync(fd, buf, off, len, pos),
  accessSync: (p, mode) => fs.accessSync(p, mode),
  mkdirSync: (p, o) => { fs.mkdirSync(p, o); },
  chmodSync: (p, mode) => fs.chmodSync(p, mode),
  rmdirSync: (p) => fs.rmdirSync(p),
  unlinkSync: (p) => fs.unlinkSync(p),
  renameSync: (a, b) => fs.renameSync(a, b),
  // In the directory's own order, as getdents64 gives it (fs.readdirSync sorts the names).
  readdirSync: (p) => {
    const d = fs.opendirSync(p);
    const out: fs.Dirent[] = [];
    try { for (let e = d.readSync(); e; e = d.readSync()) out.push(e); } finally { d.closeSync(); }
    return out;
  },
  readFileSync: (p) => fs.readFileSync(p),
  ftruncateSync: (fd, len) => fs.ftruncateSync(fd, len),
  truncateSync: (p, len) => fs.truncateSync(p, len),
  utimesSync: (p, a, m) => fs.utimesSync(p, a, m),
  lutimesSync: (p, a, m) => fs.lutimesSync(p, a, m),
  futimesSync: (fd, a, m) => fs.futimesSync(fd, a, m),
  symlinkSync: (t, p) => fs.symlinkSync(t, p),
  linkSync: (e, p) => fs.linkSync(e, p),
  statfsSync: (p, o) => fs.statfsSync(p, o),
};
