// x86 register names (lowercase Intel spelling, as the IR uses them) with their class, size and
// iced-x86 Register number. Shared by the AT&T parser (to validate `%name`) and the encoder.

import { Register } from 'iced-x86';

export type RegClass = 'gpr' | 'seg' | 'cr' | 'dr' | 'tr' | 'mm' | 'xmm' | 'ymm' | 'st' | 'ip';

export interface RegInfo {
  name: string;
  cls: RegClass;
  /** Width in bits (GPRs 8/16/32/64, xmm 128, ymm 256, st 80; 0 when meaningless). */
  bits: number;
  /** iced-x86 Register number. */
  iced: number;
  /** ah ch dh bh: cannot be encoded together with a REX prefix. */
  high8?: boolean;
  /** spl bpl sil dil r8b..r15b: need a REX prefix. */
  needsRex?: boolean;
}

const table = new Map<string, RegInfo>();

function add(name: string, cls: RegClass, bits: number, icedName: string, extra: Partial<RegInfo> = {}): void {
  const iced = (Register as unknown as Record<string, number>)[icedName];
  if (iced === undefined) throw new Error(`iced-x86 has no register ${icedName}`);
  table.set(name, { name, cls, bits, iced, ...extra });
}

const legacy64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const legacy32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const legacy16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const legacy8 = ['al', 'cl', 'dl', 'bl'];
for (let i = 0; i < 8; i++) {
  add(legacy64[i], 'gpr', 64, legacy64[i].toUpperCase());
  add(legacy32[i], 'gpr', 32, legacy32[i].toUpperCase());
  add(legacy16[i], 'gpr', 16, legacy16[i].toUpperCase());
}
for (const r of legacy8) add(r, 'gpr', 8, r.toUpperCase());
for (const r of ['ah', 'ch', 'dh', 'bh']) add(r, 'gpr', 8, r.toUpperCase(), { high8: true });
for (const r of ['spl', 'bpl', 'sil', 'dil']) add(r, 'gpr', 8, r.toUpperCase(), { needsRex: true });
for (let n = 8; n < 16; n++) {
  add(`r${n}`, 'gpr', 64, `R${n}`);
  add(`r${n}d`, 'gpr', 32, `R${n}D`);
  add(`r${n}w`, 'gpr', 16, `R${n}W`);
  add(`r${n}b`, 'gpr', 8, `R${n}L`, { needsRex: true });
}
for (const s of ['es', 'cs', 'ss', 'ds', 'fs', 'gs']) add(s, 'seg', 16, s.toUpperCase());
for (let n = 0; n < 16; n++) {
  add(`cr${n}`, 'cr', 0, `CR${n}`);
  add(`dr${n}`, 'dr', 0, `DR${n}`);
  add(`xmm${n}`, 'xmm', 128, `XMM${n}`);
  add(`ymm${n}`, 'ymm', 256, `YMM${n}`);
}
for (let n = 0; n < 8; n++) {
  add(`mm${n}`, 'mm', 64, `MM${n}`);
  add(`st${n}`, 'st', 80, `ST${n}`);
  if (n >= 3) add(`tr${n}`, 'tr', 0, `TR${n}`);
}
add('rip', 'ip', 64, 'RIP');
add('eip', 'ip', 32, 'EIP');

/** Looks up a canonical lowercase register name (`st` alone means st0). */
export function regInfo(name: string): RegInfo | undefined {
  return table.get(name === 'st' ? 'st0' : name);
}

/** The same general register at another width (`rax` -> `eax`), or undefined. */
export function resizeGpr(name: string, bits: 16 | 32 | 64): string | undefined {
  const rows = [legacy16, legacy32, legacy64];
  for (const row of rows) {
    const i = row.indexOf(name);
    if (i >= 0) return (bits === 16 ? legacy16 : bits === 32 ? legacy32 : legacy64)[i];
  }
  const m = /^r(\d+)[dwb]?$/.exec(name);
  if (m) return `r${m[1]}${bits === 16 ? 'w' : bits === 32 ? 'd' : ''}`;
  return undefined;
}
