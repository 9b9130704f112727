// The x86 instruction encoder: IR instruction -> bytes + fixups, choosing the same encoding GNU as
// 2.40 (without -O) chooses. Table-driven on iced-x86: match operands against every form of the
// mnemonic (optable.ts, match.ts), keep the shortest (first in opcode order on ties, which is the
// form GNU as lists first), encode it with iced's Encoder and patch fields that need relocations.

import { Encoder, Instruction, OpCodeOperandKind as K, OpKind, Register } from 'iced-x86';
import { AsmError, Insn } from '../ir';
import { Expr } from '../expr';
import { formTable, OpForm } from './optable';
import { accepts, fixedRegOf, IMM_KINDS, immFieldSize, MatchCtx, NEAR_BRANCH, prepareMem, Prepared, SHORT_BRANCH, STRING_KINDS } from './match';
import { regInfo } from './registers';
import { normalizeMnemonic, orderPrefixes, sizeDefault, truncationWarning } from './encode-rules';

export interface EncodeEnv {
  bitness: 16 | 32 | 64;
  /** Address of the instruction's first byte (section-relative; used for pc-relative branch estimates). */
  address: bigint;
  /** What an expression is at this point of assembly (the driver answers). */
  resolve(e: Expr): Resolved;
  /** The layout's decision for a relaxable jmp/jcc: once true, use the rel32 form. */
  longBranch: boolean;
}
export type Resolved =
  | { kind: 'const'; value: bigint } // an absolute constant known now: choose the shortest field
  | { kind: 'local'; offset: bigint } // a label in the current section at this (estimated) offset
  | { kind: 'reloc' }; // anything else (another section, undefined, not known yet)
export interface Fixup {
  offset: number; // of the field within the instruction bytes
  size: 1 | 2 | 4 | 8;
  pcrel: boolean; // value stored = value(expr) - (address of the END of the instruction)
  signed: boolean; // range for the field (sign-extended imm32 -> R_X86_64_32S vs 32)
  expr: Expr;
  branch?: boolean; // a call/jmp/jcc target (GNU as uses PLT32 for these when external)
}
export interface Encoded {
  bytes: Uint8Array; // fields that carry fixups hold zeros
  fixups: Fixup[];
  /** For a relaxable jmp/jcc: which form was used. */
  branchForm?: 'short' | 'long';
  /** GNU as's warnings for this instruction (`0x12c shortened to 0x2c`). */
  warnings?: string[];
}

const encoders = new Map<number, Encoder>();
function encoderFor(bitness: number): Encoder {
  let e = encoders.get(bitness);
  if (!e) encoders.set(bitness, (e = new Encoder(bitness)));
  return e;
}

/** True if `name` is an Intel mnemonic (or alias) the encoder knows in some mode. */
export function isKnownMnemonic(name: string): boolean {
  const n = normalizeMnemonic(name);
  return formTable(64).has(n) || formTable(32).has(n) || formTable(16).has(n);
}

/** Operand index per form kind (-1: implicit, not written); undefined if the operands do not fit. */
type Assignment = number[];

interface Candidate {
  form: OpForm;
  assign: Assignment;
}

const ST_KINDS = new Set<number>([K.st0]);
const ACCUMULATORS = new Set<number>([K.al, K.ax, K.eax, K.rax, K.dx]);

/** Lines written operands up with a form's kinds, letting implicit operands go unwritten. */
function align(form: OpForm, ps: Prepared[], ctx: MatchCtx): Assignment | undefined {
  const kinds = form.kinds;
  const hasString = kinds.some((k) => STRING_KINDS.has(k));
  const out: number[] = [];
  const go = (ki: number, pi: number): boolean => {
    if (ki === kinds.length) return pi === ps.length;
    const k = kinds[ki];
    if (pi < ps.length && accepts(k, ps[pi], form.memBits, ctx)) {
      out[ki] = pi;
      if (go(ki + 1, pi + 1)) return true;
    }
    const skippable = STRING_KINDS.has(k) || ST_KINDS.has(k) || k === K.imm8_const_1 ||
      (hasString && ACCUMULATORS.has(k)) || (k === K.sti_opcode && ps.length === 0);
    if (skippable && kinds.length - ki > ps.length - pi) {
      out[ki] = -1;
      return go(ki + 1, pi);
    }
    return false;
  };
  return go(0, 0) ? out.slice(0, kinds.length) : undefined;
}

