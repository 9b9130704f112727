// Sockets on the emulated machine, checked against real Linux: small C programs (test/kernel/c/)
// run natively under strace -f and on the machine, and must print the same output (also kept in
// NAME.stdout, what Linux printed), end with the same status, and make the same system calls with
// the same results, process by process. AF_INET stays inside the machine: 127.0.0.1 only.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { buildC, canCompareNatively, cUnavailable, normalizeTrace, runEmulated, runNativeC } from '../helpers/cprog';
import { repoRoot } from '../helpers/tools';

const expectedStdout = (name: string): string => fs.readFileSync(path.join(repoRoot, 'test', 'kernel', 'c', `${name}.stdout`), 'utf8');

/** The emulated run against Linux's output, and (with strace) against a native run's trace. */
export function checkProgram(name: string): void {
  const exe = buildC(name)!;
  const emu = runEmulated(exe);
  assert.strictEqual(emu.stdout, expectedStdout(name), `${name}: output differs from Linux's`);
  assert.strictEqual(emu.status, 0, `${name}: exit status`);
  if (!canCompareNatively()) {
    console.log('      (trace not compared: needs strace and python3 on this machine)');
    return;
  }
  const nat = runNativeC(exe);
  assert.strictEqual(nat.stdout, emu.stdout, `${name}: native and emulated output differ`);
  assert.strictEqual(nat.status, emu.status);
  assert.deepStrictEqual(normalizeTrace(emu.lines), normalizeTrace(nat.lines), `${name}: the traces differ`);
}

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

  it('runs the same way every time (the scheduler is deterministic)', () => {
    const exe = buildC('inet-echo')!;
    // Each run has its own directory, which /proc/self/exe names: the rest is the same to the byte.
    const trace = () => runEmulated(exe).lines.filter((l) => !l.includes('"/proc/self/exe"'));
    const a = trace();
    assert.deepStrictEqual(a, trace());
    assert.ok(a.some((l) => /accept.*\{sa_family=AF_INET, sin_port=htons\(\d+\), sin_addr=inet_addr\("127.0.0.1"\)\}, \[16\]\) += 4$/.test(l)), 'accept shows the peer');
  });
});
