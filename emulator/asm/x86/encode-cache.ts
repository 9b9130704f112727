// The encoder's two caches: which form wins for an operand shape (so a repeat costs one iced
// encode), and the finished bytes for identical operand values (so a repeat costs a copy). Keys
// hold every Insn/Operand field that can change the bytes, including intel.ts's extra fields.

import { OpCodeOperandKind as K } from 'iced-x86';
import type { Insn } from '../ir';
import type { Expr } from '../expr';
import type { Encoded, Fixup } from './encode';
import type { Candidate } from './encode-build';
import { immFits, Prepared } from './match';
import { regInfo } from './registers';
import type { IntelImmOperand, IntelInsn, IntelMemOperand } from './intel';

export interface Choice {
  choice: Candidate;
  sizeWarn: boolean;
}
const choiceCache = new Map<string, Choice>();

export function cachedChoice(key: string): Choice | undefined {
  return choiceCache.get(key);
}
export function rememberChoice(key: string, c: Choice): void {
  if (choiceCache.size > 50000) choiceCache.clear();
  choiceCache.set(key, c);
}

const FIT_KINDS = [K.imm8, K.imm8sex16, K.imm8sex32, K.imm8sex64, K.imm16, K.imm32, K.imm32sex64];

/**
 * Everything about the instruction and its operands that can change which form wins: values only
 * through their ranges, registers only through what matching and lengths see (class, size, REX
 * needs, and the exact name for registers some form names: al/cl/dx/eax/xmm0/st0, string bases).
 * `exact` adds the register names and constant values: equal exact keys give equal bytes.
 */
export function shapeKey(bitness: number, mnemonic: string, movabs: boolean, insn: Insn, ps: Prepared[]): { shape: string; exact: string } {
  const x = insn as IntelInsn;
  let k = `${bitness}|${mnemonic}|${movabs ? 1 : 0}|${insn.opSize}|${insn.syntax}|${insn.indirect ? 'i' : ''}${insn.far ? 'f' : ''}${x.branchHint ?? ''}|${insn.prefixes.join(',')}`;
  let e = '';
  for (const p of ps) {
    const op = p.op;
    if (op.kind === 'reg') {
      k += '|' + regToken(op.reg);
      e += '|' + op.reg;
    } else if (op.kind === 'imm') {
      const r = p.imm!;
      const io = op as IntelImmOperand;
      k += `|i${io.strict ? 's' : ''}${io.sizeHint ?? ''}:`;
      if (r.kind !== 'const') {
        k += 'r';
        e += '|';
      } else {
        let bits = 0;
        for (let i = 0; i < FIT_KINDS.length; i++) if (immFits(FIT_KINDS[i], r.value, 0)) bits |= 1 << i;
        // imm8_const_1 (`shl $1`) fits only 1.
        k += r.value === 1n ? `${bits}!` : `${bits}`;
        e += '|' + r.value;
      }
    } else {
      const d = p.disp!;
      const mo = op as IntelMemOperand;
      const dc = d.kind !== 'const' ? 'r' : d.value === 0n ? '0' : d.value >= -128n && d.value <= 127n ? '8' : 'w';
      const base = op.base ? baseToken(op.base) : '';
      const index = op.index ? regToken(op.index) : '';
      k += `|m${op.size}:${op.seg ?? ''}:${base}:${index}*${op.scale}:${op.ripRel ? 'rip' : ''}:${dc}:${mo.dispSize ?? ''}${mo.nosplit ? 'n' : ''}${mo.abs ? 'a' : ''}`;
      e += `|${op.base ?? ''},${op.index ?? ''},${d.kind === 'const' ? d.value : ''}`;
    }
  }
  return { shape: k, exact: k + e };
}

// Registers a form names as a fixed operand, or that GNU as treats specially: matched by name.
const BY_NAME = new Set(['al', 'cl', 'ax', 'dx', 'eax', 'rax', 'st0', 'xmm0', 'es', 'cs', 'ss', 'ds', 'fs', 'gs']);
// Bases whose encoding differs (SIB, forced disp8) or that string forms require.
const BASE_BY_NAME = new Set(['rsp', 'rbp', 'r12', 'r13', 'esp', 'ebp', 'r12d', 'r13d', 'sp', 'bp', 'si', 'di', 'bx', 'rsi', 'rdi', 'rbx', 'esi', 'edi', 'ebx']);
const tokens = new Map<string, string>();

function regToken(name: string): string {
  let t = tokens.get(name);
  if (t === undefined) {
    const r = regInfo(name);
    const high = /(^|[a-z])(8|9|1[0-5])[a-z]?$/.test(name) && !/^st/.test(name);
    t = !r || BY_NAME.has(name) ? name : `${r.cls}${r.bits}${high ? 'h' : ''}${r.needsRex ? 'x' : ''}${r.high8 ? '8' : ''}`;
    tokens.set(name, t);
  }
  return t;
}

function baseToken(name: string): string {
  return BASE_BY_NAME.has(name) ? name : regToken(name);
}

interface Memo {
  bytes: Uint8Array;
  fixups: Fixup[];
  sources: number[];
  warnings: string[];
}
const resultMemo = new Map<string, Memo>();

export function memoized(exactKey: string, ps: Prepared[]): Encoded | undefined {
  const m = resultMemo.get(exactKey);
  if (!m) return undefined;
  const fixups = m.fixups.map((f, i) => {
    const op = ps[m.sources[i]].op;
    return { ...f, expr: op.kind === 'imm' ? op.expr : (op as { disp: Expr }).disp };
  });
  return { bytes: m.bytes.slice(), fixups, ...(m.warnings.length ? { warnings: m.warnings.slice() } : {}) };
}

export function memoize(exactKey: string, m: Memo): void {
  if (resultMemo.size > 100000) resultMemo.clear();
  resultMemo.set(exactKey, { bytes: m.bytes.slice(), fixups: m.fixups.map((f) => ({ ...f })), sources: m.sources, warnings: m.warnings.slice() });
}
