// stepBack and reverseContinue (DAP, capability supportsStepBack): time travel by deterministic
// re-execution (emulator/debug/timetravel.ts). A backward step finds its stop in a trace of the
// recent positions, then the session goes on with a machine re-executed from boot to there; the
// host's answers are replayed from the session's recording, so nothing is printed or written
// twice, and the machine goes live again once it runs past the furthest point reached.
// reverseContinue re-executes the run up to the current position with the breakpoints, the data
// breakpoints and the exception filters armed, keeps the last place one of them would have
// stopped (hit counts counted from boot, as a forward run from the start counts them), and goes there.
// The user's edits of registers and memory are inputs too: recorded here, made again by every
// re-execution at their position (and an edit in the past starts a new history from there).

import { debugMemory, DebugMemory } from '../../emulator/debug/memory';
import { EvalContext, isTrue } from '../../emulator/debug/expr';
import { GPRS, OTHER_REGS, readRegister } from '../../emulator/debug/registers';
import { findBack, stepBackInsn, stepBackLine } from '../../emulator/debug/timetravel';
import { LinuxSystem } from '../../emulator/linux';
import { Scheduler } from '../../emulator/kernel/sched';
import { Machine } from '../../emulator/machine';
import { SyscallEvent } from '../../emulator/trace/event';
import { BpKind, hitMatches } from './breakpoints';
import { Doors } from './doors';
import { FilterId } from './exceptions';
import { Runtime, StopReason } from './runtime';
import { WatchTable } from './watches';

/** Registers an edit may change (the aliases eflags and the narrower names write these). */
const EDITABLE = [...GPRS, ...OTHER_REGS.filter((r) => r !== 'eflags'), ...Array.from({ length: 16 }, (_, i) => `xmm${i}`)];

interface Hit {
  pos: number;
  reason: StopReason;
  ids?: number[];
  text?: string;
  filter?: FilterId;
  /** Hit counts of every breakpoint at that position (counted from boot). */
  counts: Map<number, number>;
}

export class Reverse {
  /** Registers as they were at the last stop (or edit): what a setVariable changed is the difference. */
  private regs = new Map<string, bigint>();

  /** `filters`: the exception filters set now; `say`: a line for the Debug Console. */
  constructor(private readonly rt: Runtime, private readonly filters: () => { filterId: string; condition?: string }[], private readonly say: (text: string) => void) {
    this.trackMemory();
    // The user memory of a task that is not on the CPU: made again in that task's address space.
    rt.memoryEdited = (tid, address, bytes) => this.edit((m) => {
      const t = (m.processes as Scheduler | undefined)?.tasks.get(tid);
      if (t) debugMemory(t.nk.mm.as).write(address, bytes);
    });
  }

  private get position(): number {
    return this.rt.machine.cpu.instructions;
  }

  /** The runtime stopped (forward or backward): remember the registers, to see what the user changes. */
  stopped(): void {
    this.regs = this.snapshot(this.rt.machine);
  }

