// Control transfer and the stack: jmp jcc call ret loop jrcxz push pop enter leave pushf popf.
// The run loop sets c.rip to the next instruction before each closure runs; a taken branch overwrites it.

import { Mnemonic } from 'iced-x86';
import { CpuState, RSP, RBP, RCX } from './state';
import { ARITH, AC, ID, DF, TF, NT, IF, IOPL } from './flags';
import { def, gp0 } from './table';
import { makeGet, makePut, makeEa } from './operands';
import { K_BRANCH, K_MEM, K_REG, K_SEG } from './decode';

export function push64(c: CpuState, lo: number, hi: number): void {
  const sp = c.hi[RSP] * 4294967296 + (c.lo[RSP] >>> 0) - 8;
  c.mem.write64(sp, lo, hi);
  c.lo[RSP] = sp | 0; c.hi[RSP] = Math.floor(sp / 4294967296) | 0;
}
/** Pops 64 bits: returns the low half, leaves the high half in c.th. */
export function pop64(c: CpuState): number {
  const sp = c.hi[RSP] * 4294967296 + (c.lo[RSP] >>> 0);
  const lo = c.mem.read64(sp);
  c.th = c.mem.hi;
  const n = sp + 8;
  c.lo[RSP] = n | 0; c.hi[RSP] = Math.floor(n / 4294967296) | 0;
  return lo;
}
function push16(c: CpuState, v: number): void {
  const sp = c.regNum(RSP) - 2;
  c.mem.write16(sp, v);
  c.setRegNum(RSP, sp);
}
function pop16(c: CpuState): number {
  const sp = c.regNum(RSP);
  const v = c.mem.read16(sp);
  c.setRegNum(RSP, sp + 2);
  return v;
}

def(Mnemonic.Jmp, (d) => {
  const o = d.ops[0];
  if (o.k === K_BRANCH) { const t = o.num; return (c) => { c.rip = t; }; }
  if (o.k !== K_REG && o.k !== K_MEM) return null;
  const g = makeGet(o, 8);
  return (c) => { const lo = g(c); c.rip = c.th * 4294967296 + (lo >>> 0); };
});

const JCC = [Mnemonic.Jo, Mnemonic.Jno, Mnemonic.Jb, Mnemonic.Jae, Mnemonic.Je, Mnemonic.Jne, Mnemonic.Jbe, Mnemonic.Ja,
  Mnemonic.Js, Mnemonic.Jns, Mnemonic.Jp, Mnemonic.Jnp, Mnemonic.Jl, Mnemonic.Jge, Mnemonic.Jle, Mnemonic.Jg];
def(JCC, (d) => {
  const t = d.ops[0].num, cc = d.cc;
  return (c) => { if (c.cond(cc)) c.rip = t; };
});

def([Mnemonic.Loop, Mnemonic.Loope, Mnemonic.Loopne, Mnemonic.Jrcxz, Mnemonic.Jecxz], (d) => {
  const t = d.ops[0].num, mn = d.mnem;
  if (mn === Mnemonic.Jrcxz) return (c) => { if ((c.lo[RCX] | c.hi[RCX]) === 0) c.rip = t; };
  if (mn === Mnemonic.Jecxz) return (c) => { if (c.lo[RCX] === 0) c.rip = t; };
  return (c) => {
    const lo = (c.lo[RCX] - 1) | 0;
    if (lo === -1) c.hi[RCX] = (c.hi[RCX] - 1) | 0;
    c.lo[RCX] = lo;
    const nz = (lo | c.hi[RCX]) !== 0;
    if (nz && (mn === Mnemonic.Loop || (mn === Mnemonic.Loope ? c.getZF() : !c.getZF()))) c.rip = t;
  };
});

