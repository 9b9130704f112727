// `trapdoor tty-relay --port N --token T`: what the debug adapter asks VS Code to run in a
// terminal (runInTerminal) when a launch says "console": "integratedTerminal". It connects to the
// adapter on 127.0.0.1:N, says hello (the token, which of its streams are terminals, the window
// size), then copies the terminal's input to the adapter as typed and the guest's output, framed as
// [fd: 1 or 2][u32 length][bytes], to its own stdout and stderr. It ends when the adapter closes.

import * as net from 'net';
import * as tty from 'tty';

export const TTY_RELAY_USAGE = `usage: trapdoor tty-relay --port N --token T

Started by the debug adapter in a terminal (launch "console": "integratedTerminal"): carries the
debugged program's standard streams between that terminal and the adapter on 127.0.0.1:N.
`;

export function ttyRelayCommand(argv: string[]): number {
  const opt = (name: string): string | undefined => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const port = Number(opt('--port'));
  const token = opt('--token') ?? '';
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    process.stderr.write(`trapdoor tty-relay: --port needs a port number\n${TTY_RELAY_USAGE}`);
    return 2;
  }
  const sock = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  sock.on('connect', () => {
    const out = process.stdout as tty.WriteStream;
    sock.write(JSON.stringify({ token, tty: [0, 1, 2].map((fd) => tty.isatty(fd)), rows: out.rows || 24, cols: out.columns || 80 }) + '\n');
    process.stdin.on('data', (d: Buffer) => sock.write(d));
    process.stdin.on('end', () => sock.end()); // Ctrl-D: the program reads end of file
  });
  let buf: Buffer = Buffer.alloc(0);
  sock.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d;
    while (buf.length >= 5) {
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) break;
      (buf[0] === 2 ? process.stderr : process.stdout).write(buf.subarray(5, 5 + len));
      buf = buf.subarray(5 + len);
    }
  });
  // The session is over (the adapter ended its side): flush what the program wrote, stop reading the terminal.
  const finish = (): void => { process.stdout.write('', () => process.stderr.write('', () => process.exit(0))); };
  sock.on('end', finish);
  sock.on('close', finish);
  sock.on('error', (e) => {
    process.stderr.write(`trapdoor tty-relay: ${e.message}\n`);
    process.exit(1);
  });
  return 0;
}
