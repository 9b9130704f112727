// Test harness for comparing our AT&T parser + encoder with GNU as, line by line: lays out a
// snippet (instructions, labels, `.fill`) with a two-pass branch loop, assembles the same text
// with `as -al`, and pairs each source line's bytes from the listing with ours.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Insn } from '../../../emulator/asm/ir';
import { Expr, mapSymbols, num, tryConst } from '../../../emulator/asm/expr';
import { parseAttInstruction } from '../../../emulator/asm/x86/att';
import { encodeInsn, Fixup, Resolved } from '../../../emulator/asm/x86/encode';

export interface Mismatch {
  line: number;
  text: string;
  gnu: string;
  ours: string;
}

export interface DiffResult {
  compared: number;
  mismatches: Mismatch[];
  /** Lines GNU as rejected (a generator bug). */
  gasErrors: string[];
  textIdentical: boolean;
}

export function haveGnuAs(): boolean {
  try {
    execFileSync('as', ['--version'], { stdio: 'ignore' });
    execFileSync('objcopy', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

type Item =
  | { kind: 'label'; name: string }
  | { kind: 'fill'; n: number }
  | { kind: 'insn'; insn?: Insn; error?: string };

const hex = (b: Uint8Array | number[]): string => Buffer.from(b).toString('hex');

/**
 * i386 objects use REL relocations: GNU as stores the addend in the field (the constant part of
 * the expression, minus the distance to the end of the instruction when pc-relative). The
 * encoder leaves fields zero (the linker-side driver's job); the harness does what as does.
 */
function storeRelAddends(bytes: Uint8Array, fixups: Fixup[]): void {
  for (const f of fixups) {
    let addend = tryConst(mapSymbols(f.expr, () => num(0)), () => undefined) ?? 0n;
    if (f.pcrel) addend -= BigInt(bytes.length - f.offset);
    let v = BigInt.asUintN(f.size * 8, addend);
    for (let k = 0; k < f.size; k++, v >>= 8n) bytes[f.offset + k] = Number(v & 0xffn);
  }
}

/** Our bytes per source line (1-based, index 0 is the `.text` line), laid out like GNU as relaxes. */
function assembleOurs(lines: string[], bitness: 64 | 32): { perLine: (string | undefined)[]; text: string } {
  const items: Item[] = lines.map((l) => {
    const lab = /^([.\w]+):$/.exec(l);
    if (lab) return { kind: 'label', name: lab[1] };
    const fill = /^\.fill (\d+), 1, 0x90$/.exec(l);
    if (fill) return { kind: 'fill', n: Number(fill[1]) };
    try {
      return { kind: 'insn', insn: parseAttInstruction(l, { file: 't.s', line: 1, col: 1 }) };
    } catch (e) {
      return { kind: 'insn', error: (e as Error).message };
    }
  });
  // Numeric labels: `Nf` is the next definition of N, `Nb` the latest one.
  const labelAt = new Map<string, number>();
  const numericDefs = new Map<string, number[]>();
  items.forEach((it, i) => {
    if (it.kind === 'label') {
      if (/^\d+$/.test(it.name)) (numericDefs.get(it.name) ?? numericDefs.set(it.name, []).get(it.name)!).push(i);
      else labelAt.set(it.name, i);
    }
  });
  const defIndex = (name: string, from: number): number | undefined => {
    const m = /^(\d+)([fb])$/.exec(name);
    if (!m) return labelAt.get(name);
    const defs = numericDefs.get(m[1]) ?? [];
    return m[2] === 'f' ? defs.find((d) => d > from) : [...defs].reverse().find((d) => d < from);
  };
  const offsets: (bigint | undefined)[] = items.map(() => undefined);
  const long = items.map(() => false);
  let out: (Uint8Array | undefined)[] = [];
  for (let pass = 0; pass < 200; pass++) {
    let addr = 0n;
    let changed = false;
    out = [];
    items.forEach((it, i) => {
      if (it.kind === 'label') {
        if (offsets[i] !== addr) changed = true;
        offsets[i] = addr;
        return;
      }
      if (it.kind === 'fill') {
        addr += BigInt(it.n);
        return;
      }
      if (!it.insn) return;
      const here = addr;
      const resolve = (e: Expr): Resolved => {
        const c = tryConst(e, () => undefined);
        if (c !== undefined) return { kind: 'const', value: c };
        if (e.kind === 'sym') {
          const d = defIndex(e.name, i);
          if (d !== undefined) return { kind: 'local', offset: offsets[d] ?? here };
        }
        return { kind: 'reloc' };
      };
      try {
        const r = encodeInsn(it.insn, { bitness, address: here, resolve, longBranch: long[i] });
        if (bitness === 32) storeRelAddends(r.bytes, r.fixups);
        if (r.branchForm === 'long' && !long[i]) { long[i] = true; changed = true; }
        out[i] = r.bytes;
        addr += BigInt(r.bytes.length);
      } catch (e) {
        out[i] = undefined;
        it.error = (e as Error).message;
      }
    });
    if (!changed) break;
  }
  const perLine: (string | undefined)[] = [undefined];
  let text = '';
  items.forEach((it, i) => {
    if (it.kind === 'insn') {
      perLine.push(out[i] ? hex(out[i]!) : `ERROR: ${it.error}`);
      if (out[i]) text += hex(out[i]!);
    } else {
      perLine.push(undefined);
      if (it.kind === 'fill') text += '90'.repeat(it.n);
    }
  });
  return { perLine, text };
}

/** Assembles with GNU as; returns listing bytes per source line (1-based) and the .text bytes. */
function assembleGnu(source: string, bitness: 64 | 32): { perLine: Map<number, string>; text: string; errors: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trapdoor-gas-'));
  try {
    const s = path.join(dir, 't.s');
    const o = path.join(dir, 't.o');
    const bin = path.join(dir, 't.bin');
    fs.writeFileSync(s, source);
    let listing = '';
    let errors: string[] = [];
    try {
      listing = execFileSync('as', [`--${bitness}`, '-al', '--listing-lhs-width=16', '--listing-cont-lines=10000', '-o', o, s], {
        encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28,
      });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      listing = err.stdout ?? '';
      errors = (err.stderr ?? '').split('\n').filter((l) => /Error:/.test(l));
    }
    const perLine = new Map<number, string>();
    for (const l of listing.split('\n')) {
      const m = /^\s*(\d+) ([0-9a-f]{4,}) ([0-9A-F ]*?)\s*\t/.exec(l) ?? /^\s*(\d+) {6}([0-9A-F ]+?)\s*$/.exec(l);
      if (!m) continue;
      const line = Number(m[1]);
      const bytes = (m.length === 4 ? m[3] : m[2]).replace(/ /g, '').toLowerCase();
      perLine.set(line, (perLine.get(line) ?? '') + bytes);
    }
    let text = '';
    if (!errors.length) {
      execFileSync('objcopy', ['-O', 'binary', '--only-section=.text', o, bin]);
      text = hex(fs.readFileSync(bin));
    }
    return { perLine, text, errors };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Compares every instruction line of `lines` (no `.text` line: the harness adds it). */
export function diffWithGas(lines: string[], bitness: 64 | 32): DiffResult {
  const source = ['.text', ...lines].join('\n') + '\n';
  const gnu = assembleGnu(source, bitness);
  const ours = assembleOurs(lines, bitness);
  const mismatches: Mismatch[] = [];
  let compared = 0;
  lines.forEach((text, i) => {
    const line = i + 2;
    const mine = ours.perLine[i + 1];
    if (mine === undefined) return;
    compared++;
    const theirs = gnu.perLine.get(line) ?? '';
    if (theirs !== mine) mismatches.push({ line, text, gnu: theirs, ours: mine });
  });
  return { compared, mismatches, gasErrors: gnu.errors, textIdentical: gnu.text !== '' && gnu.text === ours.text };
}
