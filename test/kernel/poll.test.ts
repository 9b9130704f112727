// poll, ppoll, select, pselect6 and eventfd on the emulated machine, checked against real Linux
// (see net.test.ts): timeouts of 0, -1 and positive ones on emulated time, a child that writes
// after a sleep, end of file and a missing reader, bad descriptors and arguments; eventfd's
// counter, semaphore mode and EAGAIN; O_NONBLOCK EAGAIN on pipes and sockets.

import * as assert from 'assert';
import { buildC, checkProgram, cUnavailable, runEmulated } from '../helpers/cprog';

describe('poll/select and eventfd: C programs on the emulated machine and on Linux', function () {
  this.timeout(120000);
  before(function () {
    const why = cUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it('poll, ppoll, select and pselect6 on pipes, /dev/null and a file', () => {
    checkProgram('poll');
  });

  it('a positive timeout passes on emulated time, and a wake-up ends the wait early', () => {
    const run = runEmulated(buildC('poll')!);
    // The calls in order: the 50 ms poll times out, the 5 s one ends with the child's write.
    const polls = run.calls.filter((c) => c.nr === 7 && c.args[2] !== 0n && c.args[2] !== 0xffffffffn);
    assert.deepStrictEqual(polls.map((c) => [Number(c.args[2]), Number(c.ret)]), [[50, 0], [5000, 1]]);
  });

  it('a signal with a handler interrupts recv, accept, ppoll, select and an eventfd read (EINTR); SO_RCVTIMEO', () => {
    checkProgram('sock-intr');
  });

  it('eventfd counter semantics and O_NONBLOCK EAGAIN', () => {
    checkProgram('eventfd');
  });
});
