// strace -c: the per-syscall summary table (time, calls, errors), from emulated cycles. Rows are
// sorted by time, most first; ties keep syscall-number order, as strace 6.1 prints them.

import { loadSyscallTables, SyscallTables } from '../kernel/syscalls/table';
import { slong } from './decode';
import { MAX_ERRNO } from './errno';
import type { SyscallEvent } from './event';
import { callName, DEFAULT_CPU_HZ } from './strace';

interface Row { name: string; abi: string; nr: number; seconds: number; calls: number; errors: number }

export class SyscallSummary {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly cpuHz = DEFAULT_CPU_HZ, private readonly tables: SyscallTables = loadSyscallTables()) {}

  add(ev: SyscallEvent): void {
    const name = callName(ev, this.tables);
    const key = `${ev.abi}:${ev.nr}`;
    let r = this.rows.get(key);
    if (!r) this.rows.set(key, (r = { name, abi: ev.abi, nr: ev.nr, seconds: 0, calls: 0, errors: 0 }));
    r.calls++;
    r.seconds += Math.max(0, ev.endCycles - ev.startCycles) / this.cpuHz;
    if (ev.ret !== undefined) {
      const v = slong(ev.ret, ev.abi);
      if (v < 0n && v >= -BigInt(MAX_ERRNO)) r.errors++;
    }
  }

  /** The table as strace -c prints it (lines joined with \n, ending with one). */
  format(): string {
    const rows = [...this.rows.values()].sort((a, b) =>
      b.seconds - a.seconds || (a.abi === b.abi ? a.nr - b.nr : a.abi < b.abi ? -1 : 1));
    const nameWidth = Math.max(16, ...rows.map((r) => r.name.length));
    const dashes = `------ ----------- ----------- --------- --------- ${'-'.repeat(nameWidth)}`;
    const total = rows.reduce((s, r) => s + r.seconds, 0);
    const calls = rows.reduce((s, r) => s + r.calls, 0);
    const errors = rows.reduce((s, r) => s + r.errors, 0);
    const errs = (n: number) => (n ? String(n) : '').padStart(9);
    const lines = [
      `${'% time'.padStart(6)} ${'seconds'.padStart(11)} ${'usecs/call'.padStart(11)} ${'calls'.padStart(9)} ${'errors'.padStart(9)} syscall`,
      dashes,
    ];
    for (const r of rows) {
      const pct = total > 0 ? (r.seconds / total) * 100 : 0;
      const usecs = Math.floor((r.seconds * 1e6) / r.calls + 1e-9); // strace divides integers
      lines.push(`${pct.toFixed(2).padStart(6)} ${r.seconds.toFixed(6).padStart(11)} ${String(usecs).padStart(11)} ${String(r.calls).padStart(9)} ${errs(r.errors)} ${r.name}`);
    }
    lines.push(dashes);
    lines.push(`${'100.00'.padStart(6)} ${total.toFixed(6).padStart(11)} ${''.padStart(11)} ${String(calls).padStart(9)} ${errs(errors)} total`);
    return lines.join('\n') + '\n';
  }
}
