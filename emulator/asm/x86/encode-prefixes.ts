// Prefixes written in the source, beyond what iced-x86 models: lock/rep/segment go to iced, data16/
// addr32 are emitted as written, `rex`/`rex.wrxb`/NASM `o64` are merged into the instruction's REX,
// and GNU as's pseudo-prefixes ({load} {store} {disp8} {disp32} {vex3} {rex}) steer form choices.

import { Instruction } from 'iced-x86';
import { AsmError, Insn } from '../ir';
import { regInfo } from './registers';

/** The pseudo-prefixes of one instruction (GNU as 2.40 spelling, NASM's `{load}` from nasmRewrite too). */
export interface Pseudo {
  load: boolean;
  store: boolean;
  disp8: boolean;
  disp32: boolean;
  vex3: boolean;
}

const NO_PSEUDO: Pseudo = { load: false, store: false, disp8: false, disp32: false, vex3: false };
const KNOWN_PSEUDO = new Set(['{load}', '{store}', '{disp8}', '{disp32}', '{vex3}', '{vex}', '{vex2}', '{rex}', '{nooptimize}']);

export function pseudoPrefixes(prefixes: string[]): Pseudo {
  if (!prefixes.length) return NO_PSEUDO;
  let out: Pseudo | undefined;
  for (const p of prefixes) {
    if (p[0] !== '{') continue;
    if (!KNOWN_PSEUDO.has(p)) throw new AsmError(`invalid \`${p}' prefix`);
    out ??= { ...NO_PSEUDO };
    if (p === '{load}') out.load = true;
    else if (p === '{store}') out.store = true;
    else if (p === '{disp8}') out.disp8 = true;
    else if (p === '{disp32}') out.disp32 = true;
    else if (p === '{vex3}') out.vex3 = true;
  }
  return out ?? NO_PSEUDO;
}

/** REX bits (W=8 R=4 X=2 B=1) a prefix name asks for; undefined when it is not a REX prefix. */
export function rexPrefixBits(p: string): number | undefined {
  if (p === 'rex' || p === '{rex}') return 0;
  if (p === 'rex64') return 8;
  const m = /^rex\.([wrxb]{1,4})$/.exec(p);
  if (!m) return undefined;
  let bits = 0;
  for (const c of m[1]) bits |= c === 'w' ? 8 : c === 'r' ? 4 : c === 'x' ? 2 : 1;
  return bits;
}

/** Sets the prefixes iced models (lock, rep, a written segment) on `ins`. */
export function applyPrefixes(ins: Instruction, insn: Insn): void {
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
export function explicitPrefixBytes(insn: Insn): number[] {
  const out: number[] = [];
  for (const p of insn.prefixes) {
    if (p === 'data16' || p === 'data32') out.push(0x66);
    else if (p === 'addr32' || p === 'addr16' || p === 'addr64') out.push(0x67);
  }
  return out;
}

const LEGACY = new Set([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3]);

/**
 * Merges written REX prefixes into encoded bytes: OR-ed into the instruction's own REX, or a new
 * REX byte right before the opcode. `insertedAt` is the index of an inserted byte (-1: none;
 * callers shift fixups at or after it). Throws GNU as's errors; NASM merges silently.
 */
export function mergeRex(bytes: Uint8Array, insn: Insn, bitness: number, mnemonic: string): { bytes: Uint8Array; insertedAt: number } {
  let bits = -1;
  let name = '';
  for (const p of insn.prefixes) {
    const b = rexPrefixBits(p);
    if (b === undefined) continue;
    if (bits < 0) name = p;
    bits = Math.max(bits, 0) | b;
  }
  if (bits < 0) return { bytes, insertedAt: -1 };
  if (bitness !== 64) throw new AsmError(`\`${name}' is only supported in 64-bit mode`);
  let n = 0;
  while (n < bytes.length && LEGACY.has(bytes[n])) n++;
  const op = bytes[n];
  if (op === 0xc4 || op === 0xc5) throw new AsmError(`REX prefix invalid with \`${mnemonic}'`);
  if (op >= 0x40 && op <= 0x4f) {
    if ((op & bits & 0xf) && insn.syntax !== 'nasm') throw new AsmError('same type of prefix used twice');
    const out = bytes.slice();
    out[n] = op | bits;
    return { bytes: out, insertedAt: -1 };
  }
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes.subarray(0, n));
  out[n] = 0x40 | bits;
  out.set(bytes.subarray(n), n + 1);
  return { bytes: out, insertedAt: n };
}
