// Closure factories for operands: effective addresses, and getters/putters specialised at decode
// time on the operand's kind and size, so the executed closure does no dispatch on either.
// Convention: sizes 1/2 read as unsigned, size 4 as int32, size 8 as int32 low half + c.th high half.

import { CpuState } from './state';
import { Opnd, K_REG, K_MEM, K_IMM, SEG_FS, SEG_GS } from './decode';

export type Exec = (c: CpuState) => void;
export type Get = (c: CpuState) => number;
export type Put = (c: CpuState, lo: number, hi: number) => void;
export type Ea = (c: CpuState) => number;

const TWO32 = 4294967296;

/** Effective (linear) address of a memory operand, including the FS/GS base. */
export function makeEa(o: Opnd): Ea {
  const b = o.base, x = o.index, s = o.scale, d = o.disp;
  let f: Ea;
  if (o.a32) {
    if (b >= 0 && x >= 0) f = (c) => (c.lo[b] + c.lo[x] * s + d) >>> 0;
    else if (b >= 0) f = (c) => (c.lo[b] + d) >>> 0;
    else if (x >= 0) f = (c) => (c.lo[x] * s + d) >>> 0;
    else f = () => d >>> 0;
  } else if (b >= 0 && x >= 0) f = (c) => c.hi[b] * TWO32 + (c.lo[b] >>> 0) + (c.hi[x] * TWO32 + (c.lo[x] >>> 0)) * s + d;
  else if (b >= 0) f = d === 0 ? (c) => c.hi[b] * TWO32 + (c.lo[b] >>> 0) : (c) => c.hi[b] * TWO32 + (c.lo[b] >>> 0) + d;
  else if (x >= 0) f = (c) => (c.hi[x] * TWO32 + (c.lo[x] >>> 0)) * s + d;
  else f = () => d;
  // In compatibility mode the linear address (offset + segment base) wraps at 4 GiB too.
  if (o.seg === SEG_FS) { const g = f; return o.lin32 ? (c) => (g(c) + c.fsBase) >>> 0 : (c) => g(c) + c.fsBase; }
  if (o.seg === SEG_GS) { const g = f; return o.lin32 ? (c) => (g(c) + c.gsBase) >>> 0 : (c) => g(c) + c.gsBase; }
  return f;
}

export function makeGet(o: Opnd, size: number = o.size): Get {
  if (o.k === K_REG) {
    const r = o.r;
    if (o.h8) return (c) => (c.lo[r] >> 8) & 255;
    switch (size) {
      case 1: return (c) => c.lo[r] & 255;
      case 2: return (c) => c.lo[r] & 0xffff;
      case 4: return (c) => c.lo[r];
      default: return (c) => { c.th = c.hi[r]; return c.lo[r]; };
    }
  }
  if (o.k === K_IMM) {
    const lo = o.lo, hi = o.hi;
    switch (size) {
      case 1: { const v = lo & 255; return () => v; }
      case 2: { const v = lo & 0xffff; return () => v; }
      case 4: return () => lo;
      default: return (c) => { c.th = hi; return lo; };
    }
  }
  if (o.k === K_MEM) {
    const e = makeEa(o);
    switch (size) {
      case 1: return (c) => c.mem.read8(c.ea = e(c));
      case 2: return (c) => c.mem.read16(c.ea = e(c));
      case 4: return (c) => c.mem.read32(c.ea = e(c));
      default: return (c) => { const m = c.mem; const lo = m.read64(c.ea = e(c)); c.th = m.hi; return lo; };
    }
  }
  throw new Error(`operand kind ${o.k} has no integer value`);
}

/** A putter; with `rmw` a memory operand writes back to the address its getter just computed. */
export function makePut(o: Opnd, size: number = o.size, rmw = false): Put {
  if (o.k === K_REG) {
    const r = o.r;
    if (o.h8) return (c, v) => { c.lo[r] = (c.lo[r] & ~0xff00) | ((v & 255) << 8); };
    switch (size) {
      case 1: return (c, v) => { c.lo[r] = (c.lo[r] & ~255) | (v & 255); };
      case 2: return (c, v) => { c.lo[r] = (c.lo[r] & ~0xffff) | (v & 0xffff); };
      case 4: return (c, v) => { c.lo[r] = v; c.hi[r] = 0; };
      default: return (c, lo, hi) => { c.lo[r] = lo; c.hi[r] = hi; };
    }
  }
  if (o.k === K_MEM) {
    const e: Ea = rmw ? (c) => c.ea : makeEa(o);
    switch (size) {
      case 1: return (c, v) => c.mem.write8(e(c), v & 255);
      case 2: return (c, v) => c.mem.write16(e(c), v & 0xffff);
      case 4: return (c, v) => c.mem.write32(e(c), v);
      default: return (c, lo, hi) => c.mem.write64(e(c), lo, hi);
    }
  }
  throw new Error(`operand kind ${o.k} cannot be written`);
}

/** Sign-extends a value of `size` bytes (as read by a getter) to int32. */
export function sext(v: number, size: number): number {
  return size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v | 0;
}
