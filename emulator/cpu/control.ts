// Control transfer and the stack: jmp jcc call ret loop jrcxz push pop enter leave pushf popf.
// The run loop sets c.rip to the next instruction before each closure runs; a taken branch overwrites it.

import { Code, Mnemonic } from 'iced-x86';
import { CpuState, RSP, RBP, RCX } from './state';
import { ARITH, AC, ID, DF, TF, NT, IF, IOPL } from './flags';
import { def, gp0 } from './table';
import { loadSegment } from './system';
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
// Compatibility mode: the stack is 32-bit (SS is a flat segment with B = 1), so pushes and pops
// move ESP, which wraps at 4 GiB; writing it clears the upper half of RSP as every 32-bit write does.
export function push32(c: CpuState, v: number): void {
  const sp = (c.lo[RSP] - 4) >>> 0;
  c.mem.write32(sp, v);
  c.lo[RSP] = sp | 0; c.hi[RSP] = 0;
}
export function pop32(c: CpuState): number {
  const sp = c.lo[RSP] >>> 0;
  const v = c.mem.read32(sp);
  c.lo[RSP] = (sp + 4) | 0; c.hi[RSP] = 0;
  return v;
}
function push16(c: CpuState, v: number): void {
  if (c.code32) {
    const sp = (c.lo[RSP] - 2) >>> 0;
    c.mem.write16(sp, v);
    c.lo[RSP] = sp | 0; c.hi[RSP] = 0;
    return;
  }
  const sp = c.regNum(RSP) - 2;
  c.mem.write16(sp, v);
  c.setRegNum(RSP, sp);
}
function pop16(c: CpuState): number {
  if (c.code32) {
    const sp = c.lo[RSP] >>> 0;
    const v = c.mem.read16(sp);
    c.lo[RSP] = (sp + 2) | 0; c.hi[RSP] = 0;
    return v;
  }
  const sp = c.regNum(RSP);
  const v = c.mem.read16(sp);
  c.setRegNum(RSP, sp + 2);
  return v;
}
/** ESP + n (ret imm16, enter), 32-bit. */
function addEsp(c: CpuState, n: number): void { c.lo[RSP] = (c.lo[RSP] + n) | 0; c.hi[RSP] = 0; }

def(Mnemonic.Jmp, (d) => {
  const o = d.ops[0];
  if (o.k === K_BRANCH) { const t = o.num; return (c) => { c.rip = t; }; }
  if (o.k !== K_REG && o.k !== K_MEM) return null;
  if (d.bits === 32) {
    if (o.size !== 4) return null; // jmpw, far jumps: not implemented
    const g4 = makeGet(o, 4);
    return (c) => { c.rip = g4(c) >>> 0; };
  }
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
  if (d.asz === 4) {
    // The counter is ECX (compatibility mode, or 0x67 in 64-bit mode): it wraps at 32 bits.
    return (c) => {
      const n = (c.lo[RCX] - 1) | 0;
      c.lo[RCX] = n; c.hi[RCX] = 0;
      if (n !== 0 && (mn === Mnemonic.Loop || (mn === Mnemonic.Loope ? c.getZF() : !c.getZF()))) c.rip = t;
    };
  }
  if (d.asz !== 8) return null; // CX as the counter (16-bit addresses): not implemented
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
  if (d.bits === 32) {
    const r = d.next | 0;
    if (o.k === K_BRANCH) { const t = o.num; return (c) => { push32(c, r); c.rip = t; }; }
    if ((o.k !== K_REG && o.k !== K_MEM) || o.size !== 4) return null;
    const g4 = makeGet(o, 4);
    return (c) => { const t = g4(c) >>> 0; push32(c, r); c.rip = t; };
  }
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
  if (d.bits === 32) return (c) => { c.rip = pop32(c) >>> 0; if (n) addEsp(c, n); };
  return (c) => {
    const lo = pop64(c);
    c.rip = c.th * 4294967296 + (lo >>> 0);
    if (n) c.setRegNum(RSP, c.regNum(RSP) + n);
  };
});

/** The selector in segment register r (ES CS SS DS FS GS). */
const segValue = (c: CpuState, r: number): number => [c.es, c.cs, c.ss, c.ds, c.fs, c.gs][r];

def(Mnemonic.Push, (d) => {
  const o = d.ops[0];
  if (o.k === K_SEG) {
    if (d.bits !== 32 || !(Code[d.code] as string).startsWith('Pushd_')) return null;
    // push %ds in compatibility mode: a 4-byte slot, of which (like recent Intel CPUs) only the selector's 2 bytes are written.
    const r = o.r;
    return (c) => {
      const sp = (c.lo[RSP] - 4) >>> 0;
      c.mem.write16(sp, segValue(c, r));
      c.lo[RSP] = sp | 0; c.hi[RSP] = 0;
    };
  }
  if (o.size === 2) { const g = makeGet(o, 2); return (c) => push16(c, g(c)); }
  if (d.bits === 32) {
    if (o.k === K_REG) { const r = o.r; return (c) => push32(c, c.lo[r]); }
    const g4 = makeGet(o, 4);
    return (c) => push32(c, g4(c));
  }
  if (o.k === K_REG) { const r = o.r; return (c) => push64(c, c.lo[r], c.hi[r]); }
  const g = makeGet(o, 8);
  return (c) => { const lo = g(c); push64(c, lo, c.th); };
});

