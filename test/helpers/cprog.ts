// Small C programs (test/kernel/c/NAME.c) built with gcc -static and run twice: natively under
// `strace -f` (the ground truth) and on the emulated machine with its tracer. Both traces are
// normalized by the corpus's normalize.py (pids, addresses, one block per process), and what
// differs between two real runs too is masked: ephemeral ports, the time a timeout had left,
// socket inode numbers.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LinuxSystem } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';
import { TraceRecorder } from '../../emulator/trace/recorder';
import { SyscallEvent } from '../../emulator/trace/event';
import { hasTool, repoRoot, tempDir } from './tools';

export interface CRun {
  stdout: string;
  /** The exit status as a shell reports it (128 + N for a signal). */
  status: number;
  /** `strace -f -o` lines (a pid column on every line). */
  lines: string[];
  calls: SyscallEvent[];
}

const built = new Map<string, string>();
let buildDir = '';

/** Why C programs cannot be built here (no gcc, no static libc), or undefined when they can. */
export function cUnavailable(): string | undefined {
  if (!hasTool('gcc')) return 'needs gcc on this machine';
  const exe = buildC('socketpair');
  return typeof exe === 'string' && fs.existsSync(exe) ? undefined : 'gcc -static needs the static C library (apt-get install -y libc6-dev)';
}

/** Builds test/kernel/c/NAME.c once per test run; the executable's path, or undefined. */
export function buildC(name: string): string | undefined {
  const hit = built.get(name);
  if (hit) return hit;
  if (!buildDir) buildDir = tempDir('trapdoor-cprog-');
  const exe = path.join(buildDir, name);
  const src = path.join(repoRoot, 'test', 'kernel', 'c', `${name}.c`);
  const cc = spawnSync('gcc', ['-static', '-O1', '-o', exe, src], { encoding: 'utf8' });
  if (cc.status !== 0) {
    if (/cannot find -lc/.test(cc.stderr)) return undefined;
    throw new Error(`gcc failed on ${src}:\n${cc.stderr}`);
  }
  built.set(name, exe);
  return exe;
}

/** Runs the program on the emulated machine in a fresh directory (argv[0] = ./NAME). */
export function runEmulated(exe: string, budget = 5e8): CRun {
  const name = path.basename(exe);
  const cwd = tempDir('trapdoor-cprog-run-');
  try {
    fs.copyFileSync(exe, path.join(cwd, name));
    const io = new BufferHostIO(new Uint8Array(0), new Set());
    const sys = LinuxSystem.fromFile(path.join(cwd, name), { argv: [`./${name}`], envp: [], cwd, hostIO: io });
    const lines: string[] = [];
    const rec = new TraceRecorder(sys.machine.userMemory, { strace: { write: (l) => lines.push(l), options: { pidPrefix: 'file' } } });
    sys.attachTracer({
      syscallEnter: (e) => rec.syscallEnter(e),
      syscallExit: (e) => rec.syscallExit(e),
      signal: (s) => rec.signal(s),
      processExit: (e) => rec.processExit(e),
    }, true);
    let r;
    try {
      r = sys.runToEnd(budget);
    } finally {
      sys.close();
    }
    if (r.kind !== 'exited') throw new Error(`${name} did not finish on the emulated machine: ${JSON.stringify(r)}`);
    const status = r.signal !== undefined ? 128 + r.signal : r.code ?? 0;
    return { stdout: io.text(1), status, lines, calls: rec.calls };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * Runs the program natively under `strace -f -qq -o` in a fresh directory, with only fds 0-2
 * open (descriptors the test runner inherited would shift every number the program gets).
 */
export function runNativeC(exe: string): CRun {
  const name = path.basename(exe);
  const cwd = tempDir('trapdoor-cprog-native-');
  try {
    fs.copyFileSync(exe, path.join(cwd, name));
    const trace = path.join(cwd, '..', `${path.basename(cwd)}.strace`);
    // stdout through a pipe, as the emulated machine's is (Node would make it a socket).
    const script = `for f in /proc/$$/fd/*; do n=\${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; strace -f -qq -o ${trace} ./${name} | cat; exit \${PIPESTATUS[0]}`;
    const r = spawnSync('bash', ['-c', script], { cwd, input: '', timeout: 60000 });
    const lines = fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').split('\n').filter((l) => l !== '') : [];
    fs.rmSync(trace, { force: true });
    const status = r.status ?? 128 + (r.signal === 'SIGSEGV' ? 11 : r.signal === 'SIGPIPE' ? 13 : 9);
    return { stdout: r.stdout.toString('utf8'), status, lines, calls: [] };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/** True when the native side can run here (strace and python3 for the corpus normalizer). */
export function canCompareNatively(): boolean {
  return hasTool('strace') && hasTool('python3');
}

/** normalize.py, then the masks for what two real runs do not share either. */
export function normalizeTrace(lines: string[]): string[] {
  const r = spawnSync('python3', [path.join(repoRoot, 'test', 'corpus', 'normalize.py')], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`normalize.py failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l
      .replace(/htons\((\d+)\)/g, (m, p) => (Number(p) >= 1024 ? 'htons(PORT)' : m))
      .replace(/left \{tv_sec=\d+, tv_(n|u)sec=\d+\}/g, 'left TIME')
      .replace(/socket:\[\d+\]/g, 'socket:[INO]'));
}

const expectedStdout = (name: string): string => fs.readFileSync(path.join(repoRoot, 'test', 'kernel', 'c', `${name}.stdout`), 'utf8');

/**
 * The emulated run of test/kernel/c/NAME.c against what Linux printed (NAME.stdout), and where
 * strace is at hand against a native run: the same output, status and system calls.
 */
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
