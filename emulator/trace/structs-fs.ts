// The file calls' structures as strace prints them without -v: struct statx, struct statfs,
// utimensat's pair of times, an loff_t in and out (sendfile), and getgroups' list.

import type { SyscallAbi } from '../kernel/syscalls/table';
import type { GuestMemory } from './event';
import { ptrStr, readUint, ulong } from './decode';
import { modeStr, withStruct } from './structs';
import { ENUMS, FLAG_SETS, formatFlags, lookup } from './xlat';

const s64 = (v: bigint): string => BigInt.asIntN(64, v).toString();
const hex = (v: bigint): string => (v === 0n ? '0' : '0x' + v.toString(16));

/** struct statx: {stx_mask=..., stx_attributes=..., stx_mode=..., stx_size=N, ...}. */
export function statxStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 256, (r) =>
    `{stx_mask=${formatFlags(FLAG_SETS.statxMask, Number(r(0, 4)))}, stx_attributes=${formatFlags(FLAG_SETS.statxAttr, Number(r(8, 8) & 0xffffffffn))}, ` +
    `stx_mode=${modeStr(Number(r(28, 2)))}, stx_size=${r(40, 8)}, ...}`);
}

/** struct statfs (x86-64, 120 bytes). */
export function statfsStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 120, (r) => {
    const type = r(0, 8);
    const name = lookup(ENUMS.fsMagic, Number(type));
    return `{f_type=${name ?? hex(type)}, f_bsize=${s64(r(8, 8))}, f_blocks=${r(16, 8)}, f_bfree=${r(24, 8)}, f_bavail=${r(32, 8)}, ` +
      `f_files=${r(40, 8)}, f_ffree=${r(48, 8)}, f_fsid={val=[${hex(r(56, 4))}, ${hex(r(60, 4))}]}, f_namelen=${s64(r(64, 8))}, ` +
      `f_frsize=${s64(r(72, 8))}, f_flags=${formatFlags(FLAG_SETS.statfs, Number(r(80, 8) & 0xffffffffn))}}`;
  });
}

const UTIME_NOW = 0x3fffffffn, UTIME_OMIT = 0x3ffffffen;

/** A time as strace's sprinttime_nsec shows it in a comment: 2020-01-02T03:04:05[.000000005]+0000 (UTC). */
function isoTime(sec: bigint, nsec: bigint): string {
  const d = new Date(Number(sec) * 1000);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const frac = nsec !== 0n ? '.' + String(nsec).padStart(9, '0') : '';
  return `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac}+0000`;
}

/** utimensat's struct timespec times[2]: [{tv_sec=.., tv_nsec=..} /+ date +/, UTIME_NOW]. */
export function utimesStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 32, (r) => {
    // With either time invalid, strace prints both without dates.
    const ok = (n: bigint): boolean => (n >= 0n && n < 1000000000n) || n === UTIME_NOW || n === UTIME_OMIT;
    const valid = ok(BigInt.asIntN(64, r(8, 8))) && ok(BigInt.asIntN(64, r(24, 8)));
    const one = (off: number): string => {
      const sec = BigInt.asIntN(64, r(off, 8)), nsec = BigInt.asIntN(64, r(off + 8, 8));
      if (nsec === UTIME_NOW) return 'UTIME_NOW';
      if (nsec === UTIME_OMIT) return 'UTIME_OMIT';
      // strace dates a valid time only, and not the epoch itself (0 reads as "unset").
      const iso = valid && (sec !== 0n || nsec !== 0n) ? isoTime(sec, nsec) : '';
      return `{tv_sec=${sec}, tv_nsec=${nsec}}${iso ? ` /* ${iso} */` : ''}`;
    };
    return `[${one(0)}, ${one(16)}]`;
  });
}

/** A loff_t in memory: [N] (at entry), and ` => [M]` after a call that moved it (sendfile). */
export function offsetStr(entryMem: GuestMemory, exitMem: GuestMemory | undefined, addr: bigint, abi: SyscallAbi): string {
  const a = ulong(addr, abi);
  if (a === 0n) return 'NULL';
  const before = readUint(entryMem, a, 8);
  if (before === undefined) return ptrStr(addr, abi);
  const after = exitMem ? readUint(exitMem, a, 8) : undefined;
  return `[${BigInt.asIntN(64, before)}]${after !== undefined ? ` => [${BigInt.asIntN(64, after)}]` : ''}`;
}

/** getgroups' list: [0, 4, 27], as many as the call returned. */
export function gidListStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, count: number): string {
  const a = ulong(addr, abi);
  if (a === 0n) return 'NULL';
  const out: string[] = [];
  for (let i = 0; i < Math.min(count, 32); i++) {
    const g = readUint(mem, a + BigInt(4 * i), 4);
    if (g === undefined) return ptrStr(addr, abi);
    out.push(String(g));
  }
  if (count > 32) out.push('...');
  return `[${out.join(', ')}]`;
}
