// NASM's default optimizations (-Ox) where they choose a different encoding from GNU as, stated
// as rewrites of the IR before the shared encoder sees it: `mov rax, 5` -> `mov eax, 5`,
// `[rax*2]` -> `[rax+rax]`, `[rel 0x28]` -> absolute, `mov rax, label` -> the imm64 form.
// NASM's legacy-prefix order is the one choice that is about bytes: nasmPrefixOrder.

import { Decoder, MandatoryPrefix } from 'iced-x86';
import { Expr } from '../expr';
import { Insn, Operand } from '../ir';
import { IntelImmOperand, IntelMemOperand } from './intel';

/** What the encoder knows of an expression's value (the encoder's `Resolved`). */
export type NasmResolved = { kind: 'const'; value: bigint } | { kind: 'local'; offset: bigint } | { kind: 'reloc' };

const GPR64 = /^(r[a-d]x|r[sd]i|r[sb]p|r(8|9|1[0-5]))$/;
const VEX_MOVES = new Set(['vmovaps', 'vmovapd', 'vmovups', 'vmovupd', 'vmovdqa', 'vmovdqu', 'vmovq']);
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
  stringSize(out);
  const noop = PREFIX_NOOP[bitness] ?? [];
  if (insn.prefixes.some((p) => noop.includes(p))) out.prefixes = insn.prefixes.filter((p) => !noop.includes(p));

  // `o64 push rax`: push/pop are already 64-bit, NASM emits no REX.W.
  if (bitness === 64 && /^(push|pop)$/.test(out.mnemonic) && out.prefixes.includes('rex.w')) out.prefixes = out.prefixes.filter((p) => p !== 'rex.w');
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
  // VEX register-to-register moves: GNU as swaps to the store opcode when that allows the 2-byte
  // VEX prefix; NASM always takes the first (load) form. `{load}` is GNU as's own way to say so.
  if (VEX_MOVES.has(out.mnemonic) && out.operands.length === 2 && a.kind === 'reg' && b.kind === 'reg' && !out.prefixes.includes('{load}')) {
    out.prefixes = [...out.prefixes, '{load}'];
  }
  // `push word 5`: the size keyword on a lone immediate is the operation size.
  if (out.operands.length === 1 && imm === undefined && out.operands[0].kind === 'imm') {
    const only = out.operands[0] as IntelImmOperand;
    // `push byte 5` and, in 64-bit mode, `push dword 5` only size the immediate (6a/68).
    if (only.sizeHint && out.opSize === 0 && /^push/.test(out.mnemonic) && only.sizeHint !== 8 && !(bitness === 64 && only.sizeHint === 32)) out.opSize = only.sizeHint;
  }
  return out;
}

const O_PREFIX: Record<string, string> = { data16: 'w', data32: 'd', 'rex.w': 'q' };

/** NASM `o64 stosd` is stosq and `o16 lodsw` is plain lodsw: the prefix sets a string op's size. */
function stringSize(insn: Insn): void {
  const m = /^(movs|stos|lods|scas|cmps|ins|outs)([wdq])$/.exec(insn.mnemonic);
  if (!m || insn.operands.length) return;
  const sizes = insn.prefixes.filter((p) => p in O_PREFIX);
  if (!sizes.length) return;
  insn.mnemonic = m[1] + O_PREFIX[sizes[sizes.length - 1]];
  insn.prefixes = insn.prefixes.filter((p) => !(p in O_PREFIX));
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

const SEGMENT_PREFIXES = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65]);
const isLegacyPrefix = (b: number) => b === 0xf0 || b === 0xf2 || b === 0xf3 || b === 0x66 || b === 0x67 || SEGMENT_PREFIXES.has(b);

/**
 * Reorders an encoded instruction's legacy prefixes from GNU as's order (`67 66 f0`) to NASM's:
 * lock/rep as written, then segment, operand size (66), address size (67), and the mandatory
 * prefix of SSE-style opcodes last. The count and so every fixup offset stay the same.
 */
export function nasmPrefixOrder(bytes: Uint8Array, bitness: 16 | 32 | 64): Uint8Array {
  let n = 0;
  while (n < bytes.length && isLegacyPrefix(bytes[n])) n++;
  if (n < 2) return bytes;
  const mandatoryByte = mandatoryPrefixOf(bytes, bitness);
  const mandatory = mandatoryByte === undefined ? -1 : bytes.subarray(0, n).lastIndexOf(mandatoryByte);
  const rank = (i: number): number => {
    const b = bytes[i];
    if (i === mandatory) return 4;
    if (b === 0xf0 || b === 0xf2 || b === 0xf3) return 0;
    if (SEGMENT_PREFIXES.has(b)) return 1;
    return b === 0x66 ? 2 : 3;
  };
  const order = [...Array(n).keys()].sort((x, y) => rank(x) - rank(y) || x - y);
  const out = Uint8Array.from(bytes);
  order.forEach((from, to) => { out[to] = bytes[from]; });
  return out;
}

/** The 66/f2/f3 byte the opcode itself requires (addpd, popcnt, movsd xmm), per iced's tables. */
function mandatoryPrefixOf(bytes: Uint8Array, bitness: number): number | undefined {
  const d = new Decoder(bitness, bytes, 0);
  const ins = d.decode();
  const op = ins.opCode;
  const mp = op.mandatoryPrefix;
  op.free();
  ins.free();
  d.free();
  return mp === MandatoryPrefix.P66 ? 0x66 : mp === MandatoryPrefix.PF3 ? 0xf3 : mp === MandatoryPrefix.PF2 ? 0xf2 : undefined;
}
