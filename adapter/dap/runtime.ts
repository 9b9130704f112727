// The debugged machine, as the session sees it: a LinuxSystem run in slices (so a pause is
// answered at once), breakpoints, and stepping by line or instruction across the user/kernel
// boundary. It knows nothing of DAP (vscode-mock-debug's split): it calls its listener, and the
// session translates. Instruction knowledge comes from emulator/debug.

import * as fs from 'fs';
import * as path from 'path';
import { assembleFileCached } from '../../emulator/asm/program-cache';
import { Diagnostic } from '../../emulator/asm/ir';
import { codeBits, decodeAt, InsnInfo } from '../../emulator/debug/disasm';
import { EvalContext } from '../../emulator/debug/expr';
import { DebugMemory, debugMemory } from '../../emulator/debug/memory';
import { liveTasks, resumePoints, runningTask, taskMemory, TaskSummary } from '../../emulator/debug/tasks';
import { KTask } from '../../emulator/kernel/sched';
import { idtTargets } from './exceptions';
import { readRegister } from '../../emulator/debug/registers';
import { SymbolTable } from '../../emulator/debug/symbols';
import { userPtRegs } from '../../emulator/debug/unwind';
import { kernelReturns } from '../../emulator/debug/kernel-exits';
import { checkKernelTree } from './kernel-tree';
import { NeedInput } from './terminal';
import { undoVmcall } from '../../emulator/debug/vmcall';
import { HostIO } from '../../emulator/kernel/native/hostio';
import { LineMap, SourcePosition } from '../../emulator/elf/linemap';
import { readElf } from '../../emulator/elf/reader';
import { LinuxSystem, ProgramError } from '../../emulator/linux';
import { Timeline } from '../../emulator/debug/timetravel';
import { Machine, RunResult } from '../../emulator/machine';
import { SyscallEvent } from '../../emulator/trace/event';
import { BpKind, BreakpointTable } from './breakpoints';
import { WatchTable } from './watches';
import { Doors } from './doors';
import { FilterId } from './exceptions';
import { SessionHostIO } from './hostio';

export interface LaunchOptions {
  program: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  stopOnEntry?: boolean | 'kernel';
  /** A folder with a modified kernel tree (same layout as emulator/kernel/): built and booted instead. */
  kernel?: string;
}

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'pause' | 'exception' | 'data breakpoint';

export interface RuntimeListener {
  /** `tid`: the task that stopped (the one on the CPU). */
  stopped(reason: StopReason, hitIds?: number[], description?: string, tid?: number): void;
  /** A task appeared, ended, or changed programs (execve). */
  task(reason: 'started' | 'exited' | 'exec', t: TaskSummary): void;
  output(category: 'stdout' | 'stderr' | 'console', text: string): void;
  syscall(phase: 'entry' | 'exit', ev: SyscallEvent): void;
  exited(exitCode: number, description: string): void;
}

export type StepKind = 'in' | 'over' | 'out';

/** What to do before the next instruction runs: stop here, run one instruction, or run fast to an address. */
type Decision = 'stop' | 'step' | { runTo: bigint; also?: bigint[]; until: () => boolean };
/**
 * `owner`: the task the step belongs to (its tid). The step only sees that task's instructions:
 * while others have the CPU they run at full speed, and a step's target counts only when the owner
 * reaches it (gdb's scheduler-locking off).
 */
interface Stepper { owner?: number; decide(stepped: number): Decision }

const SLICE = 50_000;
const STEP_SLICE = 20_000;
const KERNEL_HALF = 0xffff800000000000n;
const U = (v: bigint): bigint => BigInt.asUintN(64, v);
const canon = (a: bigint): number => Number(BigInt.asIntN(64, a));

