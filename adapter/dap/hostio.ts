// The guest's standard streams in a debug session: stdin from a file (launch `stdin`) or empty,
// stdout and stderr handed to a callback that the session turns into Debug Console output.

import * as fs from 'fs';
import { HostIO } from '../../emulator/kernel/native/hostio';

export class SessionHostIO implements HostIO {
  private pos = 0;
  private readonly input: Uint8Array;

  constructor(stdinFile: string | undefined, private readonly out: (fd: number, bytes: Uint8Array) => void) {
    this.input = stdinFile ? fs.readFileSync(stdinFile) : new Uint8Array(0);
  }

  read(_fd: number, max: number): Uint8Array {
    const b = this.input.subarray(this.pos, this.pos + Math.max(0, max));
    this.pos += b.length;
    return b.slice();
  }

  write(fd: number, bytes: Uint8Array): number {
    this.out(fd, bytes.slice());
    return bytes.length;
  }

  isatty(): boolean {
    return false;
  }

  winsize(): { rows: number; cols: number } {
    return { rows: 24, cols: 80 };
  }
}
