// Interrupt and exception delivery through a 64-bit IDT in guest memory, and IRETQ.
// Simplifications: no GDT parsing (the gate's selector is loaded into CS as is, SS becomes the null
// selector on a privilege change as in long mode), the TSS base is a register (tssBase) set directly,
// no #NP/#TS/#SS distinctions (all reported as #GP), no nested-task or v8086 handling.

import { CpuState, RSP, isCode32 } from './state';
import { TF, NT, RF, IF } from './flags';
import { GuestFault, VEC_GP } from '../memory/fault';

/** After CS changed: the privilege level memory accesses are checked with, and the code's bitness. */
export function setMode(c: CpuState): void { c.mem.user = (c.cs & 3) === 3; c.code32 = isCode32(c.cs); }

function readSup64(c: CpuState, a: number): number {
  const m = c.mem, u = m.user;
  m.user = false;
  try { const lo = m.read64(a); return m.hi * 4294967296 + (lo >>> 0); } finally { m.user = u; }
}

/** Delivers `vector` through the IDT. `soft` for INT n/INT3 (gate DPL is checked against CPL). */
export function deliver(c: CpuState, vector: number, errorCode: number | undefined, soft: boolean): void {
  if (vector * 16 + 15 > c.idtrLimit) throw new GuestFault(VEC_GP, vector * 8 + 2);
  const m = c.mem;
  const g = c.idtrBase + vector * 16;
  const sup = m.user;
  m.user = false;
  let w0: number, w1: number, w2: number;
  try { w0 = m.read32(g); w1 = m.read32(g + 4); w2 = m.read32(g + 8); } finally { m.user = sup; }
  const sel = (w0 >>> 16) & 0xffff;
  const attr = (w1 >>> 8) & 0xff, ist = w1 & 7;
  const dpl = (attr >> 5) & 3, present = (attr & 0x80) !== 0, type = attr & 0xf;
  if (soft && dpl < c.cpl) throw new GuestFault(VEC_GP, vector * 8 + 2);
  if (!present || (type !== 0xe && type !== 0xf)) throw new GuestFault(VEC_GP, vector * 8 + 2);
  const target = w2 * 4294967296 + ((w1 & 0xffff0000) >>> 0) + (w0 & 0xffff);
  const newCpl = sel & 3;
  const oldCpl = c.cpl;
  if (newCpl > oldCpl) throw new GuestFault(VEC_GP, sel & 0xfffc);
  const oldSs = c.ss, oldRsp = c.regNum(RSP), flags = c.getRflags(), oldCs = c.cs, rip = c.rip;
  let sp = oldRsp;
  if (ist !== 0) sp = readSup64(c, c.tssBase + 0x24 + (ist - 1) * 8);
  else if (newCpl < oldCpl) sp = readSup64(c, c.tssBase + 4);
  sp -= ((sp % 16) + 16) % 16; // 64-bit mode aligns the new stack to 16 bytes
  m.user = false;
  const push = (v: number) => { sp -= 8; m.write64(sp, v | 0, Math.floor(v / 4294967296) | 0); };
  try {
    push(oldSs); push(oldRsp); push(flags); push(oldCs); push(rip);
    if (errorCode !== undefined) push(errorCode);
  } catch (e) {
    m.user = sup;
    throw e;
  }
  c.setRegNum(RSP, sp);
  if (newCpl !== oldCpl) c.ss = newCpl;
  c.cs = sel;
  c.rip = target;
  let f = flags & ~(TF | NT | RF);
  if (type === 0xe) f &= ~IF;
  c.setRflags(f);
  setMode(c);
}

/** IRETQ: pops RIP, CS, RFLAGS, RSP, SS. */
export function iretq(c: CpuState): void {
  const sp = c.regNum(RSP);
  const m = c.mem;
  const rd = (k: number) => { const lo = m.read64(sp + 8 * k); return m.hi * 4294967296 + (lo >>> 0); };
  const rip = rd(0), cs = rd(1) & 0xffff, fl = rd(2), rsp = rd(3), ss = rd(4) & 0xffff;
  const cpl = c.cpl;
  if ((cs & 3) < cpl || (cs & 0xfffc) === 0) throw new GuestFault(VEC_GP, cs & 0xfffc);
  const lo = Number(BigInt.asIntN(64, BigInt(rip))) ;
  if (lo < -0x800000000000 || lo >= 0x800000000000) throw new GuestFault(VEC_GP, 0);
  let keep = 0;
  if (cpl > 0) keep |= 0x3000 | IF; // IOPL and IF change only from ring 0
  const cur = c.getRflags();
  c.setRflags((cur & keep) | (fl & ~keep & 0x3f7fd5));
  c.rip = lo;
  c.cs = cs;
  c.ss = ss;
  c.setRegNum(RSP, rsp);
  setMode(c);
}
