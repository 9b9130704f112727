// The `trapdoor` command line. `asm` assembles and links sources into a static executable; the
// machine's commands (`run`, `syscalls`, `dap`) come with the emulator.

import * as fs from 'fs';
import { assembleProgram, formatDiagnostic } from '../emulator/asm/index';

const USAGE = `usage: trapdoor <command> [options]

commands:
  asm FILE... [-o OUT] [--32] [-I DIR]   assemble GAS (.s, .S) or NASM (.asm, .nasm) sources
                                         and link them into a static ELF executable (default a.out)
  help                                   this text
`;

export function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'asm':
      return asmCommand(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      process.stderr.write(`trapdoor: unknown command '${cmd}'\n${USAGE}`);
      return 2;
  }
}

function asmCommand(args: string[]): number {
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
  process.stderr.write(`trapdoor: ${msg}\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    // A bug of ours, never the user's input: say so in one line, without a stack trace.
    process.stderr.write(`trapdoor: internal error: ${(e as Error).message}\n`);
    process.exitCode = 70;
  }
}
