// AT&T mnemonic spelling -> Intel mnemonic + operand size: GAS's suffixes (addl, movq), its own
// names (movzbl, cltq, cqto), x87 memory suffixes (flds, fildll) and the names where the suffix
// is part of an Intel mnemonic (movq, movsd, cmpsd). Operand-aware only where GAS is.

import { isKnownMnemonic } from './encode';

export interface AttMnemonic {
  mnemonic: string;
  /** Size selected by the suffix (destination size for movzx/movsx), 0 if none. */
  opSize: number;
  /** Size of the memory source for movzx/movsx/crc32-style suffixes (0: none). */
  srcSize?: number;
  far?: boolean;
}

const SUFFIX_BITS: Record<string, number> = { b: 8, w: 16, l: 32, q: 64 };

const FIXED: Record<string, AttMnemonic> = {
  cbtw: { mnemonic: 'cbw', opSize: 0 },
  cwtl: { mnemonic: 'cwde', opSize: 0 },
  cltq: { mnemonic: 'cdqe', opSize: 0 },
  cwtd: { mnemonic: 'cwd', opSize: 0 },
  cltd: { mnemonic: 'cdq', opSize: 0 },
  cqto: { mnemonic: 'cqo', opSize: 0 },
  movslq: { mnemonic: 'movsxd', opSize: 64, srcSize: 32 },
  movsl: { mnemonic: 'movsd', opSize: 0 },
  cmpsl: { mnemonic: 'cmpsd', opSize: 0 },
  lodsl: { mnemonic: 'lodsd', opSize: 0 },
  stosl: { mnemonic: 'stosd', opSize: 0 },
  scasl: { mnemonic: 'scasd', opSize: 0 },
  insl: { mnemonic: 'insd', opSize: 0 },
  outsl: { mnemonic: 'outsd', opSize: 0 },
  sysretl: { mnemonic: 'sysret', opSize: 0 },
  iretl: { mnemonic: 'iretd', opSize: 0 },
  iretw: { mnemonic: 'iret', opSize: 16 },
  pushfl: { mnemonic: 'pushfd', opSize: 0 },
  popfl: { mnemonic: 'popfd', opSize: 0 },
  pushfw: { mnemonic: 'pushf', opSize: 16 },
  popfw: { mnemonic: 'popf', opSize: 16 },
  pushal: { mnemonic: 'pushad', opSize: 0 },
  popal: { mnemonic: 'popad', opSize: 0 },
  lret: { mnemonic: 'retf', opSize: 0 },
  lretq: { mnemonic: 'retf', opSize: 64 },
  lretl: { mnemonic: 'retf', opSize: 32 },
  lretw: { mnemonic: 'retf', opSize: 16 },
  ljmp: { mnemonic: 'jmp', opSize: 0, far: true },
  lcall: { mnemonic: 'call', opSize: 0, far: true },
  ljmpw: { mnemonic: 'jmp', opSize: 16, far: true },
  ljmpl: { mnemonic: 'jmp', opSize: 32, far: true },
  lcallw: { mnemonic: 'call', opSize: 16, far: true },
  lcalll: { mnemonic: 'call', opSize: 32, far: true },
  movabs: { mnemonic: 'movabs', opSize: 0 },
  xlat: { mnemonic: 'xlatb', opSize: 0 },
};

// x87 memory suffixes: float forms take s/l/t (32/64/80), integer forms s/l/ll/q (16/32/64/64).
const X87_FLOAT = new Set(['fld', 'fst', 'fstp', 'fadd', 'fsub', 'fsubr', 'fmul', 'fdiv', 'fdivr', 'fcom', 'fcomp']);
const X87_INT = new Set(['fild', 'fist', 'fistp', 'fisttp', 'fiadd', 'fisub', 'fisubr', 'fimul', 'fidiv', 'fidivr', 'ficom', 'ficomp']);

/** Does the instruction use MMX/SSE registers (then `movq` is the vector move, not mov with `q`)? */
export type OperandClassifier = () => boolean;

/**
 * Resolves an AT&T mnemonic; `vectorOperands` says whether any operand is an mm/xmm/ymm register,
 * `operandCount` how many operands were written. Undefined if unknown.
 */
export function resolveAttMnemonic(m: string, vectorOperands: boolean, operandCount: number): AttMnemonic | undefined {
  const fixed = FIXED[m];
  if (fixed) return fixed;
  let mm: RegExpMatchArray | null;
  if ((mm = m.match(/^mov([zs])([bw])([wlq]?)$/)) && !(mm[1] === 's' && operandCount === 0)) {
    return { mnemonic: mm[1] === 's' ? 'movsx' : 'movzx', opSize: mm[3] ? SUFFIX_BITS[mm[3]] : 0, srcSize: SUFFIX_BITS[mm[2]] };
  }
  if ((mm = m.match(/^movabs([bwlq])$/))) return { mnemonic: 'movabs', opSize: SUFFIX_BITS[mm[1]] };
  if (m === 'movq' && !vectorOperands) return { mnemonic: 'mov', opSize: 64 };
  if ((mm = m.match(/^crc32([bwlq])$/))) return { mnemonic: 'crc32', opSize: 0, srcSize: SUFFIX_BITS[mm[1]] };
  if (m.startsWith('f') && !isKnownMnemonic(m)) {
    for (const [sfx, fl, int] of [['ll', 0, 64], ['s', 32, 16], ['l', 64, 32], ['t', 80, 0], ['q', 0, 64]] as const) {
      if (!m.endsWith(sfx)) continue;
      const base = m.slice(0, -sfx.length);
      if (X87_FLOAT.has(base) && fl) return { mnemonic: base, opSize: fl };
      if (X87_INT.has(base) && int) return { mnemonic: base, opSize: int };
    }
  }
  if (isKnownMnemonic(m)) return { mnemonic: m, opSize: 0 };
  const sfx = m[m.length - 1];
  if (SUFFIX_BITS[sfx] && m.length > 1) {
    const base = m.slice(0, -1);
    if (isKnownMnemonic(base) || base === 'movabs') return { mnemonic: base, opSize: SUFFIX_BITS[sfx] };
  }
  return undefined;
}
