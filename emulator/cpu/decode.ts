// Decoding with iced-x86, once per basic block, into plain JS descriptions (Desc) that the
// compilers turn into closures. Nothing here runs on the execution hot path. Every wasm object
// is freed; one Instruction is reused through decodeOut.

import { Decoder, DecoderOptions, Instruction, OpKind, Register, MemorySizeExt, RegisterExt, FlowControl, Mnemonic, Code } from 'iced-x86';

export const K_NONE = 0, K_REG = 1, K_MEM = 2, K_IMM = 3, K_XMM = 4, K_ST = 5, K_SEG = 6, K_CR = 7, K_BRANCH = 8, K_STR = 9, K_MM = 10;

/** Segment override numbering: 0 none, 4 FS, 5 GS (the only ones with bases in long mode). */
export const SEG_FS = 4, SEG_GS = 5;

export interface Opnd {
  k: number;
  /** Operand size in bytes (register, memory or immediate). */
  size: number;
  /** GPR index 0-15, XMM index, ST(i), segment number, CRn. */
  r: number;
  /** AH/CH/DH/BH. */
  h8: boolean;
  /** Immediate or branch target: value as halves, and as a number. */
  lo: number; hi: number; num: number;
  /** Memory: base/index GPR (-1 none), scale, displacement (RIP-relative already resolved), segment. */
  base: number; index: number; scale: number; disp: number; seg: number; a32: boolean;
  /** The linear address (with the FS/GS base) wraps at 4 GiB: compatibility mode. */
  lin32: boolean;
}

export interface Desc {
  addr: number;
  next: number;
  len: number;
  mnem: number;
  code: number;
  ops: Opnd[];
  rep: boolean;
  repne: boolean;
  lock: boolean;
  /** Condition code 0-15 for Jcc/SETcc/CMOVcc, -1 otherwise. */
  cc: number;
  /** True when the block must end after this instruction. */
  ends: boolean;
  invalid: boolean;
  /** Operand size of string instructions and others with implicit operands. */
  memSize: number;
  /** The code segment's default: 64 (long mode) or 32 (compatibility mode: stack and addresses are 32-bit). */
  bits: 64 | 32;
  /** Address size in bytes of the implicit registers: rSI/rDI/rCX of string instructions, rCX of loop/jrcxz. */
  asz: number;
}

const ENDS_BLOCK = new Set<number>([
  Mnemonic.Syscall, Mnemonic.Sysret, Mnemonic.Sysretq, Mnemonic.Iret, Mnemonic.Iretd, Mnemonic.Iretq, Mnemonic.Wrmsr,
  Mnemonic.Swapgs, Mnemonic.Int, Mnemonic.Int3, Mnemonic.Into, Mnemonic.Int1, Mnemonic.Hlt, Mnemonic.Vmcall, Mnemonic.Vmmcall,
  Mnemonic.Lidt, Mnemonic.Lgdt, Mnemonic.Ltr, Mnemonic.Sti, Mnemonic.Cli, Mnemonic.Popf, Mnemonic.Popfd, Mnemonic.Popfq, Mnemonic.Ud2,
  Mnemonic.Sysenter, Mnemonic.Sysexit, Mnemonic.Sysexitq, Mnemonic.Invlpg, Mnemonic.Mov, Mnemonic.Rdmsr,
]);

function toHalves(v: bigint, o: Opnd): void {
  const s = BigInt.asIntN(64, v);
  o.lo = Number(BigInt.asIntN(32, s)) | 0;
  o.hi = Number(s >> 32n) | 0;
  o.num = Number(s);
}

function gpr(reg: number, o: Opnd): void {
  // Register enum: AL..R15L = 1..20, AX.. = 21..36, EAX.. = 37..52, RAX.. = 53..68.
  if (reg >= Register.AL && reg <= Register.R15L) {
    const n = reg - Register.AL;
    // AL CL DL BL AH CH DH BH SPL BPL SIL DIL R8L..R15L
    o.r = n < 4 ? n : n - 4;
    o.h8 = n >= 4 && n < 8;
    o.size = 1;
  } else if (reg >= Register.AX && reg <= Register.R15W) { o.r = reg - Register.AX; o.size = 2; }
  else if (reg >= Register.EAX && reg <= Register.R15D) { o.r = reg - Register.EAX; o.size = 4; }
  else { o.r = reg - Register.RAX; o.size = 8; }
}

/** Set by operand() when a memory operand uses 16-bit addressing. */
let addr16 = false;

