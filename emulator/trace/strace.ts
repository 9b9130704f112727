// strace 6.1's text format: one call per line (`write(1, "hi\n", 3) = 3`), errors with errno name
// and message, `= ?` for calls that never return, signal and exit lines, -T times, -f pid prefixes,
// and the <unfinished ...> / <... resumed> split when processes interleave (StraceWriter).

import { loadSyscallTables, SyscallAbi, SyscallTables, syscallDisplayName } from '../kernel/syscalls/table';
import { ArgContext, formatArg, retValue, sigreturnArg } from './args';
import { hexStr, octStr, slong, StrOpts } from './decode';
import { errnoMessage, errnoName, isRestartErrno, MAX_ERRNO } from './errno';
import { GuestMemory, NO_MEMORY, ProcessExitEvent, SignalEvent, SyscallEvent } from './event';
import { firstExitArg, signatureOf } from './signatures';
import { siginfoStr } from './structs';
import { userDescReturnNote } from './structs-i386';
import { netReturnNote } from './net';
import { FLAG_SETS, formatFlags, signalName } from './xlat';

export interface StraceOptions {
  /** -s: string cut (32). */
  maxStrlen?: number;
  /** -T: append the call's emulated duration. */
  showTime?: boolean;
  /** Emulated clock for -T and -c, in cycles per second. */
  cpuHz?: number;
  /** -a: column of ` = ` (40, as strace); 0 for a single space. */
  align?: number;
  /**
   * 'file' = `-f -o FILE` (`1234  ` on every line), 'bracket' = `[pid  1234] ` on every line,
   * 'auto' = strace -f on stderr: `[pid  1234] ` while more than one process is traced, 'none'.
   */
  pidPrefix?: 'none' | 'file' | 'bracket' | 'auto';
  /** -qq drops `+++ exited with N +++`. */
  quiet?: boolean;
  /**
   * Print `[ Process PID=N runs in 32 bit mode. ]` when a process starts making calls of the other
   * personality (an i386 program after execve). strace does so on stderr without -q; never with -o.
   */
  personality?: boolean;
  tables?: SyscallTables;
}

export const DEFAULT_CPU_HZ = 3_000_000_000;

function strOpts(o: StraceOptions): StrOpts {
  return { maxStrlen: o.maxStrlen ?? 32 };
}

function argContext(ev: SyscallEvent, entryMem: GuestMemory, exitMem: GuestMemory, o: StraceOptions): ArgContext {
  const returned = ev.ret !== undefined;
  const r = returned ? slong(ev.ret!, ev.abi) : 0n;
  return { ev, abi: ev.abi, entryMem, exitMem, returned, failed: returned && r < 0n && r >= -BigInt(MAX_ERRNO), str: strOpts(o) };
}

/** The call's name; an unknown number as strace shows it, a register-wide hex (syscall_0xffffffffffffffff for -1). */
export function callName(ev: SyscallEvent, tables: SyscallTables = loadSyscallTables()): string {
  if (ev.nr < 0 && tables[ev.abi].name(ev.nr) === undefined) {
    return `syscall_0x${BigInt.asUintN(ev.abi === 'i386' ? 32 : 64, BigInt(ev.nr)).toString(16)}`;
  }
  return syscallDisplayName(ev.abi, ev.nr, tables);
}

/** The decoded arguments split where strace splits them: before and from the first exit argument. */
export function formatArgs(ev: SyscallEvent, entryMem: GuestMemory, exitMem: GuestMemory, o: StraceOptions = {}): { entry: string[]; exit: string[] } {
  const tables = o.tables ?? loadSyscallTables();
  const name = tables[ev.abi].name(ev.nr);
  const ctx = argContext(ev, entryMem, exitMem, o);
  if (name === 'rt_sigreturn' || name === 'sigreturn') {
    const s = sigreturnArg(ev, entryMem, ev.abi);
    return { entry: s ? [s] : [], exit: [] };
  }
  const sig = signatureOf(name);
  const split = firstExitArg(sig);
  const entry: string[] = [], exit: string[] = [];
  sig.args.forEach((a, i) => {
    const s = formatArg(a, i, sig, ctx);
    if (s !== undefined) (i < split ? entry : exit).push(s);
  });
  return { entry, exit };
}

