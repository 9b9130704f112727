// Connects a machine's events to the printers: strace text (as `strace -f -qq` prints it, to a
// file or to stderr), JSON lines with every field, and the `-c` summary table.

import { MachineEvents } from '../machine';
import { GuestMemory, ProcessExitEvent, SignalEvent, SyscallEvent } from './event';
import { formatJsonLine, formatSignalJson } from './json';
import { StraceOptions, StraceWriter, formatEntry } from './strace';
import { SyscallSummary } from './summary';

export interface TraceOutputs {
  /** strace text lines go here (one call per line, no newline). */
  strace?: { write(line: string): void; options?: StraceOptions };
  /** JSON lines go here. */
  json?: { write(line: string): void; options?: StraceOptions };
  /** Collect the `-c` table (read it with summary()). */
  summary?: boolean;
}

/**
 * Memory as it was when a call entered: the reads made to print its arguments are kept, so the
 * line printed at exit shows them as they were (execve replaces the whole address space).
 */
class EntryMemory implements GuestMemory {
  private readonly seen = new Map<string, Uint8Array | undefined>();
  constructor(private readonly live: GuestMemory) {}
  read(addr: bigint, len: number): Uint8Array | undefined {
    const key = `${addr}:${len}`;
    if (!this.seen.has(key)) this.seen.set(key, this.live.read(addr, len));
    return this.seen.get(key);
  }
}

export class TraceRecorder implements MachineEvents {
  private readonly writer?: StraceWriter;
  private readonly entryMem = new Map<number, EntryMemory>();
  private readonly table?: SyscallSummary;
  /** Every finished call, in order (the timeline view and tests read them). */
  readonly calls: SyscallEvent[] = [];

  constructor(private readonly mem: GuestMemory, private readonly out: TraceOutputs) {
    if (out.strace) this.writer = new StraceWriter((l) => out.strace!.write(l), out.strace.options);
    if (out.summary) this.table = new SyscallSummary(out.strace?.options?.cpuHz);
  }

  syscallEnter(ev: SyscallEvent): void {
    const em = new EntryMemory(this.mem);
    this.entryMem.set(ev.tid, em);
    if (this.writer) this.writer.enter(ev, em);
    else if (this.out.json) formatEntry(ev, em, this.out.json.options); // reads the arguments now, into em
  }

  syscallExit(ev: SyscallEvent): void {
    const em = this.entryMem.get(ev.tid) ?? this.mem;
    this.entryMem.delete(ev.tid);
    this.calls.push(ev);
    this.writer?.exit(ev, this.mem, em);
    this.table?.add(ev);
    this.out.json?.write(formatJsonLine(ev, this.mem, this.out.json.options, em));
  }

  signal(s: SignalEvent): void {
    this.writer?.signal(s);
    this.out.json?.write(formatSignalJson(s));
  }

  processExit(e: ProcessExitEvent): void {
    this.writer?.processExit(e);
  }

  taskStopped(tid: number, signo: number): void {
    this.writer?.stopped(tid, signo);
  }

  /** The `strace -c` table. */
  summary(): string {
    return this.table?.format() ?? '';
  }
}
