// SSE/SSE2 floating point: add/sub/mul/div/min/max/sqrt (ss sd ps pd), cmpCCxx with the 8 predicates,
// (u)comis*, and the cvt* family. Arithmetic goes through softfloat.ts (exact, every MXCSR rounding mode,
// DAZ/FTZ, sticky flags); an unmasked exception raises #XM and leaves the destination unchanged.

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { def } from './table';
import { makeEa, makeGet, makePut, Exec } from './operands';
import { Desc, Opnd, K_XMM, K_MEM, K_REG } from './decode';
import { GuestFault, VEC_XM } from '../memory/fault';
import { src128, TMP } from './sse-int';
import { CF, PF, ZF } from './flags';
import * as sf from './softfloat';
import { Fmt, F32, F64, fp } from './softfloat';

// ---- lane access: lanes are read and written as bigint bit patterns ----

export function lane(c: CpuState, slot: number, f: Fmt, i: number): bigint {
  const x = c.xi;
  if (f === F32) return BigInt(x[slot * 4 + i] >>> 0);
  const k = slot * 4 + i * 2;
  return (BigInt(x[k + 1] >>> 0) << 32n) | BigInt(x[k] >>> 0);
}
export function setLane(c: CpuState, slot: number, f: Fmt, i: number, v: bigint): void {
  const x = c.xi;
  if (f === F32) { x[slot * 4 + i] = Number(v & 0xffffffffn) | 0; return; }
  const k = slot * 4 + i * 2;
  x[k] = Number(v & 0xffffffffn) | 0; x[k + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
}

/** Scalar source: lane 0 of an XMM register, or 4/8 bytes of memory (no alignment check). */
export function srcScalar(o: Opnd, f: Fmt): (c: CpuState) => bigint {
  if (o.k === K_XMM) { const r = o.r; return (c) => lane(c, r, f, 0); }
  const e = makeEa(o);
  if (f === F32) return (c) => BigInt(c.mem.read32(e(c)) >>> 0);
  return (c) => { const m = c.mem, lo = m.read64(e(c)); return (BigInt(m.hi >>> 0) << 32n) | BigInt(lo >>> 0); };
}

/** Commits the flags of one instruction into MXCSR; an unmasked one raises #XM. */
export function raise(c: CpuState): void {
  const fl = fp.flags & 0x3f;
  if (fl === 0) return;
  c.mxcsr |= fl;
  if (fl & ~(c.mxcsr >> 7) & 0x3f) throw new GuestFault(VEC_XM);
}

type Op2 = (f: Fmt, a: bigint, b: bigint, mx: number) => bigint;
const OPS: [number, number, number, number, Op2][] = [
  [Mnemonic.Addss, Mnemonic.Addsd, Mnemonic.Addps, Mnemonic.Addpd, (f, a, b, mx) => sf.add(f, a, b, mx)],
  [Mnemonic.Subss, Mnemonic.Subsd, Mnemonic.Subps, Mnemonic.Subpd, (f, a, b, mx) => sf.add(f, a, b, mx, true)],
  [Mnemonic.Mulss, Mnemonic.Mulsd, Mnemonic.Mulps, Mnemonic.Mulpd, sf.mul],
  [Mnemonic.Divss, Mnemonic.Divsd, Mnemonic.Divps, Mnemonic.Divpd, sf.div],
  [Mnemonic.Minss, Mnemonic.Minsd, Mnemonic.Minps, Mnemonic.Minpd, (f, a, b, mx) => sf.minmax(f, a, b, mx, false)],
  [Mnemonic.Maxss, Mnemonic.Maxsd, Mnemonic.Maxps, Mnemonic.Maxpd, (f, a, b, mx) => sf.minmax(f, a, b, mx, true)],
  [Mnemonic.Sqrtss, Mnemonic.Sqrtsd, Mnemonic.Sqrtps, Mnemonic.Sqrtpd, (f, _a, b, mx) => sf.sqrt(f, b, mx)],
];

const out: bigint[] = [0n, 0n, 0n, 0n];

/** A lane-wise operation: scalar forms touch lane 0 only, packed forms every lane of the format. */
function lanes(d: Desc, f: Fmt, packed: boolean, op: (c: CpuState, a: bigint, b: bigint) => bigint): Exec | null {
  const [o0, o1] = d.ops;
  if (o0.k !== K_XMM) return null;
  const r = o0.r, n = packed ? (f === F32 ? 4 : 2) : 1;
  if (!packed) {
    const s = srcScalar(o1, f);
    return (c) => { fp.flags = 0; const v = op(c, lane(c, r, f, 0), s(c)); raise(c); setLane(c, r, f, 0, v); };
  }
  const s = src128(o1, true);
  return (c) => {
    const q = s(c);
    fp.flags = 0;
    for (let i = 0; i < n; i++) out[i] = op(c, lane(c, r, f, i), lane(c, q, f, i));
    raise(c);
    for (let i = 0; i < n; i++) setLane(c, r, f, i, out[i]);
  };
}

for (const [ss, sd, ps, pd, op] of OPS) {
  const forms: [number, Fmt, boolean][] = [[ss, F32, false], [sd, F64, false], [ps, F32, true], [pd, F64, true]];
  for (const [m, f, packed] of forms) def(m, (d) => lanes(d, f, packed, (c, a, b) => op(f, a, b, c.mxcsr)));
}

// CMPccSS/SD/PS/PD: all-ones or zero per lane. Cmpsd also names the string instruction (string.ts).
for (const [m, f, packed] of [[Mnemonic.Cmpss, F32, false], [Mnemonic.Cmpsd, F64, false], [Mnemonic.Cmpps, F32, true], [Mnemonic.Cmppd, F64, true]] as [number, Fmt, boolean][]) {
  const ones = f === F32 ? 0xffffffffn : 0xffffffffffffffffn;
  def(m, (d) => {
    if (d.ops.length !== 3 || d.ops[0].k !== K_XMM) return null;
    const pred = d.ops[2].lo & 7;
    return lanes(d, f, packed, (c, a, b) => (sf.cmp(f, a, b, c.mxcsr, pred) ? ones : 0n));
  });
}

// (U)COMISS/SD: ZF PF CF = unordered 111, less 001, equal 100, greater 000; OF SF AF cleared.
for (const [m, f, signal] of [[Mnemonic.Comiss, F32, true], [Mnemonic.Comisd, F64, true], [Mnemonic.Ucomiss, F32, false], [Mnemonic.Ucomisd, F64, false]] as [number, Fmt, boolean][]) {
  def(m, (d) => {
    const r = d.ops[0].r, s = srcScalar(d.ops[1], f);
    return (c) => {
      fp.flags = 0;
      const o = sf.compare(f, lane(c, r, f, 0), s(c), c.mxcsr, signal);
      raise(c);
      c.setArith(o === 2 ? ZF | PF | CF : o < 0 ? CF : o === 0 ? ZF : 0);
    };
  });
}

// ---- conversions ----

def([Mnemonic.Cvtsi2ss, Mnemonic.Cvtsi2sd], (d) => {
  const [o0, o1] = d.ops, f = d.mnem === Mnemonic.Cvtsi2ss ? F32 : F64, r = o0.r, size = o1.size;
  if (o1.k !== K_REG && o1.k !== K_MEM) return null;
  const g = makeGet(o1, size);
  return (c) => {
    const lo = g(c);
    const v = size === 8 ? (BigInt(c.th) << 32n) | BigInt(lo >>> 0) : BigInt(lo | 0);
    fp.flags = 0;
    const x = sf.fromInt(f, v, c.mxcsr);
    raise(c);
    setLane(c, r, f, 0, x);
  };
});

def([Mnemonic.Cvtss2si, Mnemonic.Cvttss2si, Mnemonic.Cvtsd2si, Mnemonic.Cvttsd2si], (d) => {
  const [o0, o1] = d.ops, m = d.mnem;
  const f = m === Mnemonic.Cvtss2si || m === Mnemonic.Cvttss2si ? F32 : F64;
  const trunc = m === Mnemonic.Cvttss2si || m === Mnemonic.Cvttsd2si, w = o0.size * 8;
  const s = srcScalar(o1, f), p = makePut(o0, o0.size);
  return (c) => {
    fp.flags = 0;
    const v = sf.toInt(f, s(c), w, trunc, c.mxcsr);
    raise(c);
    p(c, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  };
});

def([Mnemonic.Cvtss2sd, Mnemonic.Cvtsd2ss], (d) => {
  const to = d.mnem === Mnemonic.Cvtss2sd ? F64 : F32, from = to === F64 ? F32 : F64;
  const r = d.ops[0].r, s = srcScalar(d.ops[1], from);
  return (c) => { fp.flags = 0; const v = sf.convert(from, to, s(c), c.mxcsr); raise(c); setLane(c, r, to, 0, v); };
});

/** Packed conversions: n lanes of `from` (reading lanes 0..n-1 of the source) into n lanes of `to`;
 *  the destination's remaining lanes are zeroed (the 64-bit-result forms). */
function packedCvt(m: number, from: Fmt | 'i32', to: Fmt | 'i32', n: number, trunc = false): void {
  def(m, (d) => {
    const [o0, o1] = d.ops, r = o0.r;
    // Sources narrower than 128 bits (cvtdq2pd, cvtps2pd m64) read 8 bytes without alignment.
    const narrow = n === 2 && (from === F32 || from === 'i32');
    const s: (c: CpuState) => number = narrow && o1.k === K_MEM
      ? (() => { const e = makeEa(o1); return (c: CpuState) => { const a = e(c); c.xi[TMP * 4] = c.mem.read64(a); c.xi[TMP * 4 + 1] = c.mem.hi; return TMP; }; })()
      : src128(o1, true);
    return (c) => {
      const q = s(c), mx = c.mxcsr;
      fp.flags = 0;
      for (let i = 0; i < n; i++) {
        if (from === 'i32') out[i] = sf.fromInt(to as Fmt, BigInt(c.xi[q * 4 + i]), mx);
        else if (to === 'i32') out[i] = sf.toInt(from, lane(c, q, from, i), 32, trunc, mx);
        else out[i] = sf.convert(from, to, lane(c, q, from, i), mx);
      }
      raise(c);
      const x = c.xi;
      if (to === F64) { setLane(c, r, F64, 0, out[0]); setLane(c, r, F64, 1, out[1]); return; }
      for (let i = 0; i < 4; i++) x[r * 4 + i] = i < n ? Number(out[i] & 0xffffffffn) | 0 : 0;
    };
  });
}
packedCvt(Mnemonic.Cvtdq2ps, 'i32', F32, 4);
packedCvt(Mnemonic.Cvtps2dq, F32, 'i32', 4);
packedCvt(Mnemonic.Cvttps2dq, F32, 'i32', 4, true);
packedCvt(Mnemonic.Cvtdq2pd, 'i32', F64, 2);
packedCvt(Mnemonic.Cvtpd2dq, F64, 'i32', 2);
packedCvt(Mnemonic.Cvttpd2dq, F64, 'i32', 2, true);
packedCvt(Mnemonic.Cvtps2pd, F32, F64, 2);
packedCvt(Mnemonic.Cvtpd2ps, F64, F32, 2);
