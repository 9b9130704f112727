// The x86 instruction encoder: IR instruction -> bytes + fixups, choosing the same encoding GNU as
// 2.40 (without -O) chooses. Table-driven on iced-x86: match operands against every form of the
// mnemonic (optable.ts, match.ts), keep the shortest (first in opcode order on ties, which is the
// form GNU as lists first), encode it with iced's Encoder and patch fields that need relocations.

import { Encoder, Instruction, OpCodeOperandKind as K, OpKind, Register } from 'iced-x86';
import { AsmError, Insn, Operand } from '../ir';
import { Expr, num } from '../expr';
import { formTable, OpForm } from './optable';
import { accepts, fixedRegOf, IMM_KINDS, immFieldSize, immFits, MatchCtx, NEAR_BRANCH, prepareMem, Prepared, SHORT_BRANCH, STRING_KINDS } from './match';
import { regInfo, resizeGpr } from './registers';
import { nasmPrefixOrder, nasmRewrite } from './nasm-rewrite';
import { bitnessDefault, cmpPseudo, normalizeMnemonic, x87AttReversed, orderPrefixes, sizeDefault, truncationWarning } from './encode-rules';

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
  if (n === 'movabs' || cmpPseudo(n)) return true;
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
  if (insn.syntax !== 'nasm') return encodeGas(insn, env);
  // NASM chooses differently from GNU as in a few places: say so as IR rewrites, then reorder
  // the legacy prefixes the way NASM writes them (same count, so fixup offsets stay).
  const enc = encodeGas(nasmRewrite(insn, env.bitness, env.resolve), env);
  return { ...enc, bytes: nasmPrefixOrder(enc.bytes, env.bitness) };
}