/** The text after ` = `: 13, 0x4c1000, -1 EBADF (Bad file descriptor), ?. */
export function formatReturn(ev: SyscallEvent, o: StraceOptions = {}): string {
  const tables = o.tables ?? loadSyscallTables();
  const name = tables[ev.abi].name(ev.nr);
  const sig = signatureOf(name);
  if (ev.ret === undefined || sig.ret === 'none') return '?';
  const r = slong(ev.ret, ev.abi);
  if (r < 0n && r >= -BigInt(MAX_ERRNO)) {
    const e = Number(-r);
    const ename = errnoName(e) ?? `E${e}`;
    return `${isRestartErrno(e) ? '?' : '-1'} ${ename} (${errnoMessage(e)})`;
  }
  switch (sig.ret) {
    case 'hex': return hexStr(BigInt.asUintN(ev.abi === 'i386' ? 32 : 64, r));
    case 'oct': return octStr(Number(r));
    case 'fcntl': {
      const cmd = Number(BigInt.asIntN(32, ev.args[1] ?? 0n));
      if (cmd === 3) return `${hexStr(r)} (flags ${formatFlags(FLAG_SETS.open, Number(r), false)})`;
      if (cmd === 1) return r === 0n ? '0' : `${hexStr(r)} (flags ${formatFlags(FLAG_SETS.fdFlags, Number(r), false)})`;
      return `${r}`;
    }
    default: return name === 'time' ? `${r} (${isoTime(r)})` : `${r}`;
  }
}