def(Mnemonic.Pop, (d) => {
  const o = d.ops[0];
  if (o.k === K_SEG) {
    if (d.bits !== 32 || !(Code[d.code] as string).startsWith('Popd_')) return null;
    // pop %ds/%es/%ss/%fs/%gs in compatibility mode (a bad selector faults before ESP moves).
    const r = o.r;
    return (c) => {
      const sp = c.lo[RSP] >>> 0;
      const v = c.mem.read16(sp);
      loadSegment(c, r, v);
      c.lo[RSP] = (sp + 4) | 0; c.hi[RSP] = 0;
    };
  }
  if (o.size === 2) { const p = makePut(o, 2); return (c) => p(c, pop16(c), 0); }
  if (d.bits === 32) {
    if (o.k === K_REG) { const r = o.r; return (c) => { const v = pop32(c); c.lo[r] = v; c.hi[r] = 0; }; }
    // pop m32: the address is computed with ESP already incremented.
    const e = makeEa(o);
    return (c) => {
      const sp = c.lo[RSP];
      const v = c.mem.read32(sp >>> 0);
      addEsp(c, 4);
      try { c.mem.write32(e(c), v); } catch (x) { c.lo[RSP] = sp; throw x; }
    };
  }
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

def(Mnemonic.Leave, (d) => {
  if (d.bits === 32) return (c) => { c.lo[RSP] = c.lo[RBP]; c.hi[RSP] = 0; c.lo[RBP] = pop32(c); c.hi[RBP] = 0; };
  return (c) => {
    c.lo[RSP] = c.lo[RBP]; c.hi[RSP] = c.hi[RBP];
    const lo = pop64(c); c.lo[RBP] = lo; c.hi[RBP] = c.th;
  };
});

def(Mnemonic.Enter, (d) => {
  const size = d.ops[0].lo & 0xffff, level = d.ops[1].lo & 31;
  if (d.bits === 32) {
    return (c) => {
      push32(c, c.lo[RBP]);
      const frame = c.lo[RSP];
      let bp = c.lo[RBP];
      for (let i = 1; i < level; i++) { bp = (bp - 4) | 0; push32(c, c.mem.read32(bp >>> 0)); }
      if (level > 0) push32(c, frame);
      c.lo[RBP] = frame; c.hi[RBP] = 0;
      addEsp(c, -size);
    };
  }
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

def([Mnemonic.Pushf, Mnemonic.Pushfd, Mnemonic.Pushfq], (d) => {
  if (d.memSize === 2 || d.mnem === Mnemonic.Pushf) return (c) => push16(c, flagsImage(c) & 0xffff);
  if (d.mnem === Mnemonic.Pushfd) return (c) => push32(c, flagsImage(c));
  return (c) => push64(c, flagsImage(c), 0);
});

def([Mnemonic.Popf, Mnemonic.Popfd, Mnemonic.Popfq], (d) => {
  const is16 = d.mnem === Mnemonic.Popf, is32 = d.mnem === Mnemonic.Popfd;
  return (c) => {
    const v = is16 ? (pop16(c) | (c.getRflags() & ~0xffff)) : is32 ? pop32(c) : pop64(c);
    // In ring 3, IOPL and IF are silently kept (IOPL is 0 for user code).
    let keep = 0x2 | 0x10000 | 0x20000 | 0x80000 | 0x100000;
    if (c.cpl > 0) keep |= IOPL | IF;
    const writable = ARITH | TF | IF | DF | IOPL | NT | AC | ID;
    c.setRflags((c.getRflags() & keep) | (v & writable & ~keep));
    c.stop = 3;
  };
});

// pusha/popa (compatibility mode only): EAX ECX EDX EBX, the ESP before the first push, EBP ESI EDI.
def(Mnemonic.Pushad, () => (c) => {
  const sp = c.lo[RSP] >>> 0;
  // Write the eight slots before moving ESP, so a fault leaves ESP as it was.
  for (let i = 0; i < 8; i++) c.mem.write32((sp - 4 * (i + 1)) >>> 0, i === RSP ? sp | 0 : c.lo[i]);
  c.lo[RSP] = (sp - 32) | 0; c.hi[RSP] = 0;
});
def(Mnemonic.Popad, () => (c) => {
  const sp = c.lo[RSP] >>> 0;
  const v: number[] = [];
  for (let i = 0; i < 8; i++) v.push(c.mem.read32((sp + 4 * (7 - i)) >>> 0));
  for (let i = 0; i < 8; i++) if (i !== RSP) { c.lo[i] = v[i]; c.hi[i] = 0; }
  c.lo[RSP] = (sp + 32) | 0; c.hi[RSP] = 0;
});

void gp0;
