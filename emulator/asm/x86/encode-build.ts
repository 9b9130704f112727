// Encodes one chosen form with iced-x86: sets the operands on a reused iced Instruction, encodes,
// then zeroes the fields that need relocations (described by fixups), puts legacy prefixes in GNU
// as's order and merges written REX prefixes. Also GNU as's default-segment rule for memory.

import { Encoder, Instruction, OpCodeOperandKind as K, OpKind, Register } from 'iced-x86';
import { AsmError, Insn } from '../ir';
import { Expr } from '../expr';
import type { EncodeEnv, Fixup } from './encode';
import type { OpForm } from './optable';
import { fixedRegOf, IMM_KINDS, immFieldSize, Prepared, STRING_KINDS } from './match';
import { regInfo } from './registers';
import { orderPrefixes, truncationWarning } from './encode-rules';
import { applyPrefixes, explicitPrefixBytes, mergeRex, Pseudo } from './encode-prefixes';
import type { IntelMemOperand } from './intel';

/** Operand index per form kind (-1: implicit, not written). */
export type Assignment = number[];

export interface Candidate {
  form: OpForm;
  assign: Assignment;
}

export interface Built {
  bytes: Uint8Array;
  fixups: Fixup[];
  /** Operand index each fixup's expression comes from. */
  sources: number[];
  warnings: string[];
}

const encoders = new Map<number, Encoder>();
export function encoderFor(bitness: number): Encoder {
  let e = encoders.get(bitness);
  if (!e) encoders.set(bitness, (e = new Encoder(bitness)));
  return e;
}

let shared: Instruction | undefined;
/** Whether the last use set prefix or memory fields, which must then be cleared (wasm calls cost). */
let dirtyPrefixes = true;
let dirtyMemory = true;

/**
 * The one iced Instruction every encode reuses (a wasm object created and freed per candidate
 * costs more than resetting the few fields a previous use may have set). Operand kinds, registers
 * and immediates are written by the caller for every operand of the form.
 */
export function instructionFor(code: number, insn: Insn, memory: boolean): Instruction {
  const ins = (shared ??= new Instruction());
  ins.code = code;
  if (dirtyPrefixes) {
    ins.hasLockPrefix = false;
    ins.hasRepePrefix = false;
    ins.hasRepnePrefix = false;
    ins.segmentPrefix = Register.None;
  }
  if (dirtyMemory) {
    ins.memoryBase = Register.None;
    ins.memoryIndex = Register.None;
    ins.memoryIndexScale = 1;
    ins.memoryDisplacement = 0n;
    ins.memoryDisplSize = 0;
  }
  dirtyPrefixes = insn.prefixes.length > 0 || memory;
  dirtyMemory = memory;
  if (insn.prefixes.length) applyPrefixes(ins, insn);
  return ins;
}

/** Encodes `ins` (iced's buffer is always taken back, even on error). */
export function icedEncode(ins: Instruction, env: EncodeEnv, vex3 = false): Uint8Array {
  const enc = encoderFor(env.bitness);
  if (vex3) enc.preventVEX2 = true;
  try {
    enc.encode(ins, env.address);
    return enc.takeBuffer();
  } catch (e) {
    enc.takeBuffer();
    throw e;
  } finally {
    if (vex3) enc.preventVEX2 = false;
  }
}