/** Encodes one instruction; throws AsmError (without loc: the caller fills it). */
export function encodeInsn(insn: Insn, env: EncodeEnv): Encoded {
  // NASM-REWRITE HOOK: when ./nasm-rewrite exports nasmRewrite, wire it here:
  // if (insn.syntax === 'nasm') insn = nasmRewrite(insn);
  let mnemonic = normalizeMnemonic(insn.mnemonic);
  const movabs = mnemonic === 'movabs';
  if (movabs) mnemonic = 'mov';
  const table = formTable(env.bitness);
  const forms = table.get(mnemonic);
  if (!forms) throw new AsmError(`no such instruction: \`${insn.mnemonic}'`);

  let operands = insn.operands;
  // `imul $3, %eax` is the three-operand form with the register as both destination and source.
  if (mnemonic === 'imul' && operands.length === 2 && operands[1].kind === 'imm') operands = [operands[0], operands[0], operands[1]];
  const ps: Prepared[] = operands.map((op) => {
    const p: Prepared = { op };
    if (op.kind === 'reg') {
      p.reg = regInfo(op.reg);
      if (!p.reg) throw new AsmError(`bad register name \`${op.reg}'`);
    } else if (op.kind === 'imm') {
      p.imm = env.resolve(op.expr);
    } else {
      prepareMem(p);
      p.disp = op.disp ? env.resolve(op.disp) : { kind: 'const', value: 0n };
    }
    return p;
  });

  // Direct branches: relaxation is the driver's; the form follows from the target.
  if (!insn.indirect && !insn.far && ps.length === 1 && ps[0].op.kind === 'imm') {
    const branchForms = forms.filter((f) => f.kinds.length === 1 && (SHORT_BRANCH.has(f.kinds[0]) || NEAR_BRANCH.has(f.kinds[0])));
    if (branchForms.length) return encodeBranch(insn, mnemonic, branchForms, ps[0], env);
  }

  const candidates: Candidate[] = [];
  let countOk = false;
  for (const form of forms) {
    if (movabs && !form.kinds.some((k) => k === K.imm64 || k === K.mem_offs)) continue;
    if (insn.opSize && form.sizeKey && form.sizeKey !== insn.opSize) continue;
    if (form.kinds.length >= ps.length) countOk = true;
    const ctx: MatchCtx = { bitness: env.bitness, movabs, sizeKey: form.sizeKey };
    const assign = align(form, ps, ctx);
    if (assign) candidates.push({ form, assign });
  }
  if (!candidates.length) throw mismatchError(insn, mnemonic, forms, ps, env, countOk);

  const warnings: string[] = [];
  let chosen = candidates;
  const sizes = new Set(candidates.map((c) => c.form.sizeKey));
  if (sizes.size > 1 && !insn.opSize) {
    const d = sizeDefault(mnemonic, candidates.map((c) => c.form), env.bitness);
    chosen = candidates.filter((c) => c.form.sizeKey === d.size);
    if (d.warn) warnings.push(`no instruction mnemonic suffix given and no register operands; using default for \`${insn.mnemonic}'`);
  }

  let best: Built | undefined;
  let lastError: unknown;
  for (const c of chosen) {
    try {
      const b = build(c, ps, insn, env);
      if (!best || b.bytes.length < best.bytes.length) best = b;
    } catch (e) {
      if (e instanceof AsmError) throw e;
      lastError = e;
    }
  }
  if (!best) throw icedError(ps, lastError, insn);
  for (const w of best.warnings) warnings.push(w);
  return { bytes: best.bytes, fixups: best.fixups, ...(warnings.length ? { warnings } : {}) };
}

interface Built {
  bytes: Uint8Array;
  fixups: Fixup[];
  warnings: string[];
}

const PLACEHOLDER32 = 0x12345678n;

