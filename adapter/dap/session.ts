// The Debug Adapter Protocol session: translates DAP requests into Runtime calls and the
// Runtime's callbacks into DAP events. One session owns one machine; its threads are the guest's
// tasks (DAP thread id = Linux tid, named `1001 prog`, `1002 prog [thread]`). The task on the CPU
// is the one that stops; the others sleep in the kernel, and their stacks, registers and memory
// are read from where the kernel saved them (emulator/debug/tasks.ts).
//
// Frame ids: the running task's frames are 1, 2, 3...; another task's are tid * FRAME_STRIDE + 1, +2...
// Memory references: a user address of a task that is not running is `0x...@tid` (its own address space).

import * as path from 'path';
import {
  Breakpoint, BreakpointEvent, ExitedEvent, InitializedEvent, LoggingDebugSession, OutputEvent, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread, ThreadEvent, Event,
} from '@vscode/debugadapter';
import { DebugProtocol } from '@vscode/debugprotocol';
import { formatDiagnostic } from '../../emulator/asm/index';
import { codeBits, disassemble, startBefore } from '../../emulator/debug/disasm';
import { evaluate, examine } from '../../emulator/debug/expr';
import { Frame, sleepingFrames, unwind } from '../../emulator/debug/unwind';
import { sleepingPtRegs, sleepingRegisters } from '../../emulator/debug/tasks';
import { readRegister } from '../../emulator/debug/registers';
import { EvalContext } from '../../emulator/debug/expr';
import { KTask } from '../../emulator/kernel/sched';
import { SourcePosition } from '../../emulator/elf/linemap';
import { ProgramError } from '../../emulator/linux';
import { syscallJson } from '../../emulator/trace/json';
import { BreakpointTable } from './breakpoints';
import { EXCEPTION_FILTERS } from './exceptions';
import { WATCH_ACCESS_TYPES, WatchAccess, dataId, parseDataId } from './watches';
import { LaunchOptions, Runtime, StopReason } from './runtime';
import { Variables } from './variables';
import { Reverse } from './reverse';
import { BreakpointRecorder } from './restart';
import { kernelErrorText } from './kernel-tree';
import { TerminalIO } from './terminal';

export interface TrapdoorLaunchArguments extends DebugProtocol.LaunchRequestArguments, LaunchOptions {
  /** Where the guest's standard streams go: the Debug Console (default) or a terminal (runInTerminal). */
  console?: 'internalConsole' | 'integratedTerminal' | 'externalTerminal';
}

/** The thread id reported before the machine has tasks. */
const THREAD = 1;
/** Frame ids of a task that is not running: tid * FRAME_STRIDE + index + 1 (a stack has fewer frames). */
const FRAME_STRIDE = 1024;
/** A user address of task `tid`: `0x...@tid` (no suffix: the running task's, or a kernel address). */
const memRef = (a: bigint, tid?: number): string => hex(a) + (tid !== undefined && BigInt.asUintN(64, a) < 0xffff800000000000n ? `@${tid}` : '');
function parseMemRef(ref: string): { address: bigint; tid?: number } {
  const m = /^\s*([^@]+?)\s*(?:@\s*(\d+))?\s*$/.exec(ref);
  if (!m) throw new Error(`not a memory reference: ${ref}`);
  return { address: BigInt(m[1]), tid: m[2] !== undefined ? Number(m[2]) : undefined };
}
/** Breakpoints set before launch are answered unverified; this table only numbers them. */
const dummy = { breakpoints: new BreakpointTable() };
const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

