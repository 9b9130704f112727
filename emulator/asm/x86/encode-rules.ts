// GNU as's policies that are not "pick the shortest form": mnemonic aliases, the default operand
// size when nothing sizes an instruction, the truncation warning for immediates, and the order
// in which it writes legacy prefixes.

import type { OpForm } from './optable';

const CC_ALIAS: Record<string, string> = {
  z: 'e', nz: 'ne', c: 'b', nae: 'b', nc: 'ae', nb: 'ae', na: 'be', nbe: 'a',
  nge: 'l', nl: 'ge', ng: 'le', nle: 'g', pe: 'p', po: 'np',
};

const ALIAS: Record<string, string> = {
  // GNU as encodes sal exactly as shl (/4), not with the /6 alias.
  sal: 'shl',
  xlat: 'xlatb',
  // In 64-bit mode GNU as writes `ud2a`-style and Intel spellings of the same opcodes.
  ud2a: 'ud2',
  int1: 'int1',
  icebp: 'int1',
  fwait: 'wait',
};

/** Maps Intel spelling variants to the iced-x86 mnemonic the table is indexed by. */
export function normalizeMnemonic(m: string): string {
  const a = ALIAS[m];
  if (a) return a;
  for (const p of ['j', 'set', 'cmov']) {
    if (m.startsWith(p)) {
      const cc = CC_ALIAS[m.slice(p.length)];
      if (cc) return p + cc;
    }
  }
  return m;
}

/** Stack and branch instructions default to the stack width, silently; others warn. */
const STACK = new Set(['push', 'pop', 'call', 'jmp', 'ret', 'retf', 'enter', 'leave', 'pushf', 'popf', 'lgdt', 'lidt', 'sgdt', 'sidt']);

/**
 * The operand size GNU as uses when no suffix or register sizes an instruction with a memory
 * operand (`add $1, (%rax)`): `l` for integer instructions (with a warning), the smallest memory
 * form for x87 (`fadd (%rax)` is `fadds`), the stack width for push/pop/call/jmp.
 */
export function sizeDefault(mnemonic: string, forms: OpForm[], bitness: number): { size: number; warn: boolean } {
  const sizes = [...new Set(forms.map((f) => f.sizeKey))].sort((a, b) => a - b);
  // `lret`/`retf`: 32 bits outside 16-bit mode; GNU as warns in 64-bit mode, where 64 would be possible.
  if (mnemonic === 'retf') return { size: bitness === 16 ? 16 : 32, warn: bitness === 64 };
  if (STACK.has(mnemonic)) {
    const want = bitness === 16 ? 16 : bitness === 32 ? 32 : 64;
    return { size: sizes.includes(want) ? want : sizes[sizes.length - 1], warn: false };
  }
  // The x87 environment forms follow the mode's operand size (32-bit in long mode), silently.
  if (/^f(n?stenv|ldenv|n?save|rstor)$/.test(mnemonic)) return { size: bitness === 16 ? 16 : 32, warn: false };
  const sse = forms.some((f) => f.name.includes('xmm') || f.name.includes('ymm'));
  if (mnemonic.startsWith('f') && !sse) return { size: sizes[0], warn: true };
  return { size: sizes.includes(32) ? 32 : sizes[0], warn: !sse };
}

/** GNU as's `0x12c shortened to 0x2c` when a constant does not fit its field (negative values wrap silently). */
export function truncationWarning(v: bigint, bits: number): string | undefined {
  if (bits >= 64) return undefined;
  const s = BigInt.asIntN(64, v);
  const mask = (1n << BigInt(bits)) - 1n;
  if ((s & ~mask) === 0n || (s | mask) === -1n) return undefined;
  return `0x${BigInt.asUintN(64, s).toString(16)} shortened to 0x${(s & mask).toString(16)}`;
}

// GNU as writes legacy prefixes in a fixed order: segment, 67, 66, f2/f3, f0 (then REX/VEX).
const RANK: Record<number, number> = { 0x26: 1, 0x2e: 1, 0x36: 1, 0x3e: 1, 0x64: 1, 0x65: 1, 0x67: 2, 0x66: 3, 0xf2: 4, 0xf3: 4, 0xf0: 5 };

/** Reorders the leading legacy prefixes of iced's output into GNU as's order (in place). */
export function orderPrefixes(bytes: Uint8Array, _bitness: number): Uint8Array {
  let n = 0;
  while (n < bytes.length && RANK[bytes[n]] !== undefined) n++;
  if (n < 2) return bytes;
  const pre = Array.from(bytes.subarray(0, n)).sort((a, b) => RANK[a] - RANK[b]);
  bytes.set(pre, 0);
  return bytes;
}

// Unsuffixed spellings whose iced mnemonic is the 16-bit form; GNU as means the mode's default.
const BITNESS_DEFAULT: Record<string, Partial<Record<number, string>>> = {
  pushf: { 32: 'pushfd', 64: 'pushfq' },
  popf: { 32: 'popfd', 64: 'popfq' },
  iret: { 32: 'iretd', 64: 'iretd' },
  pusha: { 32: 'pushad' },
  popa: { 32: 'popad' },
};

/** The mnemonic an unsuffixed `pushf`/`iret`/... means in `bitness`. */
export function bitnessDefault(mnemonic: string, opSize: number, bitness: number): string {
  return (!opSize && BITNESS_DEFAULT[mnemonic]?.[bitness]) || mnemonic;
}

const CMP_PREDICATES = ['eq', 'lt', 'le', 'unord', 'neq', 'nlt', 'nle', 'ord', 'eq_uq', 'nge', 'ngt', 'false', 'neq_oq', 'ge', 'gt', 'true',
  'eq_os', 'lt_oq', 'le_oq', 'unord_s', 'neq_us', 'nlt_uq', 'nle_uq', 'ord_s', 'eq_us', 'nge_uq', 'ngt_uq', 'false_os', 'neq_os', 'ge_oq', 'gt_oq', 'true_us'];

/** `cmpltps` -> `cmpps` with predicate 1 (and the AVX `vcmp...` spellings, which have 32 predicates). */
export function cmpPseudo(mnemonic: string): { mnemonic: string; predicate: number } | undefined {
  const m = /^(v?)cmp([a-z_]+)(ps|pd|ss|sd)$/.exec(mnemonic);
  if (!m) return undefined;
  const i = CMP_PREDICATES.indexOf(m[2]);
  if (i < 0 || (i >= 8 && !m[1])) return undefined;
  return { mnemonic: `${m[1]}cmp${m[3]}`, predicate: i };
}

/** x87 arithmetic whose AT&T spelling with a st(i) destination means the reverse operation (GNU as's SYSV386_COMPAT). */
const X87_REVERSED: Record<string, string> = {
  fsub: 'fsubr', fsubr: 'fsub', fdiv: 'fdivr', fdivr: 'fdiv', fsubp: 'fsubrp', fsubrp: 'fsubp', fdivp: 'fdivrp', fdivrp: 'fdivp',
};
export function x87AttReversed(mnemonic: string): string | undefined {
  return X87_REVERSED[mnemonic];
}
