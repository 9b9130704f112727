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
  wait: 'fwait',
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
  if (STACK.has(mnemonic)) {
    const want = bitness === 16 ? 16 : bitness === 32 ? 32 : 64;
    return { size: sizes.includes(want) ? want : sizes[sizes.length - 1], warn: false };
  }
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
