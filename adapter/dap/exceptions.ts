// Exception filters (DAP setExceptionBreakpoints): stops at system call entry/exit, at any entry
// into the kernel from user mode, on signals and on CPU faults in user mode. The runtime plants
// internal CPU breakpoints at the kernel's doors (the tracer's vmcalls, the IDT's gate targets,
// entry_SYSCALL_64); this file knows those places and words the stop.

import { EvalContext, isTrue } from '../../emulator/debug/expr';
import { DebugMemory } from '../../emulator/debug/memory';
import { GuestMemory, SignalEvent, SyscallEvent } from '../../emulator/trace/event';
import { callName, formatArgs, formatCall, formatSignal } from '../../emulator/trace/strace';

export type FilterId = 'syscall-entry' | 'syscall-exit' | 'kernel-entry' | 'signal' | 'fault';

/** The filters as the adapter declares them in its capabilities. */
export const EXCEPTION_FILTERS: { filter: FilterId; label: string; description: string; supportsCondition?: boolean; conditionDescription?: string }[] = [
  { filter: 'syscall-entry', label: 'System call entry', description: 'Stop when a system call enters the kernel (after the tracer has read its arguments)', supportsCondition: true, conditionDescription: 'syscall names (write,openat) or an expression over nr, args[0], ret' },
  { filter: 'syscall-exit', label: 'System call exit', description: 'Stop when a system call has its result, before the return to user mode', supportsCondition: true, conditionDescription: 'syscall names (write,openat) or an expression over nr, args[0], ret' },
  { filter: 'kernel-entry', label: 'Kernel entry', description: 'Stop at any ring 3 to ring 0 transition: syscall, int, fault' },
  { filter: 'signal', label: 'Signal', description: 'Stop when a signal is about to be delivered' },
  { filter: 'fault', label: 'CPU fault', description: 'Stop on a CPU exception in user mode' },
];

/** What an internal breakpoint stands for. */
export type Door =
  | { kind: 'trace-enter' } | { kind: 'trace-exit' } | { kind: 'signal' }
  | { kind: 'gate'; vector: number } | { kind: 'syscall-insn' } | { kind: 'refresh' };

const VECTOR_NAMES: Record<number, string> = {
  0: '#DE divide error', 1: '#DB debug', 2: 'NMI', 3: '#BP breakpoint', 4: '#OF overflow', 5: '#BR bound range', 6: '#UD invalid opcode',
  7: '#NM device not available', 8: '#DF double fault', 10: '#TS invalid TSS', 11: '#NP segment not present', 12: '#SS stack fault',
  13: '#GP general protection', 14: '#PF page fault', 16: '#MF x87 error', 17: '#AC alignment check', 18: '#MC machine check', 19: '#XM SIMD error',
};
/** Vectors for which the CPU pushes an error code (the frame's CS is then one slot higher). */
const WITH_ERROR = new Set([8, 10, 11, 12, 13, 14, 17, 21, 29, 30]);

export class ExceptionFilters {
  private readonly on = new Map<FilterId, string | undefined>();

  set(list: { filterId: string; condition?: string }[]): void {
    this.on.clear();
    for (const f of list) if (EXCEPTION_FILTERS.some((x) => x.filter === f.filterId)) this.on.set(f.filterId as FilterId, f.condition?.trim() || undefined);
  }

  has(id: FilterId): boolean {
    return this.on.has(id);
  }

  get any(): boolean {
    return this.on.size > 0;
  }

  /** Whether a syscall entry/exit passes its filter's condition (names, or an expression; a broken one stops). */
  syscallMatches(id: 'syscall-entry' | 'syscall-exit', ev: SyscallEvent, name: string, ctx: EvalContext): boolean {
    if (!this.on.has(id)) return false;
    const cond = this.on.get(id);
    if (!cond) return true;
    if (/^[a-z_][a-z0-9_]*(\s*,\s*[a-z_][a-z0-9_]*)*$/i.test(cond)) {
      const names = cond.split(',').map((s) => s.trim());
      // A list of names unless one is a register or other expression word, e.g. `rax`.
      if (names.every((n) => ctx.register(n) === undefined && n !== 'nr' && n !== 'ret')) return names.includes(name);
    }
    const withCall: EvalContext = {
      ...ctx,
      extra: (n) => (n === 'nr' ? BigInt(ev.nr) : n === 'args' ? ev.args : n === 'ret' ? ev.ret : undefined),
    };
    try {
      return isTrue(cond, withCall);
    } catch {
      return true;
    }
  }
}

/** `write(1, "Hello, world\n", 13)`: the call as strace shows it at entry. */
export function describeEntry(ev: SyscallEvent, mem: GuestMemory): string {
  const { entry, exit } = formatArgs({ ...ev, ret: undefined }, mem, mem);
  return `syscall entry: ${callName(ev)}(${[...entry, ...exit].join(', ')})`;
}

export function describeExit(ev: SyscallEvent, mem: GuestMemory): string {
  // strace pads the result to a column; one space is enough here.
  return `syscall exit: ${formatCall(ev, mem).replace(/\)\s+= /, ') = ')}`;
}

const SIGNALS = ['', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS'];

/** `signal: SIGSEGV at 0x0 (--- SIGSEGV {si_signo=SIGSEGV, ...} ---)`. */
export function describeSignal(s: SignalEvent): string {
  const name = SIGNALS[s.signo] ?? `signal ${s.signo}`;
  const at = s.addr !== undefined ? ` at 0x${BigInt.asUintN(64, s.addr).toString(16)}` : '';
  return `signal: ${name}${at} ${formatSignal(s)}`;
}

/** The hardware frame at a gate's first instruction: where the CPU came from. */
export function gateFrame(mem: DebugMemory, rsp: bigint, vector: number): { rip: bigint; cs: bigint; error?: bigint } | undefined {
  const err = WITH_ERROR.has(vector);
  const b = mem.read(rsp, err ? 24 : 16);
  if (b.length < (err ? 24 : 16)) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const o = err ? 8 : 0;
  return { rip: dv.getBigUint64(o, true), cs: dv.getBigUint64(o + 8, true), error: err ? dv.getBigUint64(0, true) : undefined };
}

export function vectorName(v: number): string {
  return VECTOR_NAMES[v] ?? `vector ${v}`;
}

/** The IDT's present gates: target address -> vectors (read from guest memory). */
export function idtTargets(mem: DebugMemory, base: bigint, limit: number): Map<bigint, number> {
  const out = new Map<bigint, number>();
  const n = Math.min(256, Math.floor((limit + 1) / 16));
  const b = mem.read(base, n * 16);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  for (let v = 0; v < n && (v + 1) * 16 <= b.length; v++) {
    const o = v * 16;
    if ((b[o + 5] & 0x80) === 0) continue;
    const target = BigInt(dv.getUint16(o, true)) | (BigInt(dv.getUint16(o + 6, true)) << 16n) | (BigInt(dv.getUint32(o + 8, true)) << 32n);
    if (!out.has(target)) out.set(target, v);
  }
  return out;
}
