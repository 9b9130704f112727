// x87 instructions on binary64 values (x87-regs.ts): loads/stores (m16/32/64 int, m32/m64/m80 float,
// ST(i)), the arithmetic family with its p/i/r forms, fchs fabs fsqrt frndint fscale fxch, compares
// (fcom* fucom* fcomi* ftst fxam), constants, control/status words. Rounding follows FCW.RC with
// exact softfloat arithmetic; precision control is ignored (results are always rounded to 53 bits).

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { def } from './table';
import { makeEa, Exec } from './operands';
import { Desc, Opnd, K_MEM, K_ST } from './decode';
import { CF, PF, ZF } from './flags';
import * as sf from './softfloat';
import { F32, F64, fp } from './softfloat';
import { C0, C1, C2, C3, get, put, push, pop, commit, mode, isEmpty, toF80, fromF80, statusWord, markEmpty } from './x87-regs';

/** A loader for a memory operand as binary64 bits: float m32/m64/m80 or integer m16/m32/m64. */
function loader(o: Opnd, integer: boolean): (c: CpuState) => bigint {
  const e = makeEa(o), size = o.size;
  if (integer) {
    return (c) => {
      const a = e(c), m = c.mem;
      let v: bigint;
      if (size === 2) v = BigInt((m.read16(a) << 16) >> 16);
      else if (size === 4) v = BigInt(m.read32(a) | 0);
      else { const lo = m.read64(a); v = (BigInt(m.hi) << 32n) | BigInt(lo >>> 0); }
      return sf.fromInt(F64, v, 0x1f80); // exact: at most 64 bits rounded to nearest (fild m64 > 2^53)
    };
  }
  // SNaNs stay signalling here: fld quiets them (IE), arithmetic applies the x87 NaN rule first.
  if (size === 4) {
    return (c) => {
      const v = BigInt(c.mem.read32(e(c)) >>> 0);
      if (sf.isNaN_(F32, v)) return ((v >> 31n) << 63n) | 0x7ff0000000000000n | ((v & 0x7fffffn) << 29n);
      return sf.convert(F32, F64, v, 0x1f80);
    };
  }
  if (size === 8) {
    return (c) => {
      const m = c.mem, lo = m.read64(e(c));
      const v = (BigInt(m.hi >>> 0) << 32n) | BigInt(lo >>> 0);
      if (sf.isDenormal(F64, v)) fp.flags |= sf.DE;
      return v;
    };
  }
  return (c) => { const a = e(c), m = c.mem, lo = m.read64(a), hi = m.hi; return fromF80((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), m.read16(a + 8)); };
}

/** x87 NaN rule: an SNaN raises IE; a QNaN beats an SNaN; of two alike the larger significand wins. */
function nan2(a: bigint, b: bigint): bigint | null {
  const an = sf.isNaN_(F64, a), bn = sf.isNaN_(F64, b);
  if (!an && !bn) return null;
  const as = sf.isSNaN(F64, a), bs = sf.isSNaN(F64, b);
  if (as || bs) fp.flags |= sf.IE;
  if (an && bn) {
    if (as !== bs) return sf.quiet(F64, as ? b : a);
    const fa = a & 0xfffffffffffffn, fb = b & 0xfffffffffffffn;
    return sf.quiet(F64, fa > fb ? a : fa < fb ? b : (a >> 63n) === 0n ? a : b);
  }
  return sf.quiet(F64, an ? a : b);
}

