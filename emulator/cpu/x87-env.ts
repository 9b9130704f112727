// x87/SSE state save and restore: fnstenv/fldenv (28-byte protected-mode format), fnsave/frstor
// (108 bytes), fxsave/fxrstor (512-byte layout with MXCSR and XMM0-15). Instruction and data pointers
// (FIP/FDP/FOP) are not tracked and save as zero.

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { def } from './table';
import { makeEa } from './operands';
import { GuestFault, VEC_GP } from '../memory/fault';
import { regs, fullTagWord, setTagWord, statusWord, setStatusWord, toF80, fromF80, isEmpty } from './x87-regs';
import { MXCSR_MASK } from './sse-move';

function storeEnv(c: CpuState, a: number): void {
  const m = c.mem;
  m.read8(a + 27);
  m.write32(a, c.fcw | 0xffff0000); m.write32(a + 4, statusWord(c) | 0xffff0000); m.write32(a + 8, fullTagWord(c) | 0xffff0000);
  for (let k = 12; k < 28; k += 4) m.write32(a + k, 0);
}
function loadEnv(c: CpuState, a: number): void {
  const m = c.mem;
  const cw = m.read16(a), sw = m.read16(a + 4), tw = m.read16(a + 8);
  c.fcw = cw | 0x40; setStatusWord(c, sw); setTagWord(c, tw);
}
function storeReg(c: CpuState, a: number, i: number): void {
  const [mant, se] = toF80(regs(c)[(c.fpuTop + i) & 7]);
  c.mem.write64(a, Number(mant & 0xffffffffn) | 0, Number(mant >> 32n) | 0); c.mem.write16(a + 8, se);
}
function loadReg(c: CpuState, a: number, i: number): void {
  const lo = c.mem.read64(a), hi = c.mem.hi;
  regs(c)[(c.fpuTop + i) & 7] = fromF80((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), c.mem.read16(a + 8));
}
function init(c: CpuState): void { c.fcw = 0x37f; c.fsw = 0; c.fpuTop = 0; c.fpuTag = 0xffff; }

// FNSTENV masks every exception after storing (handlers use it to run without recursion).
def([Mnemonic.Fnstenv, Mnemonic.Fstenv], (d) => { const e = makeEa(d.ops[0]); return (c) => { storeEnv(c, e(c)); c.fcw |= 0x3f; }; });
def(Mnemonic.Fldenv, (d) => { const e = makeEa(d.ops[0]); return (c) => loadEnv(c, e(c)); });
def([Mnemonic.Fnsave, Mnemonic.Fsave], (d) => {
  const e = makeEa(d.ops[0]);
  return (c) => { const a = e(c); c.mem.read8(a + 107); storeEnv(c, a); for (let i = 0; i < 8; i++) storeReg(c, a + 28 + i * 10, i); init(c); };
});
def(Mnemonic.Frstor, (d) => {
  const e = makeEa(d.ops[0]);
  return (c) => { const a = e(c); c.mem.read8(a + 107); loadEnv(c, a); for (let i = 0; i < 8; i++) loadReg(c, a + 28 + i * 10, i); };
});

def([Mnemonic.Fxsave, Mnemonic.Fxsave64], (d) => {
  const e = makeEa(d.ops[0]);
  return (c) => {
    const a = e(c), m = c.mem;
    if (a % 16 !== 0) throw new GuestFault(VEC_GP, 0);
    m.read8(a + 511); m.write8(a + 511, m.read8(a + 511)); // fault before writing anything
    let ftw = 0;
    for (let p = 0; p < 8; p++) if (!isEmpty(c, (p - c.fpuTop) & 7)) ftw |= 1 << p;
    m.write16(a, c.fcw); m.write16(a + 2, statusWord(c)); m.write8(a + 4, ftw); m.write8(a + 5, 0);
    for (let k = 6; k < 24; k += 2) m.write16(a + k, 0);
    m.write32(a + 24, c.mxcsr); m.write32(a + 28, MXCSR_MASK);
    for (let i = 0; i < 8; i++) { storeReg(c, a + 32 + i * 16, i); m.write16(a + 42 + i * 16, 0); m.write32(a + 44 + i * 16, 0); }
    const x = c.xi;
    for (let r = 0; r < 16; r++) {
      m.write64(a + 160 + r * 16, x[r * 4], x[r * 4 + 1]); m.write64(a + 168 + r * 16, x[r * 4 + 2], x[r * 4 + 3]);
    }
    for (let k = 416; k < 464; k += 4) m.write32(a + k, 0);
  };
});

def([Mnemonic.Fxrstor, Mnemonic.Fxrstor64], (d) => {
  const e = makeEa(d.ops[0]);
  return (c) => {
    const a = e(c), m = c.mem;
    if (a % 16 !== 0) throw new GuestFault(VEC_GP, 0);
    m.read8(a + 511);
    const mx = m.read32(a + 24);
    if (mx & ~MXCSR_MASK) throw new GuestFault(VEC_GP, 0);
    c.fcw = m.read16(a) | 0x40; setStatusWord(c, m.read16(a + 2));
    const ftw = m.read8(a + 4);
    let tw = 0;
    for (let p = 0; p < 8; p++) if (!(ftw & (1 << p))) tw |= 3 << (p * 2);
    setTagWord(c, tw);
    c.mxcsr = mx;
    for (let i = 0; i < 8; i++) loadReg(c, a + 32 + i * 16, i);
    const x = c.xi;
    for (let r = 0; r < 16; r++) {
      x[r * 4] = m.read64(a + 160 + r * 16); x[r * 4 + 1] = m.hi;
      x[r * 4 + 2] = m.read64(a + 168 + r * 16); x[r * 4 + 3] = m.hi;
    }
  };
});