/** The memory of whichever task is on the CPU (a switch of tasks changes the address space). */
function cpuMemory(rt: { machine: Machine }): DebugMemory {
  return {
    read: (a, n) => debugMemory(rt.machine.space).read(a, n),
    write: (a, b) => debugMemory(rt.machine.space).write(a, b),
  };
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

export class Runtime {
  // The machine changes when the session travels back in time (adopt).
  system: LinuxSystem;
  machine: Machine;
  mem: DebugMemory;
  /** Positions (retired instructions) up to which the client has had the syscall events: replayed history sends none again. */
  quietUntil = 0;
  readonly symbols: SymbolTable;
  readonly programLines: LineMap;
  readonly kernelLines: LineMap;
  readonly breakpoints = new BreakpointTable();
  readonly programPath: string;
  /** Calls entered and not yet returned, by task (one may sleep in a call while others run). */
  pending = new Map<number, SyscallEvent>();
  /** The tasks the client has been told about, with their names (thread events are the differences). */
  private known = new Map<number, TaskSummary>();
  private tasksKey = '';
  /** Where a switched-out task continues (found on first need). */
  private resumeAt?: bigint[];
  /** Addresses right after the entry of the IDT's external interrupt gates (the timer's). */
  private interruptEntries?: Set<bigint>;
  /** The user wrote the memory of a task that is not on the CPU (time travel records it). */
  memoryEdited?: (tid: number, address: bigint, bytes: Uint8Array) => void;
  /** The host path of the launched program, as the kernel's execve resolved it. */
  private readonly exeRealPath: string;
  readonly syscallHits = new Map<string, number>();
  private running = false;
  private pauseRequested = false;
  private ended = false;
  private stepper?: Stepper;
  private runTo?: { address: bigint; also?: bigint[]; until: () => boolean };
  /** The kernel's sysret/iret instructions (found on the first step out of the kernel). */
  private kernelExits?: bigint[];
  private stepped = 0;
  /** Running, but held in a read until the terminal has input (not an event-loop block: pause works). */
  private waitingInput = false;
  private readonly programText: { start: bigint; end: bigint }[];
  readonly watches = new WatchTable();
  /** The last exception-filter stop (for the exceptionInfo request). */
  lastException?: { filter: FilterId; text: string };
  /** The process ended while a stop was reported first (a fatal signal): finished on resume. */
  private deferredEnd?: RunResult;
  /** Internal breakpoints at the kernel's doors, for the exception filters. */
  private readonly doors: Doors;
  /** What the CPU's set was last made from (breakpoint edits, the step's target, the IDT). */
  private synced = '';
  private bpVersion = 0;
  readonly entry: bigint;

  private constructor(system: LinuxSystem, image: Uint8Array, programPath: string, private readonly listener: RuntimeListener, readonly timeline: Timeline) {
    this.system = system;
    this.machine = system.machine;
    this.programPath = programPath;
    this.mem = cpuMemory(this);
    this.exeRealPath = realPath(programPath);
    const elf = readElf(image);
    this.symbols = new SymbolTable(elf.symbols, this.machine.kernel.sortedSymbols);
    this.entry = elf.entry;
    this.doors = new Doors(this, elf.entry);
    this.programText = elf.segments.filter((s) => s.type === 1 && (s.flags & 1) !== 0).map((s) => ({ start: s.vaddr, end: s.vaddr + s.memsz }));
    this.programLines = system.programLines();
    this.kernelLines = LineMap.fromRows(this.machine.kernel.lines);
    this.attach(system);
    for (const t of liveTasks(system, this.exeRealPath)) this.known.set(t.tid, t);
  }

  private attach(system: LinuxSystem): void {
    const listener = this.listener;
    system.attachTracer({
      syscallEnter: (ev) => {
        this.pending.set(ev.tid, ev);
        this.doors.noteEnter(ev);
        if (ev.startInsn <= this.quietUntil) return;
        const key = `${ev.abi}:${ev.nr}`;
        this.syscallHits.set(key, (this.syscallHits.get(key) ?? 0) + 1);
        this.syncTasksIfChanged();
        listener.syscall('entry', ev);
      },
      syscallExit: (ev) => {
        if (this.pending.get(ev.tid) === ev) this.pending.delete(ev.tid);
        this.doors.noteExit(ev);
        if (ev.endInsn <= this.quietUntil) return;
        this.syncTasksIfChanged();
        listener.syscall('exit', ev);
      },
      signal: (s) => this.doors.noteSignal(s),
      processExit: () => {
        if (this.machine.cpu.instructions > this.quietUntil) this.syncTasks();
      },
    }, true);
  }

  /**
   * At a system call: the tasks change only with the number of tasks, the task on the CPU (a task
   * that ended is dropped once it is off the CPU) or its program (execve). Other endings come
   * through processExit.
   */
  private syncTasksIfChanged(): void {
    const t = this.runningTask();
    const key = `${this.system.sched.tasks.size}:${t.tid}:${t.nk.exePath}`;
    if (key !== this.tasksKey) this.syncTasks();
  }

  /**
   * Tells the listener what changed among the tasks since it was last told: new ones, ended ones
   * (zombies count as ended, except the one still on the CPU), and new programs after an execve.
   */
  syncTasks(): void {
    const run = this.runningTask();
    this.tasksKey = `${this.system.sched.tasks.size}:${run.tid}:${run.nk.exePath}`;
    const now = liveTasks(this.system, this.exeRealPath);
    const seen = new Set<number>();
    for (const t of now) {
      seen.add(t.tid);
      const old = this.known.get(t.tid);
      this.known.set(t.tid, t);
      if (!old) this.listener.task('started', t);
      else if (old.exe !== t.exe) this.listener.task('exec', t);
    }
    for (const [tid, t] of this.known) {
      if (seen.has(tid)) continue;
      this.known.delete(tid);
      this.listener.task('exited', t);
    }
  }

  /** The tasks a debugger lists (the client's threads). */
  tasks(): TaskSummary[] {
    return liveTasks(this.system, this.exeRealPath);
  }

  /** The task on the CPU. */
  runningTask(): KTask {
    return runningTask(this.system);
  }

  runningTid(): number {
    return this.runningTask().tid;
  }

  /** A task that has not ended and is not on the CPU (its state is read from memory), by tid. */
  sleepingTask(tid: number | undefined): KTask | undefined {
    if (tid === undefined) return undefined;
    const t = this.system.sched.tasks.get(tid);
    if (!t || t.state === 'zombie' || t === this.runningTask()) return undefined;
    return t;
  }

  /** The memory of task `tid` as the debugger reads and writes it (the CPU's for the running task). */
  memoryOf(tid: number | undefined): DebugMemory {
    const t = this.sleepingTask(tid);
    if (!t) return this.mem;
    const inner = taskMemory(t);
    return {
      read: (a, n) => inner.read(a, n),
      write: (a, b) => {
        // Kernel addresses are every task's: written through the CPU's view (time travel records those).
        if (a >= KERNEL_HALF) return this.mem.write(a, b);
        const n = inner.write(a, b);
        if (n > 0) this.memoryEdited?.(t.tid, a, b.slice(0, n));
        return n;
      },
    };
  }

  /** The program text of `t` is the launched program's (after a fork), not another one's (after an execve). */
  runsLaunchedProgram(t: KTask): boolean {
    return t.nk.exePath === '' || t.nk.exePath === this.exeRealPath || t.nk.exePath === this.programPath;
  }

  /** Where a task that is not running continues: in schedule(), after the switch. */
  resumePoint(): bigint | undefined {
    const r = (this.resumeAt ??= resumePoints(this.mem, this.machine.kernel));
    const inSchedule = r.find((a) => this.machine.symbolAt(a)?.name === 'schedule');
    return inSchedule ?? r[0];
  }

  /**
   * Time travel: the session goes on with `system`, a re-execution of this run (reverse.ts).
   * `prepare` brings it to its position, with this runtime's tracer attached from boot (the
   * tracer's state, the pending call, is rebuilt on the way). The stop is the caller's to report.
   */
  adopt(system: LinuxSystem, prepare: () => void): void {
    this.system = system;
    this.machine = system.machine;
    this.mem = cpuMemory(this);
    this.pending = new Map();
    this.interruptEntries = undefined;
    this.deferredEnd = undefined;
    this.lastException = undefined;
    this.stepper = undefined;
    this.runTo = undefined;
    this.attach(system);
    prepare();
    this.synced = '';
    this.syncCpuBreakpoints();
    this.watches.moveTo(this.machine.cpu.mem, this.mem);
  }

  /** Reports a stop the runtime did not make itself (a backward step). */
  announce(reason: StopReason, ids?: number[], description?: string): void {
    this.syncTasks();
    this.listener.stopped(reason, ids, description, this.runningTid());
  }

  /** Assembles (a source) or reads (an ELF) the program and boots the machine up to its first kernel instruction. */
  /** `terminal`: the guest's streams go there instead of the Debug Console (launch `console`). */
  static create(o: LaunchOptions, listener: RuntimeListener, terminal?: HostIO): Runtime {
    const cwd = o.cwd ?? path.dirname(path.resolve(o.program));
    const programPath = path.resolve(cwd, o.program);
    const hostIO = terminal ?? new SessionHostIO(o.stdin ? path.resolve(cwd, o.stdin) : undefined, (fd, bytes) =>
      listener.output(fd === 2 ? 'stderr' : 'stdout', Buffer.from(bytes).toString('utf8')));
    const env = o.env ?? {};
    const kernel = o.kernel !== undefined ? checkKernelTree(path.resolve(cwd, o.kernel)) : undefined;
    const opts = { argv: [programPath, ...(o.args ?? [])], envp: Object.entries(env).map(([k, v]) => `${k}=${v}`), cwd, hostIO, kernel };
    let image: Uint8Array;
    if (LinuxSystem.isSource(programPath)) {
      const r = assembleFileCached(programPath);
      const errors = r.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
      if (!r.image) throw new ProgramError(`${o.program}: assembly failed`, errors.length ? errors : r.diagnostics);
      image = r.image;
    } else {
      image = require('fs').readFileSync(programPath) as Uint8Array;
    }
    // Every host call is recorded, so that the run can be re-executed exactly (stepBack).
    const timeline = new Timeline(programPath, image, opts);
    let system: LinuxSystem;
    try {
      system = timeline.boot();
    } catch (e) {
      timeline.dispose();
      throw e;
    }
    return new Runtime(system, image, programPath, listener, timeline);
  }

  get cpu(): Machine['cpu'] {
    return this.machine.cpu;
  }

  get isRunning(): boolean {
    return this.running;
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  pc(): bigint {
    return U(this.cpu.getReg('rip'));
  }

  inKernel(): boolean {
    return (this.cpu.cs & 3) === 0;
  }

  /** The source line of an address: the kernel's .S files above the canonical hole, the program's below. */
  lineAt(address: bigint): SourcePosition | undefined {
    return address >= KERNEL_HALF ? this.kernelLines.lookup(address) : this.programLines.lookup(address);
  }

  /** Code of the kernel, or of the program task `t` runs (the launched one by default). */
  isCode(address: bigint, t?: KTask): boolean {
    if (address >= KERNEL_HALF) return this.machine.kernel.sections.some((s) => s.flags.exec && address >= s.address && address < s.address + BigInt(s.size));
    if (t && !this.runsLaunchedProgram(t)) {
      // Another program (after an execve): its executable mappings.
      const v = t.nk.mm.find(Number(address));
      return !!v && (v.prot & 4) !== 0;
    }
    return this.programText.some((t) => address >= t.start && address < t.end);
  }

  /** Addresses where `line` of `file` begins, trying the next lines when it has no code; with the line that bound. */
  resolveLine(file: string, line: number): { line: number; addresses: bigint[] } | undefined {
    const kernelFile = this.kernelLines.files().includes(path.resolve(file));
    const map = kernelFile ? this.kernelLines : this.programLines;
    for (let l = line; l < line + 30; l++) {
      const a = map.addressesOf(kernelFile ? path.resolve(file) : file, l);
      if (a.length) return { line: l, addresses: a };
    }
    return undefined;
  }

  /** Registers, symbols, memory, and the current call's `nr`/`args`/`ret`, for expressions. */
  evalContext(): EvalContext {
    return {
      register: (n) => readRegister(this.cpu, n),
      symbol: (n) => this.symbols.lookup(n)?.address,
      extra: (n) => {
        const sc = this.currentSyscall();
        if (!sc) return undefined;
        if (n === 'nr') return BigInt(sc.nr);
        if (n === 'args') return sc.args;
        if (n === 'ret') return sc.ret;
        return undefined;
      },
      memory: this.mem,
      symbolize: (a) => this.symbols.format(a),
    };
  }

  /** The call being served while in the kernel: the tracer's event, or pt_regs before the tracer saw it. */
  currentSyscall(): { nr: number; abi: '64' | 'i386'; args: bigint[]; ret?: bigint; event?: SyscallEvent } | undefined {
    if (!this.inKernel()) return undefined;
    return this.syscallOf(this.runningTid(), userPtRegs(this.machine, this.mem));
  }

  /** The call task `tid` is in: the tracer's event, or its pt_regs' orig_ax (undefined for an exception or none). */
  syscallOf(tid: number, regs: { read(f: 'orig_ax' | 'di' | 'si' | 'dx' | 'r10' | 'r8' | 'r9'): bigint } | undefined): { nr: number; abi: '64' | 'i386'; args: bigint[]; ret?: bigint; event?: SyscallEvent } | undefined {
    const ev = this.pending.get(tid);
    if (ev) return { nr: ev.nr, abi: ev.abi, args: ev.args, event: ev };
    if (!regs) return undefined;
    const orig = BigInt.asIntN(64, regs.read('orig_ax'));
    if (orig < 0n) return undefined; // an exception, not a call
    return { nr: Number(orig), abi: '64', args: (['di', 'si', 'dx', 'r10', 'r8', 'r9'] as const).map((f) => regs.read(f)) };
  }

  syscallName(nr: number, abi: '64' | 'i386' = '64'): string {
    return this.machine.kernel.syscalls.find((s) => s.nr === nr && s.abi === abi)?.name ?? `syscall_${nr}`;
  }

  // ----- running -----

  start(stopOnEntry: boolean | 'kernel'): void {
    if (stopOnEntry === 'kernel') {
      this.listener.stopped('entry', undefined, 'start_kernel');
      return;
    }
    if (stopOnEntry) {
      // The first user instruction: the kernel boots (at full speed, to a breakpoint on the entry
      // point) and iretq's there. Stepping the boot would decode a block for every instruction.
      this.resume({ decide: (n) => (n > 0 && !this.inKernel() ? 'stop' : { runTo: this.entry, until: () => !this.inKernel() }) }, 'entry');
      return;
    }
    this.resume(undefined);
  }

  continue(): void {
    this.resume(undefined);
  }

  pause(): void {
    if (this.waitingInput) {
      this.waitingInput = false;
      this.stop('pause'); // in the read's vmcall, where the program waits for the terminal
      return;
    }
    if (this.running) this.pauseRequested = true;
  }

  /**
   * A step of task `tid` (the one on the CPU when not given). A task that is not running sleeps in
   * the kernel (or waits for its turn): any step of it runs until it is back in user mode.
   */
  step(kind: StepKind, instruction: boolean, tid?: number): void {
    if (this.running || this.ended) return;
    const other = this.sleepingTask(tid);
    if (other) return this.resume(this.stepOutOfKernel(other.tid));
    const owner = this.runningTid();
    const s = kind === 'out' ? this.stepOut() : this.stepLineOrInsn(kind === 'over', instruction);
    s.owner = owner;
    this.resume(s);
  }

  private insnAt(a: bigint): InsnInfo | undefined {
    return decodeAt(this.mem, a, codeBits(a, this.userCode32()));
  }

  /** Whether task `tid`'s (default: the running task's) user code is i386 code, decoded as 32-bit. */
  userCode32(tid?: number): boolean {
    const t = tid === undefined ? this.runningTask() : this.system.sched.tasks.get(tid);
    return t ? t.nk.mm.compat : this.cpu.code32;
  }

  /** stepIn/next: until the line changes (or one instruction); `over` runs calls, syscalls and int $n as one step. */
  private stepLineOrInsn(over: boolean, instruction: boolean): Stepper {
    const startPc = this.pc();
    const start = instruction ? undefined : this.lineAt(startPc);
    return {
      decide: (n) => {
        const pc = this.pc();
        if (n > 0) {
          if (instruction || !start) return 'stop';
          const pos = this.lineAt(pc);
          if (!pos || pos.file !== start.file || pos.line !== start.line || pc === startPc) return 'stop';
        }
        if (over) {
          const i = this.insnAt(pc);
          if (i && (i.flow === 'call' || i.flow === 'syscall' || i.flow === 'int') && i.mnemonic !== 'vmcall') {
            const sp = U(this.cpu.getReg('rsp'));
            const ring = this.cpu.cs & 3;
            // Back at the next instruction, at the same privilege and stack depth (a recursive call passes it deeper).
            return { runTo: i.next, until: () => (this.cpu.cs & 3) === ring && U(this.cpu.getReg('rsp')) >= sp };
          }
        }
        return 'step';
      },
    };
  }

  /** Out of the current function (a return that pops its frame), or out of the kernel back to user mode. */
  private stepOut(): Stepper {
    const sp = U(this.cpu.getReg('rsp'));
    const ring = this.cpu.cs & 3;
    if (ring === 0) return this.stepOutOfKernel();
    let last: InsnInfo | undefined;
    return {
      decide: (n) => {
        if (n > 0) {
          if (ring === 0 && !this.inKernel()) return 'stop';
          if (last?.flow === 'ret' && (this.cpu.cs & 3) === ring && U(this.cpu.getReg('rsp')) > sp) return 'stop';
        }
        last = this.insnAt(this.pc());
        return 'step';
      },
    };
  }

  /**
   * Out of the kernel in one step, to the user instruction it returns to (after the syscall or
   * int $0x80, the faulting instruction, a signal handler, or _start after the boot): at full speed
   * to the kernel's sysret/iret instructions, then one instruction, until the CPU is in ring 3.
   */
  private stepOutOfKernel(owner?: number): Stepper {
    const exits = (this.kernelExits ??= kernelReturns(this.mem, this.machine.kernel));
    return {
      owner,
      decide: (n) => {
        if (n > 0 && !this.inKernel()) return 'stop';
        if (exits.length === 0 || exits.includes(this.pc())) return 'step';
        return { runTo: exits[0], also: exits.slice(1), until: () => true };
      },
    };
  }

  private stopReason: StopReason = 'step';

  private resume(stepper: Stepper | undefined, reason: StopReason = 'step'): void {
    if (this.running || this.ended) return;
    this.watches.refresh(this.mem); // the user may have written memory while stopped
    if (this.deferredEnd) {
      const r = this.deferredEnd;
      this.deferredEnd = undefined;
      setImmediate(() => this.finish(r));
      return;
    }
    this.stepper = stepper;
    this.stopReason = reason;
    this.runTo = undefined;
    this.stepped = 0;
    this.running = true;
    this.pauseRequested = false;
    setImmediate(() => this.slice());
  }

  private syncKey(): string {
    return `${this.bpVersion}:${this.runTo?.address}:${this.runTo?.also?.length}:${this.cpu.idtrLimit}`;
  }

  /** At the step's target (one of them), in the state it waits for, in the step's own task. */
  private reachedRunTo(pc: bigint): boolean {
    const t = this.runTo;
    if (!t || !(pc === t.address || (t.also?.includes(pc) ?? false))) return false;
    const owner = this.stepper?.owner;
    return (owner === undefined || this.runningTid() === owner) && t.until();
  }

  /**
   * Another task has the CPU while the step's task waits (or has just been interrupted): run at
   * full speed until the step's task continues, where schedule() switches back to it.
   */
  private waitForOwner(): void {
    const r = (this.resumeAt ??= resumePoints(this.mem, this.machine.kernel));
    if (r.length === 0) return;
    this.runTo = { address: r[0], also: r.slice(1), until: () => true };
  }

  /** Just after the entry of an external interrupt's gate (the timer's), which no instruction of the program asked for. */
  private atInterruptEntry(pc: bigint): boolean {
    if (!this.interruptEntries) {
      const set = new Set<bigint>();
      const cpu = this.cpu;
      if (cpu.idtrLimit > 0) {
        for (const [target, vector] of idtTargets(this.mem, U(BigInt(cpu.idtrBase)), cpu.idtrLimit)) {
          if (vector < 32 || vector === 0x80) continue;
          set.add(target);
          const i = decodeAt(this.mem, target);
          if (i) set.add(i.next);
        }
        this.interruptEntries = set;
      } else return false;
    }
    return this.interruptEntries.has(pc);
  }

  /** Makes the CPU's set what it should be, changing only the difference (each change re-splits blocks). */
  private syncCpuBreakpoints(): void {
    this.synced = this.syncKey();
    const want = new Set<number>();
    for (const a of this.breakpoints.addresses()) want.add(canon(a));
    if (this.runTo) for (const a of [this.runTo.address, ...(this.runTo.also ?? [])]) want.add(canon(a));
    for (const a of this.doors.addresses()) want.add(canon(a));
    const set = this.cpu.breakpoints;
    for (const a of [...set]) if (!want.has(a)) set.delete(a);
    for (const a of want) set.add(a);
  }

  /** Exception filters changed: the doors follow. */
  exceptionsChanged(list: { filterId: string; condition?: string }[]): void {
    this.bpVersion++;
    this.doors.set(list);
    this.syncCpuBreakpoints();
  }

  /** At an internal breakpoint: true when an exception filter stopped (or ended) the run. */
  private checkDoor(): boolean {
    const o = this.doors.check(this.pc());
    if (!o) return false;
    if (o.refresh) {
      this.syncCpuBreakpoints();
      return false;
    }
    if (o.stop) {
      this.lastException = o.stop;
      this.stop('exception', undefined, o.stop.text);
    }
    if (o.ended) {
      if (o.stop) this.deferredEnd = o.ended;
      else this.finish(o.ended);
    }
    return true;
  }

  /** Applies new breakpoints at once, also while running. */
  breakpointsChanged(): void {
    this.bpVersion++;
    this.syncCpuBreakpoints();
  }

  /** One slice of work, then yield to the event loop (where pause and other requests arrive). */
  private slice(): void {
    if (!this.running) return;
    try {
      this.sliceBody();
    } catch (e) {
      if (e instanceof NeedInput) {
        // A read of the terminal before anything was typed: take the vmcall back, run on when input comes.
        undoVmcall(this.cpu);
        this.waitingInput = true;
        e.wait(() => {
          if (!this.waitingInput) return;
          this.waitingInput = false;
          if (this.running) setImmediate(() => this.slice());
        });
        return;
      }
      this.running = false;
      this.listener.output('stderr', `trapdoor: internal error while running: ${(e as Error).stack ?? e}\n`);
      this.finish({ kind: 'oops', message: (e as Error).message });
      return;
    }
    if (this.running) setImmediate(() => this.slice());
  }

  private stop(reason: StopReason, ids?: number[], description?: string): void {
    this.running = false;
    this.runTo = undefined;
    this.syncCpuBreakpoints();
    this.syncTasks();
    this.listener.stopped(reason, ids, description, this.runningTid());
  }

  private static reasonOf(kind: BpKind): StopReason {
    return kind === 'function' ? 'function breakpoint' : kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint';
  }

  /** A user breakpoint at the current pc: true when it stopped the run. */
  private checkBreakpoint(): boolean {
    const pc = this.pc();
    if (!this.breakpoints.has(pc)) return false;
    const r = this.breakpoints.hit(pc, this.evalContext());
    if (r.log) this.listener.output('console', r.log);
    if (!r.stop) return false;
    this.stop(Runtime.reasonOf(r.kind), r.ids);
    return true;
  }

  private sliceBody(): void {
    const started = Date.now();
    let budget = this.stepper ? STEP_SLICE : SLICE;
    while (this.running && budget > 0 && Date.now() - started < 30) {
      if (this.pauseRequested) return this.stop('pause');
      if (this.runTo || !this.stepper) {
        // Fast: the CPU runs until a breakpoint (a user one, or the step's target), for up to ~15 ms.
        if (this.synced !== this.syncKey()) this.syncCpuBreakpoints();
        const r = this.machine.run(SLICE);
        if (r.kind === 'watch') {
          // Data breakpoints are checked by the memory itself: the CPU stopped after the access.
          if (this.checkWatches()) return;
          continue;
        }
        if (r.kind === 'breakpoint') {
          const pc = this.pc();
          if (this.reachedRunTo(pc)) this.runTo = undefined;
          if (this.checkDoor() || this.checkBreakpoint()) return;
          continue;
        }
        if (r.kind === 'exited' || r.kind === 'oops') return this.finish(r);
        if (this.stepper || Date.now() - started >= 15) return; // yield: pause and other requests wait
        continue;
      }
      const owner = this.stepper.owner;
      if (owner !== undefined && this.runningTid() !== owner) {
        this.waitForOwner();
        if (this.runTo) continue;
      }
      const d = this.stepper.decide(this.stepped);
      if (d === 'stop') return this.stop(this.stopReason);
      if (d !== 'step') {
        this.runTo = { address: d.runTo, also: d.also, until: d.until };
        this.stepped++;
        // Run the call/syscall itself first, so the target is not hit before leaving.
      }
      const before = { pc: this.pc(), sp: U(this.cpu.getReg('rsp')), user: !this.inKernel(), stepped: this.stepped };
      const r = this.machine.run(1);
      this.stepped++;
      budget--;
      if (r.kind === 'exited' || r.kind === 'oops') return this.finish(r);
      if (r.kind === 'watch' && this.checkWatches()) return;
      if (before.user && !this.runTo && this.inKernel() && this.atInterruptEntry(this.pc())) {
        // The timer interrupted the program before its instruction ran: the step goes over the
        // interrupt (and whatever other tasks run meanwhile) back to that instruction, as if nothing came.
        this.stepped = before.stepped;
        this.runTo = { address: before.pc, until: () => !this.inKernel() && U(this.cpu.getReg('rsp')) === before.sp };
        continue;
      }
      if (this.reachedRunTo(this.pc())) this.runTo = undefined;
      if (this.checkBreakpoint()) return;
    }
  }

  private checkWatches(): boolean {
    const hit = this.watches.take(this.mem, (a) => this.symbols.format(a));
    if (!hit) return false;
    this.stop('data breakpoint', hit.ids, hit.text);
    return true;
  }

  private finish(r: RunResult): void {
    this.running = false;
    this.ended = true;
    let code = 0;
    let description = '';
    if (r.kind === 'exited') {
      code = r.signal ? 128 + r.signal : r.code ?? 0;
      description = r.signal ? `killed by signal ${r.signal}` : `exited with ${code}`;
    } else if (r.kind === 'oops') {
      code = 70;
      description = r.message;
      this.listener.output('stderr', `trapdoor: ${r.message}\n`);
    }
    this.system.close();
    this.timeline.dispose();
    this.listener.exited(code, description);
  }

  terminate(): void {
    this.running = false;
    this.waitingInput = false;
    if (!this.ended) {
      this.ended = true;
      this.system.close();
      this.timeline.dispose();
    }
  }
}
