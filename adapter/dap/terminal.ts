// The guest's standard streams in a terminal (launch `"console": "integratedTerminal"` or
// "externalTerminal", when the client supports runInTerminal): the adapter opens a loopback
// socket and asks the client to run `trapdoor tty-relay --port N --token T` in a terminal. The
// relay carries the guest's stdout and stderr to the terminal (framed: [fd][u32 length][bytes])
// and the terminal's stdin, as typed, to the guest (raw bytes, after one JSON hello line saying
// which of its streams are terminals and the window size; the guest's isatty follows it).
//
// A read with no input typed yet cannot block the adapter's only thread (pause must still be
// answered): the read throws NeedInput, the runtime takes the vmcall back (undoVmcall) and runs
// on when input comes. The error is `transient`, so the time-travel recording does not log it.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { DebugProtocol } from '@vscode/debugprotocol';
import { HostIO } from '../../emulator/kernel/native/hostio';

/** No input yet: the service is asked again when `wait`'s callback runs. */
export class NeedInput extends Error {
  readonly transient = true;
  constructor(readonly wait: (ready: () => void) => void) {
    super('waiting for input from the terminal');
  }
}

export type TerminalKind = 'integrated' | 'external';

interface Hello { token: string; tty: boolean[]; rows: number; cols: number }

const CONNECT_MS = 10000;

/** The command line that runs the relay: the bundle's cli.js beside the adapter, or the compiled one. */
export function relayCommand(): string[] {
  for (const c of [path.join(__dirname, 'cli.js'), path.join(__dirname, '..', 'cli.js')]) {
    if (fs.existsSync(c)) return [process.execPath, c, 'tty-relay'];
  }
  throw new Error(`cannot find cli.js near ${__dirname} (for the terminal relay)`);
}

export class TerminalIO implements HostIO {
  private chunks: Buffer[] = [];
  private eof = false;
  private waiters: (() => void)[] = [];
  private readonly stdinFile?: Uint8Array;
  private stdinPos = 0;

  private constructor(private readonly socket: net.Socket, private readonly hello: Hello, stdinFile?: string) {
    if (stdinFile) this.stdinFile = fs.readFileSync(stdinFile);
    socket.on('data', (d: Buffer) => { this.chunks.push(d); this.wake(); });
    socket.on('end', () => { this.eof = true; this.wake(); });
    socket.on('close', () => { this.eof = true; this.wake(); });
    socket.on('error', () => { this.eof = true; this.wake(); });
  }

  /**
   * Asks the client for a terminal running the relay and waits for it to connect.
   * `run` sends the runInTerminal request (the session's runInTerminalRequest).
   */
  static open(run: (args: DebugProtocol.RunInTerminalRequestArguments, timeout: number, cb: (r: DebugProtocol.RunInTerminalResponse) => void) => void,
    o: { kind: TerminalKind; title: string; cwd: string; stdinFile?: string }): Promise<TerminalIO> {
    const token = crypto.randomBytes(16).toString('hex');
    return new Promise((resolve, reject) => {
      const server = net.createServer({ allowHalfOpen: true });
      const fail = (why: string): void => { clearTimeout(timer); server.close(); reject(new Error(why)); };
      const timer = setTimeout(() => fail(`the terminal did not connect within ${CONNECT_MS / 1000} s`), CONNECT_MS);
      server.on('connection', (sock) => {
        // The first line is the relay's hello: anything else on this port is not our relay.
        let head = Buffer.alloc(0);
        const onData = (d: Buffer): void => {
          head = Buffer.concat([head, d]);
          const nl = head.indexOf(10);
          if (nl < 0) return;
          sock.off('data', onData);
          let hello: Hello;
          try { hello = JSON.parse(head.subarray(0, nl).toString('utf8')) as Hello; } catch { sock.destroy(); return; }
          if (hello.token !== token) { sock.destroy(); return; }
          clearTimeout(timer);
          server.close();
          const io = new TerminalIO(sock, hello, o.stdinFile);
          if (head.length > nl + 1) io.chunks.push(head.subarray(nl + 1));
          resolve(io);
        };
        sock.on('data', onData);
      });
      server.on('error', (e) => fail(`terminal: ${e.message}`));
      server.listen(0, '127.0.0.1', () => {
        const port = (server.address() as net.AddressInfo).port;
        let args: string[];
        try { args = [...relayCommand(), '--port', String(port), '--token', token]; } catch (e) { return fail((e as Error).message); }
        // VS Code runs the adapter with its own executable as Node: the relay needs the same switch.
        run({ kind: o.kind, title: o.title, cwd: o.cwd, args, env: { ELECTRON_RUN_AS_NODE: '1' } }, CONNECT_MS, (r) => {
          if (!r.success) fail(`runInTerminal failed: ${r.message ?? 'no reason given'}`);
        });
      });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  read(_fd: number, max: number): Uint8Array {
    if (this.stdinFile) {
      const b = this.stdinFile.subarray(this.stdinPos, this.stdinPos + Math.max(0, max));
      this.stdinPos += b.length;
      return b.slice();
    }
    if (this.chunks.length === 0) {
      if (this.eof || max <= 0) return new Uint8Array(0);
      throw new NeedInput((ready) => this.waiters.push(ready));
    }
    // What has been typed, up to `max` bytes (a terminal's read returns what is there).
    const all = Buffer.concat(this.chunks);
    const n = Math.min(max, all.length);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    return new Uint8Array(all.subarray(0, n));
  }

  write(fd: number, bytes: Uint8Array): number {
    if (this.socket.writable && bytes.length > 0) {
      const head = Buffer.alloc(5);
      head[0] = fd === 2 ? 2 : 1;
      head.writeUInt32BE(bytes.length, 1);
      this.socket.write(Buffer.concat([head, Buffer.from(bytes)]));
    }
    return bytes.length; // a closed terminal swallows output, as a hung-up tty would not block
  }

  isatty(fd: number): boolean {
    return this.stdinFile && fd === 0 ? false : this.hello.tty[fd] === true;
  }

  winsize(): { rows: number; cols: number } {
    return { rows: this.hello.rows || 24, cols: this.hello.cols || 80 };
  }

  /** The session is over: the relay ends when its socket does (after the last output). */
  close(): void {
    this.socket.end();
  }
}
