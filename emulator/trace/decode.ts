// Printing primitives shared by the strace printers: numbers as a given ABI sees them, pointers,
// strace's string quoting (`-s 32` cut, \n \t \" \\, octal for other bytes), and reads of guest
// memory that stop cleanly at unmapped pages.

import type { SyscallAbi } from '../kernel/syscalls/table';
import type { GuestMemory } from './event';

/** strace's default -s: strings are cut after this many bytes and followed by `...`. */
export const DEFAULT_MAX_STRLEN = 32;
const PATH_MAX = 4096;
const PAGE = 4096n;

export const wordBytes = (abi: SyscallAbi): number => (abi === 'i386' ? 4 : 8);

/** The argument as an unsigned long of the ABI (i386 registers are 32 bits wide). */
export function ulong(v: bigint, abi: SyscallAbi): bigint {
  return abi === 'i386' ? BigInt.asUintN(32, v) : BigInt.asUintN(64, v);
}
export function slong(v: bigint, abi: SyscallAbi): bigint {
  return abi === 'i386' ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
}
export const sint = (v: bigint): number => Number(BigInt.asIntN(32, v));
export const uint = (v: bigint): number => Number(BigInt.asUintN(32, v));

/** `%#lx`: 0 stays "0", everything else gets 0x. */
export function hexStr(v: bigint | number): string {
  const b = BigInt(v);
  return b === 0n ? '0' : '0x' + b.toString(16);
}

/** A pointer as strace prints it: NULL or hex. */
export function ptrStr(v: bigint, abi: SyscallAbi): string {
  const p = ulong(v, abi);
  return p === 0n ? 'NULL' : '0x' + p.toString(16);
}

/** `%#o` with at least three digits (0644, 000), as strace prints modes and umasks. */
export function octStr(v: number): string {
  const s = (v >>> 0).toString(8);
  return '0' + s.padStart(2, '0');
}

/** Reads len bytes, or as many as are mapped from addr on (page by page). */
export function readPrefix(mem: GuestMemory, addr: bigint, len: number): Uint8Array {
  const whole = len > 0 ? mem.read(addr, len) : new Uint8Array(0);
  if (whole) return whole;
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < len) {
    const a = addr + BigInt(got);
    const chunk = Math.min(len - got, Number(PAGE - (a % PAGE)));
    const b = mem.read(a, chunk);
    if (!b) break;
    parts.push(b);
    got += chunk;
  }
  const out = new Uint8Array(got);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** A NUL-terminated string of at most max bytes: bytes before the NUL, and whether the NUL was seen. */
export function readCString(mem: GuestMemory, addr: bigint, max: number): { bytes: Uint8Array; terminated: boolean } | undefined {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let a = addr;
  while (total < max) {
    const n = Math.min(max - total, Number(PAGE - (a % PAGE)));
    // A memory that maps less than a page (a partial mapping, a test double) is read byte by byte.
    const b = mem.read(a, n) ?? bytewise(mem, a, n);
    if (b.length === 0) {
      if (total === 0) return undefined;
      break;
    }
    const z = b.indexOf(0);
    if (z >= 0) {
      chunks.push(b.subarray(0, z));
      return { bytes: concat(chunks, total + z), terminated: true };
    }
    chunks.push(b);
    total += b.length;
    a += BigInt(b.length);
    if (b.length < n) break;
  }
  return { bytes: concat(chunks, total), terminated: false };
}

function bytewise(mem: GuestMemory, addr: bigint, n: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = mem.read(addr + BigInt(i), 1);
    if (!b) break;
    out.push(b[0]);
    if (b[0] === 0) break;
  }
  return Uint8Array.from(out);
}

function concat(parts: Uint8Array[], len: number): Uint8Array {
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { out.set(p.subarray(0, len - o), o); o += p.length; if (o >= len) break; }
  return out;
}

export function readUint(mem: GuestMemory, addr: bigint, size: 1 | 2 | 4 | 8): bigint | undefined {
  const b = mem.read(addr, size);
  if (!b || b.length < size) return undefined;
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

const ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v' };

/**
 * strace's string_quote: printable ASCII as is, C escapes for \f\n\r\t\v, and the shortest octal
 * form for other bytes unless the next byte is an octal digit (then three digits, so the
 * reader cannot run them together). `hex` forces \xNN for every byte (strace -xx, getrandom).
 */
export function quoteBytes(b: Uint8Array, hex = false): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (hex) { s += '\\x' + c.toString(16).padStart(2, '0'); continue; }
    const esc = ESCAPES[c];
    if (esc) s += esc;
    else if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
    else {
      const next = i + 1 < b.length ? b[i + 1] : -1;
      s += '\\' + (next >= 0x30 && next <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8));
    }
  }
  return s + '"';
}

export interface StrOpts {
  maxStrlen?: number;
  hex?: boolean;
}

/** A buffer of known length (write's buf): at most maxStrlen bytes, `...` when cut. */
export function bufferStr(mem: GuestMemory, addr: bigint, len: number, abi: SyscallAbi, o: StrOpts = {}): string {
  const max = o.maxStrlen ?? DEFAULT_MAX_STRLEN;
  if (ulong(addr, abi) === 0n) return 'NULL';
  const n = Math.max(0, Math.min(len, max));
  const b = n === 0 ? new Uint8Array(0) : mem.read(ulong(addr, abi), n);
  if (!b) return ptrStr(addr, abi);
  return quoteBytes(b, o.hex) + (len > max ? '...' : '');
}

/** A C string argument (execve's argv[i]): cut at maxStrlen like other strings. */
export function cstringStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, o: StrOpts = {}): string {
  const max = o.maxStrlen ?? DEFAULT_MAX_STRLEN;
  if (ulong(addr, abi) === 0n) return 'NULL';
  const s = readCString(mem, ulong(addr, abi), max + 1);
  if (!s) return ptrStr(addr, abi);
  if (s.bytes.length > max) return quoteBytes(s.bytes.subarray(0, max), o.hex) + '...';
  return quoteBytes(s.bytes, o.hex) + (s.terminated ? '' : '...');
}

/**
 * A path: printed whole (strace does not apply -s to paths). Without `len`, as strace's printpath:
 * PATH_MAX bytes are fetched, and a path with no NUL among them shows its first PATH_MAX - 1
 * bytes and `...`. With `len` (getcwd's result), at most len bytes.
 */
export function pathStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, len?: number): string {
  if (ulong(addr, abi) === 0n) return 'NULL';
  const s = readCString(mem, ulong(addr, abi), len ?? PATH_MAX);
  if (!s) return ptrStr(addr, abi);
  if (len === undefined) {
    if (s.terminated || s.bytes.length < PATH_MAX) return quoteBytes(s.bytes);
    return quoteBytes(s.bytes.subarray(0, PATH_MAX - 1)) + '...';
  }
  return quoteBytes(s.bytes) + (s.terminated || s.bytes.length < len ? '' : '...');
}