function operand(ins: Instruction, i: number, next: number, bits: 64 | 32): Opnd {
  const o: Opnd = { k: K_NONE, size: 0, r: 0, h8: false, lo: 0, hi: 0, num: 0, base: -1, index: -1, scale: 1, disp: 0, seg: 0, a32: false, lin32: false };
  const kind = ins.opKind(i);
  switch (kind) {
    case OpKind.Register: {
      const reg = ins.opRegister(i);
      if (RegisterExt.isGPR(reg)) { o.k = K_REG; gpr(reg, o); }
      else if (RegisterExt.isXMM(reg)) { o.k = K_XMM; o.r = reg - Register.XMM0; o.size = 16; }
      else if (RegisterExt.isST(reg)) { o.k = K_ST; o.r = reg - Register.ST0; o.size = 10; }
      else if (RegisterExt.isSegmentRegister(reg)) { o.k = K_SEG; o.r = reg - Register.ES; o.size = 2; }
      else if (RegisterExt.isCR(reg)) { o.k = K_CR; o.r = reg - Register.CR0; o.size = 8; }
      else if (RegisterExt.isMM(reg)) { o.k = K_MM; o.r = reg - Register.MM0; o.size = 8; }
      else o.k = K_NONE;
      break;
    }
    case OpKind.NearBranch16: case OpKind.NearBranch32: case OpKind.NearBranch64:
      o.k = K_BRANCH; toHalves(ins.nearBranchTarget, o); break;
    case OpKind.Immediate8: case OpKind.Immediate8_2nd: case OpKind.Immediate16: case OpKind.Immediate32:
    case OpKind.Immediate64: case OpKind.Immediate8to16: case OpKind.Immediate8to32: case OpKind.Immediate8to64:
    case OpKind.Immediate32to64:
      o.k = K_IMM;
      toHalves(ins.immediate(i), o);
      o.size = kind === OpKind.Immediate8 || kind === OpKind.Immediate8_2nd ? 1 : kind === OpKind.Immediate16 ? 2 : kind === OpKind.Immediate8to16 ? 2 :
        kind === OpKind.Immediate32 || kind === OpKind.Immediate8to32 ? 4 : 8;
      break;
    case OpKind.Memory: {
      o.k = K_MEM;
      o.size = MemorySizeExt.size(ins.memorySize);
      const seg = ins.memorySegment;
      o.seg = seg === Register.FS ? SEG_FS : seg === Register.GS ? SEG_GS : 0;
      if (ins.isIpRelMemoryOperand) {
        o.disp = Number(BigInt.asIntN(64, ins.ipRelMemoryAddress));
        if (ins.memoryBase === Register.EIP) { o.disp = Number(ins.ipRelMemoryAddress & 0xffffffffn); }
      } else {
        const b = ins.memoryBase, x = ins.memoryIndex;
        const t: Opnd = { ...o };
        if (b !== Register.None) { gpr(b, t); o.base = t.r; o.a32 = t.size === 4; }
        if (x !== Register.None) { gpr(x, t); o.index = t.r; o.a32 = t.size === 4; }
        // 16-bit addressing (0x67 in compatibility mode) is not implemented: decodeBlock makes it #UD.
        if ((b !== Register.None || x !== Register.None) && t.size === 2) addr16 = true;
        o.scale = ins.memoryIndexScale;
        o.disp = Number(BigInt.asIntN(64, ins.memoryDisplacement));
        // In compatibility mode every address is 32 bits wide, an absolute one (no base, no index) too.
        if (bits === 32) { o.a32 = true; o.lin32 = true; }
        if (o.a32) o.disp = o.disp | 0;
      }
      void next;
      break;
    }
    default:
      o.k = K_STR; // string operands: implicit [rsi]/[rdi]
      o.size = MemorySizeExt.size(ins.memorySize);
      o.seg = ins.memorySegment === Register.FS ? SEG_FS : ins.memorySegment === Register.GS ? SEG_GS : 0;
      o.lin32 = bits === 32;
  }
  return o;
}

/** The address size of string operands (rSI/rDI) and of loop/jrcxz (rCX), from iced's operand kinds and codes. */
function addressSize(ins: Instruction, n: number, bits: 64 | 32): number {
  for (let i = 0; i < n; i++) {
    switch (ins.opKind(i)) {
      case OpKind.MemorySegSI: case OpKind.MemoryESDI: case OpKind.MemorySegDI: return 2;
      case OpKind.MemorySegESI: case OpKind.MemoryESEDI: case OpKind.MemorySegEDI: return 4;
      case OpKind.MemorySegRSI: case OpKind.MemoryESRDI: case OpKind.MemorySegRDI: return 8;
    }
  }
  const c = ins.code;
  if (c >= Code.Loopne_rel8_16_CX && c <= Code.Jrcxz_rel8_64) {
    const name = Code[c] as string;
    return /_CX$|^Jcxz/.test(name) ? 2 : /_ECX$|^Jecxz/.test(name) ? 4 : 8;
  }
  return bits / 8;
}

/** Decodes up to `max` instructions from `bytes` (which start at `addr`), stopping after a block end,
 *  an invalid instruction, or when the next instruction would start at or beyond `limit` bytes. */
export function decodeBlock(bytes: Uint8Array, addr: number, bitness: 64 | 32, limit: number, max: number): Desc[] {
  const bits = bitness;
  const dec = new Decoder(bitness, bytes, DecoderOptions.None);
  const ins = new Instruction();
  const out: Desc[] = [];
  try {
    dec.ip = BigInt.asUintN(64, BigInt(addr));
    let pos = 0;
    while (out.length < max && pos < limit) {
      dec.decodeOut(ins);
      const len = ins.length;
      const invalid = ins.code === Code.INVALID || pos + len > bytes.length;
      const next = addr + pos + len;
      const d: Desc = {
        addr: addr + pos, next, len, mnem: ins.mnemonic, code: ins.code, ops: [], rep: false, repne: false, lock: false,
        cc: -1, ends: true, invalid, memSize: 0, bits, asz: bitness / 8,
      };
      out.push(d);
      pos += len;
      if (invalid) break;
      const n = ins.opCount;
      addr16 = false;
      for (let i = 0; i < n; i++) d.ops.push(operand(ins, i, next, bits));
      d.asz = addressSize(ins, n, bits);
      if (addr16 || d.asz === 2 && d.ops.some((o) => o.k === K_STR)) { d.invalid = true; break; }
      d.rep = ins.hasRepPrefix || ins.hasRepePrefix;
      d.repne = ins.hasRepnePrefix;
      d.lock = ins.hasLockPrefix;
      d.cc = ins.conditionCode - 1;
      d.memSize = MemorySizeExt.size(ins.memorySize);
      d.ends = ins.flowControl !== FlowControl.Next || ENDS_BLOCK.has(d.mnem) && (d.mnem !== Mnemonic.Mov || d.ops.some((o) => o.k === K_CR || o.k === K_SEG));
      if (d.ends) break;
    }
  } finally {
    ins.free();
    dec.free();
  }
  return out;
}
