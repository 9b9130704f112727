// The architectural state of one x86-64 CPU: GPRs as two Int32 halves (no BigInt on the hot path),
// RIP as a canonical signed number, lazy RFLAGS (flags.ts), SSE, x87, segments, control registers,
// MSRs and descriptor-table registers; plus slow, convenient accessors for the debugger.

import { AddressSpace } from '../memory/address-space';
import { LazyFlags, ARITH } from './flags';

export const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7, R11 = 11;

/** MSR numbers (Intel SDM vol. 4). */
export const MSR_EFER = 0xc0000080, MSR_STAR = 0xc0000081, MSR_LSTAR = 0xc0000082, MSR_CSTAR = 0xc0000083;
export const MSR_SYSCALL_MASK = 0xc0000084, MSR_FS_BASE = 0xc0000100, MSR_GS_BASE = 0xc0000101;
export const MSR_KERNEL_GS_BASE = 0xc0000102, MSR_TSC_AUX = 0xc0000103;
export const MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176, MSR_TSC = 0x10;

/**
 * Whether a code segment selector is a 32-bit one (compatibility mode). The GDT is not parsed: the
 * CPU knows Linux's layout (arch/x86/include/asm/segment.h), where __KERNEL32_CS (0x08) and
 * __USER32_CS (0x23) are the descriptors with L = 0, D = 1 and every other code segment is 64-bit.
 */
export function isCode32(cs: number): boolean {
  const s = cs & 0xfffc;
  return s === 0x20 || s === 0x08;
}

export class CpuState extends LazyFlags {
  readonly lo = new Int32Array(16);
  readonly hi = new Int32Array(16);
  rip = 0;
  /** Scratch: high half of the last 64-bit operand read, and results of helpers. */
  th = 0;
  rl = 0;
  rh = 0;
  /** Effective address of the last memory operand read (read-modify-write writes back there). */
  ea = 0;
  /** Set by an instruction that must stop the run loop: 1 hlt, 2 vmcall, 3 end of block (mode change). */
  stop = 0;
  /** Set by a compiled block that faults (jit.ts): instructions it completed, and the faulting index. */
  jitDone = 0;
  jitIdx = 0;

  // SSE: 16 registers of 128 bits, viewed as int32 lanes, bytes, floats and doubles.
  readonly xmmBuf = new ArrayBuffer(16 * 16 + 16);
  readonly xi = new Int32Array(this.xmmBuf);
  readonly xb = new Uint8Array(this.xmmBuf);
  readonly xw = new Uint16Array(this.xmmBuf);
  readonly xf = new Float32Array(this.xmmBuf);
  readonly xd = new Float64Array(this.xmmBuf);
  mxcsr = 0x1f80;

  // x87: values kept as doubles (80-bit extended precision is not modelled).
  readonly st = new Float64Array(8);
  fpuTop = 0;
  fpuTag = 0xffff;
  fcw = 0x037f;
  fsw = 0;

  // Segments: selectors; only FS/GS have bases in long mode.
  cs = 0x10; ss = 0x18; ds = 0; es = 0; fs = 0; gs = 0;
  /** CS is a 32-bit code segment: compatibility mode (32-bit operands, addresses and stack). Kept by setMode(). */
  code32 = false;
  fsBase = 0; gsBase = 0; kernelGsBase = 0;

  cr0 = 0x80050033; cr2 = 0; cr3 = 0; cr4 = 0x6a0;
  efer = 0xd01; // SCE | LME | LMA | NXE
  star = 0n; lstar = 0; cstar = 0; fmask = 0;
  sysenterCs = 0; sysenterEsp = 0; sysenterEip = 0;
  tscAux = 0;
  idtrBase = 0; idtrLimit = 0; gdtrBase = 0; gdtrLimit = 0;
  /** Base of the 64-bit TSS (RSP0 at +4, IST1..7 at +0x24): set directly, no GDT parsing. */
  tssBase = 0;

  instructions = 0;
  cycles = 0;

