// The x86 instruction encoder: IR instruction -> bytes + fixups, choosing the same encoding GNU as
// 2.40 (without -O) chooses. Table-driven on iced-x86: match operands against every form of the
// mnemonic (optable.ts, match.ts), keep the shortest (first in opcode order on ties, which is the
// form GNU as lists first), encode it with iced's Encoder and patch fields that need relocations.

import { OpCodeOperandKind as K } from 'iced-x86';
import { AsmError, Insn, Operand } from '../ir';
import { Expr, num } from '../expr';
import { formTable, OpForm } from './optable';
import { accepts, MatchCtx, prepareMem, Prepared, STRING_KINDS } from './match';
import { regInfo } from './registers';
import { nasmPrefixOrder, nasmRewrite } from './nasm-rewrite';
import { bitnessDefault, cmpPseudo, normalizeMnemonic, x87AttReversed, sizeDefault } from './encode-rules';
import { pseudoPrefixes } from './encode-prefixes';
import { build, Built, Candidate, icedError } from './encode-build';
import { branchForms, encodeBranch, encodeFarDirect } from './encode-branch';
import { directionOf, special } from './encode-special';
import { cachedChoice, memoize, memoized, rememberChoice, shapeKey } from './encode-cache';
import type { IntelImmOperand } from './intel';

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

/** True if `name` is an Intel mnemonic (or alias) the encoder knows in some mode. */
export function isKnownMnemonic(name: string): boolean {
  const n = normalizeMnemonic(name);
  if (n === 'movabs' || cmpPseudo(n)) return true;
  return formTable(64).has(n) || formTable(32).has(n) || formTable(16).has(n);
}

const ST_KINDS = new Set<number>([K.st0]);
const ACCUMULATORS = new Set<number>([K.al, K.ax, K.eax, K.rax, K.dx]);

