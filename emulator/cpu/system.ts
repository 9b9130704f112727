// System instructions: syscall sysret swapgs int/int3/iretq hlt vmcall wrmsr rdmsr lidt lgdt
// mov crN, cli sti in out, cpuid rdtsc rdtscp xgetbv, ud2, mov to/from segment registers.
// Privileged ones raise #GP(0) outside ring 0; vmcall in ring 3 is #UD.

import { Mnemonic } from 'iced-x86';
import { CpuState, RAX, RCX, RDX, RBX, R11, RSP,
  MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
  MSR_TSC_AUX, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP, MSR_TSC } from './state';
import { RF, IF, IOPL } from './flags';
import { def, ud, gp0 } from './table';
import { makeGet, makePut, makeEa } from './operands';
import { K_CR, K_SEG, K_REG } from './decode';
import { GuestFault, VEC_BP, VEC_UD, VEC_GP } from '../memory/fault';
import { deliver, iretq, setMode } from './interrupts';

function ring0(c: CpuState): void { if ((c.cs & 3) !== 0) gp0(); }
function setRdxRax(c: CpuState, v: bigint): void {
  c.lo[RAX] = Number(v & 0xffffffffn) | 0; c.hi[RAX] = 0;
  c.lo[RDX] = Number((v >> 32n) & 0xffffffffn) | 0; c.hi[RDX] = 0;
}
const u64 = (n: number) => BigInt.asUintN(64, BigInt(n));
const canon = (v: bigint) => {
  const n = Number(BigInt.asIntN(64, v));
  if (n < -0x800000000000 || n >= 0x800000000000) gp0();
  return n;
};

def(Mnemonic.Syscall, () => (c) => {
  // In compatibility mode SYSCALL is #UD on Intel CPUs (AMD's go to MSR_CSTAR): i386 programs use
  // int $0x80 or SYSENTER, as the vDSO's __kernel_vsyscall does on Intel.
  if (!(c.efer & 1) || c.code32) ud();
  const rip = c.rip;
  c.setRegNum(RCX, rip);
  const fl = c.getRflags() & ~RF;
  c.lo[R11] = fl; c.hi[R11] = 0;
  c.setRflags(fl & ~c.fmask & ~RF);
  const sel = Number((c.star >> 32n) & 0xffffn);
  c.cs = sel & 0xfffc; c.ss = (sel + 8) & 0xfffc;
  c.rip = c.lstar;
  setMode(c);
  c.stop = 3;
});

def([Mnemonic.Sysretq, Mnemonic.Sysret], (d) => (c) => {
  ring0(c);
  if (!(c.efer & 1)) ud();
  const sel = Number((c.star >> 48n) & 0xffffn);
  if (d.mnem === Mnemonic.Sysret) {
    // SYSRETL: back to compatibility mode: CS = STAR[63:48] (__USER32_CS), SS = that + 8, EIP = ECX, RFLAGS = R11.
    c.setRflags((c.lo[R11] & 0x3c7fd7) | 2);
    c.cs = (sel & 0xffff) | 3; c.ss = ((sel + 8) & 0xffff) | 3;
    c.rip = c.lo[RCX] >>> 0;
    setMode(c);
    c.stop = 3;
    return;
  }
  const target = c.regNum(RCX);
  if (target < -0x800000000000 || target >= 0x800000000000) gp0();
  c.setRflags((c.lo[R11] & 0x3c7fd7) | 2);
  c.cs = ((sel + 16) & 0xffff) | 3; c.ss = ((sel + 8) & 0xffff) | 3;
  c.rip = target;
  setMode(c);
  c.stop = 3;
});

/*
 * SYSENTER (Intel SDM vol. 2B): the fast way in from ring 3 that saves nothing at all. CS comes from
 * MSR_IA32_SYSENTER_CS (a 64-bit kernel segment in IA-32e mode), SS is CS + 8, RSP and RIP come from
 * MSR_IA32_SYSENTER_ESP and _EIP, and IF, VM and RF are cleared. The user's return address and stack
 * are lost: the vDSO's __kernel_vsyscall keeps the stack in EBP, and the kernel knows where to return.
 */
def(Mnemonic.Sysenter, () => (c) => {
  if ((c.sysenterCs & 0xfffc) === 0) gp0();
  const fl = c.getRflags();
  c.setRflags(fl & ~(IF | RF | 0x20000));
  c.cs = c.sysenterCs & 0xfffc; c.ss = (c.cs + 8) & 0xfffc;
  c.setRegNum(RSP, c.sysenterEsp);
  c.rip = c.sysenterEip;
  setMode(c);
  c.stop = 3;
});

