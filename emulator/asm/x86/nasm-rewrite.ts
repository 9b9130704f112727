// NASM's default optimizations (-Ox) where they choose a different encoding from GNU as, stated
// as rewrites of the IR before the shared encoder sees it: `mov rax, 5` -> `mov eax, 5`,
// `[rax*2]` -> `[rax+rax]`, `[rel 0x28]` -> absolute, `mov rax, label` -> the imm64 form.

import { Expr } from '../expr';
import { Insn, Operand } from '../ir';
import { IntelImmOperand, IntelMemOperand } from './intel';

/** What the encoder knows of an expression's value (the encoder's `Resolved`). */
export type NasmResolved = { kind: 'const'; value: bigint } | { kind: 'local'; offset: bigint } | { kind: 'reloc' };

const GPR64 = /^(r[a-d]x|r[sd]i|r[sb]p|r(8|9|1[0-5]))$/;
const PREFIX_NOOP: Record<number, string[]> = { 16: ['data16', 'addr16'], 32: ['data32', 'addr32'], 64: ['data32', 'addr64'] };

/**
 * Rewrites a NASM instruction so the GAS-minded encoder produces NASM's bytes. `resolve`, when
 * given, tells constants (`equ`, `lbl2-lbl1`, `$-$$`) from addresses; without it only plain
 * numbers count as constants.
 */
export function nasmRewrite(insn: Insn, bitness: number, resolve?: (e: Expr) => NasmResolved): Insn {
  const constOf = (e: Expr): bigint | undefined => {
    if (resolve) {
      const r = resolve(e);
      return r.kind === 'const' ? r.value : undefined;
    }
    return literal(e);
  };
  const out: Insn = { ...insn, operands: insn.operands.map((o) => operand(o, constOf)) };
  const noop = PREFIX_NOOP[bitness] ?? [];
  if (insn.prefixes.some((p) => noop.includes(p))) out.prefixes = insn.prefixes.filter((p) => !noop.includes(p));

  const [a, b] = out.operands;
  const imm = b?.kind === 'imm' ? (b as IntelImmOperand) : undefined;
  // `mov r64, imm`: NASM takes the 5-byte `mov r32, imm32` when the value fits 32 bits unsigned
  // (the upper half is zeroed anyway), and the 10-byte imm64 form for any address.
  if (bitness === 64 && out.mnemonic === 'mov' && out.operands.length === 2 && a.kind === 'reg' && GPR64.test(a.reg) && imm) {
    const v = constOf(imm.expr);
    if (imm.strict && imm.sizeHint === 64) out.mnemonic = 'movabs';
    else if (v === undefined) out.mnemonic = 'movabs';
    else if (BigInt.asUintN(64, v) <= 0xffffffffn) out.operands = [{ kind: 'reg', reg: reg32(a.reg) }, b];
  }
  // `push word 5`: the size keyword on a lone immediate is the operation size.
  if (out.operands.length === 1 && imm === undefined && out.operands[0].kind === 'imm') {
    const only = out.operands[0] as IntelImmOperand;
    if (only.sizeHint && out.opSize === 0 && /^push/.test(out.mnemonic)) out.opSize = only.sizeHint;
  }
  return out;
}

function operand(o: Operand, constOf: (e: Expr) => bigint | undefined): Operand {
  if (o.kind !== 'mem') return o;
  const m: IntelMemOperand = { ...o };
  // `[rax*2]` -> `[rax+rax]`: a base saves the 4-byte displacement a lone index needs.
  if (!m.base && m.index && m.scale === 2 && !m.nosplit) {
    m.base = m.index;
    m.scale = 1;
  }
  // An absolute number cannot be reached rip-relative: NASM warns and keeps it absolute.
  if (m.ripRel && m.disp && constOf(m.disp) !== undefined) m.ripRel = false;
  return m;
}

/** The value of an expression made of numbers only; undefined when it names a symbol or `$`. */
function literal(e: Expr): bigint | undefined {
  switch (e.kind) {
    case 'num':
      return e.value;
    case 'unary': {
      const v = literal(e.arg);
      if (v === undefined) return undefined;
      return e.op === '-' ? -v : e.op === '~' ? ~v : e.op === '!' ? (v === 0n ? 1n : 0n) : v;
    }
    case 'binary': {
      const x = literal(e.left);
      const y = literal(e.right);
      if (x === undefined || y === undefined) return undefined;
      switch (e.op) {
        case '+': return x + y;
        case '-': return x - y;
        case '*': return x * y;
        case '/': return y === 0n ? undefined : x / y;
        case '%': return y === 0n ? undefined : x % y;
        case '<<': return x << y;
        case '>>': return x >> y;
        case '&': return x & y;
        case '|': return x | y;
        case '^': return x ^ y;
        default: return undefined;
      }
    }
    default:
      return undefined;
  }
}

function reg32(r: string): string {
  if (/^r\d+$/.test(r)) return r + 'd';
  return 'e' + r.slice(1);
}