function encodeGas(insn: Insn, env: EncodeEnv): Encoded {
  let mnemonic = bitnessDefault(normalizeMnemonic(insn.mnemonic), insn.opSize, env.bitness);
  const movabs = mnemonic === 'movabs';
  if (movabs) mnemonic = 'mov';
  const table = formTable(env.bitness);
  let operands = insn.operands;
  const cmp = table.has(mnemonic) ? undefined : cmpPseudo(mnemonic);
  if (cmp) {
    // `cmpltps` is `cmpps` with the predicate as the trailing immediate.
    mnemonic = cmp.mnemonic;
    operands = [...operands, { kind: 'imm', expr: num(cmp.predicate) }];
  }
  const reversed = insn.syntax === 'att' ? x87AttReversed(mnemonic) : undefined;
  if (reversed) {
    const stDest = operands.length === 2 && operands[0].kind === 'reg' && /^st[1-7]$/.test(operands[0].reg);
    if (stDest || (mnemonic.endsWith('p') && operands.length <= 1)) mnemonic = reversed;
  }
  const forms = special(mnemonic, operands, table.get(mnemonic), env.bitness);
  if (!forms) throw new AsmError(`no such instruction: \`${insn.mnemonic}'`);
  operands = forms.operands;
  const ignoreOpSize = forms.ignoreOpSize;

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
  // GNU as writes `int $3` as the one-byte int3 (NASM keeps cd 03).
  if (insn.syntax !== 'nasm' && mnemonic === 'int' && ps.length === 1 && ps[0].imm?.kind === 'const' && ps[0].imm.value === 3n) {
    return encodeInsn({ ...insn, mnemonic: 'int3', operands: [] }, env);
  }

  // Direct branches: relaxation is the driver's; the form follows from the target.
  if (!insn.indirect && !insn.far && ps.length === 1 && ps[0].op.kind === 'imm') {
    const branchForms = forms.forms.filter((f) => f.kinds.length === 1 && (SHORT_BRANCH.has(f.kinds[0]) || NEAR_BRANCH.has(f.kinds[0])));
    if (branchForms.length) return encodeBranch(insn, mnemonic, branchForms, ps[0], env);
  }

  // The choice depends only on the operands' shape: cache it so a hit costs one iced encode.
  const key = shapeKey(env.bitness, mnemonic, movabs, insn, ps);
  // Identical operand values give identical bytes (nothing here depends on the address): reuse them.
  const exactKey = key + valuesKey(ps);
  const memo = resultMemo.get(exactKey);
  if (memo) return fromMemo(memo, ps);
  const hit = choiceCache.get(key);
  let chosen: Candidate[];
  let sizeWarn = false;
  if (hit) {
    chosen = [hit.choice];
    sizeWarn = hit.sizeWarn;
  } else {
    const candidates: Candidate[] = [];
    let countOk = false;
    for (const form of forms.forms) {
      if (movabs && !form.kinds.some((k) => k === K.imm64 || k === K.mem_offs)) continue;
      if (insn.opSize && !ignoreOpSize && form.sizeKey && form.sizeKey !== insn.opSize) continue;
      if (form.kinds.length >= ps.length) countOk = true;
      const ctx: MatchCtx = { bitness: env.bitness, movabs, sizeKey: form.sizeKey };
      const assign = align(form, ps, ctx);
      if (assign) candidates.push({ form, assign });
    }
    if (!candidates.length) throw mismatchError(insn, mnemonic, forms.forms, ps, env, countOk);
    chosen = candidates;
    const sizes = new Set(candidates.map((c) => c.form.sizeKey));
    if (sizes.size > 1 && (!insn.opSize || ignoreOpSize)) {
      const d = sizeDefault(mnemonic, candidates.map((c) => c.form), env.bitness);
      chosen = candidates.filter((c) => c.form.sizeKey === d.size);
      sizeWarn = d.warn;
    }
  }
  const warnings: string[] = [];
  if (sizeWarn) warnings.push(`no instruction mnemonic suffix given and no register operands; using default for \`${insn.mnemonic}'`);

  let best: Built | undefined;
  let bestForm: OpForm | undefined;
  let lastError: unknown;
  for (const c of chosen) {
    try {
      const b = build(c, ps, insn, env);
      // On equal length GNU as prefers the sign-extended imm8 form (`add $1,%ax`: 66 83 c0 01, not 66 05).
      if (!best || b.bytes.length < best.bytes.length || (b.bytes.length === best.bytes.length && hasImm8s(c.form) && !hasImm8s(bestForm!))) {
        best = b;
        bestForm = c.form;
      }
    } catch (e) {
      if (e instanceof AsmError) throw e;
      lastError = e;
    }
  }
  if (!best) throw icedError(ps, lastError, insn);
  if (!hit) {
    if (choiceCache.size > 50000) choiceCache.clear();
    choiceCache.set(key, { choice: chosen.find((c) => c.form === bestForm)!, sizeWarn });
  }
  for (const w of best.warnings) warnings.push(w);
  const result: Encoded = { bytes: best.bytes, fixups: best.fixups, ...(warnings.length ? { warnings } : {}) };
  if (resultMemo.size > 100000) resultMemo.clear();
  resultMemo.set(exactKey, { bytes: best.bytes.slice(), fixups: best.fixups.map((f) => ({ ...f })), sources: best.sources, warnings });
  return result;
}

interface Built {
  bytes: Uint8Array;
  fixups: Fixup[];
  /** Operand index each fixup's expression comes from. */
  sources: number[];
  warnings: string[];
}

const PLACEHOLDER32 = 0x12345678n;