/*
 * SYSEXIT: back to ring 3 at RIP = RDX with RSP = RCX. Without REX.W it returns to compatibility
 * mode: CS = SYSENTER_CS + 16 (__USER32_CS), SS = SYSENTER_CS + 24 (__USER_DS); with REX.W
 * (sysexitq) to 64-bit mode: CS = SYSENTER_CS + 32, SS = SYSENTER_CS + 40. RFLAGS is left as is.
 */
def([Mnemonic.Sysexit, Mnemonic.Sysexitq], (d) => {
  const q = d.mnem === Mnemonic.Sysexitq;
  return (c) => {
    ring0(c);
    const base = c.sysenterCs & 0xfffc;
    if (base === 0) gp0();
    if (q) {
      const target = c.regNum(RDX);
      if (target < -0x800000000000 || target >= 0x800000000000) gp0();
      c.cs = (base + 32) | 3; c.ss = (base + 40) | 3;
      c.rip = target;
      c.setRegNum(RSP, c.regNum(RCX));
    } else {
      c.cs = (base + 16) | 3; c.ss = (base + 24) | 3;
      c.rip = c.lo[RDX] >>> 0;
      c.lo[RSP] = c.lo[RCX]; c.hi[RSP] = 0;
    }
    setMode(c);
    c.stop = 3;
  };
});

def(Mnemonic.Swapgs, () => (c) => { ring0(c); const t = c.gsBase; c.gsBase = c.kernelGsBase; c.kernelGsBase = t; });

def(Mnemonic.Int, (d) => { const v = d.ops[0].lo & 255; return (c) => { if (c.idtrLimit === 0) throw new GuestFault(v); deliver(c, v, undefined, true); c.stop = 3; }; });
def(Mnemonic.Int3, () => (c) => { if (c.idtrLimit === 0) throw new GuestFault(VEC_BP); deliver(c, VEC_BP, undefined, true); c.stop = 3; });
def([Mnemonic.Iretq, Mnemonic.Iret, Mnemonic.Iretd], (d) => {
  if (d.mnem !== Mnemonic.Iretq) return null;
  return (c) => { iretq(c); c.stop = 3; };
});
def(Mnemonic.Ud2, () => () => ud());
def(Mnemonic.Hlt, () => (c) => { ring0(c); c.stop = 1; });
def([Mnemonic.Vmcall, Mnemonic.Vmmcall], () => (c) => { if ((c.cs & 3) !== 0) throw new GuestFault(VEC_UD); c.stop = 2; });

function rdmsr(c: CpuState, n: number): bigint {
  switch (n) {
    case MSR_EFER: return BigInt(c.efer);
    case MSR_STAR: return c.star;
    case MSR_LSTAR: return u64(c.lstar);
    case MSR_CSTAR: return u64(c.cstar);
    case MSR_SYSCALL_MASK: return BigInt(c.fmask >>> 0);
    case MSR_FS_BASE: return u64(c.fsBase);
    case MSR_GS_BASE: return u64(c.gsBase);
    case MSR_KERNEL_GS_BASE: return u64(c.kernelGsBase);
    case MSR_TSC_AUX: return BigInt(c.tscAux >>> 0);
    case MSR_SYSENTER_CS: return BigInt(c.sysenterCs);
    case MSR_SYSENTER_ESP: return u64(c.sysenterEsp);
    case MSR_SYSENTER_EIP: return u64(c.sysenterEip);
    case MSR_TSC: return BigInt(c.cycles);
  }
  return gp0();
}
function wrmsr(c: CpuState, n: number, v: bigint): void {
  switch (n) {
    case MSR_EFER: c.efer = Number(v & 0xd01n) | 0x500; return; // LME/LMA stay set: long mode only
    case MSR_STAR: c.star = v; return;
    case MSR_LSTAR: c.lstar = canon(v); return;
    case MSR_CSTAR: c.cstar = canon(v); return;
    case MSR_SYSCALL_MASK: c.fmask = Number(v & 0xffffffffn) | 0; return;
    case MSR_FS_BASE: c.fsBase = canon(v); return;
    case MSR_GS_BASE: c.gsBase = canon(v); return;
    case MSR_KERNEL_GS_BASE: c.kernelGsBase = canon(v); return;
    case MSR_TSC_AUX: c.tscAux = Number(v & 0xffffffffn); return;
    case MSR_SYSENTER_CS: c.sysenterCs = Number(v & 0xffffn); return;
    case MSR_SYSENTER_ESP: c.sysenterEsp = canon(v); return;
    case MSR_SYSENTER_EIP: c.sysenterEip = canon(v); return;
  }
  gp0();
}
def(Mnemonic.Rdmsr, () => (c) => { ring0(c); setRdxRax(c, rdmsr(c, c.lo[RCX] >>> 0)); });
def(Mnemonic.Wrmsr, () => (c) => {
  ring0(c);
  wrmsr(c, c.lo[RCX] >>> 0, (BigInt(c.lo[RDX] >>> 0) << 32n) | BigInt(c.lo[RAX] >>> 0));
  c.stop = 3;
});

