// Data movement: mov movzx movsx movsxd lea xchg cmovcc setcc bswap, sign extensions (cbw ... cqo),
// flag instructions (clc stc cmc cld std lahf sahf) and the no-ops (nop endbr64 pause fences prefetch).

import { Mnemonic } from 'iced-x86';
import { CpuState, RAX, RDX } from './state';
import { CF, DF, SF, ZF, AF, PF } from './flags';
import { def } from './table';
import { makeGet, makePut, sext } from './operands';
import { K_REG, K_MEM, K_SEG } from './decode';

def(Mnemonic.Mov, (d) => {
  const [o0, o1] = d.ops;
  if (o0.k === K_SEG || o1.k === K_SEG) return null; // handled in system.ts
  if (o0.k !== K_REG && o0.k !== K_MEM) return null;
  if (o1.k !== K_REG && o1.k !== K_MEM && o1.k !== 3) return null;
  const s = o0.size;
  if (o0.k === K_REG && o1.k === K_REG && !o0.h8 && !o1.h8) {
    const r = o0.r, q = o1.r;
    if (s === 8) return (c) => { c.lo[r] = c.lo[q]; c.hi[r] = c.hi[q]; };
    if (s === 4) return (c) => { c.lo[r] = c.lo[q]; c.hi[r] = 0; };
  }
  if (o0.k === K_REG && o1.k === 3 && s >= 4) {
    const r = o0.r, lo = o1.lo, hi = s === 8 ? o1.hi : 0;
    return (c) => { c.lo[r] = lo; c.hi[r] = hi; };
  }
  const g = makeGet(o1, s), p = makePut(o0, s);
  return (c) => { const v = g(c); p(c, v, c.th); };
});

def([Mnemonic.Movzx, Mnemonic.Movsx, Mnemonic.Movsxd], (d) => {
  const [o0, o1] = d.ops;
  const g = makeGet(o1), p = makePut(o0), ss = o1.size;
  if (d.mnem === Mnemonic.Movzx) return (c) => p(c, g(c), 0);
  return (c) => { const v = sext(g(c), ss); p(c, v, v >> 31); };
});

def(Mnemonic.Lea, (d) => {
  const [o0, o1] = d.ops;
  const s = o0.size, r = o0.r;
  const b = o1.base, x = o1.index, sc = o1.scale;
  const dlo = o1.disp | 0, dhi = Math.floor(o1.disp / 4294967296) | 0;
  const p = makePut(o0);
  if (o1.base < 0 && o1.index < 0) { const v = o1.a32 ? o1.disp >>> 0 : o1.disp; return (c) => p(c, v | 0, Math.floor(v / 4294967296) | 0); }
  // A 32-bit address (compatibility mode, or 0x67) is computed modulo 2^32 and zero-extended.
  if (o1.a32) return (c) => p(c, (b >= 0 ? c.lo[b] : 0) + (x >= 0 ? c.lo[x] * sc : 0) + dlo | 0, 0);
  // Exact 64-bit arithmetic in halves: lea is used for plain arithmetic, not only addresses.
  return (c) => {
    let lo = dlo >>> 0, hi = dhi;
    if (b >= 0) { lo += c.lo[b] >>> 0; hi += c.hi[b]; }
    if (x >= 0) { lo += (c.lo[x] >>> 0) * sc; hi += c.hi[x] * sc; }
    hi = (hi + Math.floor(lo / 4294967296)) | 0;
    if (s === 8) { c.lo[r] = lo | 0; c.hi[r] = hi; } else p(c, lo | 0, 0);
  };
});

def(Mnemonic.Xchg, (d) => {
  const [o0, o1] = d.ops, s = o0.size;
  const g0 = makeGet(o0, s), g1 = makeGet(o1, s);
  if (o0.k === K_MEM || o1.k === K_MEM) {
    const [m, r] = o0.k === K_MEM ? [o0, o1] : [o1, o0];
    const gm = makeGet(m, s), pm = makePut(m, s, true), gr = makeGet(r, s), pr = makePut(r, s);
    return (c) => { const v = gm(c), vh = c.th; const w = gr(c); pm(c, w, c.th); pr(c, v, vh); };
  }
  const p0 = makePut(o0, s), p1 = makePut(o1, s);
  return (c) => { const a = g0(c), ah = c.th; const b = g1(c), bh = c.th; p0(c, b, bh); p1(c, a, ah); };
});

