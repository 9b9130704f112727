// eventfd (Linux's fs/eventfd.c): a 64-bit counter in the kernel behind a file descriptor, the
// lightest way for one task to wake another. write(2) adds an 8-byte value to the counter; read(2)
// takes the whole count and leaves 0 (EFD_SEMAPHORE: takes 1). A read of an empty counter and a
// write that would reach 2^64 - 1 wait (or fail with EAGAIN when non-blocking); poll sees both.

import { WOULD_SLEEP } from '../abi';
import { EAGAIN, EINVAL } from './errno';
import { FileOps, O_CLOEXEC, O_NONBLOCK } from './fdtable';
import { KStat, synthStat } from './stat';
import { Sleeper, WaitQueue } from './wait';

export const EFD_SEMAPHORE = 1, EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK;
/** The counter never reaches this: a write of it is refused, one that would reach it waits. */
const ULLONG_MAX = 0xffffffffffffffffn;
export const POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLRDNORM = 0x40, POLLWRNORM = 0x100;

export class EventFd implements FileOps {
  /** Readers, writers and pollers all wait here; every change wakes them to look again. */
  readonly wait = new WaitQueue();

  constructor(private readonly sleep: Sleeper, public count: bigint, readonly semaphore: boolean, readonly ino: number) {}

  read(count: number, nonblock: boolean): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (count < 8) return { ret: -EINVAL, bytes: none };
    if (this.count === 0n) {
      if (nonblock) return { ret: -EAGAIN, bytes: none };
      this.sleep(this.wait);
      return { ret: WOULD_SLEEP, bytes: none };
    }
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    this.wait.wakeAll(); // writers waiting for room
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return { ret: 8, bytes: b };
  }

  write(bytes: Uint8Array, nonblock: boolean): number {
    if (bytes.length < 8) return -EINVAL;
    const v = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (v === ULLONG_MAX) return -EINVAL;
    if (ULLONG_MAX - this.count <= v) {
      if (nonblock) return -EAGAIN;
      this.sleep(this.wait);
      return WOULD_SLEEP;
    }
    this.count += v;
    if (v > 0n) this.wait.wakeAll(); // readers
    return 8;
  }

  /** eventfd_poll: readable while the count is above 0, writable while 1 more still fits. */
  poll(): number {
    let mask = 0;
    if (this.count > 0n) mask |= POLLIN | POLLRDNORM;
    if (this.count === ULLONG_MAX) mask |= POLLERR;
    if (ULLONG_MAX - 1n > this.count) mask |= POLLOUT | POLLWRNORM;
    return mask;
  }

  /** An anonymous inode: no file type bits, mode 0600 (what fstat shows on Linux). */
  stat(nowNs: bigint): KStat {
    return { ...synthStat(0o600, 0n, 0n, BigInt(this.ino), nowNs), dev: 0x10n, blksize: 4096n }; // anon_inodefs is 0:16 here
  }

  available(): number {
    return 0;
  }

  release(): void {
    this.wait.wakeAll();
  }
}