export class TrapdoorSession extends LoggingDebugSession {
  private rt?: Runtime;
  /** stepBack and reverseContinue for the runtime. */
  private reverse?: Reverse;
  private vars?: Variables;
  /** Exception filters set before launch, applied when the runtime exists. */
  private pendingFilters: { filterId: string; condition?: string }[] = [];
  private configured!: Promise<void>;
  private configDone!: () => void;
  /** The launch arguments of the running machine (a restart reuses them). */
  private launchArgs?: TrapdoorLaunchArguments;
  /** The breakpoint requests, replayed on restart. */
  private readonly recorder = new BreakpointRecorder();
  /** While replaying them: their responses, kept from the client. */
  private replayed?: DebugProtocol.Response[];
  private clientRunsInTerminal = false;
  /** The terminal the guest's streams go to (launch `console`), kept across restarts. */
  private terminal?: TerminalIO;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configured = new Promise((resolve) => (this.configDone = resolve));
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.clientRunsInTerminal = args?.supportsRunInTerminalRequest === true;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsInstructionBreakpoints: true,
      supportsSteppingGranularity: true,
      supportsSetVariable: true,
      supportsEvaluateForHovers: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsTerminateRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsValueFormattingOptions: false,
      exceptionBreakpointFilters: EXCEPTION_FILTERS,
      supportsExceptionFilterOptions: true,
      supportsExceptionInfoRequest: true,
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      supportsStepBack: true,
      supportsRestartRequest: true,
    };
    this.sendResponse(response);
  }

  protected async launchRequest(response: DebugProtocol.LaunchResponse, args: TrapdoorLaunchArguments): Promise<void> {
    if (!args.program) return this.sendErrorResponse(response, 3001, 'launch: no "program" to debug');
    try {
      await this.openTerminal(args);
    } catch (e) {
      return this.sendErrorResponse(response, 3007, `launch: ${(e as Error).message}`.replace(/[{}]/g, ''));
    }
    const error = this.createRuntime(args);
    if (error) return this.sendErrorResponse(response, error.code, error.text);
    // Ready for breakpoints now that the program's line table and symbols are known.
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configured, new Promise((r) => setTimeout(r, 5000))]);
    this.sendResponse(response);
    this.rt!.start(args.stopOnEntry ?? false);
  }

  /** With `"console": "integratedTerminal"` (or external) and a client that can: a terminal for the guest. */
  private async openTerminal(args: TrapdoorLaunchArguments): Promise<void> {
    const kind = args.console === 'integratedTerminal' ? 'integrated' : args.console === 'externalTerminal' ? 'external' : undefined;
    if (!kind) return;
    if (!this.clientRunsInTerminal) {
      this.sendEvent(new OutputEvent(`trapdoor: this client cannot run a terminal (runInTerminal): the program's input and output are here\n`, 'console'));
      return;
    }
    if (this.terminal) return;
    const cwd = args.cwd ?? path.dirname(path.resolve(args.program));
    this.terminal = await TerminalIO.open((a, timeout, cb) => this.runInTerminalRequest(a, timeout, cb), {
      kind, title: `Trapdoor: ${path.basename(args.program)}`, cwd, stdinFile: args.stdin ? path.resolve(cwd, args.stdin) : undefined,
    });
  }

  /** A new machine for `args`, or the launch error to report. */
  private createRuntime(args: TrapdoorLaunchArguments): { code: number; text: string } | undefined {
    try {
      this.rt = Runtime.create(args, {
        stopped: (reason, ids, description, tid) => this.onStopped(reason, ids, description, tid),
        task: (reason, t) => {
          if (reason !== 'exec') this.sendEvent(new ThreadEvent(reason, t.tid));
          this.sendEvent(new Event('trapdoor/task', { reason, pid: t.pid, tid: t.tid, name: t.name, program: t.comm, exe: t.exe }));
        },
        output: (category, text) => this.sendEvent(new OutputEvent(text, category)),
        syscall: (phase, ev) => this.sendEvent(new Event('trapdoor/syscall', { phase, ...syscallJson(ev, this.rt!.machine.userMemory) })),
        exited: (code, description) => {
          this.sendEvent(new OutputEvent(`${path.basename(args.program)}: ${description}\n`, 'console'));
          this.sendEvent(new ExitedEvent(code));
          this.sendEvent(new TerminatedEvent());
        },
      }, args.console === 'integratedTerminal' || args.console === 'externalTerminal' ? this.terminal : undefined);
    } catch (e) {
      // (Braces would be taken for the message's {variables}.)
      if (e instanceof ProgramError) {
        const text = e.diagnostics.length ? e.diagnostics.map(formatDiagnostic).join('\n') : e.message;
        return { code: 3002, text: text.replace(/[{}]/g, '') };
      }
      const k = kernelErrorText(e);
      if (k !== undefined) return { code: 3005, text: k.replace(/[{}]/g, '') };
      return { code: 3003, text: `launch failed: ${(e as Error).message}`.replace(/[{}]/g, '') };
    }
    this.launchArgs = args;
    this.vars = new Variables(this.rt);
    this.reverse = new Reverse(this.rt, () => this.pendingFilters, (text) => this.sendEvent(new OutputEvent(text, 'console')));
    if (this.pendingFilters.length) this.rt.exceptionsChanged(this.pendingFilters);
    return undefined;
  }

  /** Relaunches with the client's (possibly updated) configuration, keeping the breakpoints. */
  protected async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    const launch = (args?.arguments as TrapdoorLaunchArguments | undefined) ?? this.launchArgs;
    if (!launch?.program) return this.sendErrorResponse(response, 3006, 'restart: nothing was launched');
    this.rt?.terminate();
    this.rt = undefined;
    try {
      await this.openTerminal(launch);
    } catch (e) {
      this.sendErrorResponse(response, 3007, `restart: ${(e as Error).message}`.replace(/[{}]/g, ''));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const error = this.createRuntime(launch);
    if (error) {
      this.sendErrorResponse(response, error.code, error.text);
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.replayBreakpoints();
    this.sendResponse(response);
    this.rt!.start(launch.stopOnEntry ?? false);
  }

  /** Sets the recorded breakpoints again on the new machine, with the ids the client knows. */
  private replayBreakpoints(): void {
    for (const { request, ids } of this.recorder.entries()) {
      this.rt!.breakpoints.reuseIds(ids);
      this.replayed = [];
      try {
        this.dispatchRequest({ ...request, seq: 0 });
      } finally {
        const got = this.replayed;
        this.replayed = undefined;
        for (const r of got) {
          for (const bp of (r.body as { breakpoints?: DebugProtocol.Breakpoint[] } | undefined)?.breakpoints ?? []) this.sendEvent(new BreakpointEvent('changed', bp));
        }
      }
    }
  }

  protected dispatchRequest(request: DebugProtocol.Request): void {
    if (!this.replayed) this.recorder.request(request);
    super.dispatchRequest(request);
  }

  sendResponse(response: DebugProtocol.Response): void {
    if (this.replayed) {
      this.replayed.push(response);
      return;
    }
    this.recorder.response(response);
    super.sendResponse(response);
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configDone();
    this.sendResponse(response);
  }

  private onStopped(reason: StopReason, ids?: number[], description?: string, tid?: number): void {
    this.vars?.reset();
    this.reverse?.stopped();
    const ev = new StoppedEvent(reason, tid ?? THREAD) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    if (ids?.length) ev.body.hitBreakpointIds = ids;
    if (description) ev.body.description = description;
    if (description && reason === 'exception') ev.body.text = description;
    this.sendEvent(ev);
  }

  private source(pos: SourcePosition | undefined): Source | undefined {
    return pos ? new Source(path.basename(pos.file), this.convertDebuggerPathToClient(pos.file)) : undefined;
  }

  // ----- breakpoints -----

  protected setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const rt = this.rt;
    const file = args.source.path ? this.convertClientPathToDebugger(args.source.path) : '';
    const out: DebugProtocol.Breakpoint[] = [];
    const list = [];
    for (const b of args.breakpoints ?? []) {
      const bound = rt && file ? rt.resolveLine(file, this.convertClientLineToDebugger(b.line)) : undefined;
      const bp = (rt ?? dummy).breakpoints.create('source', bound?.addresses ?? [], b);
      list.push(bp);
      const r: DebugProtocol.Breakpoint = new Breakpoint(!!bound, bound ? this.convertDebuggerLineToClient(bound.line) : b.line);
      r.id = bp.id;
      if (bound) r.instructionReference = hex(bound.addresses[0]);
      else r.message = rt ? 'no code on or after this line' : 'not launched yet';
      out.push(r);
    }
    if (rt) {
      rt.breakpoints.setSource(file, list);
      rt.breakpointsChanged();
    }
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  protected setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const rt = this.rt;
    const out: DebugProtocol.Breakpoint[] = [];
    const list = [];
    for (const f of args.breakpoints) {
      const s = rt?.symbols.lookup(f.name.trim());
      const bp = (rt ?? dummy).breakpoints.create('function', s ? [s.address] : [], f);
      list.push(bp);
      const pos = s ? rt!.lineAt(s.address) : undefined;
      const r: DebugProtocol.Breakpoint = new Breakpoint(!!s, pos?.line, undefined, this.source(pos));
      r.id = bp.id;
      if (s) r.instructionReference = hex(s.address);
      else r.message = `no symbol named ${f.name}`;
      out.push(r);
    }
    if (rt) {
      rt.breakpoints.setFunctions(list);
      rt.breakpointsChanged();
    }
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  protected setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    const rt = this.rt;
    const out: DebugProtocol.Breakpoint[] = [];
    const list = [];
    for (const i of args.breakpoints) {
      let a: bigint | undefined;
      try {
        a = BigInt.asUintN(64, BigInt(i.instructionReference) + BigInt(i.offset ?? 0));
      } catch {
        a = undefined;
      }
      const bp = (rt ?? dummy).breakpoints.create('instruction', a !== undefined ? [a] : [], i);
      list.push(bp);
      const pos = a !== undefined ? rt?.lineAt(a) : undefined;
      const r: DebugProtocol.Breakpoint = new Breakpoint(a !== undefined && !!rt, pos?.line, undefined, this.source(pos));
      r.id = bp.id;
      if (a !== undefined) r.instructionReference = hex(a);
      out.push(r);
    }
    if (rt) {
      rt.breakpoints.setInstructions(list);
      rt.breakpointsChanged();
    }
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  protected setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const list: { filterId: string; condition?: string }[] = (args.filters ?? []).map((f) => ({ filterId: f }));
    for (const o of args.filterOptions ?? []) {
      const old = list.find((x) => x.filterId === o.filterId);
      if (old) old.condition = o.condition;
      else list.push({ filterId: o.filterId, condition: o.condition });
    }
    this.pendingFilters = list;
    this.rt?.exceptionsChanged(list);
    response.body = { breakpoints: list.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  /** A memory location to watch: an address (asAddress), a symbol, or a memory read like `*(u32*)(rsp+8)`. */
  protected dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const rt = this.rt;
    const none = (why: string): void => { response.body = { dataId: null, description: why }; this.sendResponse(response); };
    if (!rt || rt.hasEnded) return none('the program is not running');
    if (args.variablesReference) return none('registers cannot be watched: use a memory expression');
    let address: bigint | undefined;
    let size = args.bytes ?? 8;
    try {
      if (args.asAddress) address = BigInt(args.name.trim());
      else {
        const s = rt.symbols.lookup(args.name.trim());
        if (s) address = s.address;
        else {
          const r = evaluate(args.name, rt.evalContext());
          address = r.address;
          const t = /\(\s*([a-z0-9_]+)\s*\*\s*\)/i.exec(args.name)?.[1] ?? '';
          const m = /(8|16|32|64)/.exec(t);
          if (!args.bytes) size = t === 'char' ? 1 : t === 'short' ? 2 : t === 'int' ? 4 : m ? Number(m[1]) / 8 : 8;
        }
      }
    } catch (e) {
      return none((e as Error).message);
    }
    if (address === undefined) return none(`${args.name} is not a memory location`);
    address = BigInt.asUintN(64, address);
    response.body = { dataId: dataId(address, size), description: `${size} bytes at ${hex(address)}`, accessTypes: WATCH_ACCESS_TYPES, canPersist: false };
    this.sendResponse(response);
  }

  protected setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const rt = this.rt;
    const out: DebugProtocol.Breakpoint[] = [];
    const items: { id: number; address: bigint; size: number; access: WatchAccess }[] = [];
    for (const b of args.breakpoints) {
      const loc = parseDataId(b.dataId);
      const bp = (rt ?? dummy).breakpoints.create('instruction', [], b);
      const access = (b.accessType ?? 'write') as WatchAccess;
      const ok = !!loc && !!rt && WATCH_ACCESS_TYPES.includes(access);
      const r: DebugProtocol.Breakpoint = new Breakpoint(ok);
      r.id = bp.id;
      if (!ok) r.message = !rt ? 'not launched yet' : !loc ? 'not a memory location' : `unknown access type ${access}`;
      else {
        items.push({ id: bp.id, address: loc.address, size: loc.size, access });
        r.instructionReference = hex(loc.address);
      }
      out.push(r);
    }
    rt?.watches.set(rt.cpu.mem, rt.mem, items);
    response.body = { breakpoints: out };
    this.sendResponse(response);
  }

  protected exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const x = this.rt?.lastException;
    if (!x) return this.sendErrorResponse(response, 3060, 'no exception');
    response.body = { exceptionId: x.filter, description: x.text, breakMode: 'always' };
    this.sendResponse(response);
  }

  // ----- execution -----

  protected continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.rt?.continue();
  }

  protected nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.sendResponse(response);
    this.rt?.step('over', args.granularity === 'instruction', args.threadId);
  }

  protected stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.sendResponse(response);
    this.rt?.step('in', args.granularity === 'instruction', args.threadId);
  }

  protected stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.sendResponse(response);
    this.rt?.step('out', args.granularity === 'instruction', args.threadId);
  }

  protected stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    if (!this.rt || this.rt.isRunning || this.rt.hasEnded) return this.sendErrorResponse(response, 3070, 'stepBack: the program is not stopped');
    this.sendResponse(response);
    setImmediate(() => this.reverse?.stepBack(args.granularity === 'instruction'));
  }

  protected reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    if (!this.rt || this.rt.isRunning || this.rt.hasEnded) return this.sendErrorResponse(response, 3071, 'reverseContinue: the program is not stopped');
    this.sendResponse(response);
    setImmediate(() => this.reverse?.reverseContinue());
  }

  protected pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.rt?.pause();
  }

  protected terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.rt?.terminate();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): void {
    this.rt?.terminate();
    this.terminal?.close();
    this.terminal = undefined;
    // Answers and then ends the adapter process (on stdio; a --port server keeps serving).
    super.disconnectRequest(response, args);
  }

  // ----- state -----

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const rt = this.rt;
    const tasks = rt && !rt.hasEnded ? rt.tasks() : [];
    response.body = { threads: tasks.length ? tasks.map((t) => new Thread(t.tid, t.name)) : rt ? [] : [new Thread(THREAD, 'not launched')] };
    this.sendResponse(response);
  }

  /** The task a frame id belongs to (undefined: the running one) and the frame's index. */
  private frameOf(frameId: number | undefined): { task?: KTask; index: number } {
    if (!frameId || frameId < FRAME_STRIDE) return { index: Math.max(0, (frameId ?? 1) - 1) };
    const task = this.rt?.sleepingTask(Math.floor(frameId / FRAME_STRIDE));
    return { task, index: (frameId % FRAME_STRIDE) - 1 };
  }

  /** What an expression sees in a frame: the running task's CPU, or a sleeping task's saved registers and memory. */
  private evalContextFor(frameId: number | undefined): { ctx: EvalContext; tid?: number } {
    const rt = this.rt!;
    const { task } = this.frameOf(frameId);
    if (!task) return { ctx: rt.evalContext() };
    const mem = rt.memoryOf(task.tid);
    const regs = sleepingPtRegs(task, mem);
    const access = sleepingRegisters(task, regs, mem);
    const sc = rt.syscallOf(task.tid, regs);
    return {
      tid: task.tid,
      ctx: {
        register: (n) => { try { return readRegister(access, n); } catch { return undefined; } },
        symbol: (n) => rt.symbols.lookup(n)?.address,
        extra: (n) => (!sc ? undefined : n === 'nr' ? BigInt(sc.nr) : n === 'args' ? sc.args : n === 'ret' ? sc.ret : undefined),
        memory: mem,
        symbolize: (a) => this.symbolize(a, task),
      },
    };
  }

  /** A symbol for an address: user symbols only where the task runs the launched program. */
  private symbolize(a: bigint, task?: KTask): string | undefined {
    const rt = this.rt!;
    if (task && a < 0xffff800000000000n && !rt.runsLaunchedProgram(task)) return undefined;
    return rt.symbols.format(a);
  }

  protected stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const rt = this.rt;
    if (!rt || rt.hasEnded) {
      response.body = { stackFrames: [], totalFrames: 0 };
      return this.sendResponse(response);
    }
    // The thread asked for: the running task, or another one (sleeping in the kernel, or waiting for its turn).
    const task = rt.sleepingTask(args.threadId);
    const frames: Frame[] = task
      ? sleepingFrames(task, rt.machine, rt.memoryOf(task.tid), (a) => rt.isCode(a, task), rt.resumePoint())
      : unwind(rt.machine, rt.mem, (a) => rt.isCode(a, rt.runningTask()));
    const own = task ?? rt.runningTask();
    const ownProgram = rt.runsLaunchedProgram(own);
    const start = args.startFrame ?? 0;
    const count = args.levels || frames.length;
    const stackFrames = frames.slice(start, start + count).map((f, k) => {
      const i = start + k;
      // A return address belongs to the line of the call before it (a sleeping task's first frame is its next instruction).
      const at = i === 0 ? f.pc : f.fromPtRegs ? f.site ?? f.pc : f.pc - 1n;
      const user = at < 0xffff800000000000n;
      const pos = user && !ownProgram ? undefined : rt.lineAt(at);
      const name = this.symbolize(at, own) ?? hex(f.pc);
      const where = f.fromPtRegs ? '  [user, from pt_regs]' : f.ring === 0 ? '  [kernel]' : '';
      const label = `${name}${i === 0 && task ? `  [${this.sleepText(task)}]` : where}`;
      const id = task ? task.tid * FRAME_STRIDE + i + 1 : i + 1;
      const sf: DebugProtocol.StackFrame = new StackFrame(id, label, this.source(pos), pos ? this.convertDebuggerLineToClient(pos.line) : 0, pos ? pos.column : 0);
      sf.instructionPointerReference = hex(f.pc);
      if (f.guessed) sf.presentationHint = 'subtle';
      return sf;
    });
    response.body = { stackFrames, totalFrames: frames.length };
    this.sendResponse(response);
  }

  /** Why a task that is not running is not: `sleeping in wait4`, `runnable`, `stopped`. */
  private sleepText(t: KTask): string {
    const rt = this.rt!;
    if (t.state !== 'sleeping') return t.state === 'runnable' ? 'runnable: waits for the CPU' : t.state;
    const sc = rt.syscallOf(t.tid, sleepingPtRegs(t, rt.memoryOf(t.tid)));
    return sc ? `sleeping in ${rt.syscallName(sc.nr, sc.abi)}` : 'sleeping';
  }

  protected scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const rt = this.rt;
    if (!this.vars || !rt || rt.hasEnded) response.body = { scopes: [] };
    else {
      const { task } = this.frameOf(args?.frameId);
      response.body = { scopes: task ? this.vars.taskScopes(task, this.sleepText(task)) : this.vars.scopes() };
    }
    this.sendResponse(response);
  }

  protected variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.vars?.variables(args.variablesReference) ?? [] };
    this.sendResponse(response);
  }

  protected setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    try {
      response.body = { value: this.vars!.set(args.variablesReference, args.name, args.value) };
      this.reverse?.registersEdited(); // an input to the run, made again when it is re-executed
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3010, (e as Error).message);
    }
  }

  protected evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const rt = this.rt;
    if (!rt || rt.hasEnded) return this.sendErrorResponse(response, 3020, 'the program is not running');
    const { ctx, tid } = this.evalContextFor(args.frameId);
    const task = rt.sleepingTask(tid) ?? rt.runningTask();
    try {
      const x = examine(args.expression, ctx);
      if (x) {
        response.body = { result: x.text, variablesReference: 0, memoryReference: memRef(x.address, tid) };
        return this.sendResponse(response);
      }
      const r = evaluate(args.expression, ctx);
      const s = rt.symbols.lookup(args.expression.trim());
      const at = r.address ?? (s ? s.address : undefined);
      const v = BigInt.asUintN(64, r.value);
      const symText = s ? '' : (() => { const f = this.symbolize(v, task); return f && rt.isCode(v, task) ? ` <${f}>` : ''; })();
      response.body = {
        result: `${hex(r.value)} (${BigInt.asIntN(64, r.value)})${symText}`,
        variablesReference: 0,
        memoryReference: at !== undefined ? memRef(at, tid) : undefined,
      };
      this.sendResponse(response);
    } catch (e) {
      this.sendErrorResponse(response, 3021, (e as Error).message.replace(/[{}]/g, ''));
    }
  }

  protected readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const rt = this.rt;
    if (!rt) return this.sendErrorResponse(response, 3030, 'not launched');
    let ref: { address: bigint; tid?: number };
    try { ref = parseMemRef(args.memoryReference); } catch (e) { return this.sendErrorResponse(response, 3033, (e as Error).message); }
    const at = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
    const count = Math.min(args.count, 1 << 20);
    const bytes = rt.memoryOf(ref.tid).read(at, count);
    response.body = { address: hex(at), data: Buffer.from(bytes).toString('base64'), unreadableBytes: count - bytes.length };
    this.sendResponse(response);
  }

  protected writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    const rt = this.rt;
    if (!rt) return this.sendErrorResponse(response, 3031, 'not launched');
    let ref: { address: bigint; tid?: number };
    try { ref = parseMemRef(args.memoryReference); } catch (e) { return this.sendErrorResponse(response, 3033, (e as Error).message); }
    const at = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
    const data = Buffer.from(args.data, 'base64');
    const n = rt.memoryOf(ref.tid).write(at, new Uint8Array(data));
    if (n < data.length && !args.allowPartial) return this.sendErrorResponse(response, 3032, `cannot write at ${hex(at + BigInt(n))}`);
    response.body = { offset: 0, bytesWritten: n };
    this.sendResponse(response);
  }

  protected disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    const rt = this.rt;
    if (!rt) return this.sendErrorResponse(response, 3040, 'not launched');
    let ref: { address: bigint; tid?: number };
    try { ref = parseMemRef(args.memoryReference); } catch (e) { return this.sendErrorResponse(response, 3033, (e as Error).message); }
    const mem = rt.memoryOf(ref.tid);
    const owner = rt.sleepingTask(ref.tid) ?? rt.runningTask();
    const base = BigInt.asUintN(64, ref.address + BigInt(args.offset ?? 0));
    const symbolize = (a: bigint): string | undefined => this.symbolize(a, owner);
    let start = base;
    const off = args.instructionOffset ?? 0;
    if (off < 0) {
      const s = rt.symbols.at(base);
      start = startBefore(mem, base, -off, s ? base - s.offset : undefined, codeBits(base, rt.userCode32(ref.tid)));
    }
    const want = args.instructionCount + Math.max(0, off);
    let lines = disassemble(mem, start, want, symbolize, 'gas', codeBits(start, rt.userCode32(ref.tid)));
    if (off > 0) lines = lines.slice(off);
    let lastFile: string | undefined;
    const launched = rt.runsLaunchedProgram(owner);
    const instructions: DebugProtocol.DisassembledInstruction[] = lines.slice(0, args.instructionCount).map((l) => {
      const pos = l.address < 0xffff800000000000n && !launched ? undefined : rt.lineAt(l.address);
      const d: DebugProtocol.DisassembledInstruction = {
        address: hex(l.address),
        instructionBytes: Buffer.from(l.bytes).toString('hex').replace(/(..)(?!$)/g, '$1 '),
        instruction: l.text,
      };
      if (l.label) d.symbol = l.label;
      if (pos) {
        d.line = this.convertDebuggerLineToClient(pos.line);
        if (pos.file !== lastFile) d.location = this.source(pos);
        lastFile = pos.file;
      }
      return d;
    });
    // The view asks for an exact count: pad with unreadable slots.
    let next = lines.length ? lines[lines.length - 1].next : start;
    while (instructions.length < args.instructionCount) {
      instructions.push({ address: hex(next), instruction: '??', presentationHint: 'invalid' });
      next += 1n;
    }
    response.body = { instructions };
    this.sendResponse(response);
  }

  protected loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): void {
    const rt = this.rt;
    const files = rt ? [...rt.programLines.files(), ...rt.kernelLines.files()] : [];
    response.body = { sources: files.map((f) => new Source(path.basename(f), this.convertDebuggerPathToClient(f))) };
    this.sendResponse(response);
  }

  // ----- Trapdoor's own requests, for the extension's views -----

  protected customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const rt = this.rt;
    if (command === 'trapdoor/syscallTable') {
      const table = rt ? rt.machine.kernel.syscalls : [];
      response.body = {
        syscalls: table.map((s) => ({
          nr: s.nr, abi: s.abi, name: s.name, entry: s.entry, handler: s.handler, implemented: s.implemented,
          address: hex(s.address), hits: rt?.syscallHits.get(`${s.abi}:${s.nr}`) ?? 0,
        })),
      };
      return this.sendResponse(response);
    }
    if (command === 'trapdoor/memoryMap') {
      // Per process: the one named by `pid` or `tid` (a thread names its process), else the running one.
      if (!rt) return this.sendErrorResponse(response, 3050, 'not launched');
      const a = (args ?? {}) as { pid?: number; tid?: number };
      const tasks = rt.system.sched.tasks;
      const t = a.tid !== undefined ? tasks.get(a.tid) : a.pid !== undefined ? tasks.get(a.pid) : rt.runningTask();
      if (!t || t.state === 'zombie') return this.sendErrorResponse(response, 3051, `no live task ${a.tid ?? a.pid}`);
      const s = rt.tasks().find((x) => x.tid === t.tid);
      response.body = { pid: t.pid, tid: t.tid, name: s?.name, maps: t.nk.mm.procMaps() };
      return this.sendResponse(response);
    }
    void args;
    super.customRequest(command, response, args);
  }
}