/** Encodes one candidate form; fields with relocations are zeroed and described by fixups. */
function build(c: Candidate, ps: Prepared[], insn: Insn, env: EncodeEnv): Built {
  const { form, assign } = c;
  const ins = Instruction.create(form.code);
  const warnings: string[] = [];
  const patches: { which: 'disp' | 'imm' | 'imm2'; fix?: Omit<Fixup, 'offset' | 'size'>; size?: 1 | 2 | 4 | 8; raw?: bigint }[] = [];
  let immCount = 0;
  try {
    applyPrefixes(ins, insn);
    for (let i = 0; i < form.kinds.length; i++) {
      const k = form.kinds[i];
      const p: Prepared | undefined = assign[i] >= 0 ? ps[assign[i]] : undefined;
      if (IMM_KINDS.has(k)) {
        const which = immCount++ === 0 ? 'imm' : 'imm2';
        const kind = immOpKind(k, which === 'imm2');
        ins.setOpKind(i, kind);
        if (!p || k === K.imm8_const_1) {
          ins.setImmediateU64(i, 1n);
          continue;
        }
        const r = p.imm!;
        if (r.kind === 'const') {
          const bits = BigInt(immBits(k));
          const w = truncationWarning(r.value, Number(bits));
          if (w) warnings.push(w);
          ins.setImmediateU64(i, BigInt.asUintN(Number(bits), r.value));
        } else {
          const size = immFieldSize(k)!;
          ins.setImmediateU64(i, size === 1 ? 0x12n : size === 2 ? 0x1234n : PLACEHOLDER32);
          patches.push({ which, size, fix: { pcrel: false, signed: k === K.imm32sex64, expr: (p.op as { expr: Expr }).expr } });
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
        setStringOperand(ins, i, k, p, env.bitness);
        continue;
      }
      if (k === K.sti_opcode && !p) {
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, Register.ST1);
        continue;
      }
      if (k === K.farbr2_2 || k === K.farbr4_2) throw new AsmError(`far branch forms are not supported yet`);
      if (p!.reg) {
        ins.setOpKind(i, OpKind.Register);
        ins.setOpRegister(i, p!.reg.iced);
        continue;
      }
      // Memory.
      ins.setOpKind(i, OpKind.Memory);
      patches.push(...setMemory(ins, p!, k === K.mem_offs, env.bitness));
    }
    const enc = encoderFor(env.bitness);
    let buf: Uint8Array;
    try {
      enc.encode(ins, env.address);
      buf = enc.takeBuffer();
    } catch (e) {
      enc.takeBuffer();
      throw e;
    }
    const fixups: Fixup[] = [];
    if (patches.length) {
      const co = enc.getConstantOffsets();
      const offs = {
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
        }
      }
    }
    const ordered = orderPrefixes(buf, env.bitness);
    const extra = explicitPrefixBytes(insn);
    if (extra.length) {
      const out = new Uint8Array(extra.length + ordered.length);
      out.set(extra);
      out.set(ordered, extra.length);
      for (const f of fixups) f.offset += extra.length;
      return { bytes: out, fixups, warnings };
    }
    return { bytes: ordered, fixups, warnings };
  } finally {
    ins.free();
  }
}

function writeLE(buf: Uint8Array, off: number, size: number, v: bigint): void {
  let x = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    buf[off + i] = Number(x & 0xffn);
    x >>= 8n;
  }
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

function applyPrefixes(ins: Instruction, insn: Insn): void {
  for (const p of insn.prefixes) {
    if (p === 'lock') ins.hasLockPrefix = true;
    else if (p === 'rep' || p === 'repe' || p === 'repz') ins.hasRepePrefix = true;
    else if (p === 'repne' || p === 'repnz') ins.hasRepnePrefix = true;
    else {
      const r = regInfo(p);
      if (r && r.cls === 'seg') ins.segmentPrefix = r.iced;
    }
  }
}

/** Prefixes iced does not model, emitted as written before the instruction. */
function explicitPrefixBytes(insn: Insn): number[] {
  const out: number[] = [];
  for (const p of insn.prefixes) {
    if (p === 'data16' || p === 'data32') out.push(0x66);
    else if (p === 'addr32' || p === 'addr16') out.push(0x67);
  }
  return out;
}