export function writeLE(buf: Uint8Array, off: number, size: number, v: bigint): void {
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    buf[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}

const PLACEHOLDER32 = 0x12345678n;

type Which = 'disp' | 'imm' | 'imm2';
interface Patch {
  which: Which;
  fix?: Omit<Fixup, 'offset' | 'size'>;
  size?: 1 | 2 | 4 | 8;
  raw?: bigint;
  src?: number;
}

/** Encodes one candidate form; fields with relocations are zeroed and described by fixups. */
export function build(c: Candidate, ps: Prepared[], insn: Insn, env: EncodeEnv, pseudo: Pseudo): Built {
  const { form, assign } = c;
  const ins = instructionFor(form.code, insn, form.hasMemory);
  const warnings: string[] = [];
  const patches: Patch[] = [];
  let immCount = 0;
  {
    for (let i = 0; i < form.kinds.length; i++) {
      const k = form.kinds[i];
      const p: Prepared | undefined = assign[i] >= 0 ? ps[assign[i]] : undefined;
      if (IMM_KINDS.has(k)) {
        const which = immCount++ === 0 ? 'imm' : 'imm2';
        ins.setOpKind(i, immOpKind(k, which === 'imm2'));
        if (!p || k === K.imm8_const_1) {
          ins.setImmediateU64(i, 1n);
          continue;
        }
        const r = p.imm!;
        if (r.kind === 'const') {
          const bits = immBits(k);
          const w = truncationWarning(r.value, bits);
          if (w) warnings.push(w);
          ins.setImmediateU64(i, BigInt.asUintN(bits, r.value));
        } else {
          const size = immFieldSize(k)!;
          ins.setImmediateU64(i, size === 1 ? 0x12n : size === 2 ? 0x1234n : PLACEHOLDER32);
          patches.push({ which, size, src: assign[i], fix: { pcrel: false, signed: k === K.imm32sex64, expr: (p.op as { expr: Expr }).expr } });
        }
        continue;
      }
      const fixed = fixedRegOf(k);
      if (fixed) {
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, regInfo(fixed)!.iced);
        continue;
      }
      if (STRING_KINDS.has(k)) {
        setStringOperand(ins, i, k, p, insn, env.bitness);
        continue;
      }
      if (k === K.sti_opcode && !p) {
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, Register.ST1);
        continue;
      }
      if (p!.reg) {
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, p!.reg.iced);
        continue;
      }
      ins.setOpKind(i, OpKind.Memory);
      const pt = setMemory(ins, p!, k === K.mem_offs, insn, env.bitness, pseudo);
      if (pt) patches.push({ ...pt, src: assign[i] });
    }
    const buf = icedEncode(ins, env, pseudo.vex3);
    const fixups: Fixup[] = [];
    const sources: number[] = [];
    if (patches.length) {
      const co = encoderFor(env.bitness).getConstantOffsets();
      const offs: Record<Which, [number, number]> = {
        disp: [co.displacementOffset, co.displacementSize],
        imm: [co.immediateOffset, co.immediateSize],
        imm2: [co.immediateOffset2, co.immediateSize2],
      };
      co.free();
      for (const pt of patches) {
        const [off, sz] = offs[pt.which];
        if (pt.raw !== undefined) writeLE(buf, off, sz, pt.raw);
        else {
          writeLE(buf, off, sz, 0n);
          fixups.push({ offset: off, size: (pt.size ?? sz) as 1 | 2 | 4 | 8, ...pt.fix! });
          sources.push(pt.src!);
        }
      }
    }
    return { ...finishPrefixes(orderPrefixes(buf, env.bitness), fixups, insn, env.bitness, form.mnemonic), sources, warnings };
  }
}

/** Adds the prefixes iced does not model (data16/addr32 first, REX merged last) and shifts fixups. */
export function finishPrefixes(bytes: Uint8Array, fixups: Fixup[], insn: Insn, bitness: number, mnemonic: string): { bytes: Uint8Array; fixups: Fixup[] } {
  if (!insn.prefixes.length) return { bytes, fixups };
  let extra = explicitPrefixBytes(insn);
  // NASM `o16 push ax`: the written prefix is the one the instruction needs anyway.
  if (insn.syntax === 'nasm' && extra.length) extra = extra.filter((b) => !leadingPrefixes(bytes).includes(b));
  if (extra.length) {
    const out = new Uint8Array(extra.length + bytes.length);
    out.set(extra);
    out.set(bytes, extra.length);
    for (const f of fixups) f.offset += extra.length;
    bytes = out;
  }
  const rex = mergeRex(bytes, insn, bitness, mnemonic);
  if (rex.insertedAt >= 0) for (const f of fixups) if (f.offset >= rex.insertedAt) f.offset++;
  return { bytes: rex.bytes, fixups };
}

function leadingPrefixes(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (const b of bytes) {
    if (b !== 0x66 && b !== 0x67 && b !== 0xf2 && b !== 0xf3 && b !== 0xf0 && (b & 0xe7) !== 0x26 && b !== 0x64 && b !== 0x65) break;
    out.push(b);
  }
  return out;
}

function immBits(k: number): number {
  switch (k) {
    case K.imm16: return 16;
    case K.imm32: case K.imm32sex64: return 32;
    case K.imm64: return 64;
    default: return 8;
  }
}

function immOpKind(k: number, second: boolean): OpKind {
  switch (k) {
    case K.imm8: case K.imm8_const_1: return second ? OpKind.Immediate8_2nd : OpKind.Immediate8;
    case K.imm8sex16: return OpKind.Immediate8to16;
    case K.imm8sex32: return OpKind.Immediate8to32;
    case K.imm8sex64: return OpKind.Immediate8to64;
    case K.imm16: return OpKind.Immediate16;
    case K.imm32: return OpKind.Immediate32;
    case K.imm32sex64: return OpKind.Immediate32to64;
    default: return OpKind.Immediate64;
  }
}

const SS_BASES = new Set(['rbp', 'rsp', 'ebp', 'esp', 'bp', 'sp']);

/**
 * The segment prefix to emit for a memory operand's written segment: GNU as drops one equal to
 * the default (ss for an rbp/rsp/ebp/esp/bp base, else ds, rip-relative and absolute included);
 * NASM keeps what is written.
 */
