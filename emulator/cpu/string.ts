// String instructions (movs stos lods cmps scas, sizes 1/2/4/8) with rep/repe/repne. Each
// iteration updates RSI/RDI/RCX before the next, so a fault in the middle leaves a resumable state.
// A whole rep instruction counts as one retired instruction.

import { Mnemonic } from 'iced-x86';
import { CpuState, RAX, RCX, RSI, RDI } from './state';
import { DF } from './flags';
import { def } from './table';
import { sub } from './alu';
import { SEG_FS, SEG_GS } from './decode';

function rd(c: CpuState, a: number, s: number): number {
  const m = c.mem;
  switch (s) { case 1: return m.read8(a); case 2: return m.read16(a); case 4: return m.read32(a); default: { const lo = m.read64(a); c.th = m.hi; return lo; } }
}
function wr(c: CpuState, a: number, s: number, lo: number, hi: number): void {
  const m = c.mem;
  switch (s) { case 1: m.write8(a, lo & 255); break; case 2: m.write16(a, lo & 0xffff); break; case 4: m.write32(a, lo); break; default: m.write64(a, lo, hi); }
}
function addReg(c: CpuState, r: number, d: number): void {
  const v = c.hi[r] * 4294967296 + (c.lo[r] >>> 0) + d;
  c.lo[r] = v | 0; c.hi[r] = Math.floor(v / 4294967296) | 0;
}
const regAddr = (c: CpuState, r: number) => c.hi[r] * 4294967296 + (c.lo[r] >>> 0);
const rcxZero = (c: CpuState) => (c.lo[RCX] | c.hi[RCX]) === 0;
function decRcx(c: CpuState): void {
  const lo = (c.lo[RCX] - 1) | 0;
  if (lo === -1) c.hi[RCX] = (c.hi[RCX] - 1) | 0;
  c.lo[RCX] = lo;
}

const MOVS = 0, STOS = 1, LODS = 2, CMPS = 3, SCAS = 4;
const KIND: [number, number][] = [[Mnemonic.Movsb, MOVS], [Mnemonic.Movsw, MOVS], [Mnemonic.Movsd, MOVS], [Mnemonic.Movsq, MOVS],
  [Mnemonic.Stosb, STOS], [Mnemonic.Stosw, STOS], [Mnemonic.Stosd, STOS], [Mnemonic.Stosq, STOS],
  [Mnemonic.Lodsb, LODS], [Mnemonic.Lodsw, LODS], [Mnemonic.Lodsd, LODS], [Mnemonic.Lodsq, LODS],
  [Mnemonic.Cmpsb, CMPS], [Mnemonic.Cmpsw, CMPS], [Mnemonic.Cmpsd, CMPS], [Mnemonic.Cmpsq, CMPS],
  [Mnemonic.Scasb, SCAS], [Mnemonic.Scasw, SCAS], [Mnemonic.Scasd, SCAS], [Mnemonic.Scasq, SCAS]];

for (const [mn, kind] of KIND) {
  def(mn, (d) => {
    // movsd/cmpsd with xmm operands are SSE2 instructions (sse-float.ts registers them by code).
    if (d.ops.some((o) => o.k === 4)) return null;
    const s = d.memSize;
    const srcOp = d.ops.find((o) => o.k === 9 && o.seg !== 0);
    const segBase = srcOp?.seg === SEG_FS ? (c: CpuState) => c.fsBase : srcOp?.seg === SEG_GS ? (c: CpuState) => c.gsBase : () => 0;
    const rep = d.rep || d.repne, repne = d.repne;
    const one = (c: CpuState, step: number): void => {
      switch (kind) {
        case MOVS: { const v = rd(c, regAddr(c, RSI) + segBase(c), s); wr(c, regAddr(c, RDI), s, v, c.th); addReg(c, RSI, step); addReg(c, RDI, step); break; }
        case STOS: wr(c, regAddr(c, RDI), s, c.lo[RAX], c.hi[RAX]); addReg(c, RDI, step); break;
        case LODS: {
          const v = rd(c, regAddr(c, RSI) + segBase(c), s);
          if (s === 1) c.lo[RAX] = (c.lo[RAX] & ~255) | v; else if (s === 2) c.lo[RAX] = (c.lo[RAX] & ~0xffff) | v;
          else { c.lo[RAX] = v; c.hi[RAX] = s === 8 ? c.th : 0; }
          addReg(c, RSI, step); break;
        }
        case CMPS: {
          const a = rd(c, regAddr(c, RSI) + segBase(c), s), ah = c.th;
          const b = rd(c, regAddr(c, RDI), s), bh = c.th;
          sub(c, s, a, ah, b, bh); addReg(c, RSI, step); addReg(c, RDI, step); break;
        }
        default: {
          const b = rd(c, regAddr(c, RDI), s), bh = c.th;
          const m = s === 1 ? 255 : s === 2 ? 0xffff : -1;
          sub(c, s, c.lo[RAX] & m, c.hi[RAX], b, bh); addReg(c, RDI, step);
        }
      }
    };
    const cond = kind === CMPS || kind === SCAS;
    if (!rep) return (c) => one(c, (c.sysFlags & DF) ? -s : s);
    const self = d.addr;
    return (c) => {
      const step = (c.sysFlags & DF) ? -s : s;
      // At most 64K iterations per execution: a longer rep re-executes itself (as after an interrupt),
      // so run budgets and breakpoints stay responsive.
      for (let k = 0; k < 65536; k++) {
        if (rcxZero(c)) return;
        one(c, step);
        decRcx(c);
        if (cond && (repne ? c.getZF() : !c.getZF())) return;
      }
      if (!rcxZero(c)) c.rip = self;
    };
  });
}
