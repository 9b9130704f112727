// x87 register stack helpers shared by x87.ts and x87-env.ts: ST(i) as raw binary64 bit patterns
// (a BigUint64Array view of CpuState.st, so NaN payloads survive), TOP/tag bookkeeping, stack faults,
// flag commits into the status word, and exact m80 <-> binary64 conversions.
// Precision: values are binary64 (53-bit significand, 11-bit exponent), not 80-bit extended.

import { CpuState } from './state';
import * as sf from './softfloat';
import { F64, fp } from './softfloat';

export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, SF_ = 0x40, ES = 0x80, B = 0x8000;
export const INDEFINITE = 0xfff8000000000000n;

const views = new WeakMap<CpuState, BigUint64Array>();
export function regs(c: CpuState): BigUint64Array {
  let v = views.get(c);
  if (!v) { v = new BigUint64Array(c.st.buffer, c.st.byteOffset, 8); views.set(c, v); }
  return v;
}

/** Softfloat mode word for the current FCW: rounding control and exception masks (no DAZ/FTZ). */
export function mode(c: CpuState): number { return (((c.fcw >> 10) & 3) << 13) | ((c.fcw & 0x3f) << 7); }

const empty = (c: CpuState, phys: number) => ((c.fpuTag >> (phys * 2)) & 3) === 3;
const setTag = (c: CpuState, phys: number, e: boolean) => {
  c.fpuTag = (c.fpuTag & ~(3 << (phys * 2))) | (e ? 3 << (phys * 2) : 0);
};
export function isEmpty(c: CpuState, i: number): boolean { return empty(c, (c.fpuTop + i) & 7); }

/** Reads ST(i); an empty register is a stack underflow (IE|SF, C1=0) reading the indefinite NaN. */
export function get(c: CpuState, i: number): bigint {
  const p = (c.fpuTop + i) & 7;
  if (empty(c, p)) { fp.flags |= sf.IE | SF_; c.fsw &= ~C1; return INDEFINITE; }
  return regs(c)[p];
}
export function put(c: CpuState, i: number, v: bigint): void {
  const p = (c.fpuTop + i) & 7;
  regs(c)[p] = v; setTag(c, p, false);
}
/** Pushes a value; a full register is a stack overflow (IE|SF, C1=1) pushing the indefinite NaN. */
export function push(c: CpuState, v: bigint): void {
  const p = (c.fpuTop - 1) & 7;
  if (!empty(c, p)) { fp.flags |= sf.IE | SF_; c.fsw |= C1; v = INDEFINITE; }
  c.fpuTop = p;
  regs(c)[p] = v; setTag(c, p, false);
}
export function pop(c: CpuState): void { setTag(c, c.fpuTop, true); c.fpuTop = (c.fpuTop + 1) & 7; }
export function markEmpty(c: CpuState, i: number): void { setTag(c, (c.fpuTop + i) & 7, true); }

/** Commits fp.flags into FSW: sticky exception bits, C1 from rounding, ES/B for unmasked ones.
 *  (An unmasked exception would raise #MF at the next waiting instruction: not modelled.) */
export function commit(c: CpuState, setC1 = true): void {
  const fl = fp.flags;
  if (setC1) c.fsw = (c.fsw & ~C1) | (fl & sf.ROUNDED_UP ? C1 : 0);
  c.fsw |= fl & 0x7f;
  if (fl & ~c.fcw & 0x3f) c.fsw |= ES | B;
}

/** The full 2-bit tag of a physical register: 0 valid, 1 zero, 2 special, 3 empty. */
export function fullTag(c: CpuState, phys: number): number {
  if (empty(c, phys)) return 3;
  const v = regs(c)[phys];
  if (sf.isZero(F64, v)) return 1;
  return sf.isNaN_(F64, v) || sf.isInf(F64, v) ? 2 : 0;
}
export function fullTagWord(c: CpuState): number {
  let t = 0;
  for (let p = 0; p < 8; p++) t |= fullTag(c, p) << (p * 2);
  return t;
}
export function setTagWord(c: CpuState, t: number): void {
  c.fpuTag = 0;
  for (let p = 0; p < 8; p++) setTag(c, p, ((t >> (p * 2)) & 3) === 3);
}
export function statusWord(c: CpuState): number { return (c.fsw & ~0x3800) | (c.fpuTop << 11); }
export function setStatusWord(c: CpuState, v: number): void { c.fsw = v & ~0x3800; c.fpuTop = (v >> 11) & 7; }

/** binary64 -> 80-bit extended: exact. Returns [low 64 bits (significand), sign|exponent]. */
export function toF80(v: bigint): [bigint, number] {
  const s = Number(v >> 63n) << 15, ex = Number((v >> 52n) & 0x7ffn), fr = v & 0xfffffffffffffn;
  if (ex === 0x7ff) return [(1n << 63n) | (fr << 11n), s | 0x7fff];
  if (ex === 0) {
    if (fr === 0n) return [0n, s];
    const n = fr.toString(2).length; // value = fr * 2^-1074, leading bit at 2^(n-1-1074)
    return [fr << BigInt(64 - n), s | (n - 1 - 1074 + 16383)];
  }
  return [(1n << 63n) | (fr << 11n), s | (ex - 1023 + 16383)];
}

/** 80-bit extended -> binary64, rounded to nearest; raises no flags (as FLD m80). */
export function fromF80(mant: bigint, se: number): bigint {
  const sign = BigInt(se >> 15) << 63n, ex = se & 0x7fff;
  if (ex === 0x7fff) {
    const fr = (mant >> 11n) & 0xfffffffffffffn;
    if ((mant << 1n) & 0xffffffffffffffffn) return sign | 0x7ff0000000000000n | (fr === 0n ? 1n : fr);
    return sign | 0x7ff0000000000000n;
  }
  if (mant === 0n) return sign;
  const saved = fp.flags;
  const r = sf.round(F64, sign !== 0n, mant, (ex === 0 ? 1 : ex) - 16383 - 63, false, 0x1f80);
  fp.flags = saved;
  return r;
}