export function segmentToEmit(seg: string | undefined, base: string | undefined, insn: Insn): string | undefined {
  if (!seg || insn.syntax === 'nasm') return seg;
  if (seg !== 'ds' && seg !== 'ss') return seg;
  const dflt = base && SS_BASES.has(base) ? 'ss' : 'ds';
  return seg === dflt ? undefined : seg;
}

function setStringOperand(ins: Instruction, i: number, k: number, p: Prepared | undefined, insn: Insn, bitness: number): void {
  const addrBits = p?.base?.bits ?? bitness;
  if (p?.op.kind === 'mem') {
    const seg = segmentToEmit(p.op.seg, p.op.base, insn);
    if (seg) ins.segmentPrefix = regInfo(seg)!.iced;
  }
  if (k === K.seg_rBX_al) {
    ins.setOpKind(i, OpKind.Memory);
    ins.memoryBase = addrBits === 64 ? Register.RBX : addrBits === 32 ? Register.EBX : Register.BX;
    ins.memoryIndex = Register.AL;
    return;
  }
  const table: Record<number, OpKind[]> = {
    [K.es_rDI]: [OpKind.MemoryESDI, OpKind.MemoryESEDI, OpKind.MemoryESRDI],
    [K.seg_rDI]: [OpKind.MemorySegDI, OpKind.MemorySegEDI, OpKind.MemorySegRDI],
    [K.seg_rSI]: [OpKind.MemorySegSI, OpKind.MemorySegESI, OpKind.MemorySegRSI],
  };
  ins.setOpKind(i, table[k][addrBits === 16 ? 0 : addrBits === 32 ? 1 : 2]);
}

/**
 * Sets the memory fields; returns the displacement patch when the field is not iced's to fill.
 * NASM `[dword rax+1]` / GAS `{disp32}` force a full displacement, `[byte ...]`/`{disp8}` a byte.
 */
function setMemory(ins: Instruction, p: Prepared, moffs: boolean, insn: Insn, bitness: number, pseudo: Pseudo): Patch | undefined {
  const m = p.op as IntelMemOperand;
  const seg = segmentToEmit(m.seg, m.base, insn);
  if (seg) ins.segmentPrefix = regInfo(seg)!.iced;
  const rip = m.ripRel || p.base?.cls === 'ip';
  const addrBits = rip ? (p.base?.bits ?? 64) : (p.base?.bits ?? p.index?.bits ?? bitness);
  const vsib = !!p.index && (p.index.cls === 'xmm' || p.index.cls === 'ymm');
  const addrBytes = (vsib ? (p.base?.bits ?? bitness) : addrBits) / 8;
  ins.memoryIndex = p.index?.iced ?? Register.None;
  ins.memoryIndexScale = m.scale;
  const d = p.disp!;
  if (rip) {
    // iced computes rip-relative displacements from a target; GNU as's field is the written value.
    ins.memoryBase = addrBits === 32 ? Register.EIP : Register.RIP;
    ins.memoryDisplacement = 0n;
    ins.memoryDisplSize = addrBits === 32 ? 4 : 8;
    if (d.kind === 'const') return { which: 'disp', raw: d.value };
    return { which: 'disp', size: 4, fix: { pcrel: true, signed: true, expr: m.disp! } };
  }
  ins.memoryBase = p.base?.iced ?? Register.None;
  const full = moffs ? bitness / 8 : addrBytes;
  const regs = !!p.base || !!p.index;
  if (d.kind === 'const') {
    const v = BigInt.asUintN(addrBits === 16 ? 16 : addrBits === 32 ? 32 : 64, d.value);
    ins.memoryDisplacement = addrBits === 64 ? BigInt.asUintN(64, d.value) : v;
    let size = !regs ? full : d.value === 0n ? 0 : 1;
    if (regs && (m.dispSize === 32 || pseudo.disp32) && addrBits !== 16) size = full;
    else if (regs && (m.dispSize === 8 || pseudo.disp8) && d.value >= -128n && d.value <= 127n) size = 1;
    ins.memoryDisplSize = size;
    return undefined;
  }
  ins.memoryDisplacement = full === 2 ? 0x1234n : PLACEHOLDER32;
  ins.memoryDisplSize = full;
  const size = (moffs ? full : Math.min(full, 4)) as 1 | 2 | 4 | 8;
  return { which: 'disp', size, fix: { pcrel: false, signed: bitness === 64 && !moffs, expr: m.disp! } };
}

/** GNU as's message for an instruction iced refused. */
export function icedError(ps: Prepared[], e: unknown, insn: Insn): AsmError {
  const high = ps.find((p) => p.reg?.high8);
  if (high) return new AsmError(`can't encode register '%${high.reg!.name}' in an instruction requiring REX prefix.`);
  return new AsmError(`cannot encode \`${insn.mnemonic}': ${e instanceof Error ? e.message : String(e)}`);
}
