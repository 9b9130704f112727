// Runs a GAS snippet as a program on the emulated Linux machine (and, for comparison, natively
// under strace): stdout, exit, strace lines and syscall events, so kernel tests read like the calls.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LinuxSystem, ProgramError } from '../../emulator/linux';
import { RunResult } from '../../emulator/machine';
import { BufferHostIO } from '../../emulator/kernel/native';
import { TraceRecorder } from '../../emulator/trace/recorder';
import { SignalEvent, SyscallEvent } from '../../emulator/trace/event';
import { hasTool, tempDir } from './tools';

export interface GuestOptions {
  stdin?: string | Uint8Array;
  /** Files (relative path -> content) created in the program's working directory first. */
  files?: Record<string, string | Uint8Array>;
  /** Instruction budget (10 million by default). */
  budget?: number;
  /** Source file name inside the working directory ('prog.s'). */
  name?: string;
  /** Called with the working directory before the run (make links, folders...). */
  setup?: (cwd: string) => void;
  /** Descriptors the guest sees as terminals (emulated runs only). */
  ttys?: number[];
  /** Called with the working directory after the run, before it is removed. */
  inspect?: (cwd: string) => void;
}

export interface GuestRun {
  stdout: string;
  stderr: string;
  result: RunResult;
  /** strace lines as `strace -qq` prints them for one process (no pid column), execve first. */
  lines: string[];
  /** Every finished call, in order. */
  calls: SyscallEvent[];
  /** Signed return values of `calls` (undefined for calls that never returned). */
  rets: (bigint | undefined)[];
  signals: SignalEvent[];
}

function prepare(src: string, opts: GuestOptions): { cwd: string; name: string } {
  const cwd = tempDir('trapdoor-guest-');
  const name = opts.name ?? 'prog.s';
  fs.writeFileSync(path.join(cwd, name), src);
  for (const [f, c] of Object.entries(opts.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(cwd, f)), { recursive: true });
    fs.writeFileSync(path.join(cwd, f), c);
  }
  opts.setup?.(cwd);
  return { cwd, name };
}

