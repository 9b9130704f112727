// Processes, threads, pipes and signals: C programs (test/kernel/programs/procs/*.c) built with
// gcc -static run natively and on the emulated machine, and print the same lines and end with the
// same status. Each program exercises one family of paths: every way a child can end (wait4,
// waitid, zombies, orphans, vfork), pipes (EOF, EPIPE and SIGPIPE, O_NONBLOCK, a full pipe, a
// pipeline, exec), signals (EINTR and SA_RESTART, interval timers and pause, nested handlers,
// sigsuspend, kill, sigaltstack). Threads must give the same result and the same trace every run,
// a fork bomb must stop at RLIMIT_NPROC, and thousands of processes must not grow the machine.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LinuxSystem } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';
import { TraceRecorder } from '../../emulator/trace/recorder';
import { RunResult } from '../../emulator/machine';
import { hasTool, repoRoot, tempDir } from '../helpers/tools';

const sources = path.join(repoRoot, 'test', 'kernel', 'programs', 'procs');

interface EmuRun { stdout: string; result: RunResult; trace: string[]; sys: LinuxSystem }

function emulate(exe: string, args: string[], cwd: string, budget = 5e9): EmuRun {
  const io = new BufferHostIO();
  const sys = LinuxSystem.fromFile(exe, { argv: [`./${path.basename(exe)}`, ...args], envp: [], cwd, hostIO: io });
  const trace: string[] = [];
  const rec = new TraceRecorder(sys.machine.userMemory, { strace: { write: (l) => trace.push(l), options: { pidPrefix: 'file' } } });
  sys.attachTracer(rec, true);
  const result = sys.runToEnd(budget);
  return { stdout: Buffer.from(io.out[1]).toString('latin1'), result, trace, sys };
}

describe('processes, threads, pipes and signals, against the real kernel', function () {
  this.timeout(120000);
  let dir = '';
  const exe = (name: string): string => path.join(dir, name);

  before(function () {
    if (!hasTool('gcc') || process.platform !== 'linux' || process.arch !== 'x64') {
      console.log('      (skipped: needs gcc and x86-64 Linux to build the static test programs)');
      this.skip();
    }
    dir = tempDir('trapdoor-procs-');
    for (const f of fs.readdirSync(sources).filter((n) => n.endsWith('.c'))) {
      const out = path.join(dir, path.basename(f, '.c'));
      const r = spawnSync('gcc', ['-static', '-O1', '-pthread', '-o', out, path.join(sources, f)], { encoding: 'utf8' });
      if (r.status !== 0) {
        console.log(`      (skipped: gcc -static cannot build ${f}: ${r.stderr.split('\n')[0]})`);
        this.skip();
      }
    }
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const name of ['wait', 'pipes', 'signals']) {
    it(`${name}.c prints and exits as on Linux`, function () {
      const native = spawnSync(exe(name), [], { cwd: dir, encoding: 'latin1', timeout: 30000 });
      const emu = emulate(exe(name), [], dir);
      assert.ok(native.stdout.split('\n').length > 5, `the native run printed its lines:\n${native.stdout}`);
      assert.strictEqual(emu.stdout, native.stdout);
      assert.deepStrictEqual(emu.result, { kind: 'exited', code: native.status });
    });
  }

  it('two threads with a futex-protected counter give the same result and the same trace every run', function () {
    const a = emulate(exe('threads'), [], dir);
    const b = emulate(exe('threads'), [], dir);
    assert.strictEqual(a.stdout, 'counter = 200000\n');
    assert.strictEqual(b.stdout, a.stdout);
    assert.ok(a.trace.some((l) => /clone\(.*CLONE_THREAD/.test(l)), 'threads were made with clone(CLONE_THREAD)');
    assert.ok(a.trace.some((l) => /^100[12] +\+\+\+ exited with 0 \+\+\+/.test(l)), 'each thread ends with its own exit line');
    assert.deepStrictEqual(b.trace, a.trace);
  });

  it('a fork bomb stops at RLIMIT_NPROC with EAGAIN, and every child is reaped', function () {
    const r = emulate(exe('forkbomb'), [], dir);
    assert.strictEqual(r.stdout, 'fork failed after 63 children: Resource temporarily unavailable\nreaped 63\n');
    assert.deepStrictEqual(r.result, { kind: 'exited', code: 0 });
    assert.strictEqual(r.sys.sched.tasks.size, 0, 'no task is left, not even a zombie');
  });

  it('3,000 processes created and reaped in turn leave no task, slot or page behind', function () {
    const r = emulate(exe('manyforks'), ['3000'], dir);
    assert.strictEqual(r.stdout, '3000 of 3000 children reaped with their status\n');
    const s = r.sys.sched;
    assert.strictEqual(s.tasks.size, 0);
    // One child at a time: its task slot is reused, so the kernel's task area holds two slots.
    assert.ok(s.slotsUsed <= 2, `task slots used: ${s.slotsUsed}`);
    const kernelPages = r.sys.machine.kernelPages.size;
    const small = emulate(exe('manyforks'), ['10'], dir);
    assert.strictEqual(kernelPages, small.sys.machine.kernelPages.size, 'the kernel half does not grow with the number of processes');
  });
});
