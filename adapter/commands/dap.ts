// `trapdoor dap`: serves the Debug Adapter Protocol on stdin/stdout, or on 127.0.0.1:N with --port N.

import { serveDap } from '../dap/main';

export const DAP_USAGE = `usage: trapdoor dap [--port N]

Serves the Debug Adapter Protocol (any DAP client: VS Code, nvim-dap, ...) on stdin/stdout,
or with --port N as a TCP server on 127.0.0.1 (loopback only).
`;

export function dapCommand(argv: string[]): number {
  if (argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(DAP_USAGE);
    return 0;
  }
  try {
    serveDap(argv);
  } catch (e) {
    process.stderr.write(`trapdoor dap: ${(e as Error).message}\n${DAP_USAGE}`);
    return 2;
  }
  return 0; // the session keeps the process alive
}
