// Connects a machine's events to the printers: strace text (as `strace -f -qq` prints it, to a
// file or to stderr), JSON lines with every field, and the `-c` summary table.

import { MachineEvents } from '../machine';
import { GuestMemory, ProcessExitEvent, SignalEvent, SyscallEvent } from './event';
import { formatJsonLine, formatSignalJson } from './json';
import { StraceOptions, StraceWriter } from './strace';
import { SyscallSummary } from './summary';

export interface TraceOutputs {
  /** strace text lines go here (one call per line, no newline). */
  strace?: { write(line: string): void; options?: StraceOptions };
  /** JSON lines go here. */
  json?: { write(line: string): void; options?: StraceOptions };
  /** Collect the `-c` table (read it with summary()). */
  summary?: boolean;
}

export class TraceRecorder implements MachineEvents {
  private readonly writer?: StraceWriter;
  private readonly table?: SyscallSummary;
  /** Every finished call, in order (the timeline view and tests read them). */
  readonly calls: SyscallEvent[] = [];

  constructor(private readonly mem: GuestMemory, private readonly out: TraceOutputs) {
    if (out.strace) this.writer = new StraceWriter((l) => out.strace!.write(l), out.strace.options);
    if (out.summary) this.table = new SyscallSummary(out.strace?.options?.cpuHz);
  }

  syscallEnter(ev: SyscallEvent): void {
    this.writer?.enter(ev, this.mem);
  }

  syscallExit(ev: SyscallEvent): void {
    this.calls.push(ev);
    this.writer?.exit(ev, this.mem);
    this.table?.add(ev);
    this.out.json?.write(formatJsonLine(ev, this.mem, this.out.json.options));
  }

  signal(s: SignalEvent): void {
    this.writer?.signal(s);
    this.out.json?.write(formatSignalJson(s));
  }

  processExit(e: ProcessExitEvent): void {
    this.writer?.processExit(e);
  }

  /** The `strace -c` table. */
  summary(): string {
    return this.table?.format() ?? '';
  }
}