/** Lines written operands up with a form's kinds, letting implicit operands go unwritten. */
function align(form: OpForm, ps: Prepared[], ctx: MatchCtx): number[] | undefined {
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
  let movabs = mnemonic === 'movabs';
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
  const pseudo = pseudoPrefixes(insn.prefixes);
  const forms = special(mnemonic, operands, table.get(mnemonic), insn, env.bitness, pseudo);
  if (!forms) throw new AsmError(`no such instruction: \`${insn.mnemonic}'`);
  if (forms.instead) return encodeGas(forms.instead, env);
  operands = forms.operands;
  const ignoreOpSize = forms.ignoreOpSize;
  // Far jumps and calls through memory default to m16:32 (GNU as; NASM's 64-bit mode: m16:64).
  const opSize = insn.opSize || (insn.far ? (env.bitness === 16 ? 16 : insn.syntax === 'nasm' ? env.bitness : 32) : 0);

  // `imul $3, %eax` is the three-operand form with the register as both destination and source.
  if (mnemonic === 'imul' && operands.length === 2 && operands[1].kind === 'imm') operands = [operands[0], operands[0], operands[1]];
  const ps: Prepared[] = operands.map((op) => prepare(op, env));
  // GNU as quirk: `{disp32} mov 0x1000,%eax` in 64-bit mode takes the moffs64 form, as movabs would.
  if (pseudo.disp32 && mnemonic === 'mov' && env.bitness === 64 && ps.length === 2) {
    const acc = ps.find((p) => p.reg?.cls === 'gpr' && p.reg.iced === regInfo(ACC_OF[p.reg.bits])?.iced);
    const abs = ps.find((p) => p.op.kind === 'mem' && !p.op.base && !p.op.index && !p.op.ripRel);
    if (acc && abs) movabs = true;
  }
  // GNU as writes `int $3` as the one-byte int3 (NASM keeps cd 03).
  if (insn.syntax !== 'nasm' && mnemonic === 'int' && ps.length === 1 && ps[0].imm?.kind === 'const' && ps[0].imm.value === 3n) {
    return encodeInsn({ ...insn, mnemonic: 'int3', operands: [] }, env);
  }

  // Direct branches: relaxation is the driver's; the form follows from the target.
  if (!insn.indirect && ps.length && ps.every((p) => p.op.kind === 'imm')) {
    if (insn.far && ps.length === 2) return encodeFarDirect(insn, mnemonic, ps, env);
    const bf = ps.length === 1 && !insn.far ? branchForms(forms.forms) : [];
    if (bf.length) return encodeBranch(insn, mnemonic, bf, ps[0], env);
  }

  // The choice depends only on the operands' shape: cache it so a hit costs one iced encode.
  // Identical operands give identical bytes (nothing here depends on the address): reuse them.
  const { shape: key, exact: exactKey } = shapeKey(env.bitness, mnemonic, movabs, insn, ps);
  const memo = memoized(exactKey, ps);
  if (memo) return memo;
  const hit = cachedChoice(key);
  let chosen: Candidate[];
  let sizeWarn = false;
  if (hit) {
    chosen = [hit.choice];
    sizeWarn = hit.sizeWarn;
  } else {
    const candidates: Candidate[] = [];
    let countOk = false;
    const ctx: MatchCtx = { bitness: env.bitness, movabs, sizeKey: 0 };
    for (const form of forms.forms) {
      if (ps.length > form.kinds.length || ps.length < form.minOps) continue;
      if (movabs && !form.kinds.some((k) => k === K.imm64 || k === K.mem_offs)) continue;
      if (opSize && !ignoreOpSize && form.sizeKey && form.sizeKey !== opSize) continue;
      countOk = true;
      ctx.sizeKey = form.sizeKey;
      const assign = align(form, ps, ctx);
      if (assign && strictOk(form, assign, ps)) candidates.push({ form, assign });
    }
    if (!candidates.length) throw mismatchError(insn, mnemonic, forms.forms, ps, env, countOk);
    chosen = candidates;
    const sizes = new Set(candidates.map((c) => c.form.sizeKey));
    if (sizes.size > 1 && (!opSize || ignoreOpSize)) {
      const d = sizeDefault(mnemonic, candidates.map((c) => c.form), env.bitness);
      chosen = candidates.filter((c) => c.form.sizeKey === d.size);
      // Only an unsized memory operand (or lret) leaves GNU as guessing; `nop` has nothing to size. NASM never warns.
      sizeWarn = d.warn && insn.syntax !== 'nasm' && (mnemonic === 'retf' || ps.some((p) => p.op.kind === 'mem'));
    }
    // {load}/{store} between register forms; GNU as ignores them where only one direction exists.
    if ((pseudo.load || pseudo.store) && ps.every((p) => p.reg)) {
      const other = pseudo.load ? 'store' : 'load';
      const dir = chosen.filter((c) => directionOf(c.form) !== other);
      if (dir.length) chosen = dir;
    }
  }
  const warnings: string[] = [];
  if (sizeWarn) {
    warnings.push(insn.syntax === 'intel' ? `ambiguous operand size; using default for \`${insn.mnemonic}'`
      : `no instruction mnemonic suffix given and no register operands; using default for \`${insn.mnemonic}'`);
  }
  if (mnemonic === 'lea' && insn.syntax !== 'nasm' && ps.some((p) => p.op.kind === 'mem' && p.op.seg)) warnings.push("segment override on `lea' is ineffectual");

  let best: Built | undefined;
  let bestForm: OpForm | undefined;
  let lastError: unknown;
  for (const c of chosen) {
    try {
      const b = build(c, ps, insn, env, pseudo);
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
  if (!hit) rememberChoice(key, { choice: chosen.find((c) => c.form === bestForm)!, sizeWarn });
  for (const w of best.warnings) warnings.push(w);
  memoize(exactKey, { bytes: best.bytes, fixups: best.fixups, sources: best.sources, warnings });
  return { bytes: best.bytes, fixups: best.fixups, ...(warnings.length ? { warnings } : {}) };
}

function prepare(op: Operand, env: EncodeEnv): Prepared {
  const p: Prepared = { op };
  if (op.kind === 'reg') {
    p.reg = regInfo(op.reg);
    if (!p.reg) throw new AsmError(`bad register name \`${op.reg}'`);
  } else if (op.kind === 'imm') {
    p.imm = env.resolve(op.expr);
  } else {
    prepareMem(p);
    p.disp = op.disp ? env.resolve(op.disp) : ZERO;
  }
  return p;
}
const ACC_OF: Record<number, string> = { 8: 'al', 16: 'ax', 32: 'eax', 64: 'rax' };
const ZERO: Resolved = { kind: 'const', value: 0n };

/** NASM `strict dword 5`: the immediate keeps the written field size (no imm8 shortening). */
function strictOk(form: OpForm, assign: number[], ps: Prepared[]): boolean {
  for (let i = 0; i < assign.length; i++) {
    if (assign[i] < 0) continue;
    const op = ps[assign[i]].op as IntelImmOperand;
    if (op.kind !== 'imm' || !op.strict || !op.sizeHint) continue;
    const bits = IMM_FIELD_BITS.get(form.kinds[i]);
    if (bits !== op.sizeHint && !(op.sizeHint === 64 && bits === 32)) return false;
  }
  return true;
}
const IMM_FIELD_BITS = new Map<number, number>([[K.imm8, 8], [K.imm8sex16, 8], [K.imm8sex32, 8], [K.imm8sex64, 8], [K.imm16, 16],
  [K.imm32, 32], [K.imm32sex64, 32], [K.imm64, 64]]);

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

const IMM8S = new Set<number>([K.imm8sex16, K.imm8sex32, K.imm8sex64]);
function hasImm8s(f: OpForm): boolean {
  return f.kinds.some((k) => IMM8S.has(k));
}

