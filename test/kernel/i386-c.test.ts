// Static i386 C programs (gcc -m32 -static, glibc): TLS through set_thread_area and the GDT, the
// compat system calls glibc's startup and stdio make (compat_sys_* of syscall_32.tbl), 32-bit
// signal frames, threads with their own TLS entries, fork, and an i386 process's memory map.
// Each program runs natively (setarch -R: no address randomization, so brk and mmap addresses
// match) under `strace -qq -o` and on the emulated machine; stdout, exit status and the trace
// must be the same but for what differs between any two runs (pids, random bytes, host name).

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LinuxSystem } from '../../emulator/linux';
import { RunResult } from '../../emulator/machine';
import { BufferHostIO } from '../../emulator/kernel/native';
import { TraceRecorder } from '../../emulator/trace/recorder';
import { SyscallEvent } from '../../emulator/trace/event';
import { StraceOptions } from '../../emulator/trace/strace';
import { hasTool, repoRoot, tempDir } from '../helpers/tools';

const SOURCES = path.join(repoRoot, 'test', 'kernel', 'c', 'i386');

interface Run { stdout: string; stderr: string; exit: number | undefined; lines: string[]; calls: SyscallEvent[]; result?: RunResult }

/**
 * Runs natively under strace. Standard output and error go to files (write-only, as the emulated
 * machine's are: glibc's perror looks at the access mode), which stay in `dir` for the emulated run.
 */
function runNative(dir: string, exe: string): Run {
  const trace = path.join(dir, `${exe}.native.trace`), out = path.join(dir, `${exe}.out`), err = path.join(dir, `${exe}.err`);
  const fo = fs.openSync(out, 'w'), fe = fs.openSync(err, 'w');
  let r;
  try {
    r = spawnSync('setarch', ['x86_64', '-R', 'strace', '-qq', '-o', trace, `./${exe}`], { cwd: dir, env: {}, timeout: 30000, stdio: ['ignore', fo, fe] });
  } finally {
    fs.closeSync(fo);
    fs.closeSync(fe);
  }
  const lines = fs.readFileSync(trace, 'utf8').split('\n').filter((x) => x !== '');
  return { stdout: fs.readFileSync(out, 'latin1'), stderr: fs.readFileSync(err, 'latin1'), exit: r.status ?? undefined, lines, calls: [] };
}

function runEmulated(dir: string, exe: string, options: StraceOptions = { pidPrefix: 'none', quiet: true }): Run {
  const io = new BufferHostIO();
  const sys = LinuxSystem.fromFile(path.join(dir, exe), { argv: [`./${exe}`], envp: [], cwd: dir, hostIO: io });
  const lines: string[] = [];
  const rec = new TraceRecorder(sys.machine.userMemory, { strace: { write: (l) => lines.push(l), options } });
  sys.attachTracer(rec, true);
  let result: RunResult;
  try { result = sys.runToEnd(5e8); } finally { sys.close(); }
  return { stdout: io.text(1), stderr: io.text(2), exit: result.kind === 'exited' ? result.code : undefined, lines, calls: rec.calls, result };
}