def(Mnemonic.Bswap, (d) => {
  const o = d.ops[0], r = o.r;
  const sw = (v: number) => ((v & 255) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  if (o.size === 8) return (c) => { const lo = c.lo[r]; c.lo[r] = sw(c.hi[r]); c.hi[r] = sw(lo); };
  if (o.size === 4) return (c) => { c.lo[r] = sw(c.lo[r]); c.hi[r] = 0; };
  return (c) => { c.lo[r] = c.lo[r] & ~0xffff; }; // bswap r16 is undefined; this CPU gives 0
});

const CMOVS = [Mnemonic.Cmovo, Mnemonic.Cmovno, Mnemonic.Cmovb, Mnemonic.Cmovae, Mnemonic.Cmove, Mnemonic.Cmovne, Mnemonic.Cmovbe,
  Mnemonic.Cmova, Mnemonic.Cmovs, Mnemonic.Cmovns, Mnemonic.Cmovp, Mnemonic.Cmovnp, Mnemonic.Cmovl, Mnemonic.Cmovge, Mnemonic.Cmovle, Mnemonic.Cmovg];
def(CMOVS, (d) => {
  const [o0, o1] = d.ops, s = o0.size, cc = d.cc;
  const g = makeGet(o1, s), p = makePut(o0, s), r = o0.r;
  // The source is read (and may fault) even when the condition is false; a 32-bit cmov always zero-extends.
  return (c) => { const v = g(c), vh = c.th; if (c.cond(cc)) p(c, v, vh); else if (s === 4) c.hi[r] = 0; };
});

const SETS = [Mnemonic.Seto, Mnemonic.Setno, Mnemonic.Setb, Mnemonic.Setae, Mnemonic.Sete, Mnemonic.Setne, Mnemonic.Setbe,
  Mnemonic.Seta, Mnemonic.Sets, Mnemonic.Setns, Mnemonic.Setp, Mnemonic.Setnp, Mnemonic.Setl, Mnemonic.Setge, Mnemonic.Setle, Mnemonic.Setg];
def(SETS, (d) => {
  const p = makePut(d.ops[0], 1), cc = d.cc;
  return (c) => p(c, c.cond(cc) ? 1 : 0, 0);
});

def(Mnemonic.Cbw, () => (c) => { c.lo[RAX] = (c.lo[RAX] & ~0xffff) | (((c.lo[RAX] << 24) >> 24) & 0xffff); });
def(Mnemonic.Cwde, () => (c) => { c.lo[RAX] = (c.lo[RAX] << 16) >> 16; c.hi[RAX] = 0; });
def(Mnemonic.Cdqe, () => (c) => { c.hi[RAX] = c.lo[RAX] >> 31; });
def(Mnemonic.Cwd, () => (c) => { c.lo[RDX] = (c.lo[RDX] & ~0xffff) | (((c.lo[RAX] << 16) >> 31) & 0xffff); });
def(Mnemonic.Cdq, () => (c) => { c.lo[RDX] = c.lo[RAX] >> 31; c.hi[RDX] = 0; });
def(Mnemonic.Cqo, () => (c) => { c.lo[RDX] = c.hi[RDX] = c.hi[RAX] >> 31; });

function setCF(c: CpuState, v: number): void { c.materialize(); c.fBits = (c.fBits & ~CF) | v; }
def(Mnemonic.Clc, () => (c) => setCF(c, 0));
def(Mnemonic.Stc, () => (c) => setCF(c, 1));
def(Mnemonic.Cmc, () => (c) => setCF(c, c.getCF() ^ 1));
def(Mnemonic.Cld, () => (c) => { c.sysFlags &= ~DF; });
def(Mnemonic.Std, () => (c) => { c.sysFlags |= DF; });
def(Mnemonic.Lahf, () => (c) => { c.lo[RAX] = (c.lo[RAX] & ~0xff00) | ((c.arithFlags() & 0xd5 | 2) << 8); });
def(Mnemonic.Sahf, () => (c) => {
  c.materialize();
  c.fBits = (c.fBits & ~(SF | ZF | AF | PF | CF)) | ((c.lo[RAX] >> 8) & (SF | ZF | AF | PF | CF));
});

const NOPS = [Mnemonic.Nop, Mnemonic.Endbr64, Mnemonic.Endbr32, Mnemonic.Pause, Mnemonic.Lfence, Mnemonic.Mfence, Mnemonic.Sfence,
  Mnemonic.Prefetchnta, Mnemonic.Prefetcht0, Mnemonic.Prefetcht1, Mnemonic.Prefetcht2, Mnemonic.Prefetchw, Mnemonic.Clflush];
def(NOPS, () => () => undefined);
