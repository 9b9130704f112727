// `trapdoor asm FILE... -o OUT`: assemble and link sources into a static ELF executable.

import * as fs from 'fs';
import { assembleProgram, formatDiagnostic } from '../../emulator/asm/index';

export const ASM_USAGE = `usage: trapdoor asm FILE... [-o OUT] [--32] [-I DIR]

Assembles GNU as (.s, .S) or NASM (.asm, .nasm) sources and links them into a static ELF
executable (default a.out), with symbols and a DWARF line table.
  -o OUT     the executable to write
  --32       an i386 (ELF32) program; also when every source starts with .code32 / bits 32
  -I DIR     search DIR for .include / %include files
`;

export function asmCommand(args: string[]): number {
  const files: string[] = [];
  let out = 'a.out';
  let bits: 32 | 64 | undefined;
  const includePaths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-o') {
      if (i + 1 >= args.length) return usageError('-o needs a file name');
      out = args[++i];
    } else if (a.startsWith('-o') && a.length > 2) out = a.slice(2);
    else if (a === '--32') bits = 32;
    else if (a === '--64') bits = 64;
    else if (a === '-I') {
      if (i + 1 >= args.length) return usageError('-I needs a folder');
      includePaths.push(args[++i]);
    } else if (a.startsWith('-I') && a.length > 2) includePaths.push(a.slice(2));
    else if (a.startsWith('-') && a !== '-') return usageError(`unknown option '${a}'`);
    else files.push(a);
  }
  if (files.length === 0) return usageError('no input files');
  const result = assembleProgram(files.map((path) => ({ path })), { bits, includePaths, compDir: process.cwd() });
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  if (!result.image) return 1;
  try {
    fs.writeFileSync(out, result.image);
    fs.chmodSync(out, 0o755);
  } catch (e) {
    process.stderr.write(`trapdoor: can't write ${out}: ${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}

function usageError(msg: string): number {
  process.stderr.write(`trapdoor asm: ${msg}\n${ASM_USAGE}`);
  return 2;
}