/** What differs between two runs of one program anyway: pids, random bytes, the host name, strace's padding. */
function normalize(lines: string[]): string[] {
  const pids = new Map<string, string>();
  const pid = (p: string): string => {
    if (!pids.has(p)) pids.set(p, `PID${pids.size}`);
    return pids.get(p)!;
  };
  return lines.map((l) => l
    .replace(/\)\s+= /, ') = ')
    .replace(/0x[0-9a-f]+ \/\* \d+ vars \*\//, 'ENV')
    .replace(/^(set_tid_address\(0x[0-9a-f]+\) =|getpid\(\) =|gettid\(\) =) (\d+)$/, (_m, a, p) => `${a} ${pid(p)}`)
    .replace(/(kill|tgkill)\((\d+)/, (_m, f, p) => `${f}(${pid(p)}`)
    .replace(/si_pid=(\d+)/, (_m, p) => `si_pid=${pid(p)}`)
    .replace(/^(getrandom\()"[^"]*"/, '$1"RANDOM"')
    // Standard output is a file natively, a pipe to the test on the emulated machine.
    .replace(/^(statx\([12], "", .*stx_mode=)S_IF[A-Z]+\|0\d+, stx_size=\d+/, '$1STDIO')
    .replace(/nodename="[^"]*"/, 'nodename="HOST"'));
}

describe('static i386 C programs (gcc -m32 -static, glibc)', function () {
  this.timeout(180_000);
  let dir = '';
  /** Why the programs cannot be built or run natively, if they cannot. */
  let noBuild = '', noNative = '';
  const built = new Set<string>();

  before(function () {
    dir = tempDir('trapdoor-i386c-');
    if (process.arch !== 'x64' || process.platform !== 'linux') noBuild = 'needs an x86-64 Linux host';
    else if (!hasTool('gcc')) noBuild = 'needs gcc';
    else {
      const r = spawnSync('gcc', ['-m32', '-static', '-O1', '-o', path.join(dir, 'hello'), path.join(SOURCES, 'hello.c')], { encoding: 'utf8' });
      if (r.status !== 0) noBuild = `gcc -m32 -static cannot build (apt-get install -y gcc-multilib): ${r.stderr.split('\n')[0]}`;
      else built.add('hello');
    }
    if (noBuild) return;
    if (!hasTool('strace') || !hasTool('setarch')) noNative = 'needs strace and setarch';
    else if (spawnSync(path.join(dir, 'hello'), [], { cwd: dir }).status !== 3) noNative = 'this host kernel does not run i386 executables (no IA32 emulation)';
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  function build(ctx: Mocha.Context, name: string, native = true): void {
    if (noBuild || (native && noNative)) {
      console.log(`      skipped: ${noBuild || noNative}`);
      ctx.skip();
    }
    if (built.has(name)) return;
    const r = spawnSync('gcc', ['-m32', '-static', '-O1', '-pthread', '-o', path.join(dir, name), path.join(SOURCES, `${name}.c`)], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    built.add(name);
  }

  function compare(name: string): { nat: Run; emu: Run } {
    const nat = runNative(dir, name);
    const emu = runEmulated(dir, name);
    assert.strictEqual(emu.stdout, nat.stdout, 'stdout');
    assert.strictEqual(emu.stderr, nat.stderr, 'stderr');
    assert.strictEqual(emu.exit, nat.exit, `exit status (${JSON.stringify(emu.result)})`);
    assert.deepStrictEqual(normalize(emu.lines), normalize(nat.lines));
    return { nat, emu };
  }

  it('hello: glibc starts (set_thread_area gives it TLS entry 12), prints and exits as on the real kernel', function () {
    build(this, 'hello');
    const { emu } = compare('hello');
    const sta = emu.lines.find((l) => l.startsWith('set_thread_area('));
    assert.match(sta ?? '', /^set_thread_area\(\{entry_number=-1, base_addr=0x[0-9a-f]+, limit=0x0fffff, seg_32bit=1, .*\}\) += 0 \(entry_number=12\)$/);
    // Until its TCB is set up glibc uses int $0x80; then __kernel_vsyscall (the TCB keeps AT_SYSINFO): SYSENTER.
    const door = (nr: number): string | undefined => emu.calls.find((c) => c.abi === 'i386' && c.nr === nr)?.mechanism;
    assert.deepStrictEqual([door(243), door(4), door(252)], ['int80', 'sysenter', 'sysenter'], emu.calls.map((c) => `${c.nr}:${c.mechanism}`).join(' '));
    for (const n of ['ugetrlimit', 'set_robust_list', 'statx', 'exit_group']) assert.ok(emu.lines.some((l) => l.startsWith(`${n}(`)), n);
  });

  it('files: openat, writev (compat iovecs), _llseek, read, statx, uname, mmap2, getdents64, unlink as on the real kernel', function () {
    build(this, 'files');
    const { emu } = compare('files');
    assert.ok(emu.lines.some((l) => /^writev\(3, \[\{iov_base="Hello, ", iov_len=7\}, \{iov_base="files\\n", iov_len=6\}\], 2\) += 13$/.test(l)), 'writev');
    assert.ok(emu.lines.some((l) => /^_llseek\(3, -6, \[7\], SEEK_END\) += 0$/.test(l)), '_llseek');
    assert.ok(emu.lines.some((l) => /^mmap2\(NULL, 8192, .*\) += 0xf7[0-9a-f]{6}$/.test(l)), 'mmap2 below 4 GiB');
  });

  it('signals: a handler on a sigframe_ia32 returns through the vDSO (sigreturn), an SA_SIGINFO one on an rt_sigframe_ia32', function () {
    build(this, 'signals');
    const { emu } = compare('signals');
    assert.match(emu.stdout, /^got 10, x 3\.00\nSIGSEGV 11 at 0x10 code 1\nback, SIGSEGV blocked: 0\n$/);
    assert.ok(emu.lines.includes('sigreturn({mask=[]})                    = 0'), emu.lines.join('\n'));
    assert.ok(emu.lines.some((l) => l.startsWith('--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---')));
  });

  it('sigaltstack and interval timers with their 32-bit structures: a handler on the alternate stack, SIGALRM ticks', function () {
    build(this, 'altstack', false);
    const emu = runEmulated(dir, 'altstack');
    assert.strictEqual(emu.stdout, 'sigaltstack 0\nold flags 2\nhandler on alt stack: 1\nnow size 16384 flags 0\nticks 3 interval 10000\n');
    if (!noNative) assert.strictEqual(runNative(dir, 'altstack').stdout, emu.stdout);
  });

  it('set_thread_area and get_thread_area: free entries, read back, EINVAL, ESRCH, and a segment register loaded with a new selector', function () {
    build(this, 'tls');
    const { emu } = compare('tls');
    assert.match(emu.stdout, /%fs = 0x6b reads 33, glibc's %gs = 0x63/);
    assert.match(emu.stdout, /entry 15: -1\n16-bit: -1\nfull: 0 -1\n/);
  });

  it('threads (CLONE_SETTLS with a struct user_desc: a TLS entry per thread), a futex-protected counter, fork and waitpid', function () {
    build(this, 'threads', false);
    const emu = runEmulated(dir, 'threads');
    assert.strictEqual(emu.stdout, 'main tls 5, threads 6 7, counter 2000\nchild tls 5\nchild exit 3\n');
    assert.strictEqual(emu.exit, 0, JSON.stringify(emu.result));
    const clones = emu.calls.filter((c) => c.abi === 'i386' && c.nr === 120);
    assert.strictEqual(clones.length, 3, 'two threads and a fork');
    if (!noNative) assert.strictEqual(runNative(dir, 'threads').stdout, emu.stdout);
  });

  it('memory: the stack grows to megabytes, mmap stays under 4 GiB, DS = ES = __USER_DS, /proc/self/maps as on the real kernel (no [vsyscall])', function () {
    build(this, 'memory');
    const { emu } = compare('memory');
    assert.match(emu.stdout, /^cs 0x23 ds 0x2b es 0x2b ss 0x2b\ndeep -236\n/);
    assert.ok(!emu.stdout.includes('[vsyscall]'));
    assert.match(emu.stdout, /\nffc0e000-ffffe000 rw-p 00000000 00:00 0 +\[stack\]\n/);
  });

  it('strace on stderr says "[ Process PID=N runs in 32 bit mode. ]" after the execve; -o and -q do not', function () {
    build(this, 'hello');
    const nat = spawnSync('setarch', ['x86_64', '-R', 'strace', './hello'], { cwd: dir, env: {}, encoding: 'utf8' });
    const natLines = nat.stderr.split('\n').slice(0, 3);
    const emu = runEmulated(dir, 'hello', { pidPrefix: 'auto', quiet: false, personality: true });
    assert.deepStrictEqual(normalize(emu.lines.slice(0, 3)).map((l) => l.replace(/PID=\d+/, 'PID=N')), normalize(natLines).map((l) => l.replace(/PID=\d+/, 'PID=N')));
    assert.match(emu.lines[1], /^\[ Process PID=\d+ runs in 32 bit mode\. \]$/);
    const quiet = runEmulated(dir, 'hello');
    assert.ok(!quiet.lines.some((l) => l.includes('runs in 32 bit mode')));
  });
});
