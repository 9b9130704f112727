// A pipe (Linux's fs/pipe.c): a buffer of PIPE_SIZE bytes with a read end and a write end, each an
// open file description. Readers of an empty pipe sleep while a writer exists; when none is left
// they read end of file. Writers sleep while the pipe is full; a write of at most PIPE_BUF bytes is
// atomic; with no reader left it fails with EPIPE (and the caller raises SIGPIPE).

import { EAGAIN, EPIPE } from './errno';
import { WOULD_SLEEP } from '../abi';
import { Sleeper, WaitQueue } from './wait';

export const PIPE_SIZE = 65536;
export const PIPE_BUF = 4096;

export class Pipe {
  private chunks: Uint8Array[] = [];
  private size = 0;
  readers = 0;
  writers = 0;
  /** Readers wait here for data (or for the last writer to go). */
  readonly readWait = new WaitQueue();
  /** Writers wait here for room (or for the last reader to go). */
  readonly writeWait = new WaitQueue();

  constructor(private readonly sleep: Sleeper, readonly ino: number) {}

  get available(): number {
    return this.size;
  }

  /**
   * read(2) on the read end. `done` bytes of this call were already read: then an empty pipe ends
   * the call (-EAGAIN, which the kernel's loop turns into the count so far) instead of sleeping.
   */
  read(count: number, nonblock: boolean, done: number): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (count === 0) return { ret: 0, bytes: none };
    if (this.size === 0) {
      if (this.writers === 0) return { ret: 0, bytes: none }; // end of file
      if (nonblock || done > 0) return { ret: -EAGAIN, bytes: none };
      this.sleep(this.readWait);
      return { ret: WOULD_SLEEP, bytes: none };
    }
    const n = Math.min(count, this.size);
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - got);
      out.set(c.subarray(0, k), got);
      got += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    this.writeWait.wakeAll();
    return { ret: n, bytes: out };
  }

  /** write(2) on the write end: how many bytes went in, -EPIPE, -EAGAIN, or WOULD_SLEEP. */
  write(bytes: Uint8Array, nonblock: boolean): number {
    if (this.readers === 0) return -EPIPE;
    if (bytes.length === 0) return 0;
    const room = PIPE_SIZE - this.size;
    // Up to PIPE_BUF bytes go in whole or not at all; more may be split.
    const fits = bytes.length <= PIPE_BUF ? (room >= bytes.length ? bytes.length : 0) : Math.min(room, bytes.length);
    if (fits === 0) {
      if (nonblock) return -EAGAIN;
      this.sleep(this.writeWait);
      return WOULD_SLEEP;
    }
    this.chunks.push(bytes.slice(0, fits));
    this.size += fits;
    this.readWait.wakeAll();
    return fits;
  }

  /** One end was closed for the last time. */
  release(end: 'read' | 'write'): void {
    if (end === 'read') this.readers--;
    else this.writers--;
    // Readers see end of file, writers see EPIPE: both must look again.
    this.readWait.wakeAll();
    this.writeWait.wakeAll();
  }
}