/** Encodes one candidate form; fields with relocations are zeroed and described by fixups. */
function build(c: Candidate, ps: Prepared[], insn: Insn, env: EncodeEnv): Built {
  const { form, assign } = c;
  const ins = Instruction.create(form.code);
  const warnings: string[] = [];
  const patches: { which: 'disp' | 'imm' | 'imm2'; fix?: Omit<Fixup, 'offset' | 'size'>; size?: 1 | 2 | 4 | 8; raw?: bigint; src?: number }[] = [];
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
      for (const pt of setMemory(ins, p!, k === K.mem_offs, env.bitness)) patches.push({ ...pt, src: assign[i] });
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
    const sources: number[] = [];
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
          sources.push(pt.src!);
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
      return { bytes: out, fixups, sources, warnings };
    }
    return { bytes: ordered, fixups, sources, warnings };
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
  // Branch forms exist per operand size (o16 jmp rel16 is valid in 64-bit mode); GNU as uses the
  // mode's size unless a suffix says otherwise. loop/jrcxz forms have no operand size.
  const want = insn.opSize || env.bitness;
  const counter = env.bitness === 64 ? 'RCX' : env.bitness === 32 ? 'ECX' : 'CX';
  const addrOk = (f: OpForm): boolean => !/_(R|E)?CX$/.test(f.name) || f.name.endsWith(`_${counter}`);
  const pick = (set: Set<number>): OpForm | undefined =>
    forms.find((f) => set.has(f.kinds[0]) && addrOk(f) && f.sizeKey === want) ??
    forms.find((f) => set.has(f.kinds[0]) && addrOk(f) && !f.sizeKey);
  const short = pick(SHORT_BRANCH);
  const near = pick(NEAR_BRANCH);
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
  const countFits = (f: OpForm): boolean => {
    const str = f.kinds.some((k) => STRING_KINDS.has(k));
    const implicit = (k: number): boolean => STRING_KINDS.has(k) || ST_KINDS.has(k) || (str && ACCUMULATORS.has(k)) || k === K.imm8_const_1 || k === K.sti_opcode;
    return f.kinds.length === ps.length || (f.kinds.length > ps.length && f.kinds.filter(implicit).length >= f.kinds.length - ps.length);
  };
  if (!forms.some(countFits)) return new AsmError(`number of operands mismatch for \`${name}'`);
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

const IMM8S = new Set<number>([K.imm8sex16, K.imm8sex32, K.imm8sex64]);
function hasImm8s(f: OpForm): boolean {
  return f.kinds.some((k) => IMM8S.has(k));
}

/** Selector loads that GNU as encodes without an operand-size prefix whatever the register width. */
const SELECTOR_LOADS = new Set(['ltr', 'lldt', 'lmsw', 'verr', 'verw']);
const ACC = new Set(['al', 'ax', 'eax', 'rax']);

/**
 * Instructions where GNU as deliberately departs from "match the written operands, pick the
 * shortest": returns the forms to consider and possibly rewritten operands.
 */
function special(mnemonic: string, operands: Operand[], forms: OpForm[] | undefined, bitness: number):
  { forms: OpForm[]; operands: Operand[]; ignoreOpSize: boolean } | undefined {
  if (!forms) return undefined;
  const to32 = (o: Operand): Operand => (o.kind === 'reg' && regInfo(o.reg)?.cls === 'gpr' && regInfo(o.reg)!.bits !== 32 ? { kind: 'reg', reg: resizeGpr(o.reg, 32) ?? o.reg } : o);
  if (SELECTOR_LOADS.has(mnemonic) && operands.length === 1) {
    // `ltr %ax` is 0f 00 d8: the selector is 16 bits whatever the prefix, so GNU as omits it.
    return { forms: forms.filter((f) => f.name.endsWith('_r32m16')), operands: operands.map(to32), ignoreOpSize: true };
  }
  if (mnemonic === 'mov' && operands.length === 2 && operands.some((o) => o.kind === 'reg' && regInfo(o.reg)?.cls === 'seg')) {
    const other = operands.find((o) => !(o.kind === 'reg' && regInfo(o.reg)?.cls === 'seg'))!;
    // Segment register moves: memory is always 16 bits (no 66), and a 64-bit GPR gets no REX.W.
    if (other.kind === 'mem') return { forms: forms.filter((f) => /r32m16/.test(f.name)), operands, ignoreOpSize: true };
    if (other.kind === 'reg' && regInfo(other.reg)?.bits === 64) return { forms, operands: operands.map(to32), ignoreOpSize: true };
  }
  if (mnemonic === 'xchg' && operands.length === 2) {
    const [a, b] = operands;
    // xchg is symmetric: put the accumulator second (90+r form) and memory first (87 /r).
    const swap = (a.kind === 'reg' && ACC.has(a.reg) && a.reg !== 'al' && !(b.kind === 'reg' && ACC.has(b.reg))) || b.kind === 'mem';
    let fs = forms;
    // In 64-bit mode 90 is nop, so `xchg %eax,%eax` must use 87 c0.
    if (bitness === 64 && a.kind === 'reg' && b.kind === 'reg' && a.reg === 'eax' && b.reg === 'eax') fs = forms.filter((f) => !f.name.endsWith('_EAX'));
    return { forms: fs, operands: swap ? [b, a] : operands, ignoreOpSize: false };
  }
  if ((mnemonic === 'blendvps' || mnemonic === 'blendvpd' || mnemonic === 'pblendvb') && operands.length === 3) {
    const last = operands[2];
    // The SSE4.1 forms read xmm0 implicitly; GAS lets AT&T code write it.
    if (last.kind === 'reg' && last.reg === 'xmm0') return { forms, operands: operands.slice(0, 2), ignoreOpSize: false };
  }
  return { forms, operands, ignoreOpSize: false };
}

