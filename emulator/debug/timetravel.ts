// Time travel by deterministic re-execution. A position in a run is the machine's count of
// retired instructions (cpu.instructions): the machine is deterministic given the host's answers,
// so the state at position N is whatever a fresh machine reaches after exactly N instructions
// from boot with the same answers. A Timeline keeps those answers (a HostLog every machine of a
// debug session records into and replays from), the /tmp folder and the realtime clock the first
// machine saw, and the user's edits of registers and memory (inputs too, applied again at their
// positions). It can make a machine at any earlier position, trace a window of positions
// (pc, privilege, stack pointer), and find where a backward step stops.
//
// Checkpoints: every re-execution starts at boot. The CPU re-runs about 600 million instructions
// a second, so a backward step (a trace, then the machine at its stop: two re-executions) costs
// about 3 ms per million instructions of history: ~30 ms at 10 million. A snapshot of a machine
// would have to copy the native kernel's state (VFS, tasks, the services' closures) and follow
// every change to it; not worth its upkeep at that speed.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LinuxSystem, SystemOptions } from '../linux';
import { Machine, RunResult } from '../machine';
import { HostCursor, HostLog, RecordingHostFs, RecordingHostIO, nodeHostFs, NodeHostIO, HostIO } from '../kernel/native';
import { decodeAt } from './disasm';
import { DebugMemory, debugMemory } from './memory';
import { PERCPU } from '../kernel/abi';

/** A change the user made to a stopped machine: made again when a re-execution reaches `at`. */
export interface Edit {
  at: number;
  apply(m: Machine): void;
}

interface Run {
  cursor: HostCursor;
  /** Index of the first edit not yet applied to this machine. */
  nextEdit: number;
}

export class Timeline {
  readonly log = new HostLog();
  readonly tmpDir: string;
  private readonly realtimeBaseNs: bigint;
  private readonly hostIO: HostIO;
  private readonly edits: Edit[] = [];
  private readonly runs = new WeakMap<LinuxSystem, Run>();
  private disposed = false;