def([Mnemonic.Lidt, Mnemonic.Lgdt], (d) => {
  const e = makeEa(d.ops[0]), idt = d.mnem === Mnemonic.Lidt;
  return (c) => {
    ring0(c);
    const a = e(c), lim = c.mem.read16(a), lo = c.mem.read64(a + 2), base = c.mem.hi * 4294967296 + (lo >>> 0);
    if (idt) { c.idtrBase = base; c.idtrLimit = lim; } else { c.gdtrBase = base; c.gdtrLimit = lim; }
    c.stop = 3;
  };
});
def(Mnemonic.Ltr, () => (c) => { ring0(c); });

def(Mnemonic.Mov, (d) => {
  const [o0, o1] = d.ops;
  if (o0.k === K_CR || o1.k === K_CR) {
    const toCr = o0.k === K_CR, n = toCr ? o0.r : o1.r, g = o0.k === K_REG ? o0.r : o1.r;
    return (c) => {
      ring0(c);
      if (toCr) {
        const v = c.regNum(g);
        if (n === 0) c.cr0 = v >>> 0; else if (n === 2) c.cr2 = v; else if (n === 3) { c.cr3 = v; c.mem.flushTlb(); }
        else if (n === 4) c.cr4 = v >>> 0; else ud();
        c.stop = 3;
      } else {
        const v = n === 0 ? c.cr0 : n === 2 ? c.cr2 : n === 3 ? c.cr3 : n === 4 ? c.cr4 : ud();
        c.setRegNum(g, v);
      }
    };
  }
  if (o0.k === K_SEG || o1.k === K_SEG) {
    // Selectors are stored without descriptor checks (but see loadSegment); CS cannot be loaded with mov.
    if (o0.k === K_SEG) {
      if (o0.r === 1) return null;
      const g = makeGet(o1, 2), r = o0.r;
      return (c) => loadSegment(c, r, g(c));
    }
    const p = makePut(o0, o0.k === K_REG ? o0.size : 2), r = o1.r;
    return (c) => { const v = [c.es, c.cs, c.ss, c.ds, c.fs, c.gs][r]; p(c, v, 0); };
  }
  return null;
});

/**
 * Loads segment register r (ES CS SS DS FS GS = 0..5) with selector `sel`. Long mode ignores the
 * bases of ES, SS and DS; FS and GS of compatibility mode take theirs from the descriptor in the
 * GDT, which is how an i386 program's TLS works (set_thread_area writes a GDT entry, the program
 * loads %gs with its selector). Without a GDT (gdtrLimit 0) only the selector is stored, and
 * 64-bit code keeps the bases that MSR_FS_BASE / MSR_GS_BASE (arch_prctl) set.
 */
export function loadSegment(c: CpuState, r: number, sel: number): void {
  sel &= 0xffff;
  if ((r === 4 || r === 5) && c.code32 && c.gdtrLimit !== 0) {
    let base = 0;
    if ((sel & 0xfffc) !== 0) {
      const at = sel & 0xfff8;
      // LDT selectors (TI = 1) are not implemented; #NP is reported as #GP (see interrupts.ts).
      if ((sel & 4) !== 0 || at + 7 > c.gdtrLimit) throw new GuestFault(VEC_GP, sel & 0xfffc);
      const m = c.mem, u = m.user;
      let lo: number, hi: number;
      m.user = false;
      try { lo = m.read32(c.gdtrBase + at); hi = m.read32(c.gdtrBase + at + 4); } finally { m.user = u; }
      const dpl = (hi >> 13) & 3, present = (hi & 0x8000) !== 0, isData = (hi & 0x1800) === 0x1000;
      if (!isData || dpl < c.cpl || (sel & 3) > dpl || !present) throw new GuestFault(VEC_GP, sel & 0xfffc);
      base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
    }
    if (r === 4) c.fsBase = base; else c.gsBase = base;
  }
  if (r === 0) c.es = sel; else if (r === 2) c.ss = sel; else if (r === 3) c.ds = sel; else if (r === 4) c.fs = sel; else c.gs = sel;
}

