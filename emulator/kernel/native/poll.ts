// What poll(2) and select(2) ask of each open file (Linux's f_op->poll): which of POLLIN, POLLOUT,
// POLLHUP, POLLERR hold now, and the wait queues that are woken when that may change, so a task
// that found nothing ready can sleep on all of them at once (and on a timer).

import { OpenFile } from './fdtable';
import { PIPE_BUF, PIPE_SIZE } from './pipe';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, Socket } from './socket';
import { EventFd } from './eventfd';
import { WaitQueue } from './wait';

export { POLLIN, POLLOUT, POLLERR, POLLHUP } from './socket';
export const POLLPRI = 0x2, POLLNVAL = 0x20, POLLRDBAND = 0x80, POLLWRBAND = 0x200;

/** Files without a poll method (regular files, /dev/null, the terminal here) are always ready. */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

/** select's sets, as masks of poll bits (fs/select.c's POLLIN_SET, POLLOUT_SET, POLLEX_SET). */
export const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
export const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
export const POLLEX_SET = POLLPRI;

/** The readiness of an open file and where to wait for a change. */
export function filePoll(f: OpenFile): { mask: number; queues: WaitQueue[] } {
  if (f.pipe) {
    // pipe_poll: the read end is readable with data, hung up without writers; the write end is
    // writable while a PIPE_BUF write fits, in error without readers.
    const { pipe, end } = f.pipe;
    let mask = 0;
    if (end === 'read') {
      if (pipe.available > 0) mask |= POLLIN | POLLRDNORM;
      if (pipe.writers === 0) mask |= POLLHUP;
      return { mask, queues: [pipe.readWait] };
    }
    if (PIPE_SIZE - pipe.available >= PIPE_BUF) mask |= POLLOUT | POLLWRNORM;
    if (pipe.readers === 0) mask |= POLLERR;
    return { mask, queues: [pipe.writeWait] };
  }
  const ops = f.ops;
  // A socket's writability changes when the other end reads: wait on its queue too.
  if (ops instanceof Socket) return { mask: ops.poll(), queues: ops.peer ? [ops.wait, ops.peer.wait] : [ops.wait] };
  if (ops instanceof EventFd) return { mask: ops.poll(), queues: [ops.wait] };
  return { mask: DEFAULT_POLLMASK, queues: [] };
}
