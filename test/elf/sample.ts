// Hand-made executables for the ELF tests: section bytes written out by hand (no assembler), with
// symbols and line rows, plus small helpers to write them to disk and run host tools on them.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LineRow, OutSection, OutSymbol, layoutExecutable, writeExecutable } from '../../emulator/elf/writer';

export interface Sample {
  image: Uint8Array;
  sections: OutSection[];
  addresses: bigint[];
  lines: LineRow[];
  entry: bigint;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * x86-64: `mov $60,%eax; xor %edi,%edi; mov data(%rip),%dil; syscall` -> exits with the .data byte.
 * i386: `mov $1,%eax; mov $7,%ebx; int $0x80` -> exit 7.
 */
export function sample(elfClass: 32 | 64, exitCode = 42, compDir = '/src/proj'): Sample {
  const sections: OutSection[] = [
    { name: '.text', nobits: false, flags: { write: false, exec: true }, align: 16, size: 0, data: undefined },
    { name: '.rodata', nobits: false, flags: { write: false, exec: false }, align: 8, size: 6, data: ascii('hello\n') },
    { name: '.data', nobits: false, flags: { write: true, exec: false }, align: 4, size: 4, data: Uint8Array.from([exitCode, 0, 0, 0]) },
    { name: '.bss', nobits: true, flags: { write: true, exec: false }, align: 32, size: 0x2345 },
  ];
  // The text refers to .data, so its bytes depend on the layout; the sizes do not.
  const textSize = elfClass === 64 ? 5 + 2 + 7 + 2 : 5 + 5 + 2;
  sections[0].size = textSize;
  sections[0].data = new Uint8Array(textSize);
  const addresses = layoutExecutable(elfClass, sections).addresses;
  const t = addresses[0];
  let text: number[];
  let rows: [number, string, number][];
  if (elfClass === 64) {
    const rel = Number(addresses[2] - (t + 14n));
    text = [0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x40, 0x8a, 0x3d, rel & 0xff, (rel >> 8) & 0xff, (rel >> 16) & 0xff, (rel >>> 24) & 0xff, 0x0f, 0x05];
    rows = [[0, 'prog.s', 4], [5, 'prog.s', 5], [7, 'inc/exit.inc', 2], [14, 'prog.s', 170]];
  } else {
    text = [0xb8, 1, 0, 0, 0, 0xbb, 7, 0, 0, 0, 0xcd, 0x80];
    rows = [[0, 'prog32.s', 3], [5, 'prog32.s', 4], [10, 'prog32.s', 6]];
  }
  sections[0].data = Uint8Array.from(text);
  const lines: LineRow[] = rows.map(([off, file, line]) => ({ address: t + BigInt(off), file, line, column: 9 }));
  lines.push({ ...lines[lines.length - 1], address: t + BigInt(textSize), endSequence: true });
  const symbols: OutSymbol[] = [
    { name: 'prog.s', value: 0n, size: 0n, section: 'abs', binding: 'local', type: 'file' },
    { name: '_start', value: t, size: BigInt(textSize), section: 0, binding: 'global', type: 'func' },
    { name: 'greeting', value: addresses[1], size: 6n, section: 1, binding: 'local', type: 'object' },
    { name: 'code', value: addresses[2], size: 4n, section: 2, binding: 'weak', type: 'object' },
    { name: 'buffer', value: addresses[3], size: 0x2345n, section: 3, binding: 'local', type: 'object' },
    { name: 'BUFSIZE', value: 0x2345n, size: 0n, section: 'abs', binding: 'global', type: 'notype' },
  ];
  const image = writeExecutable({ elfClass, entry: t, sections, layout: { addresses }, symbols, lines, compDir, producer: 'Trapdoor assembler 0.1.0' });
  return { image, sections, addresses, lines, entry: t };
}

export function writeExe(dir: string, name: string, image: Uint8Array): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, image, { mode: 0o755 });
  return p;
}

/** Runs a host tool; returns stdout, or throws with its stderr. */
export function tool(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export const hex = (a: bigint | number): string => '0x' + a.toString(16);
