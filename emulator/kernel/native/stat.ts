// Byte layouts the file services return: x86-64 `struct stat` (144 bytes), linux_dirent64 records,
// the kernel's `struct termios` (TCGETS, 36 bytes) and `struct winsize` (TIOCGWINSZ, 8 bytes).

import type { BigIntStats } from 'fs';

export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000;
export const S_IFBLK = 0o060000, S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;
export const STAT_SIZE = 144;

/** The fields of struct stat, as bigints (what Node's bigint stats give). */
export interface KStat {
  dev: bigint; ino: bigint; nlink: bigint; mode: number; uid: number; gid: number; rdev: bigint;
  size: bigint; blksize: bigint; blocks: bigint; atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint;
}

/** Host stats as the guest sees them: files of the host user appear owned by the emulated uid/gid. */
export function fromHost(s: BigIntStats, map: { hostUid: number; hostGid: number; uid: number; gid: number }): KStat {
  const uid = Number(s.uid) === map.hostUid ? map.uid : Number(s.uid);
  const gid = Number(s.gid) === map.hostGid ? map.gid : Number(s.gid);
  return { dev: s.dev, ino: s.ino, nlink: s.nlink, mode: Number(s.mode), uid, gid, rdev: s.rdev, size: s.size,
    blksize: s.blksize, blocks: s.blocks, atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
}

/** A synthetic stat (character devices, procfs files). */
export function synthStat(mode: number, rdev: bigint = 0n, size = 0n, ino = 0n, nowNs = 0n): KStat {
  return { dev: 5n, ino, nlink: 1n, mode, uid: 0, gid: 0, rdev, size, blksize: 4096n, blocks: 0n,
    atimeNs: nowNs, mtimeNs: nowNs, ctimeNs: nowNs };
}

/** Linux's new_encode_dev (the st_dev/st_rdev encoding the kernel returns). */
export function makedev(major: number, minor: number): bigint {
  return BigInt((minor & 0xff) | ((major & 0xfff) << 8)) | (BigInt(minor & ~0xff) << 12n) | (BigInt(major & ~0xfff) << 32n);
}
export function devMajor(dev: bigint): number { return Number(((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn)); }
export function devMinor(dev: bigint): number { return Number((dev & 0xffn) | ((dev >> 12n) & ~0xffn)); }

export function encodeStat(s: KStat): Uint8Array {
  const b = new Uint8Array(STAT_SIZE);
  const v = new DataView(b.buffer);
  const sec = (ns: bigint): bigint => (ns >= 0n ? ns / 1000000000n : -((-ns + 999999999n) / 1000000000n));
  const u64 = (o: number, x: bigint): void => v.setBigUint64(o, BigInt.asUintN(64, x), true);
  u64(0, s.dev); u64(8, s.ino); u64(16, s.nlink);
  v.setUint32(24, s.mode, true); v.setUint32(28, s.uid, true); v.setUint32(32, s.gid, true);
  u64(40, s.rdev); u64(48, s.size); u64(56, s.blksize); u64(64, s.blocks);
  const times = [s.atimeNs, s.mtimeNs, s.ctimeNs];
  times.forEach((t, i) => { const q = sec(t); u64(72 + 16 * i, q); u64(80 + 16 * i, t - q * 1000000000n); });
  return b;
}

export function dtypeOf(mode: number): number {
  switch (mode & S_IFMT) {
    case S_IFREG: return DT_REG; case S_IFDIR: return DT_DIR; case S_IFLNK: return DT_LNK;
    case S_IFCHR: return DT_CHR; case S_IFBLK: return DT_BLK; case S_IFIFO: return DT_FIFO; case S_IFSOCK: return DT_SOCK;
    default: return DT_UNKNOWN;
  }
}

/** One linux_dirent64: d_ino, d_off, d_reclen, d_type, name, NUL, padded to 8 bytes. */
export function encodeDirent(ino: bigint, off: bigint, type: number, name: Uint8Array): Uint8Array {
  const reclen = (19 + name.length + 1 + 7) & ~7;
  const b = new Uint8Array(reclen);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt.asUintN(64, ino), true);
  v.setBigInt64(8, off, true);
  v.setUint16(16, reclen, true);
  b[18] = type;
  b.set(name, 19);
  return b;
}

/** A cooked terminal's termios as a fresh Linux tty has it (c_cc per include/uapi/asm-generic/termbits.h). */
export function defaultTermios(): Uint8Array {
  const b = new Uint8Array(36);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0o2400, true);   // ICRNL | IXON
  v.setUint32(4, 0o5, true);      // OPOST | ONLCR
  v.setUint32(8, 0o277, true);    // B38400 | CS8 | CREAD
  v.setUint32(12, 0o105073, true); // ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
  b[16] = 0;                      // c_line
  const cc = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0];
  b.set(cc, 17);
  return b;
}

export function encodeWinsize(rows: number, cols: number): Uint8Array {
  const b = new Uint8Array(8);
  const v = new DataView(b.buffer);
  v.setUint16(0, rows, true); v.setUint16(2, cols, true);
  return b;
}