/** time()'s result as strace annotates it: 2026-11-23T12:23:12+0000 (the emulated machine runs in UTC). */
function isoTime(sec: bigint): string {
  const d = new Date(Number(sec) * 1000);
  return Number.isNaN(d.getTime()) ? '?' : d.toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** -T: ` <0.000012>` from the emulated cycle count. */
export function formatDuration(ev: SyscallEvent, o: StraceOptions = {}): string {
  const us = Math.round(((ev.endCycles - ev.startCycles) / (o.cpuHz ?? DEFAULT_CPU_HZ)) * 1e6);
  return ` <${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}>`;
}

export function pidPrefix(pid: number, o: StraceOptions): string {
  if (o.pidPrefix === 'file') return `${pid}`.padEnd(5) + ' ';
  if (o.pidPrefix === 'bracket') return `[pid ${`${pid}`.padStart(5)}] `;
  return '';
}

/** Pads to strace's result column (-a40) before `= `. */
function withResult(head: string, ev: SyscallEvent, o: StraceOptions, mem?: GuestMemory, entryMem: GuestMemory | undefined = mem): string {
  const col = o.align ?? 40;
  let s = head + ' ';
  if (s.length < col) s = s.padEnd(col);
  s += '= ' + formatReturn(ev, o);
  // set_thread_area(entry_number=-1) says which entry it picked.
  if (mem && entryMem) s += userDescReturnNote(ev, (o.tables ?? loadSyscallTables())[ev.abi].name(ev.nr), entryMem, mem);
  // poll and select say what became ready (or "Timeout") after the count.
  const note = mem ? netReturnNote((o.tables ?? loadSyscallTables())[ev.abi].name(ev.nr), ev, mem, o.maxStrlen) : undefined;
  if (note) s += ` (${note})`;
  return o.showTime && ev.ret !== undefined ? s + formatDuration(ev, o) : s;
}

/**
 * One complete strace line for a call (without pid prefix or newline). `mem` is memory at exit,
 * where out-arguments are read; `entryMem` (default: the same) serves in-arguments.
 */
export function formatCall(ev: SyscallEvent, mem: GuestMemory = NO_MEMORY, o: StraceOptions = {}, entryMem: GuestMemory = mem): string {
  const { entry, exit } = formatArgs(ev, entryMem, mem, o);
  return withResult(`${callName(ev, o.tables)}(${[...entry, ...exit].join(', ')})`, ev, o, mem, entryMem);
}

/** The part strace prints at entry: `read(3, ` (args up to the first exit argument). */
export function formatEntry(ev: SyscallEvent, mem: GuestMemory, o: StraceOptions = {}): string {
  const { entry, exit } = formatArgs({ ...ev, ret: undefined }, mem, mem, o);
  return `${callName(ev, o.tables)}(${entry.join(', ')}${entry.length && exit.length ? ', ' : ''}`;
}

/** The part printed after `<... read resumed>`: `"data", 255) = 26`. */
export function formatResumed(ev: SyscallEvent, mem: GuestMemory, o: StraceOptions = {}, entryMem: GuestMemory = mem): string {
  const { exit } = formatArgs(ev, entryMem, mem, o);
  return withResult(`<... ${callName(ev, o.tables)} resumed>${exit.join(', ')})`, ev, o, mem, entryMem);
}

export function formatSignal(s: SignalEvent): string {
  return `--- ${signalName(s.signo)} ${siginfoStr(s)} ---`;
}

export function formatProcessExit(e: ProcessExitEvent): string {
  if (e.signal !== undefined) return `+++ killed by ${signalName(e.signal)}${e.coreDumped ? ' (core dumped)' : ''} +++`;
  return `+++ exited with ${e.exitCode ?? 0} +++`;
}

/** The i386 marker strace prints (without -q) when a process switches personality. */
export function formatPersonality(pid: number, abi: SyscallAbi): string {
  return `[ Process PID=${pid} runs in ${abi === 'i386' ? '32' : '64'} bit mode. ]`;
}

/**
 * Streams events as strace does with several processes: a call's entry text is held until the
 * same thread returns; when another line must be printed first it becomes `<unfinished ...>`
 * and the return prints `<... name resumed>`.
 */
export class StraceWriter {
  private open?: { tid: number; pid: number; text: string };
  private readonly unfinished = new Set<number>();
  /** Processes traced now ('auto' prefixes: strace counts its tracees, nprocs). */
  private readonly live = new Set<number>();
  /** Each thread's personality as strace last saw it (strace itself, and so every tracee at first, is 64-bit). */
  private readonly personality = new Map<number, SyscallAbi>();

  constructor(private readonly out: (line: string) => void, private readonly o: StraceOptions = {}) {}

  private prefix(pid: number): string {
    if (this.live.size === 0) this.live.add(pid);
    if (this.o.pidPrefix !== 'auto') return pidPrefix(pid, this.o);
    return this.live.size > 1 ? pidPrefix(pid, { pidPrefix: 'bracket' }) : '';
  }

  /** strace pads `= result` to its column counting from the start of the line, pid prefix included. */
  private aligned(prefix: string): StraceOptions {
    return prefix ? { ...this.o, align: (this.o.align ?? 40) - prefix.length } : this.o;
  }

  /** A new process is traced from its creation on (strace -f attaches it at fork). */
  private created(ev: SyscallEvent): void {
    // (Threads count too: strace -f prefixes their lines with the thread id.)
    if (['fork', 'vfork', 'clone', 'clone3'].includes(callName(ev)) && ev.ret !== undefined && ev.ret > 0n) {
      this.live.add(Number(ev.ret));
      this.personality.set(Number(ev.ret), this.personality.get(ev.tid) ?? '64');
    }
  }

  /**
   * strace's update_personality: a call of another personality than the thread's last one. An
   * execve is made in the old program's personality (the first one, reported when the machine
   * starts an i386 program, stands for the 64-bit strace child's), so it never counts.
   */
  private checkPersonality(ev: SyscallEvent): void {
    if (!this.o.personality || callName(ev) === 'execve') return;
    if ((this.personality.get(ev.tid) ?? '64') === ev.abi) return;
    this.personality.set(ev.tid, ev.abi);
    this.out(this.prefix(ev.tid) + formatPersonality(ev.tid, ev.abi));
  }

  /** A call enters the kernel (its ret is not known yet). */
  enter(ev: SyscallEvent, mem: GuestMemory): void {
    this.interrupt();
    this.checkPersonality(ev);
    this.open = { tid: ev.tid, pid: ev.pid, text: this.prefix(ev.tid) + formatEntry(ev, mem, this.o) };
  }

  /** The call returns (ev.ret set) or ends without returning (ev.ret undefined: `= ?`). */
  exit(ev: SyscallEvent, mem: GuestMemory, entryMem: GuestMemory = mem): void {
    if (this.open && this.open.tid === ev.tid) {
      this.open = undefined;
      const pre = this.prefix(ev.tid);
      this.out(pre + formatCall(ev, mem, this.aligned(pre), entryMem));
      this.created(ev);
      return;
    }
    this.interrupt();
    this.unfinished.delete(ev.tid);
    const pre = this.prefix(ev.tid);
    this.out(pre + formatResumed(ev, mem, this.aligned(pre), entryMem));
    this.created(ev);
  }

  /** A whole call at once (entry and exit with nothing in between). */
  call(ev: SyscallEvent, mem: GuestMemory, entryMem: GuestMemory = mem): void {
    this.interrupt();
    this.checkPersonality(ev);
    const pre = this.prefix(ev.tid);
    this.out(pre + formatCall(ev, mem, this.aligned(pre), entryMem));
    this.created(ev);
  }

  signal(s: SignalEvent): void {
    this.interrupt();
    this.out(this.prefix(s.tid) + formatSignal(s));
  }

  /** Group-stop: `--- stopped by SIGSTOP ---`. */
  stopped(tid: number, signo: number): void {
    this.interrupt();
    this.out(this.prefix(tid) + `--- stopped by ${signalName(signo)} ---`);
  }

  processExit(e: ProcessExitEvent): void {
    this.interrupt();
    if (!(e.signal === undefined && this.o.quiet)) this.out(this.prefix(e.pid) + formatProcessExit(e));
    this.live.delete(e.pid);
  }

  /** Ends a held entry line as `<unfinished ...>`. */
  flush(): void {
    this.interrupt();
  }

  private interrupt(): void {
    if (!this.open) return;
    this.out(this.open.text + ' <unfinished ...>');
    this.unfinished.add(this.open.tid);
    this.open = undefined;
  }
}

export { retValue };