const iopl = (c: CpuState) => (c.sysFlags & IOPL) >> 12;
def(Mnemonic.Cli, () => (c) => { if (c.cpl > iopl(c)) gp0(); c.sysFlags &= ~IF; });
def(Mnemonic.Sti, () => (c) => { if (c.cpl > iopl(c)) gp0(); c.sysFlags |= IF; });
def([Mnemonic.In, Mnemonic.Out, Mnemonic.Insb, Mnemonic.Insw, Mnemonic.Insd, Mnemonic.Outsb, Mnemonic.Outsw, Mnemonic.Outsd], (d) => {
  const isIn = d.mnem === Mnemonic.In;
  const p = isIn ? makePut(d.ops[0]) : null;
  return (c) => { if (c.cpl > iopl(c)) gp0(); if (p) p(c, -1, 0); }; // no devices: reads float high
});

// CPUID advertises only what is implemented: FPU, SSE/SSE2 baseline, FXSR, CMOV, CX8, CX16, POPCNT, LZCNT,
// SEP (SYSENTER/SYSEXIT), SYSCALL, NX, LM, RDTSCP, TSC. MMX is advertised though its instructions are not
// implemented: glibc's ld.so refuses libc.so.6 ("CPU ISA level is lower than required") unless the
// x86-64 baseline (which includes MMX) is there, and 64-bit glibc never executes MMX code. No SSE3+ (so glibc's ifuncs pick the sse2 variants), no AVX, no RDRAND, no XSAVE.
// The vendor is a real one: glibc reads leaf 1 (and so finds SSE2, CMOV ...) only for the vendors it
// knows; for any other its ld.so sees no features at all and refuses libc.so.6. Leaf 1's signature
// (family 6, model 0x8f) is an Intel one too.
const VENDOR = 'GenuineIntel';
const BRAND = 'Trapdoor emulated x86-64 CPU'.padEnd(48, '\0');
function str4(s: string, i: number): number {
  return (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24));
}
export function cpuid(leaf: number, sub: number): [number, number, number, number] {
  void sub;
  switch (leaf) {
    case 0: return [7, str4(VENDOR, 0), str4(VENDOR, 8), str4(VENDOR, 4)];
    case 1: return [0x000806f0, 0x00000800, (1 << 13) | (1 << 23),
      (1 << 0) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26)];
    case 0x80000000: return [0x80000008, 0, 0, 0];
    case 0x80000001: return [0, 0, (1 << 0) | (1 << 5), (1 << 11) | (1 << 20) | (1 << 27) | (1 << 29)];
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const o = (leaf - 0x80000002) * 16;
      return [str4(BRAND, o), str4(BRAND, o + 4), str4(BRAND, o + 8), str4(BRAND, o + 12)];
    }
    case 0x80000008: return [0x3030, 0, 0, 0];
  }
  return [0, 0, 0, 0];
}
def(Mnemonic.Cpuid, () => (c) => {
  const [a, b, cc, d] = cpuid(c.lo[RAX] >>> 0, c.lo[RCX] >>> 0);
  c.lo[RAX] = a; c.lo[RBX] = b; c.lo[RCX] = cc; c.lo[RDX] = d;
  c.hi[RAX] = c.hi[RBX] = c.hi[RCX] = c.hi[RDX] = 0;
});
def(Mnemonic.Rdtsc, () => (c) => setRdxRax(c, BigInt(c.cycles)));
def(Mnemonic.Rdtscp, () => (c) => { setRdxRax(c, BigInt(c.cycles)); c.lo[RCX] = c.tscAux; c.hi[RCX] = 0; });
def(Mnemonic.Xgetbv, () => (c) => { if (c.lo[RCX] !== 0) gp0(); setRdxRax(c, 3n); });

void RSP;
