// The debug adapter's entry point (dist/adapter.js, the process the extension starts):
// DAP on stdin/stdout, or with `--port N` a TCP server on 127.0.0.1 (one session per connection).

import * as net from 'net';
import { TrapdoorSession } from './session';

/** Serves DAP; returns a promise for the server when listening on a port. */
export function serveDap(argv: string[]): net.Server | undefined {
  const i = argv.indexOf('--port');
  if (i >= 0) {
    const port = Number(argv[i + 1]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port needs a port number');
    const server = net.createServer((socket) => {
      const session = new TrapdoorSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    server.listen(port, '127.0.0.1', () => {
      const a = server.address();
      process.stderr.write(`trapdoor dap: listening on 127.0.0.1:${typeof a === 'object' && a ? a.port : port}\n`);
    });
    return server;
  }
  const session = new TrapdoorSession();
  session.start(process.stdin, process.stdout);
  return undefined;
}

if (require.main === module) serveDap(process.argv.slice(2));
