// SSE/SSE2 floating-point data movement: movss/movsd (register and memory forms), movlps/movhps/
// movlpd/movhpd, movhlps/movlhps, movmskps/pd, shufps/pd, the non-temporal stores, ldmxcsr/stmxcsr.
// None of these raise floating-point exceptions (they move bits).

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { def } from './table';
import { makeEa, makeGet, makePut } from './operands';
import { K_XMM, K_MEM } from './decode';
import { GuestFault, VEC_GP } from '../memory/fault';
import { src128, store128 } from './sse-int';

// movss/movsd: reg<-reg moves the low element only; a load zeroes the rest; a store writes the element.
// Movsd is also the string instruction (string.ts): we return null for that form.
def([Mnemonic.Movss, Mnemonic.Movsd], (d) => {
  if (d.ops.length !== 2) return null;
  const [o0, o1] = d.ops, n = d.mnem === Mnemonic.Movss ? 1 : 2;
  if (o0.k === K_XMM && o1.k === K_XMM) {
    const r = o0.r * 4, q = o1.r * 4;
    return (c) => { const x = c.xi; x[r] = x[q]; if (n === 2) x[r + 1] = x[q + 1]; };
  }
  if (o0.k === K_XMM && o1.k === K_MEM) {
    const r = o0.r * 4, g = makeGet(o1, n * 4);
    return (c) => { const x = c.xi; x[r] = g(c); x[r + 1] = n === 2 ? c.th : 0; x[r + 2] = 0; x[r + 3] = 0; };
  }
  if (o0.k === K_MEM && o1.k === K_XMM) {
    const q = o1.r * 4, p = makePut(o0, n * 4);
    return (c) => p(c, c.xi[q], c.xi[q + 1]);
  }
  return null;
});

// movlps/movlpd/movhps/movhpd: one quadword between memory and the low or high half.
def([Mnemonic.Movlps, Mnemonic.Movlpd, Mnemonic.Movhps, Mnemonic.Movhpd], (d) => {
  const [o0, o1] = d.ops, h = d.mnem === Mnemonic.Movhps || d.mnem === Mnemonic.Movhpd ? 2 : 0;
  if (o0.k === K_XMM && o1.k === K_MEM) {
    const r = o0.r * 4 + h, g = makeGet(o1, 8);
    return (c) => { const lo = g(c); c.xi[r] = lo; c.xi[r + 1] = c.th; };
  }
  if (o0.k === K_MEM && o1.k === K_XMM) {
    const q = o1.r * 4 + h, p = makePut(o0, 8);
    return (c) => p(c, c.xi[q], c.xi[q + 1]);
  }
  return null;
});

def([Mnemonic.Movhlps, Mnemonic.Movlhps], (d) => {
  const [o0, o1] = d.ops, hl = d.mnem === Mnemonic.Movhlps;
  const r = o0.r * 4 + (hl ? 0 : 2), q = o1.r * 4 + (hl ? 2 : 0);
  return (c) => { const x = c.xi; x[r] = x[q]; x[r + 1] = x[q + 1]; };
});

def([Mnemonic.Movmskps, Mnemonic.Movmskpd], (d) => {
  const [o0, o1] = d.ops, g = o0.r, q = o1.r * 4, pd = d.mnem === Mnemonic.Movmskpd;
  return (c) => {
    const x = c.xi;
    c.lo[g] = pd ? ((x[q + 1] >>> 31) | ((x[q + 3] >>> 31) << 1))
      : (x[q] >>> 31) | ((x[q + 1] >>> 31) << 1) | ((x[q + 2] >>> 31) << 2) | ((x[q + 3] >>> 31) << 3);
    c.hi[g] = 0;
  };
});

const t = new Int32Array(4);
def([Mnemonic.Shufps, Mnemonic.Shufpd], (d) => {
  const [o0, o1, o2] = d.ops, r = o0.r * 4, s = src128(o1, true), imm = o2.lo & 255, ps = d.mnem === Mnemonic.Shufps;
  return (c) => {
    const q = s(c) * 4, x = c.xi;
    if (ps) {
      t[0] = x[r + (imm & 3)]; t[1] = x[r + ((imm >> 2) & 3)];
      t[2] = x[q + ((imm >> 4) & 3)]; t[3] = x[q + ((imm >> 6) & 3)];
    } else {
      const a = (imm & 1) * 2, b = ((imm >> 1) & 1) * 2;
      t[0] = x[r + a]; t[1] = x[r + a + 1]; t[2] = x[q + b]; t[3] = x[q + b + 1];
    }
    x.set(t, r);
  };
});

// Non-temporal stores: the cache hint means nothing here; alignment is still checked.
def([Mnemonic.Movntps, Mnemonic.Movntpd, Mnemonic.Movntdq], (d) => {
  const st = store128(d.ops[0], true), r = d.ops[1].r;
  return (c) => st(c, r);
});
def(Mnemonic.Movnti, (d) => {
  const p = makePut(d.ops[0]), g = makeGet(d.ops[1]);
  return (c) => { const lo = g(c); p(c, lo, c.th); };
});

/** MXCSR bits that may be set: flags, DAZ, masks, RC, FTZ (others #GP on ldmxcsr). */
export const MXCSR_MASK = 0xffff;
def(Mnemonic.Ldmxcsr, (d) => {
  const e = makeEa(d.ops[0]);
  return (c: CpuState) => {
    const v = c.mem.read32(e(c));
    if (v & ~MXCSR_MASK) throw new GuestFault(VEC_GP, 0);
    c.mxcsr = v;
  };
});
def(Mnemonic.Stmxcsr, (d) => {
  const e = makeEa(d.ops[0]);
  return (c) => c.mem.write32(e(c), c.mxcsr);
});

void src128;
