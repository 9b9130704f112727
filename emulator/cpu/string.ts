// String instructions (movs stos lods cmps scas, sizes 1/2/4/8) with rep/repe/repne. Each
// iteration updates RSI/RDI/RCX before the next, so a fault in the middle leaves a resumable state.
// A whole rep instruction counts as one retired instruction.

import { Mnemonic } from 'iced-x86';
import { CpuState, RAX, RCX, RSI, RDI } from './state';
import { DF } from './flags';
import { def } from './table';
import { sub } from './alu';
import { SEG_FS, SEG_GS } from './decode';
import { Access } from '../memory/address-space';

function rd(c: CpuState, a: number, s: number): number {
  const m = c.mem;
  switch (s) { case 1: return m.read8(a); case 2: return m.read16(a); case 4: return m.read32(a); default: { const lo = m.read64(a); c.th = m.hi; return lo; } }
}
function wr(c: CpuState, a: number, s: number, lo: number, hi: number): void {
  const m = c.mem;
  switch (s) { case 1: m.write8(a, lo & 255); break; case 2: m.write16(a, lo & 0xffff); break; case 4: m.write32(a, lo); break; default: m.write64(a, lo, hi); }
}
function addRegQ(c: CpuState, r: number, d: number): void {
  const v = c.hi[r] * 4294967296 + (c.lo[r] >>> 0) + d;
  c.lo[r] = v | 0; c.hi[r] = Math.floor(v / 4294967296) | 0;
}
const regAddrQ = (c: CpuState, r: number) => c.hi[r] * 4294967296 + (c.lo[r] >>> 0);
const rcxZeroQ = (c: CpuState) => (c.lo[RCX] | c.hi[RCX]) === 0;
function decRcxQ(c: CpuState): void {
  const lo = (c.lo[RCX] - 1) | 0;
  if (lo === -1) c.hi[RCX] = (c.hi[RCX] - 1) | 0;
  c.lo[RCX] = lo;
}
// With a 32-bit address size (compatibility mode, or 0x67 in 64-bit mode) the string instructions
// use ESI, EDI and ECX: addresses wrap at 4 GiB and each update zero-extends into the 64-bit register.
const regAddr32 = (c: CpuState, r: number) => c.lo[r] >>> 0;
function addReg32(c: CpuState, r: number, d: number): void { c.lo[r] = (c.lo[r] + d) | 0; c.hi[r] = 0; }
const ecxZero = (c: CpuState) => c.lo[RCX] === 0;
function decEcx(c: CpuState): void { c.lo[RCX] = (c.lo[RCX] - 1) | 0; c.hi[RCX] = 0; }

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
    if (d.asz !== 8 && d.asz !== 4) return null; // 16-bit addresses: not implemented
    const a32 = d.asz === 4, lin32 = d.bits === 32;
    const regAddr = a32 ? regAddr32 : regAddrQ, addReg = a32 ? addReg32 : addRegQ;
    const rcxZero = a32 ? ecxZero : rcxZeroQ, decRcx = a32 ? decEcx : decRcxQ;
    // The source's linear address includes an FS/GS override's base (and wraps at 4 GiB in compatibility mode).
    const src = lin32 ? (c: CpuState) => (regAddr(c, RSI) + segBase(c)) >>> 0 : (c: CpuState) => regAddr(c, RSI) + segBase(c);
    const rep = d.rep || d.repne, repne = d.repne;
    const one = (c: CpuState, step: number): void => {
      switch (kind) {
        case MOVS: { const v = rd(c, src(c), s); wr(c, regAddr(c, RDI), s, v, c.th); addReg(c, RSI, step); addReg(c, RDI, step); break; }
        case STOS: wr(c, regAddr(c, RDI), s, c.lo[RAX], c.hi[RAX]); addReg(c, RDI, step); break;
        case LODS: {
          const v = rd(c, src(c), s);
          if (s === 1) c.lo[RAX] = (c.lo[RAX] & ~255) | v; else if (s === 2) c.lo[RAX] = (c.lo[RAX] & ~0xffff) | v;
          else { c.lo[RAX] = v; c.hi[RAX] = s === 8 ? c.th : 0; }
          addReg(c, RSI, step); break;
        }
        case CMPS: {
          const a = rd(c, src(c), s), ah = c.th;
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
    const slowRep = (c: CpuState, step: number): void => {
      for (let k = 0; k < 65536; k++) {
        if (rcxZero(c)) return;
        one(c, step);
        decRcx(c);
      }
      if (!rcxZero(c)) c.rip = self;
    };
    if ((kind === MOVS || kind === STOS) && s === 1 && !a32 && !lin32 && srcOp?.seg === undefined) {
      // rep movsb / rep stosb (copy_to_user, memset): whole page-sized chunks at once when going
      // forward; each chunk's pages pass the same checks (permissions, copy-on-write, watches,
      // self-modifying code) as a byte access would, and a fault leaves RSI/RDI/RCX resumable.
      return (c) => {
        if (c.sysFlags & DF) return slowRep(c, -1);
        // At most 64K bytes per execution, as in the byte loop.
        for (let done = 0; done < 65536 && !rcxZeroQ(c);) {
          const da = regAddrQ(c, RDI), sa = kind === MOVS ? regAddrQ(c, RSI) : 0;
          const left = Math.min(c.hi[RCX] !== 0 ? 65536 : c.lo[RCX] >>> 0, 65536 - done);
          let n = Math.min(left, 4096 - (da & 4095));
          if (kind === MOVS) n = Math.min(n, 4096 - (sa & 4095));
          // Overlap with the destination ahead of the source repeats bytes: that needs the byte loop.
          if (n < 2 || (kind === MOVS && da > sa && da < sa + n)) return slowRep(c, 1);
          const m = c.mem;
          if (kind === MOVS) {
            const sp = m.translate(sa, Access.Read, n);
            const dp = m.translate(da, Access.Write, n);
            dp.data.set(sp.data.subarray(sa & 4095, (sa & 4095) + n), da & 4095);
            addRegQ(c, RSI, n);
          } else {
            m.translate(da, Access.Write, n).data.fill(c.lo[RAX] & 255, da & 4095, (da & 4095) + n);
          }
          addRegQ(c, RDI, n);
          done += n;
          const v = c.hi[RCX] * 4294967296 + (c.lo[RCX] >>> 0) - n;
          c.lo[RCX] = v | 0; c.hi[RCX] = Math.floor(v / 4294967296) | 0;
        }
        if (!rcxZeroQ(c)) c.rip = self;
      };
    }
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
