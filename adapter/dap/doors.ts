// The kernel's doors, for the exception filters: internal breakpoints at the tracer's vmcalls
// (syscall_trace_enter/exit), at the signal delivery in exit_to_user_mode, at every IDT gate
// target and at entry_SYSCALL_64. At a door, check() decides whether a filter stops there and
// words the stop; the runtime plants the addresses in the CPU's breakpoint set.

import { decodeAt } from '../../emulator/debug/disasm';
import { EvalContext } from '../../emulator/debug/expr';
import { DebugMemory } from '../../emulator/debug/memory';
import { Machine, RunResult } from '../../emulator/machine';
import { SignalEvent, SyscallEvent } from '../../emulator/trace/event';
import { Door, ExceptionFilters, FilterId, describeEntry, describeExit, describeSignal, gateFrame, idtTargets, vectorName } from './exceptions';

export interface DoorHost {
  readonly machine: Machine;
  readonly mem: DebugMemory;
  syscallName(nr: number, abi?: '64' | 'i386'): string;
  evalContext(): EvalContext;
}

/** At a door: a stop to report, the process's end (met while running the vmcall), or a re-read of the IDT. */
export interface DoorOutcome { stop?: { filter: FilterId; text: string }; ended?: RunResult; refresh?: true }

const U = (v: bigint): bigint => BigInt.asUintN(64, v);

export class Doors {
  readonly filters = new ExceptionFilters();
  private readonly map = new Map<bigint, Door>();
  private key = '';
  /** The newest events, read right after the vmcall that reports them. */
  private enter?: SyscallEvent;
  private exit?: SyscallEvent;
  private signal?: SignalEvent;

  /** `entry`: the program's entry point (the IDT is loaded by then). */
  constructor(private readonly host: DoorHost, private readonly entry: bigint) {}

  noteEnter(ev: SyscallEvent): void { this.enter = ev; }
  noteExit(ev: SyscallEvent): void { this.exit = ev; }
  noteSignal(s: SignalEvent): void { this.signal = s; }

  set(list: { filterId: string; condition?: string }[]): void {
    this.filters.set(list);
    this.key = '';
  }

  /** The addresses the enabled filters need now. */
  addresses(): IterableIterator<bigint> {
    this.update();
    return this.map.keys();
  }

  private update(): void {
    const f = this.filters, cpu = this.host.machine.cpu, machine = this.host.machine;
    const key = `${f.has('syscall-entry')}${f.has('syscall-exit')}${f.has('signal')}${f.has('kernel-entry')}${f.has('fault')}:${cpu.idtrBase}:${cpu.idtrLimit}`;
    if (key === this.key) return;
    this.key = key;
    this.map.clear();
    // The vmcall in each hook: the event is known right after it.
    const vmcallIn = (fn: string): bigint | undefined => {
      let a = machine.symbol(fn);
      for (let k = 0; a !== undefined && k < 32; k++) {
        const i = decodeAt(this.host.mem, a);
        if (!i) return undefined;
        if (i.mnemonic === 'vmcall') return a;
        a = i.next;
      }
      return undefined;
    };
    const put = (a: bigint | undefined, d: Door): void => { if (a !== undefined) this.map.set(a, d); };
    if (f.has('syscall-entry')) put(vmcallIn('syscall_trace_enter'), { kind: 'trace-enter' });
    if (f.has('syscall-exit')) put(vmcallIn('syscall_trace_exit'), { kind: 'trace-exit' });
    if (f.has('signal')) put(vmcallIn('exit_to_user_mode'), { kind: 'signal' });
    if (f.has('kernel-entry') || f.has('fault')) {
      if (cpu.idtrLimit > 0) {
        for (const [a, v] of idtTargets(this.host.mem, U(BigInt(cpu.idtrBase)), cpu.idtrLimit)) put(a, { kind: 'gate', vector: v });
      } else {
        // Still booting: the IDT is loaded before the program's first instruction; read it there.
        put(this.entry, { kind: 'refresh' });
      }
      if (f.has('kernel-entry')) put(machine.symbol('entry_SYSCALL_64'), { kind: 'syscall-insn' });
    }
  }

  private reported(): { enter?: SyscallEvent; exit?: SyscallEvent; signal?: SignalEvent } {
    return { enter: this.enter, exit: this.exit, signal: this.signal };
  }

  /** At `pc` (where the CPU stopped for a breakpoint): what the door there means, if any. */
  check(pc: bigint): DoorOutcome | undefined {
    const d = this.map.get(pc);
    if (!d) return undefined;
    if (d.kind === 'refresh') return { refresh: true };
    const f = this.filters, h = this.host, cpu = h.machine.cpu, user = h.machine.userMemory;
    if (d.kind === 'trace-enter' || d.kind === 'trace-exit' || d.kind === 'signal') {
      // Run the vmcall: its service reports the event (and may end the process).
      this.enter = this.exit = this.signal = undefined;
      const r = h.machine.run(1);
      const out: DoorOutcome = {};
      if (r.kind === 'exited' || r.kind === 'oops') out.ended = r;
      const got = this.reported();
      if (d.kind === 'trace-enter' && got.enter) {
        const ev = got.enter;
        if (f.syscallMatches('syscall-entry', ev, h.syscallName(ev.nr, ev.abi), h.evalContext())) out.stop = { filter: 'syscall-entry', text: describeEntry(ev, user) };
      } else if (d.kind === 'trace-exit' && got.exit) {
        const ev = got.exit;
        if (f.syscallMatches('syscall-exit', ev, h.syscallName(ev.nr, ev.abi), h.evalContext())) out.stop = { filter: 'syscall-exit', text: describeExit(ev, user) };
      } else if (d.kind === 'signal' && got.signal) {
        out.stop = { filter: 'signal', text: describeSignal(got.signal) };
      }
      return out.stop || out.ended ? out : undefined;
    }
    if (d.kind === 'syscall-insn') {
      const nr = Number(BigInt.asIntN(64, cpu.getReg('rax')));
      return { stop: { filter: 'kernel-entry', text: `kernel entry: syscall ${h.syscallName(nr)} (nr ${nr}) from 0x${U(cpu.getReg('rcx')).toString(16)}` } };
    }
    const frame = gateFrame(h.mem, U(cpu.getReg('rsp')), d.vector);
    if (!frame || (frame.cs & 3n) !== 3n) return undefined; // the kernel's own exceptions
    const from = `0x${frame.rip.toString(16)}`;
    if (d.vector < 32 && f.has('fault')) {
      const addr = d.vector === 14 ? ` at 0x${U(BigInt(cpu.cr2)).toString(16)}` : '';
      const err = frame.error !== undefined ? `, error 0x${frame.error.toString(16)}` : '';
      return { stop: { filter: 'fault', text: `fault: ${vectorName(d.vector)}${addr} (rip ${from}${err})` } };
    }
    if (f.has('kernel-entry')) {
      return { stop: { filter: 'kernel-entry', text: `kernel entry: ${d.vector < 32 ? vectorName(d.vector) : `int $0x${d.vector.toString(16)}`} from ${from}` } };
    }
    return undefined;
  }
}
