// The guest's standard streams: fds 0/1/2 are bound to a HostIO, synchronous by design (the CPU runs
// in a loop on the host thread). NodeHostIO passes the real process's stdio; BufferHostIO is for tests.

import * as fs from 'fs';
import * as tty from 'tty';

export interface HostIO {
  /** Up to `max` bytes from the stream (fd 0); an empty array is end of file. */
  read(fd: number, max: number): Uint8Array;
  /** Writes all bytes to fd 1 or 2 and returns how many were written. */
  write(fd: number, bytes: Uint8Array): number;
  isatty(fd: number): boolean;
  /** The host's fstat of the real descriptor (so a redirected stdout is S_IFREG with its size). */
  fstat?(fd: number): fs.BigIntStats | undefined;
  /** Terminal size for TIOCGWINSZ. */
  winsize?(fd: number): { rows: number; cols: number };
}

/** The real process's stdin/stdout/stderr. */
export class NodeHostIO implements HostIO {
  read(fd: number, max: number): Uint8Array {
    const buf = new Uint8Array(Math.max(0, max));
    for (;;) {
      try { return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, null)); } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); continue; }
        if (code === 'EOF') return buf.subarray(0, 0);
        throw e;
      }
    }
  }
  write(fd: number, bytes: Uint8Array): number {
    let done = 0;
    while (done < bytes.length) {
      try { done += fs.writeSync(fd, bytes, done, bytes.length - done); } catch (e) {
        if ((e as { code?: string }).code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); continue; }
        throw e;
      }
    }
    return done;
  }
  isatty(fd: number): boolean { return tty.isatty(fd); }
  fstat(fd: number): fs.BigIntStats | undefined {
    try { return fs.fstatSync(fd, { bigint: true }); } catch { return undefined; }
  }
  winsize(fd: number): { rows: number; cols: number } {
    const s = fd === 2 ? process.stderr : process.stdout;
    return { rows: s.rows || 24, cols: s.columns || 80 };
  }
}

/** In-memory streams: stdin from a buffer, stdout/stderr collected. */
export class BufferHostIO implements HostIO {
  private pos = 0;
  readonly out: number[][] = [[], [], []];
  constructor(private readonly stdin: Uint8Array = new Uint8Array(0), private readonly ttys: Set<number> = new Set()) {}
  read(_fd: number, max: number): Uint8Array {
    const b = this.stdin.subarray(this.pos, this.pos + Math.max(0, max));
    this.pos += b.length;
    return b.slice();
  }
  write(fd: number, bytes: Uint8Array): number {
    for (const x of bytes) this.out[fd].push(x);
    return bytes.length;
  }
  isatty(fd: number): boolean { return this.ttys.has(fd); }
  winsize(): { rows: number; cols: number } { return { rows: 24, cols: 80 }; }
  text(fd: number): string { return Buffer.from(this.out[fd]).toString('utf8'); }
}