type Arith = (a: bigint, b: bigint, mx: number) => bigint;
const ARITH: [number[], Arith][] = [
  [[Mnemonic.Fadd, Mnemonic.Faddp, Mnemonic.Fiadd], (a, b, mx) => sf.add(F64, a, b, mx)],
  [[Mnemonic.Fsub, Mnemonic.Fsubp, Mnemonic.Fisub], (a, b, mx) => sf.add(F64, a, b, mx, true)],
  [[Mnemonic.Fsubr, Mnemonic.Fsubrp, Mnemonic.Fisubr], (a, b, mx) => sf.add(F64, b, a, mx, true)],
  [[Mnemonic.Fmul, Mnemonic.Fmulp, Mnemonic.Fimul], (a, b, mx) => sf.mul(F64, a, b, mx)],
  [[Mnemonic.Fdiv, Mnemonic.Fdivp, Mnemonic.Fidiv], (a, b, mx) => sf.div(F64, a, b, mx)],
  [[Mnemonic.Fdivr, Mnemonic.Fdivrp, Mnemonic.Fidivr], (a, b, mx) => sf.div(F64, b, a, mx)],
];
for (const [[plain, popping, int], f] of ARITH) {
  def([plain, popping, int], (d) => {
    const isPop = d.mnem === popping;
    if (d.ops.length === 1 && d.ops[0].k === K_MEM) {
      const ld = loader(d.ops[0], d.mnem === int);
      return (c) => {
        fp.flags = 0;
        const b = ld(c), a = get(c, 0);
        const r = nan2(a, b) ?? f(a, b, mode(c));
        commit(c); put(c, 0, r);
      };
    }
    const dst = d.ops.length === 2 ? d.ops[0].r : 1, src = d.ops.length === 2 ? d.ops[1].r : 0;
    return (c) => {
      fp.flags = 0;
      const a = get(c, dst), b = get(c, src);
      const r = nan2(a, b) ?? f(a, b, mode(c));
      commit(c); put(c, dst, r);
      if (isPop) pop(c);
    };
  });
}

// ---- loads and stores ----

def([Mnemonic.Fld, Mnemonic.Fild], (d) => {
  const o = d.ops[0];
  if (o.k === K_ST) { const i = o.r; return (c) => { fp.flags = 0; const v = get(c, i); push(c, v); commit(c); }; }
  const ld = loader(o, d.mnem === Mnemonic.Fild), m80 = o.size === 10;
  return (c) => {
    fp.flags = 0;
    let v = ld(c);
    if (!m80 && sf.isSNaN(F64, v)) { fp.flags |= sf.IE; v = sf.quiet(F64, v); }
    push(c, v); commit(c);
  };
});

// The constants rounded to nearest binary64 (the real ones hold 64-bit significands).
const CONSTS: [number, bigint][] = [[Mnemonic.Fld1, 0x3ff0000000000000n], [Mnemonic.Fldz, 0n], [Mnemonic.Fldpi, 0x400921fb54442d18n],
  [Mnemonic.Fldl2e, 0x3ff71547652b82fen], [Mnemonic.Fldl2t, 0x400a934f0979a371n], [Mnemonic.Fldlg2, 0x3fd34413509f79ffn],
  [Mnemonic.Fldln2, 0x3fe62e42fefa39efn]];
const dv = new DataView(new ArrayBuffer(8));
const bitsOf = (x: number) => { dv.setFloat64(0, x, true); return dv.getBigUint64(0, true); };
const numOf = (b: bigint) => { dv.setBigUint64(0, b, true); return dv.getFloat64(0, true); };
for (const [m, b] of CONSTS) { def(m, () => (c) => { fp.flags = 0; push(c, b); commit(c); }); }

