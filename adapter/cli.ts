// The `trapdoor` command line: one machine, three ways in. `asm` assembles, `run` runs a program
// on the emulated machine (with an strace-format trace), `syscalls` lists the system call table.

import { ASM_USAGE, asmCommand } from './commands/asm';
import { RUN_USAGE, runCommand } from './commands/run';
import { SYSCALLS_USAGE, syscallsCommand } from './commands/syscalls';
import { dapCommand } from './commands/dap';
import { TTY_RELAY_USAGE, ttyRelayCommand } from './commands/tty-relay';

const USAGE = `usage: trapdoor <command> [options]

commands:
  run PROGRAM [ARGS...]    run a program (assembly source or ELF executable) on the emulated machine
                           (--strace: print its system calls as strace does)
  asm FILE... -o OUT       assemble GAS or NASM sources into a static ELF executable
  syscalls [--json]        list the system call table: numbers, names, handlers, implemented or not
  dap [--port N]           serve the Debug Adapter Protocol on stdio (or TCP on 127.0.0.1:N)
  tty-relay --port N       (started by the debugger in a terminal: the program's stdin/stdout there)
  help [COMMAND]           this text, or a command's options
`;

const HELP: Record<string, string> = { asm: ASM_USAGE, run: RUN_USAGE, syscalls: SYSCALLS_USAGE, 'tty-relay': TTY_RELAY_USAGE };

export function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if ((cmd === 'asm' || cmd === 'run' || cmd === 'syscalls') && (rest[0] === '--help' || rest[0] === '-h')) {
    process.stdout.write(HELP[cmd]);
    return 0;
  }
  switch (cmd) {
    case 'asm':
      return asmCommand(rest);
    case 'run':
      return runCommand(rest);
    case 'syscalls':
      return syscallsCommand(rest);
    case 'dap':
      return dapCommand(rest);
    case 'tty-relay':
      return ttyRelayCommand(rest);
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(rest[0] && HELP[rest[0]] ? HELP[rest[0]] : USAGE);
      return 0;
    case undefined:
      process.stderr.write(USAGE);
      return 2;
    default:
      process.stderr.write(`trapdoor: unknown command '${cmd}'\n${USAGE}`);
      return 2;
  }
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
