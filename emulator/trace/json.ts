// --json: one JSON object per line with every field of a syscall event, the decoded arguments and
// the strace text. 64-bit values (arguments, addresses, return) are strings so nothing is rounded.

import { slong } from './decode';
import { errnoMessage, errnoName, MAX_ERRNO } from './errno';
import { GuestMemory, NO_MEMORY, SignalEvent, SyscallEvent } from './event';
import { callName, formatArgs, formatCall, formatReturn, StraceOptions } from './strace';
import { signalName } from './xlat';
import { siginfoStr } from './structs';

const hex = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16);

export interface SyscallJson {
  type: 'syscall';
  pid: number; tid: number; nr: number; abi: string; name: string; mechanism: string;
  args: string[]; decoded: string[];
  ret: string | null; retText: string; errno: string | null; errnoMessage: string | null;
  startInsn: number; endInsn: number; startCycles: number; endCycles: number;
  site: string; siteLine: string | null; strace: string;
}

export function syscallJson(ev: SyscallEvent, mem: GuestMemory = NO_MEMORY, o: StraceOptions = {}, entryMem: GuestMemory = mem): SyscallJson {
  const { entry, exit } = formatArgs(ev, entryMem, mem, o);
  let errno: number | undefined;
  if (ev.ret !== undefined) {
    const r = slong(ev.ret, ev.abi);
    if (r < 0n && r >= -BigInt(MAX_ERRNO)) errno = Number(-r);
  }
  return {
    type: 'syscall',
    pid: ev.pid, tid: ev.tid, nr: ev.nr, abi: ev.abi, name: callName(ev, o.tables), mechanism: ev.mechanism,
    args: ev.args.map(hex), decoded: [...entry, ...exit],
    ret: ev.ret === undefined ? null : slong(ev.ret, ev.abi).toString(),
    retText: formatReturn(ev, o),
    errno: errno === undefined ? null : errnoName(errno) ?? `E${errno}`,
    errnoMessage: errno === undefined ? null : errnoMessage(errno),
    startInsn: ev.startInsn, endInsn: ev.endInsn, startCycles: ev.startCycles, endCycles: ev.endCycles,
    site: hex(ev.site), siteLine: ev.siteLine ?? null,
    strace: formatCall(ev, mem, { ...o, align: 0 }, entryMem),
  };
}

/** One JSON line (no trailing newline). */
export function formatJsonLine(ev: SyscallEvent, mem: GuestMemory = NO_MEMORY, o: StraceOptions = {}, entryMem: GuestMemory = mem): string {
  return JSON.stringify(syscallJson(ev, mem, o, entryMem));
}

export function formatSignalJson(s: SignalEvent): string {
  return JSON.stringify({
    type: 'signal', pid: s.pid, tid: s.tid, signo: s.signo, name: signalName(s.signo), code: s.code,
    addr: s.addr === undefined ? null : hex(s.addr), siginfo: siginfoStr(s),
  });
}