/** A store of ST(0) to memory in the operand's format (float m32/m64/m80, or integer). */
function storer(o: Opnd, integer: boolean, trunc: boolean): (c: CpuState, v: bigint) => void {
  const e = makeEa(o), size = o.size;
  if (integer) {
    return (c, v) => {
      const r = sf.toInt(F64, v, size * 8, trunc, mode(c)), a = e(c);
      if (size === 2) c.mem.write16(a, Number(r));
      else if (size === 4) c.mem.write32(a, Number(r) | 0);
      else c.mem.write64(a, Number(r & 0xffffffffn) | 0, Number(r >> 32n) | 0);
    };
  }
  if (size === 4) return (c, v) => { const r = sf.convert(F64, F32, v, mode(c)); fp.flags &= ~sf.DE; c.mem.write32(e(c), Number(r) | 0); };
  if (size === 8) return (c, v) => c.mem.write64(e(c), Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  return (c, v) => {
    const [m, se] = toF80(v), a = e(c);
    c.mem.read8(a + 9);
    c.mem.write64(a, Number(m & 0xffffffffn) | 0, Number(m >> 32n) | 0); c.mem.write16(a + 8, se);
  };
}

def([Mnemonic.Fst, Mnemonic.Fstp, Mnemonic.Fist, Mnemonic.Fistp, Mnemonic.Fisttp], (d) => {
  const o = d.ops[0], m = d.mnem, isPop = m === Mnemonic.Fstp || m === Mnemonic.Fistp || m === Mnemonic.Fisttp;
  if (o.k === K_ST) {
    const i = o.r;
    return (c) => { fp.flags = 0; const v = get(c, 0); commit(c); put(c, i, v); if (isPop) pop(c); };
  }
  const st = storer(o, m === Mnemonic.Fist || m === Mnemonic.Fistp || m === Mnemonic.Fisttp, m === Mnemonic.Fisttp);
  return (c) => {
    fp.flags = 0;
    const v = get(c, 0);
    st(c, v);
    commit(c);
    if (isPop) pop(c);
  };
});

def(Mnemonic.Fxch, (d) => {
  const i = d.ops.length ? d.ops[d.ops.length - 1].r : 1;
  return (c) => { fp.flags = 0; const a = get(c, 0), b = get(c, i); put(c, 0, b); put(c, i, a); commit(c, false); c.fsw &= ~C1; };
});

// ---- one-operand arithmetic on ST(0) ----

function unary(m: number, f: (c: CpuState, v: bigint) => bigint, setsC1 = true): void {
  def(m, () => (c) => { fp.flags = 0; const v = get(c, 0); const r = f(c, v); commit(c, setsC1); if (!setsC1) c.fsw &= ~C1; put(c, 0, r); });
}
unary(Mnemonic.Fchs, (_c, v) => v ^ (1n << 63n), false);
unary(Mnemonic.Fabs, (_c, v) => v & ~(1n << 63n), false);
unary(Mnemonic.Fsqrt, (c, v) => sf.sqrt(F64, v, mode(c)));
unary(Mnemonic.Frndint, (c, v) => {
  if (sf.isNaN_(F64, v)) { if (sf.isSNaN(F64, v)) fp.flags |= sf.IE; return sf.quiet(F64, v); }
  const x = numOf(v);
  if (!isFinite(x) || Math.abs(x) >= 2 ** 52) return v;
  const rc = (c.fcw >> 10) & 3;
  let r = rc === 1 ? Math.floor(x) : rc === 2 ? Math.ceil(x) : rc === 3 ? Math.trunc(x) : Math.round(x);
  if (rc === 0 && Math.abs(x - Math.trunc(x)) === 0.5) r = 2 * Math.round(x / 2); // ties to even
  if (r !== x) fp.flags |= sf.PE | (Math.abs(r) > Math.abs(x) ? sf.ROUNDED_UP : 0);
  return r === 0 ? v & (1n << 63n) : bitsOf(r);
});
def(Mnemonic.Fscale, () => (c) => {
  fp.flags = 0;
  const a = get(c, 0), b = get(c, 1);
  let r = nan2(a, b);
  if (r === null) {
    const n = Math.trunc(numOf(b));
    // Scaling by a power of two is a multiplication that is exact until it over/underflows.
    r = !isFinite(n) ? (n > 0 ? bitsOf(numOf(a) * Infinity) : bitsOf(numOf(a) * 0)) : scale(a, n, mode(c));
  }
  commit(c); put(c, 0, r);
});
function scale(a: bigint, n: number, mx: number): bigint {
  let r = a;
  while (n !== 0) {
    const k = Math.max(-1000, Math.min(1000, n));
    r = sf.mul(F64, r, bitsOf(2 ** k), mx);
    n -= k;
  }
  return r;
}

// ---- comparisons: C3 C2 C0 = 000 greater, 001 less, 100 equal, 111 unordered ----

const CC = [C0, C3, 0, C3 | C2 | C0]; // indexed by compare() result + 1
function fcom(d: Desc, signal: boolean, pops: number, toEflags: boolean, integer = false): Exec {
  const ld = d.ops.length === 1 && d.ops[0].k === K_MEM ? loader(d.ops[0], integer) : null;
  const i = ld ? 0 : d.ops.length === 2 ? d.ops[1].r : d.ops.length === 1 ? d.ops[0].r : 1;
  return (c) => {
    fp.flags = 0;
    const a = get(c, 0), b = ld ? ld(c) : get(c, i);
    const o = sf.compare(F64, a, b, mode(c), signal);
    commit(c, false);
    // FCOM* clear C1; FCOMI* leave it (as this AMD host does).
    if (!toEflags) c.fsw &= ~C1;
    if (toEflags) c.setArith(o === 2 ? ZF | PF | CF : o < 0 ? CF : o === 0 ? ZF : 0);
    else c.fsw = (c.fsw & ~(C0 | C2 | C3)) | CC[o + 1];
    for (let k = 0; k < pops; k++) pop(c);
  };
}
def(Mnemonic.Fcom, (d) => fcom(d, true, 0, false));
def(Mnemonic.Fcomp, (d) => fcom(d, true, 1, false));
def(Mnemonic.Fcompp, (d) => fcom(d, true, 2, false));
def(Mnemonic.Fucom, (d) => fcom(d, false, 0, false));
def(Mnemonic.Fucomp, (d) => fcom(d, false, 1, false));
def(Mnemonic.Fucompp, (d) => fcom(d, false, 2, false));
def(Mnemonic.Ficom, (d) => fcom(d, true, 0, false, true));
def(Mnemonic.Ficomp, (d) => fcom(d, true, 1, false, true));
def(Mnemonic.Fcomi, (d) => fcom(d, true, 0, true));
def(Mnemonic.Fcomip, (d) => fcom(d, true, 1, true));
def(Mnemonic.Fucomi, (d) => fcom(d, false, 0, true));
def(Mnemonic.Fucomip, (d) => fcom(d, false, 1, true));
def(Mnemonic.Ftst, () => (c) => {
  fp.flags = 0;
  const o = sf.compare(F64, get(c, 0), 0n, mode(c), true);
  commit(c, false);
  c.fsw = (c.fsw & ~(C0 | C1 | C2 | C3)) | CC[o + 1];
});

// FXAM: C3 C2 C0 = 001 NaN, 010 normal, 011 infinity, 100 zero, 101 empty; C1 = sign. A binary64
// denormal is a normal number in the 80-bit format the real register holds, so it reports normal.
def(Mnemonic.Fxam, () => (c) => {
  const v = isEmpty(c, 0) ? 0n : get(c, 0);
  let cc: number;
  if (isEmpty(c, 0)) cc = C3 | C0;
  else if (sf.isNaN_(F64, v)) cc = C0;
  else if (sf.isInf(F64, v)) cc = C2 | C0;
  else if (sf.isZero(F64, v)) cc = C3;
  else cc = C2;
  c.fsw = (c.fsw & ~(C0 | C1 | C2 | C3)) | cc | (v >> 63n ? C1 : 0);
});

// ---- control ----

def([Mnemonic.Fninit, Mnemonic.Finit], () => (c) => { c.fcw = 0x37f; c.fsw = 0; c.fpuTop = 0; c.fpuTag = 0xffff; });
def([Mnemonic.Fnclex, Mnemonic.Fclex], () => (c) => { c.fsw &= 0x7f00; });
def([Mnemonic.Fnstcw, Mnemonic.Fstcw], (d) => { const e = makeEa(d.ops[0]); return (c) => c.mem.write16(e(c), c.fcw); });
def(Mnemonic.Fldcw, (d) => { const e = makeEa(d.ops[0]); return (c) => { c.fcw = c.mem.read16(e(c)) | 0x40; }; });
def([Mnemonic.Fnstsw, Mnemonic.Fstsw], (d) => {
  const o = d.ops[0];
  if (o.k === K_MEM) { const e = makeEa(o); return (c) => c.mem.write16(e(c), statusWord(c)); }
  return (c) => { c.lo[0] = (c.lo[0] & ~0xffff) | statusWord(c); };
});
def([Mnemonic.Wait, Mnemonic.Fnop], () => () => { /* no pending unmasked exceptions are modelled */ });
def(Mnemonic.Ffree, (d) => { const i = d.ops[0].r; return (c) => markEmpty(c, i); });
def(Mnemonic.Fincstp, () => (c) => { c.fpuTop = (c.fpuTop + 1) & 7; c.fsw &= ~C1; });
def(Mnemonic.Fdecstp, () => (c) => { c.fpuTop = (c.fpuTop - 1) & 7; c.fsw &= ~C1; });
