// The compiler table: for each iced-x86 Mnemonic, a function that turns a decoded instruction
// (Desc) into a specialised closure, or returns null for forms we do not implement (-> #UD).
// Instruction families register themselves from their own files (alu.ts, shift.ts, sse-*.ts ...).

import { Desc } from './decode';
import { Exec } from './operands';
import { GuestFault, VEC_UD, VEC_GP } from '../memory/fault';

export type Compiler = (d: Desc) => Exec | null;

export const compilers: (Compiler | undefined)[] = [];

export function def(mnems: number | number[], f: Compiler): void {
  // A second definition for the same mnemonic is tried first; when it returns null the earlier one is
  // (mov: general vs. control/segment registers; movsd: string vs. SSE2).
  for (const m of Array.isArray(mnems) ? mnems : [mnems]) {
    const prev = compilers[m];
    compilers[m] = prev ? (d) => f(d) ?? prev(d) : f;
  }
}

/** Cycle costs by mnemonic (default 1); see cost.ts for the sources. */
export const costs: number[] = [];

export function ud(): never { throw new GuestFault(VEC_UD); }
export function gp0(): never { throw new GuestFault(VEC_GP, 0); }