def(Mnemonic.Call, (d) => {
  const o = d.ops[0];
  if (o.k === K_BRANCH) {
    const t = o.num, r = d.next, rl = r | 0, rh = Math.floor(r / 4294967296) | 0;
    return (c) => { push64(c, rl, rh); c.rip = t; };
  }
  if (o.k !== K_REG && o.k !== K_MEM) return null;
  const g = makeGet(o, 8), r = d.next, rl = r | 0, rh = Math.floor(r / 4294967296) | 0;
  return (c) => { const lo = g(c), hi = c.th; push64(c, rl, rh); c.rip = hi * 4294967296 + (lo >>> 0); };
});

def(Mnemonic.Ret, (d) => {
  const n = d.ops.length > 0 ? d.ops[0].lo & 0xffff : 0;
  return (c) => {
    const lo = pop64(c);
    c.rip = c.th * 4294967296 + (lo >>> 0);
    if (n) c.setRegNum(RSP, c.regNum(RSP) + n);
  };
});

def(Mnemonic.Push, (d) => {
  const o = d.ops[0];
  if (o.k === K_SEG) return null;
  if (o.size === 2) { const g = makeGet(o, 2); return (c) => push16(c, g(c)); }
  if (o.k === K_REG) { const r = o.r; return (c) => push64(c, c.lo[r], c.hi[r]); }
  const g = makeGet(o, 8);
  return (c) => { const lo = g(c); push64(c, lo, c.th); };
});

def(Mnemonic.Pop, (d) => {
  const o = d.ops[0];
  if (o.k === K_SEG) return null;
  if (o.size === 2) { const p = makePut(o, 2); return (c) => p(c, pop16(c), 0); }
  if (o.k === K_REG) { const r = o.r; return (c) => { const lo = pop64(c); c.lo[r] = lo; c.hi[r] = c.th; }; }
  // pop m64: the address is computed with RSP already incremented.
  const e = makeEa(o);
  return (c) => {
    const sp = c.regNum(RSP);
    const lo = c.mem.read64(sp), hi = c.mem.hi;
    c.setRegNum(RSP, sp + 8);
    try { c.mem.write64(e(c), lo, hi); } catch (x) { c.setRegNum(RSP, sp); throw x; }
  };
});

def(Mnemonic.Leave, () => (c) => {
  c.lo[RSP] = c.lo[RBP]; c.hi[RSP] = c.hi[RBP];
  const lo = pop64(c); c.lo[RBP] = lo; c.hi[RBP] = c.th;
});

def(Mnemonic.Enter, (d) => {
  const size = d.ops[0].lo & 0xffff, level = d.ops[1].lo & 31;
  return (c) => {
    push64(c, c.lo[RBP], c.hi[RBP]);
    const frame = c.regNum(RSP);
    let bp = c.regNum(RBP);
    for (let i = 1; i < level; i++) { bp -= 8; const lo = c.mem.read64(bp); push64(c, lo, c.mem.hi); }
    if (level > 0) push64(c, frame | 0, Math.floor(frame / 4294967296) | 0);
    c.setRegNum(RBP, frame);
    c.setRegNum(RSP, c.regNum(RSP) - size);
  };
});

/** RFLAGS as pushed (VM and RF read as 0). */
export function flagsImage(c: CpuState): number { return c.getRflags() & ~0x30000; }

def([Mnemonic.Pushf, Mnemonic.Pushfq], (d) => {
  if (d.memSize === 2 || d.mnem === Mnemonic.Pushf) return (c) => push16(c, flagsImage(c) & 0xffff);
  return (c) => push64(c, flagsImage(c), 0);
});

def([Mnemonic.Popf, Mnemonic.Popfq], (d) => {
  const is16 = d.mnem === Mnemonic.Popf;
  return (c) => {
    const v = is16 ? (pop16(c) | (c.getRflags() & ~0xffff)) : pop64(c);
    // In ring 3, IOPL and IF are silently kept (IOPL is 0 for user code).
    let keep = 0x2 | 0x10000 | 0x20000 | 0x80000 | 0x100000;
    if (c.cpl > 0) keep |= IOPL | IF;
    const writable = ARITH | TF | IF | DF | IOPL | NT | AC | ID;
    c.setRflags((c.getRflags() & keep) | (v & writable & ~keep));
    c.stop = 3;
  };
});

void gp0;