  /**
   * `opts` as for LinuxSystem.fromImage; its hostIO is the live streams. `tracing`: the machines
   * report system calls (it changes the code the kernel runs, so every machine of a timeline must agree).
   */
  constructor(private readonly exePath: string, private readonly image: Uint8Array, private readonly opts: SystemOptions, private readonly tracing = true) {
    this.tmpDir = opts.tmpDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'trapdoor-tmp-'));
    this.realtimeBaseNs = opts.realtimeBaseNs ?? BigInt(Date.now()) * 1_000_000n;
    this.hostIO = opts.hostIO ?? new NodeHostIO();
  }

  /**
   * A machine at position 0 (the kernel's first instruction) whose host calls replay the log; with
   * `live`, it asks the host itself once past the log's end (else that is a ReplayDivergence).
   */
  boot(live = true): LinuxSystem {
    const cursor = new HostCursor(this.log, live);
    const sys = LinuxSystem.fromImage(this.exePath, this.image, {
      ...this.opts,
      hostIO: new RecordingHostIO(cursor, this.hostIO),
      hostFs: new RecordingHostFs(cursor, nodeHostFs),
      tmpDir: this.tmpDir,
      realtimeBaseNs: this.realtimeBaseNs,
    });
    sys.machine.setTracing(this.tracing);
    const run: Run = { cursor, nextEdit: 0 };
    this.runs.set(sys, run);
    this.applyDue(sys.machine, run);
    // Edits are inputs like the host's answers: made again at their positions, however the machine is run.
    const m = sys.machine;
    const raw = m.run.bind(m);
    m.run = (budget: number): RunResult => {
      let left = budget;
      for (;;) {
        this.applyDue(m, run);
        const next = run.nextEdit < this.edits.length ? this.edits[run.nextEdit].at : Infinity;
        const before = m.cpu.instructions;
        const r = raw(Math.min(left, next - before));
        left -= m.cpu.instructions - before;
        if (r.kind !== 'budget' || left <= 0) {
          this.applyDue(m, run);
          return r;
        }
      }
    };
    return sys;
  }

  private applyDue(m: Machine, run: Run): void {
    while (run.nextEdit < this.edits.length && this.edits[run.nextEdit].at <= m.cpu.instructions) {
      const e = this.edits[run.nextEdit++];
      if (e.at === m.cpu.instructions) e.apply(m);
    }
  }

  /** True while `sys` is replaying recorded host answers (it has not yet gone past the recording). */
  replaying(sys: LinuxSystem): boolean {
    return this.runs.get(sys)?.cursor.replaying ?? false;
  }

  /** Runs `sys` (it has no breakpoints) to position `target` exactly, or until the program ends. */
  runTo(sys: LinuxSystem, target: number): RunResult {
    const m = sys.machine;
    for (;;) {
      const left = target - m.cpu.instructions;
      if (left <= 0) return { kind: 'budget' };
      const r = sys.run(Math.min(left, 50_000_000));
      if (r.kind !== 'budget') return r;
    }
  }

  /** A machine at `target`, made by re-execution; it may go live once past the recording. */
  at(target: number): LinuxSystem {
    const sys = this.boot(true);
    const r = this.runTo(sys, target);
    if (sys.machine.cpu.instructions !== target) throw new Error(`re-execution ended before position ${target}: ${r.kind}`);
    return sys;
  }

  /**
   * The user changed `sys` (stopped at its position) with `apply`, already done to it. History
   * after this point is void: later edits and the host's later answers are forgotten, and the
   * machine goes live from here.
   */
  edit(sys: LinuxSystem, apply: (m: Machine) => void): void {
    const at = sys.machine.cpu.instructions;
    const run = this.runs.get(sys);
    let k = this.edits.findIndex((e) => e.at > at);
    if (k >= 0) this.edits.length = k;
    this.edits.push({ at, apply });
    k = this.edits.length;
    if (run) {
      run.nextEdit = k;
      this.log.truncate(run.cursor.pos);
    }
  }

  /** Positions lo..hi (hi included) of a fresh re-execution, one instruction at a time. */
  trace(lo: number, hi: number): Trace {
    const sys = this.boot(false);
    const m = sys.machine;
    this.runTo(sys, lo);
    lo = m.cpu.instructions;
    const n = Math.max(0, hi - lo) + 1;
    const pcs = new Float64Array(n), sps = new Float64Array(n), rings = new Uint8Array(n), tasks = new Float64Array(n);
    const cpu = m.cpu;
    const pcpu = m.symbol('per_cpu_area');
    const current = pcpu === undefined ? undefined : Number(BigInt.asIntN(64, pcpu)) + PERCPU.PCPU_current_task;
    let i = 0;
    let task = 0;
    for (;;) {
      pcs[i] = cpu.rip;
      sps[i] = cpu.regNum(4);
      rings[i] = cpu.cs & 3;
      // Only kernel code switches tasks: read current_task again after an instruction in ring 0.
      if (current !== undefined && (i === 0 || rings[i - 1] === 0)) task = Number(BigInt.asIntN(64, m.space.readU64(current)));
      tasks[i] = task;
      if (++i >= n) break;
      const r = sys.run(1);
      if (r.kind !== 'budget' && r.kind !== 'breakpoint') break;
    }
    return new Trace(lo, pcs.subarray(0, i), sps.subarray(0, i), rings.subarray(0, i), debugMemory(m.space), tasks.subarray(0, i));
  }

  /**
   * Runs a replay-only machine from boot to `end`, stopping before each instruction at one of
   * `addresses`, and after each access to a watched range (watches set by `setup`), before `end`;
   * `visit` looks at the machine there (it may run it on, and change the addresses); `setup`
   * prepares the machine before its first instruction.
   */
  scan(end: number, addresses: Iterable<bigint>, visit: (sys: LinuxSystem, why: 'breakpoint' | 'watch') => void, setup?: (sys: LinuxSystem) => void): void {
    const sys = this.boot(false);
    const m = sys.machine;
    setup?.(sys);
    for (const a of addresses) m.cpu.breakpoints.add(Number(BigInt.asIntN(64, a)));
    while (m.cpu.instructions < end) {
      const r = sys.run(end - m.cpu.instructions);
      if (r.kind === 'breakpoint' || r.kind === 'watch') {
        if (m.cpu.instructions < end) visit(sys, r.kind);
        continue;
      }
      if (r.kind !== 'budget') break;
    }
  }

  /** Closes what live runs left open on the host and removes the /tmp folder (unless the caller gave it). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.log.closeLive(nodeHostFs);
    if (this.opts.tmpDir === undefined) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

/**
 * What each position of a window looked like: rip, rsp, the privilege level and the running task
 * (its task_struct, from the per-CPU current_task) before its instruction ran.
 */
export class Trace {
  constructor(
    readonly lo: number,
    private readonly pcs: Float64Array,
    private readonly sps: Float64Array,
    private readonly rings: Uint8Array,
    /** The memory at the window's end (to decode the instructions). */
    private readonly mem: DebugMemory,
    private readonly tasks?: Float64Array,
  ) {}

  /** The task that ran the instruction at `p` (0 when unknown: one task for the whole window). */
  task(p: number): number {
    return this.tasks ? this.tasks[p - this.lo] : 0;
  }

  get hi(): number {
    return this.lo + this.pcs.length - 1;
  }

