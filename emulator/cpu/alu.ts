// Two-operand integer arithmetic and logic (add or adc sbb and sub xor cmp test), inc dec neg not,
// with lazy flags. 64-bit values travel as (low, high) int32 halves.

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { OP_ADD, OP_ADC, OP_SUB, OP_SBB, OP_LOGIC, OP_INC, OP_DEC } from './flags';
import { def } from './table';
import { makeGet, makePut } from './operands';
import { K_REG, K_IMM } from './decode';

export type Alu = (c: CpuState, s: number, a: number, ah: number, b: number, bh: number) => void;

export const add: Alu = (c, s, a, ah, b, bh) => {
  if (s === 8) {
    const lo = (a + b) | 0;
    const hi = (ah + bh + ((lo >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
    c.setLazy(OP_ADD, 8, a, ah, b, bh, lo, hi); c.rl = lo; c.rh = hi;
  } else {
    const r = (a + b) | 0;
    c.setLazy(OP_ADD, s, a, 0, b, 0, r, 0); c.rl = r; c.rh = 0;
  }
};
export const adc: Alu = (c, s, a, ah, b, bh) => {
  const cin = c.getCF();
  if (s === 8) {
    const lo = (a + b + cin) | 0;
    const hi = (ah + bh + ((a >>> 0) + (b >>> 0) + cin > 0xffffffff ? 1 : 0)) | 0;
    c.setLazy(OP_ADC, 8, a, ah, b, bh, lo, hi); c.rl = lo; c.rh = hi;
  } else {
    const r = (a + b + cin) | 0;
    c.setLazy(OP_ADC, s, a, 0, b, 0, r, 0); c.rl = r; c.rh = 0;
  }
  c.fCin = cin;
};
export const sub: Alu = (c, s, a, ah, b, bh) => {
  if (s === 8) {
    const lo = (a - b) | 0;
    const hi = (ah - bh - ((a >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
    c.setLazy(OP_SUB, 8, a, ah, b, bh, lo, hi); c.rl = lo; c.rh = hi;
  } else {
    const r = (a - b) | 0;
    c.setLazy(OP_SUB, s, a, 0, b, 0, r, 0); c.rl = r; c.rh = 0;
  }
};
export const sbb: Alu = (c, s, a, ah, b, bh) => {
  const cin = c.getCF();
  if (s === 8) {
    const lo = (a - b - cin) | 0;
    const hi = (ah - bh - ((a >>> 0) < (b >>> 0) + cin ? 1 : 0)) | 0;
    c.setLazy(OP_SBB, 8, a, ah, b, bh, lo, hi); c.rl = lo; c.rh = hi;
  } else {
    const r = (a - b - cin) | 0;
    c.setLazy(OP_SBB, s, a, 0, b, 0, r, 0); c.rl = r; c.rh = 0;
  }
  c.fCin = cin;
};
export const and: Alu = (c, s, a, ah, b, bh) => {
  const r = a & b, rh = s === 8 ? ah & bh : 0;
  c.setLazy(OP_LOGIC, s, 0, 0, 0, 0, r, rh); c.rl = r; c.rh = rh;
};
export const or: Alu = (c, s, a, ah, b, bh) => {
  const r = a | b, rh = s === 8 ? ah | bh : 0;
  c.setLazy(OP_LOGIC, s, 0, 0, 0, 0, r, rh); c.rl = r; c.rh = rh;
};
export const xor: Alu = (c, s, a, ah, b, bh) => {
  const r = a ^ b, rh = s === 8 ? ah ^ bh : 0;
  c.setLazy(OP_LOGIC, s, 0, 0, 0, 0, r, rh); c.rl = r; c.rh = rh;
};

function binary(f: Alu, write: boolean) {
  return (d: import('./decode').Desc) => {
    const [o0, o1] = d.ops;
    const s = o0.size;
    // xor r, r / sub r, r: the idiom zeroes the register whatever its value.
    const gd = makeGet(o0, s), gs = makeGet(o1, s);
    if (!write) return (c: CpuState) => { const a = gd(c), ah = c.th; const b = gs(c); f(c, s, a, ah, b, c.th); };
    const pd = makePut(o0, s, true);
    if (o0.k === K_REG && !o0.h8 && s === 8 && (o1.k === K_REG || o1.k === K_IMM)) {
      const r = o0.r;
      if (o1.k === K_IMM) {
        const bl = o1.lo, bh = o1.hi;
        return (c: CpuState) => { f(c, 8, c.lo[r], c.hi[r], bl, bh); c.lo[r] = c.rl; c.hi[r] = c.rh; };
      }
      const q = o1.r;
      return (c: CpuState) => { f(c, 8, c.lo[r], c.hi[r], c.lo[q], c.hi[q]); c.lo[r] = c.rl; c.hi[r] = c.rh; };
    }
    if (o0.k === K_REG && !o0.h8 && s === 4 && (o1.k === K_REG || o1.k === K_IMM)) {
      const r = o0.r;
      if (o1.k === K_IMM) {
        const bl = o1.lo;
        return (c: CpuState) => { f(c, 4, c.lo[r], 0, bl, 0); c.lo[r] = c.rl; c.hi[r] = 0; };
      }
      const q = o1.r;
      return (c: CpuState) => { f(c, 4, c.lo[r], 0, c.lo[q], 0); c.lo[r] = c.rl; c.hi[r] = 0; };
    }
    return (c: CpuState) => { const a = gd(c), ah = c.th; const b = gs(c); f(c, s, a, ah, b, c.th); pd(c, c.rl, c.rh); };
  };
}

def(Mnemonic.Add, binary(add, true));
def(Mnemonic.Adc, binary(adc, true));
def(Mnemonic.Sub, binary(sub, true));
def(Mnemonic.Sbb, binary(sbb, true));
def(Mnemonic.And, binary(and, true));
def(Mnemonic.Or, binary(or, true));
def(Mnemonic.Xor, binary(xor, true));
def(Mnemonic.Cmp, binary(sub, false));
def(Mnemonic.Test, binary(and, false));

def([Mnemonic.Inc, Mnemonic.Dec], (d) => {
  const o = d.ops[0], s = o.size, g = makeGet(o), p = makePut(o, s, true);
  const op = d.mnem === Mnemonic.Inc ? OP_INC : OP_DEC;
  const delta = op === OP_INC ? 1 : -1;
  return (c) => {
    const a = g(c), ah = c.th;
    const cin = c.getCF();
    let lo: number, hi = 0;
    if (s === 8) {
      lo = (a + delta) | 0;
      hi = op === OP_INC ? (lo === 0 ? (ah + 1) | 0 : ah) : (a === 0 ? (ah - 1) | 0 : ah);
      c.setLazy(op, 8, a, ah, 1, 0, lo, hi);
    } else {
      lo = (a + delta) | 0;
      c.setLazy(op, s, a, 0, 1, 0, lo, 0);
    }
    c.fCin = cin;
    p(c, lo, hi);
  };
});

def(Mnemonic.Neg, (d) => {
  const o = d.ops[0], s = o.size, g = makeGet(o), p = makePut(o, s, true);
  return (c) => { const a = g(c); sub(c, s, 0, 0, a, s === 8 ? c.th : 0); p(c, c.rl, c.rh); };
});

def(Mnemonic.Not, (d) => {
  const o = d.ops[0], g = makeGet(o), p = makePut(o, o.size, true);
  return (c) => { const a = g(c); p(c, ~a, ~c.th); };
});