/** Assembles `src` in memory and runs it on the emulated machine with a trace. */
export function runGuest(src: string, opts: GuestOptions = {}): GuestRun {
  const { cwd, name } = prepare(src, opts);
  try {
    const stdin = typeof opts.stdin === 'string' ? Buffer.from(opts.stdin) : opts.stdin;
    const io = new BufferHostIO(stdin ? new Uint8Array(stdin) : undefined, new Set(opts.ttys ?? []));
    // The source path is read relative to the host process, the guest starts in `cwd`.
    let sys: LinuxSystem;
    try {
      sys = LinuxSystem.fromFile(path.join(cwd, name), { argv: [name], envp: [], cwd, hostIO: io });
    } catch (e) {
      if (e instanceof ProgramError) throw new Error(`${e.message}: ${e.diagnostics.map((d) => `${d.loc.line}: ${d.message}`).join('; ')}`);
      throw e;
    }
    const lines: string[] = [];
    const signals: SignalEvent[] = [];
    const rec = new TraceRecorder(sys.machine.userMemory, { strace: { write: (l) => lines.push(l), options: { pidPrefix: 'none', quiet: false } } });
    sys.attachTracer({
      syscallEnter: (e) => rec.syscallEnter(e),
      syscallExit: (e) => rec.syscallExit(e),
      signal: (s) => { signals.push(s); rec.signal(s); },
      processExit: (e) => rec.processExit(e),
    }, true);
    let result: RunResult;
    try {
      result = sys.runToEnd(opts.budget ?? 1e7);
    } finally {
      sys.close();
    }
    opts.inspect?.(cwd);
    const rets = rec.calls.map((c) => (c.ret === undefined ? undefined : BigInt.asIntN(64, c.ret)));
    return { stdout: io.text(1), stderr: io.text(2), result, lines, calls: rec.calls, rets, signals };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

/** Calls (after execve) with the given syscall name, with their signed returns. */
export function callsNamed(run: GuestRun, nr: number): bigint[] {
  return run.calls.filter((c) => c.nr === nr).map((c) => BigInt.asIntN(64, c.ret ?? 0n));
}

export interface NativeRun {
  stdout: string;
  status: number | null;
  signal: string | null;
  /** strace -qq lines (execve first). */
  lines: string[];
}

/** True when the program can be built with as + ld and traced with strace here. */
export function canRunNative(): boolean {
  return hasTool('as') && hasTool('ld') && hasTool('strace');
}

/** Builds `src` with GNU as + ld and runs it natively under `strace -qq -o`; the comparison oracle. */
export function runNative(src: string, opts: GuestOptions = {}): NativeRun {
  const { cwd, name } = prepare(src, opts);
  try {
    const obj = path.join(cwd, 'prog.o');
    const exe = path.join(cwd, 'prog');
    const a = spawnSync('as', ['-o', obj, path.join(cwd, name)], { encoding: 'utf8' });
    if (a.status !== 0) throw new Error(`as failed: ${a.stderr}`);
    const l = spawnSync('ld', ['-o', exe, obj], { encoding: 'utf8' });
    if (l.status !== 0) throw new Error(`ld failed: ${l.stderr}`);
    fs.rmSync(obj);
    const trace = path.join(cwd, '..', path.basename(cwd) + '.trace');
    const r = spawnSync('strace', ['-qq', '-o', trace, './prog'], { cwd, input: opts.stdin ?? '', env: {}, timeout: 20000 });
    opts.inspect?.(cwd);
    const lines = fs.readFileSync(trace, 'utf8').split('\n').filter((x) => x !== '');
    fs.rmSync(trace, { force: true });
    return { stdout: r.stdout.toString('utf8'), status: r.status, signal: r.signal, lines };
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

// ----- generating programs made of system calls -----

/** An argument: a number, or the name of a data label (its address is passed), or `{raw}` GAS source. */
export type Arg = number | bigint | string | { raw: string };

const ARG_REGS = ['%rdi', '%rsi', '%rdx', '%r10', '%r8', '%r9'];

/** GAS for one `syscall` with number `nr` and arguments in rdi rsi rdx r10 r8 r9. */
export function syscallAsm(nr: number, ...args: Arg[]): string {
  const out: string[] = [];
  args.forEach((a, i) => {
    const r = ARG_REGS[i];
    if (typeof a === 'string') out.push(`  lea ${a}(%rip), ${r}`);
    else if (typeof a === 'object' && 'raw' in a) out.push(`  ${a.raw.replace(/\$REG/g, r)}`);
    else out.push(`  movabs $${BigInt.asIntN(64, BigInt(a))}, ${r}`);
  });
  out.push(nr >= 0 && nr <= 0x7fffffff ? `  mov $${nr}, %eax` : `  movabs $${nr}, %rax`, '  syscall');
  return out.join('\n');
}

/** A system call (number and arguments), or raw GAS lines between calls. */
export type Call = [nr: number, ...args: Arg[]] | string;

/**
 * A whole program: the calls in order, then exit_group(0). `data` is GAS for the .data section
 * (labels the calls name), `bss` for .bss.
 */
export function syscallProgram(calls: Call[], data = '', bss = ''): string {
  return [
    '  .globl _start',
    '  .text',
    '_start:',
    ...calls.map((c) => (typeof c === 'string' ? `  ${c}` : syscallAsm(c[0], ...c.slice(1)))),
    syscallAsm(231, 0),
    '  .data',
    data,
    '  .bss',
    bss,
    '',
  ].join('\n');
}

/** strace lines without the execve line and the final exit lines (the part that depends on the calls). */
export function middleLines(lines: string[]): string[] {
  return lines.filter((l) => !l.startsWith('execve(') && !l.startsWith('+++') && !l.startsWith('exit_group('));
}