  has(p: number): boolean {
    return p >= this.lo && p <= this.hi;
  }

  pc(p: number): bigint {
    return BigInt.asUintN(64, BigInt(this.pcs[p - this.lo]));
  }

  sp(p: number): number {
    return this.sps[p - this.lo];
  }

  ring(p: number): number {
    return this.rings[p - this.lo];
  }

  /** Where the instruction at `p` hands control: a `ret` ends a call. */
  returns(p: number): boolean {
    const i = decodeAt(this.mem, this.pc(p));
    return i !== undefined && i.flow === 'ret' && i.mnemonic.startsWith('ret');
  }
}

/** Not enough history in the window: trace from further back. */
export const MORE = -1;

/**
 * The position a backward `next` by one instruction from `x` stops at: the task's previous
 * instruction (other tasks' instructions in between are not its history), unless `x` was reached
 * by coming back from somewhere deeper (a `ret`, or the kernel returning to user mode, a signal
 * handler included): then the call, syscall, int or interrupted instruction that went there, i.e.
 * the last earlier position of the task at this privilege level with the stack no deeper.
 * MORE when the window does not reach back far enough; 0 stays 0.
 */
export function stepBackInsn(t: Trace, x: number): number {
  if (x <= 0) return 0;
  const task = t.task(x);
  let p = x - 1;
  while (p >= t.lo && t.task(p) !== task) p--;
  if (p < t.lo) return t.lo === 0 ? x : MORE;
  // Across a switch of tasks (schedule() changed stacks in between): simply the task's last instruction.
  if (p !== x - 1) return p;
  const ring = t.ring(x), sp = t.sp(x);
  const deeper = (q: number): boolean => t.task(q) !== task || (ring === 3 && t.ring(q) === 0) || (t.ring(q) === ring && t.sp(q) < sp);
  const returned = (ring === 3 && t.ring(p) === 0) || (t.ring(p) === ring && t.sp(p) < sp && t.returns(p));
  if (!returned) return p;
  let q = p;
  while (q >= t.lo && deeper(q)) q--;
  if (q >= t.lo) return q;
  // Nothing shallower since boot: an unmatched return (a stack switch); take the instruction itself.
  return t.lo === 0 ? p : MORE;
}

export interface LineOf {
  (pc: bigint): { file: string; line: number } | undefined;
}

/**
 * The position a backward `next` by line from `x` stops at: back over the rest of `x`'s line,
 * then to the first instruction of the line before it at this level (as a forward `next` from
 * there would stop at `x`: the run of that line holds no instruction twice). Positions without a
 * line are steps by instruction, as forward.
 */
export function stepBackLine(t: Trace, x: number, lineOf: LineOf): number {
  const same = (a?: { file: string; line: number }, b?: { file: string; line: number }): boolean =>
    !!a && !!b && a.file === b.file && a.line === b.line;
  const l0 = lineOf(t.pc(x));
  if (!l0) return stepBackInsn(t, x);
  // Back over the instructions of x's own line (x may be inside it: a breakpoint, an instruction step).
  let p = x;
  for (;;) {
    const q = stepBackInsn(t, p);
    if (q === MORE) return MORE;
    if (q === p) return p;
    p = q;
    if (!same(lineOf(t.pc(p)), l0)) break;
    if (t.pc(p) === t.pc(x)) return p; // a loop on one line: the previous turn
    if (p === 0) return 0;
  }
  const l1 = lineOf(t.pc(p));
  if (!l1) return p;
  // Back to the first instruction of that line's run.
  const seen = new Set<bigint>([t.pc(p)]);
  for (;;) {
    if (p === 0) return 0;
    const q = stepBackInsn(t, p);
    if (q === MORE) return MORE;
    if (q === p || !same(lineOf(t.pc(q)), l1) || seen.has(t.pc(q))) return p;
    seen.add(t.pc(q));
    p = q;
  }
}

/** The largest window traced (about 17 bytes a position): a backward step over more history gives up. */
export const MAX_WINDOW = 1 << 22;

/** Runs `walk` on windows that grow back from `x` until it has the history it needs. */
export function findBack(tl: Timeline, x: number, walk: (t: Trace) => number, first = 4096): number {
  for (let size = first; ; size *= 8) {
    if (size > MAX_WINDOW * 8) throw new Error(`the step back reaches more than ${MAX_WINDOW} instructions back (use reverseContinue to a breakpoint)`);
    const lo = Math.max(0, x - Math.min(size, MAX_WINDOW));
    const t = tl.trace(lo, x);
    if (t.hi !== x) throw new Error(`re-execution did not reach position ${x}`);
    const r = walk(t);
    if (r !== MORE) return r;
    if (lo === 0) return 0;
  }
}
