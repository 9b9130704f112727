// Sockets on the emulated machine, checked against real Linux: small C programs (test/kernel/c/)
// run natively under strace -f and on the machine, and must print the same output (also kept in
// NAME.stdout, what Linux printed), end with the same status, and make the same system calls with
// the same results, process by process. AF_INET stays inside the machine: 127.0.0.1 only.

import * as assert from 'assert';
import { buildC, checkProgram, cUnavailable, runEmulated } from '../helpers/cprog';
import { runGuest, syscallProgram } from '../helpers/guest';

describe('sockets: C programs on the emulated machine and on Linux', function () {
  this.timeout(120000);
  before(function () {
    const why = cUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
  });

  it('socketpair: ping-pong between a parent and its child, EOF after shutdown, EPIPE, datagram boundaries', () => {
    checkProgram('socketpair');
  });

  it('AF_UNIX: bind, listen, accept4 and connect between two processes; sendmsg/recvmsg, names, options, errors', () => {
    checkProgram('unix-listen');
  });

  it('AF_INET on 127.0.0.1: a TCP echo server and client in two processes, port 0, EADDRINUSE, ECONNREFUSED, UDP', () => {
    checkProgram('inet-echo');
  });

  it('SCM_RIGHTS: open files passed between processes, MSG_CTRUNC, files dropped by a plain recv', () => {
    checkProgram('fd-pass');
  });

  it('runs the same way every time (the scheduler is deterministic)', () => {
    const exe = buildC('inet-echo')!;
    // Each run has its own directory, which /proc/self/exe names: the rest is the same to the byte.
    const trace = () => runEmulated(exe).lines.filter((l) => !l.includes('"/proc/self/exe"'));
    const a = trace();
    assert.deepStrictEqual(a, trace());
    assert.ok(a.some((l) => /accept.*\{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127.0.0.1"\)\}, \[16\]\) += 4$/.test(l)), 'accept shows the peer');
  });
});

describe('sockets without a C compiler: a program of raw system calls', () => {
  // struct sockaddr_in for 10.1.2.3:80 and 8.8.8.8:53; a pollfd for fd 4.
  const data = [
    'far: .short 2, 0x5000', '  .byte 10, 1, 2, 3', '  .quad 0',
    'dns: .short 2, 0x3500', '  .byte 8, 8, 8, 8', '  .quad 0',
    'pfd: .long 4', '  .short 1, 0',
    'msg: .ascii "ping"',
  ].join('\n');
  let run: ReturnType<typeof runGuest>;
  before(() => {
    run = runGuest(syscallProgram([
      [53, 1, 1, 0, 'fds'], // socketpair(AF_UNIX, SOCK_STREAM, 0, fds) = 0: [3, 4]
      [1, 3, 'msg', 4], // write(3, "ping", 4)
      [0, 4, 'buf', 16], // read(4, "ping", 16) = 4
      [7, 'pfd', 1, 0], // poll: nothing left to read
      [290, 5, 0], // eventfd2(5, 0) = 5
      [0, 5, 'buf', 8], // read: the count, 5
      [41, 2, 1, 0], // socket(AF_INET, SOCK_STREAM) = 6
      [42, 6, 'far', 16], // connect to 10.1.2.3: no network behind the machine
      [49, 6, 'dns', 16], // bind to an address that is not the machine's
      [41, 10, 1, 0], // AF_INET6: not in this machine
    ], data, 'fds: .skip 8\nbuf: .skip 64'));
  });

  it('returns what Linux returns, and reaches nothing outside the machine', () => {
    const ENETUNREACH = -101n, EADDRNOTAVAIL = -99n, EAFNOSUPPORT = -97n;
    assert.deepStrictEqual(run.rets.slice(1, 11), [0n, 4n, 4n, 0n, 5n, 8n, 6n, ENETUNREACH, EADDRNOTAVAIL, EAFNOSUPPORT]);
    assert.ok(run.lines.includes('socketpair(AF_UNIX, SOCK_STREAM, 0, [3, 4]) = 0'), run.lines.join('\n'));
    assert.ok(run.lines.includes('read(5, "\\5\\0\\0\\0\\0\\0\\0\\0", 8)          = 8'), run.lines.join('\n'));
    assert.ok(run.lines.some((l) => l.startsWith('connect(6, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.1.2.3")}, 16) = -1 ENETUNREACH')));
    assert.ok(run.lines.some((l) => l.startsWith('poll([{fd=4, events=POLLIN}], 1, 0)') && l.endsWith('= 0 (Timeout)')));
  });
});