function setStringOperand(ins: Instruction, i: number, k: number, p: Prepared | undefined, bitness: number): void {
  const addrBits = p?.base?.bits ?? bitness;
  if (p?.op.kind === 'mem' && p.op.seg) ins.segmentPrefix = regInfo(p.op.seg)!.iced;
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

type Patch = { which: 'disp'; fix?: Omit<Fixup, 'offset' | 'size'>; size?: 1 | 2 | 4 | 8; raw?: bigint };

/** Sets the memory fields; returns the displacement patch when the field is not iced's to fill. */
function setMemory(ins: Instruction, p: Prepared, moffs: boolean, bitness: number): Patch[] {
  const m = p.op as Extract<Prepared['op'], { kind: 'mem' }>;
  if (m.seg) ins.segmentPrefix = regInfo(m.seg)!.iced;
  const rip = m.ripRel || p.base?.cls === 'ip';
  const addrBits = rip ? (p.base?.bits ?? 64) : (p.base?.bits ?? p.index?.bits ?? bitness);
  const addrBytes = (p.index && (p.index.cls === 'xmm' || p.index.cls === 'ymm') ? (p.base?.bits ?? bitness) : addrBits) / 8;
  ins.memoryIndex = p.index?.iced ?? Register.None;
  ins.memoryIndexScale = m.scale;
  const d = p.disp!;
  if (rip) {
    // iced computes rip-relative displacements from a target; GNU as's field is the written value.
    ins.memoryBase = addrBits === 32 ? Register.EIP : Register.RIP;
    ins.memoryDisplacement = 0n;
    ins.memoryDisplSize = addrBits === 32 ? 4 : 8;
    if (d.kind === 'const') return [{ which: 'disp', raw: d.value }];
    return [{ which: 'disp', size: 4, fix: { pcrel: true, signed: true, expr: m.disp! } }];
  }
  ins.memoryBase = p.base?.iced ?? Register.None;
  const full = moffs ? bitness / 8 : addrBytes;
  if (d.kind === 'const') {
    const v = BigInt.asUintN(addrBits === 16 ? 16 : addrBits === 32 ? 32 : 64, d.value);
    ins.memoryDisplacement = addrBits === 64 ? BigInt.asUintN(64, d.value) : v;
    ins.memoryDisplSize = !p.base && !p.index ? full : d.value === 0n ? 0 : 1;
    if (!p.base && !p.index && moffs) ins.memoryDisplSize = full;
    return [];
  }
  ins.memoryDisplacement = full === 2 ? 0x1234n : PLACEHOLDER32;
  ins.memoryDisplSize = full;
  const size = (moffs ? full : Math.min(full, 4)) as 1 | 2 | 4 | 8;
  return [{ which: 'disp', size, fix: { pcrel: false, signed: bitness === 64 && !moffs, expr: m.disp! } }];
}

/** jmp/jcc/call/loop to a direct target. */
function encodeBranch(insn: Insn, mnemonic: string, forms: OpForm[], p: Prepared, env: EncodeEnv): Encoded {
  const short = forms.find((f) => SHORT_BRANCH.has(f.kinds[0]) && (!insn.opSize || !f.sizeKey || f.sizeKey === insn.opSize));
  const near = forms.find((f) => NEAR_BRANCH.has(f.kinds[0]) && (!insn.opSize || !f.sizeKey || f.sizeKey === insn.opSize));
  const target = p.imm!;
  const expr = (p.op as { expr: Expr }).expr;
  const encodeForm = (f: OpForm): Uint8Array => {
    const ins = Instruction.create(f.code);
    try {
      applyPrefixes(ins, insn);
      const k = f.kinds[0];
      ins.setOpKind(0, k === K.br16_1 || k === K.br16_2 ? OpKind.NearBranch16 : k === K.br32_1 || k === K.br32_4 ? OpKind.NearBranch32 : OpKind.NearBranch64);
      // Placeholder target: the instruction's own address, always in range; the field is patched below.
      if (k === K.br64_1 || k === K.br64_4) ins.nearBranch64 = env.address;
      else if (k === K.br32_1 || k === K.br32_4) ins.nearBranch32 = Number(BigInt.asUintN(32, env.address));
      else ins.nearBranch16 = Number(BigInt.asUintN(16, env.address));
      const enc = encoderFor(env.bitness);
      try {
        enc.encode(ins, env.address);
        return orderPrefixes(enc.takeBuffer(), env.bitness);
      } catch (e) {
        enc.takeBuffer();
        throw e;
      }
    } finally {
      ins.free();
    }
  };
  const finish = (bytes: Uint8Array, size: 1 | 2 | 4, form: 'short' | 'long' | undefined): Encoded => {
    const fieldOff = bytes.length - size;
    const relaxable = !!short && !!near;
    const extra = relaxable ? { branchForm: form! } : {};
    if (target.kind === 'local') {
      const disp = target.offset - (env.address + BigInt(bytes.length));
      const lim = 1n << BigInt(size * 8 - 1);
      if (disp < -lim || disp >= lim) throw new AsmError(`value of ${disp} too large for field of ${size} byte${size > 1 ? 's' : ''}`);
      writeLE(bytes, fieldOff, size, disp);
      return { bytes, fixups: [], ...extra };
    }
    writeLE(bytes, fieldOff, size, 0n);
    return { bytes, fixups: [{ offset: fieldOff, size, pcrel: true, signed: true, expr, branch: true }], ...extra };
  };
  const nearSize = (f: OpForm): 2 | 4 => (f.kinds[0] === K.br16_2 ? 2 : 4);
  if (short && !near) return finish(encodeForm(short), 1, undefined);
  if (!short && near) return finish(encodeForm(near), nearSize(near), undefined);
  if (!short || !near) throw new AsmError(`operand type mismatch for \`${mnemonic}'`);
  if (target.kind === 'local' && !env.longBranch) {
    const b = encodeForm(short);
    const disp = target.offset - (env.address + BigInt(b.length));
    if (disp >= -128n && disp <= 127n) return finish(b, 1, 'short');
  }
  return finish(encodeForm(near), nearSize(near), 'long');
}

const SUFFIX: Record<number, string> = { 8: 'b', 16: 'w', 32: 'l', 64: 'q' };

/** GNU as's wording for an instruction no form accepts. */
function mismatchError(insn: Insn, mnemonic: string, forms: OpForm[], ps: Prepared[], env: EncodeEnv, countOk: boolean): AsmError {
  const name = insn.syntax === 'att' && mnemonic === 'movzx' ? 'movzb' : mnemonic;
  if (!forms.some((f) => f.kinds.length >= ps.length && f.kinds.length - ps.length <= 2)) return new AsmError(`number of operands mismatch for \`${name}'`);
  const fitsUnsized = forms.some((f) => align(f, ps, { bitness: env.bitness, movabs: false, sizeKey: f.sizeKey }));
  if (insn.syntax === 'att' && insn.opSize && fitsUnsized) {
    // A suffix that contradicts a register: GNU as names the register (last AT&T operand first).
    for (const p of ps) {
      if (!p.reg || p.reg.cls !== 'gpr' || p.reg.bits === insn.opSize) continue;
      const sfx = SUFFIX[insn.opSize];
      if (p.reg.bits === 8 || insn.opSize === 8) return new AsmError(`\`%${p.reg.name}' not allowed with \`${mnemonic}${sfx}'`);
      return new AsmError(`incorrect register \`%${p.reg.name}' used with \`${sfx}' suffix`);
    }
  }
  // An immediate out of range for every form that would otherwise fit.
  const relaxed = ps.map((p) => (p.op.kind === 'imm' ? { ...p, imm: { kind: 'const', value: 0n } as Resolved } : p));
  const fitsRelaxed = forms.some((f) => align(f, relaxed, { bitness: env.bitness, movabs: false, sizeKey: f.sizeKey }));
  if (fitsRelaxed && ps.some((p) => p.op.kind === 'imm')) return new AsmError(`operand size mismatch for \`${name}'`);
  void countOk;
  return new AsmError(`operand type mismatch for \`${name}'`);
}

function icedError(ps: Prepared[], e: unknown, insn: Insn): AsmError {
  const high = ps.find((p) => p.reg?.high8);
  if (high) return new AsmError(`can't encode register '%${high.reg!.name}' in an instruction requiring REX prefix.`);
  return new AsmError(`cannot encode \`${insn.mnemonic}': ${e instanceof Error ? e.message : String(e)}`);
}