  private snapshot(m: Machine): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const r of EDITABLE) out.set(r, readRegister(m.cpu, r) ?? 0n);
    return out;
  }

  /** The user set registers (setVariable): recorded as an input at this position. */
  registersEdited(): void {
    const now = this.snapshot(this.rt.machine);
    const changed = [...now].filter(([r, v]) => this.regs.get(r) !== v);
    this.regs = now;
    if (!changed.length) return;
    this.edit((m) => { for (const [r, v] of changed) m.cpu.setReg(r, v); });
  }

  /** Memory writes through the runtime's view (writeMemory, pt_regs edits) are recorded the same way. */
  private trackMemory(): void {
    const rt = this.rt;
    const inner: DebugMemory = rt.mem;
    rt.mem = {
      read: (a, n) => inner.read(a, n),
      write: (a, b) => {
        const n = inner.write(a, b);
        if (n > 0) {
          const bytes = b.slice(0, n);
          this.edit((m) => { debugMemory(m.space).write(a, bytes); });
        }
        return n;
      },
    };
  }

  private edit(apply: (m: Machine) => void): void {
    this.rt.timeline.edit(this.rt.system, apply);
    // What follows is a new history: its calls are news to the client.
    this.rt.quietUntil = Math.min(this.rt.quietUntil, this.position);
  }

  /** Goes on with a re-execution at `target` (whose stop the caller reports). */
  private travel(target: number): void {
    const rt = this.rt, tl = rt.timeline;
    rt.quietUntil = Math.max(rt.quietUntil, this.position);
    const old = rt.system, pending = rt.pending;
    const sys = tl.boot(true);
    try {
      rt.adopt(sys, () => {
        const r = tl.runTo(sys, target);
        if (sys.machine.cpu.instructions !== target) throw new Error(`the re-execution ended (${r.kind}) before position ${target}`);
      });
    } catch (e) {
      // The machine we left is untouched: stay there.
      rt.adopt(old, () => {});
      rt.pending = pending;
      throw e;
    } finally {
      this.trackMemory();
    }
  }

  /** One step back: by instruction, or by line (back over calls and system calls, as `next` goes over them). */
  stepBack(instruction: boolean): void {
    this.guard(() => {
      const x = this.position;
      const lineOf = (pc: bigint): { file: string; line: number } | undefined => this.rt.lineAt(pc);
      const y = findBack(this.rt.timeline, x, (t) => (instruction ? stepBackInsn(t, x) : stepBackLine(t, x, lineOf)));
      this.travel(y);
      this.rt.announce('step');
    });
  }

  /** Back to the last place before this one where a breakpoint or an exception filter stops (else the program's first instruction). */
  reverseContinue(): void {
    this.guard(() => {
      const x = this.position;
      const hit = this.lastHit(x);
      if (!hit) {
        this.travel(this.entryPosition(x));
        for (const bp of this.rt.breakpoints.all()) bp.hits = 0;
        this.rt.announce('entry', undefined, 'the beginning of the recording');
        return;
      }
      this.travel(hit.pos);
      for (const bp of this.rt.breakpoints.all()) bp.hits = hit.counts.get(bp.id) ?? 0;
      if (hit.filter) this.rt.lastException = { filter: hit.filter, text: hit.text ?? '' };
      this.rt.announce(hit.reason, hit.ids, hit.text);
    });
  }

  private guard(body: () => void): void {
    const rt = this.rt;
    if (rt.isRunning || rt.hasEnded) return;
    try {
      body();
    } catch (e) {
      this.say(`trapdoor: cannot go back: ${(e as Error).message}\n`);
      rt.announce('step');
    }
  }

  /** The program's first instruction (the kernel's first one if we are not past it). */
  private entryPosition(x: number): number {
    let at = 0;
    this.rt.timeline.scan(x, [this.rt.entry], (sys) => {
      if (!at && (sys.machine.cpu.cs & 3) === 3) at = sys.machine.cpu.instructions;
    });
    return at;
  }

  /** Re-executes up to `x` with the breakpoints and filters armed: the last stop before `x`. */
  private lastHit(x: number): Hit | undefined {
    const rt = this.rt;
    let sys: LinuxSystem | undefined;
    const pending = new Map<number, SyscallEvent>();
    const mem = (): DebugMemory => debugMemory(sys!.machine.space);
    const ctx = (): EvalContext => ({
      register: (n) => readRegister(sys!.machine.cpu, n),
      symbol: (n) => rt.symbols.lookup(n)?.address,
      extra: (n) => {
        const ev = pending.get(sys!.machine.tid);
        if (!ev || (sys!.machine.cpu.cs & 3) !== 0) return undefined;
        if (n === 'nr') return BigInt(ev.nr);
        if (n === 'args') return ev.args;
        if (n === 'ret') return ev.ret;
        return undefined;
      },
      memory: mem(),
      symbolize: (a) => rt.symbols.format(a),
    });
    const doors = new Doors({
      get machine() { return sys!.machine; },
      get mem() { return mem(); },
      syscallName: (nr, abi) => rt.syscallName(nr, abi),
      evalContext: ctx,
    }, rt.entry);
    doors.set(this.filters());
    const counts = new Map<number, number>();
    let last: Hit | undefined;
    const arm = (s: LinuxSystem): void => {
      const set = s.machine.cpu.breakpoints;
      for (const a of doors.addresses()) set.add(Number(BigInt.asIntN(64, a)));
    };
    // Data breakpoints: the same watches on the look-back machine's memory.
    const watches = new WatchTable();
    const symbolize = (a: bigint): string | undefined => rt.symbols.format(a);
    rt.timeline.scan(x, rt.breakpoints.addresses(), (s, why) => {
      if (why === 'watch') {
        const hit = watches.take(mem(), symbolize);
        if (hit && s.machine.cpu.instructions < x) last = { pos: s.machine.cpu.instructions, reason: 'data breakpoint', ids: hit.ids, text: hit.text, counts: new Map(counts) };
        return;
      }
      const pc = BigInt.asUintN(64, BigInt(s.machine.cpu.rip));
      const o = doors.check(pc);
      if (o?.refresh) arm(s);
      else if (o?.stop) {
        if (s.machine.cpu.instructions < x) last = { pos: s.machine.cpu.instructions, reason: 'exception', text: o.stop.text, filter: o.stop.filter, counts: new Map(counts) };
        return;
      } else if (o) return;
      const ids: number[] = [];
      let kind: BpKind = 'source';
      const here = BigInt.asUintN(64, BigInt(s.machine.cpu.rip));
      for (const bp of rt.breakpoints.at(here)) {
        if (bp.condition) {
          let ok: boolean;
          try { ok = isTrue(bp.condition, ctx()); } catch { ok = true; }
          if (!ok) continue;
        }
        const n = (counts.get(bp.id) ?? 0) + 1;
        counts.set(bp.id, n);
        if (bp.hitCondition && !hitMatches(bp.hitCondition, n)) continue;
        if (bp.logMessage) continue;
        ids.push(bp.id);
        kind = bp.kind;
      }
      if (ids.length && s.machine.cpu.instructions < x) last = { pos: s.machine.cpu.instructions, reason: kind === 'function' ? 'function breakpoint' : kind === 'instruction' ? 'instruction breakpoint' : 'breakpoint', ids, counts: new Map(counts) };
    }, (s) => {
      // Before the first instruction: the tracer (the filters' events) and the doors' addresses.
      sys = s;
      s.attachTracer({
        syscallEnter: (ev) => { pending.set(ev.tid, ev); doors.noteEnter(ev); },
        syscallExit: (ev) => { if (pending.get(ev.tid) === ev) pending.delete(ev.tid); doors.noteExit(ev); },
        signal: (sg) => doors.noteSignal(sg),
      }, true);
      arm(s);
      if (rt.watches.active) watches.set(s.machine.cpu.mem, mem(), rt.watches.items.map((w) => ({ ...w })));
    });
    return last;
  }
}