  constructor(public mem: AddressSpace) { super(); }

  get cpl(): number { return this.cs & 3; }

  /** The 64-bit value of GPR i as a signed number (exact only for |v| < 2^53; fine for addresses). */
  regNum(i: number): number { return this.hi[i] * 4294967296 + (this.lo[i] >>> 0); }
  setRegNum(i: number, v: number): void {
    this.lo[i] = v | 0;
    this.hi[i] = Math.floor(v / 4294967296) | 0;
  }

  getRflags(): number { return (this.sysFlags & ~ARITH) | this.arithFlags() | 2; }
  setRflags(v: number): void {
    this.setArith(v & ARITH);
    this.sysFlags = (v & ~ARITH & 0x3f7fd5) | 2;
  }

  // ---- debugger accessors (slow, convenient) ----

  getReg(name: string): bigint {
    const n = name.toLowerCase();
    const i = GPR_NAMES.indexOf(n);
    if (i >= 0) return (BigInt(this.hi[i] >>> 0) << 32n) | BigInt(this.lo[i] >>> 0);
    switch (n) {
      case 'rip': return BigInt.asUintN(64, BigInt(this.rip));
      case 'rflags': case 'eflags': return BigInt(this.getRflags());
      case 'cs': return BigInt(this.cs); case 'ss': return BigInt(this.ss);
      case 'ds': return BigInt(this.ds); case 'es': return BigInt(this.es);
      case 'fs': return BigInt(this.fs); case 'gs': return BigInt(this.gs);
      case 'fs_base': return BigInt.asUintN(64, BigInt(this.fsBase));
      case 'gs_base': return BigInt.asUintN(64, BigInt(this.gsBase));
      case 'kernel_gs_base': return BigInt.asUintN(64, BigInt(this.kernelGsBase));
      case 'cr0': return BigInt(this.cr0); case 'cr2': return BigInt.asUintN(64, BigInt(this.cr2));
      case 'cr3': return BigInt(this.cr3); case 'cr4': return BigInt(this.cr4);
      case 'mxcsr': return BigInt(this.mxcsr);
    }
    const x = /^xmm(\d+)$/.exec(n);
    if (x) {
      let v = 0n;
      for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(this.xi[+x[1] * 4 + k] >>> 0);
      return v;
    }
    throw new Error(`unknown register ${name}`);
  }

  setReg(name: string, value: bigint): void {
    const n = name.toLowerCase();
    const v = BigInt.asUintN(64, value);
    const i = GPR_NAMES.indexOf(n);
    if (i >= 0) {
      this.lo[i] = Number(v & 0xffffffffn) | 0;
      this.hi[i] = Number(v >> 32n) | 0;
      return;
    }
    const num = Number(BigInt.asIntN(64, v));
    switch (n) {
      case 'rip': this.rip = num; return;
      case 'rflags': case 'eflags': this.setRflags(Number(v & 0xffffffffn)); return;
      case 'cs': this.cs = num & 0xffff; this.mem.user = (this.cs & 3) === 3; this.code32 = isCode32(this.cs); return;
      case 'ss': this.ss = num & 0xffff; return;
      case 'ds': this.ds = num & 0xffff; return;
      case 'es': this.es = num & 0xffff; return;
      case 'fs': this.fs = num & 0xffff; return;
      case 'gs': this.gs = num & 0xffff; return;
      case 'fs_base': this.fsBase = num; return;
      case 'gs_base': this.gsBase = num; return;
      case 'kernel_gs_base': this.kernelGsBase = num; return;
      case 'cr2': this.cr2 = num; return;
      case 'mxcsr': this.mxcsr = num & 0xffff; return;
    }
    const x = /^xmm(\d+)$/.exec(n);
    if (x) {
      const w = BigInt.asUintN(128, value);
      for (let k = 0; k < 4; k++) this.xi[+x[1] * 4 + k] = Number((w >> BigInt(32 * k)) & 0xffffffffn) | 0;
      return;
    }
    throw new Error(`unknown register ${name}`);
  }
}