const choiceCache = new Map<string, { choice: Candidate; sizeWarn: boolean }>();
const FIT_KINDS = [K.imm8, K.imm8sex16, K.imm8sex32, K.imm8sex64, K.imm16, K.imm32, K.imm32sex64, K.imm8_const_1];

/** Everything about the operands that can change which form wins (values only through their ranges). */
function shapeKey(bitness: number, mnemonic: string, movabs: boolean, insn: Insn, ps: Prepared[]): string {
  let k = `${bitness}|${mnemonic}|${movabs ? 1 : 0}|${insn.opSize}|${insn.syntax}|${insn.indirect ? 'ind' : ''}|${insn.far ? 'far' : ''}|${insn.prefixes.join(',')}`;
  for (const p of ps) {
    const op = p.op;
    if (op.kind === 'reg') k += `|${op.reg}`;
    else if (op.kind === 'imm') {
      const r = p.imm!;
      k += '|i';
      if (r.kind !== 'const') k += 'r';
      else for (const f of FIT_KINDS) k += immFits(f, r.value, 0) ? '1' : '0';
    } else {
      const d = p.disp!;
      const dc = d.kind !== 'const' ? 'r' : d.value === 0n ? '0' : d.value >= -128n && d.value <= 127n ? '8' : 'w';
      k += `|m${op.size}:${op.seg ?? ''}:${op.base ?? ''}:${op.index ?? ''}*${op.scale}:${op.ripRel ? 'rip' : ''}:${dc}`;
    }
  }
  return k;
}

interface Memo {
  bytes: Uint8Array;
  fixups: Fixup[];
  sources: number[];
  warnings: string[];
}
const resultMemo = new Map<string, Memo>();

/** The constant values of the operands (the shape key already holds everything else). */
function valuesKey(ps: Prepared[]): string {
  let k = '';
  for (const p of ps) {
    const r = p.op.kind === 'imm' ? p.imm : p.op.kind === 'mem' ? p.disp : undefined;
    k += r?.kind === 'const' ? `#${r.value}` : '#';
  }
  return k;
}

function fromMemo(m: Memo, ps: Prepared[]): Encoded {
  const fixups = m.fixups.map((f, i) => {
    const op = ps[m.sources[i]].op;
    return { ...f, expr: op.kind === 'imm' ? op.expr : (op as { disp: Expr }).disp };
  });
  return { bytes: m.bytes.slice(), fixups, ...(m.warnings.length ? { warnings: m.warnings.slice() } : {}) };
}
