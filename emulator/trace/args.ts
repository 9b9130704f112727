// Decodes one call's arguments from its signature (signatures.ts) into strace's text, reading
// guest memory through GuestMemory; plus the per-call rules strace has (execve's argv, open's
// optional mode, fcntl and ioctl third arguments, clone's named fields, rt_sigreturn's frame).

import type { SyscallAbi } from '../kernel/syscalls/table';
import { bufferStr, cstringStr, hexStr, octStr, pathStr, ptrStr, readCString, readUint, sint, slong, StrOpts, uint, ulong } from './decode';
import { errnoValue } from './errno';
import type { GuestMemory, SyscallEvent } from './event';
import type { Arg, Signature, SpecialName } from './signatures';
import {
  boxedStr, direntsStr, intPairStr, iovecStr, rlimitStr, sigactionStr, sigsetBitsStr, sigsetStr, stackStr, statStr,
  sysinfoStr, termiosStr, timespecStr, timevalStr, itimervalStr, siginfoMemStr, utsnameStr, waitStatusStr, winsizeStr,
} from './structs';
import { ENUMS, FLAG_SETS, formatEnum, formatFlags, lookup, signalName } from './xlat';
import { gidListStr, offsetStr, statfsStr, statxStr, utimesStr } from './structs-fs';
import { netSpecial } from './net';
import { userDescStr } from './structs-i386';

export interface ArgContext {
  ev: SyscallEvent;
  abi: SyscallAbi;
  /** Memory at entry (in-arguments) and at exit (out-arguments). */
  entryMem: GuestMemory;
  exitMem: GuestMemory;
  /** The call has returned and failed: out-arguments then print as pointers. */
  failed: boolean;
  returned: boolean;
  str: StrOpts;
}

const AT_FDCWD = -100;
const O_CREAT = 0o100, O_TMPFILE = 0o20200000;

export function retValue(ctx: ArgContext): bigint | undefined {
  return ctx.ev.ret === undefined ? undefined : slong(ctx.ev.ret, ctx.abi);
}

/** One argument's text; undefined when strace leaves the argument out (open without O_CREAT). */
export function formatArg(a: Arg, i: number, sig: Signature, ctx: ArgContext): string | undefined {
  const { ev, abi } = ctx;
  const v = ev.args[i] ?? 0n;
  const mem = ctx.entryMem;
  switch (a.k) {
    case 'int': case 'fd': return `${sint(v)}`;
    case 'uint': return `${uint(v)}`;
    case 'long': return `${slong(v, abi)}`;
    case 'ulong': return `${ulong(v, abi)}`;
    case 'hex': return hexStr(ulong(v, abi));
    case 'ptr': return ptrStr(v, abi);
    case 'oct': return octStr(uint(v));
    case 'dirfd': return sint(v) === AT_FDCWD ? 'AT_FDCWD' : `${sint(v)}`;
    case 'path': return pathStr(mem, v, abi);
    case 'str': return cstringStr(mem, v, abi, ctx.str);
    case 'sig': return signalName(sint(v));
    case 'inbuf': return bufferStr(mem, v, Number(ulong(ev.args[a.len] ?? 0n, abi)), abi, ctx.str);
    case 'outbuf': {
      const r = retValue(ctx);
      if (!ctx.returned || ctx.failed || r === undefined) return ptrStr(v, abi);
      if (a.cstr) return pathStr(ctx.exitMem, v, abi, Number(r));
      return bufferStr(ctx.exitMem, v, Number(r), abi, { ...ctx.str, hex: a.hex || ctx.str.hex });
    }
    case 'flags': return formatFlags(FLAG_SETS[a.set], uint(v));
    case 'enum': {
      const n = sint(v);
      if (a.e === 'ioctl') return lookup(ENUMS.ioctl, uint(v)) ?? hexStr(uint(v));
      return formatEnum(ENUMS[a.e], n, a.what);
    }
    case 'struct': return structArg(a.s, v, a.exit ? ctx.exitMem : mem, ctx, a.exit ?? false, sig);
    case 'sigset': {
      if (a.exit && (ctx.failed || !ctx.returned)) return ptrStr(v, abi);
      return sigsetStr(a.exit ? ctx.exitMem : mem, v, abi, Number(ulong(ev.args[a.size] ?? 8n, abi)));
    }
    case 'iovec': {
      // readv is decoded at exit: a failed call shows the array with addresses for iov_base.
      if (a.exit && !ctx.returned) return ptrStr(v, abi);
      const r = retValue(ctx);
      const count = ulong(ev.args[a.count] ?? 0n, abi);
      const data = a.exit && !ctx.failed && r !== undefined ? Number(r) : undefined;
      return iovecStr(a.exit ? ctx.exitMem : mem, v, count, abi, data, ctx.str, a.exit && ctx.failed);
    }
    case 'special': return special(a.name, i, v, ctx);
  }
}

function structArg(s: string, v: bigint, mem: GuestMemory, ctx: ArgContext, exit: boolean, sig: Signature): string {
  const abi = ctx.abi;
  if (exit && (ctx.failed || !ctx.returned)) return ptrStr(v, abi);
  switch (s) {
    case 'stat': return statStr(mem, v, abi, 'stat');
    case 'stat64': return statStr(mem, v, abi, 'stat64');
    case 'oldstat': return statStr(mem, v, abi, 'oldstat');
    case 'timespec': return timespecStr(mem, v, abi, false);
    case 'timespec32': return timespecStr(mem, v, abi, true);
    case 'timeval': return timevalStr(mem, v, abi);
    case 'itimerval': return itimervalStr(mem, v, abi);
    case 'siginfo': return siginfoMemStr(mem, v, abi);
    case 'sigaction': return sigactionStr(mem, v, abi, Number(ulong(ctx.ev.args[sig.args.length - 1] ?? 8n, abi)));
    case 'rlimit': return rlimitStr(mem, v, abi, true);
    case 'rlimit32': return rlimitStr(mem, v, abi, false);
    case 'utsname': return utsnameStr(mem, v, abi);
    case 'sysinfo': return sysinfoStr(mem, v, abi);
    case 'stack': return stackStr(mem, v, abi);
    case 'winsize': return winsizeStr(mem, v, abi);
    case 'termios': return termiosStr(mem, v, abi);
    case 'statx': return statxStr(mem, v, abi);
    case 'statfs': return statfsStr(mem, v, abi);
    case 'utimes': return utimesStr(mem, v, abi);
    case 'userDesc': return userDescStr(mem, v, abi);
  }
  return ptrStr(v, abi);
}

function special(name: SpecialName, i: number, v: bigint, ctx: ArgContext): string | undefined {
  const { ev, abi } = ctx;
  const exitOk = ctx.returned && !ctx.failed;
  const w = abi === 'i386' ? 4 : 8;
  switch (name) {
    case 'argv': return argvStr(ctx.entryMem, v, abi, ctx.str);
    case 'envp': return envpStr(ctx.entryMem, v, abi);
    case 'openMode': {
      const f = uint(ev.args[i - 1] ?? 0n);
      return f & O_CREAT || (f & O_TMPFILE) === O_TMPFILE ? octStr(uint(v)) : undefined;
    }
    case 'fcntlArg': return fcntlArg(sint(ev.args[i - 1] ?? 0n), v, abi);
    case 'ioctlArg': return ioctlArg(uint(ev.args[i - 1] ?? 0n), v, ctx);
    case 'wait4Pid': return `${sint(v)}`;
    case 'waitStatus': {
      if (!exitOk || retValue(ctx) === 0n || ulong(v, abi) === 0n) return ptrStr(v, abi);
      const s = readUint(ctx.exitMem, ulong(v, abi), 4);
      return s === undefined ? ptrStr(v, abi) : waitStatusStr(Number(s));
    }
    case 'pipe': return exitOk ? intPairStr(ctx.exitMem, v, abi) : ptrStr(v, abi);
    case 'timeOut':
      if (ulong(v, abi) === 0n || !exitOk) return ptrStr(v, abi);
      return boxedStr(ctx.exitMem, v, abi, w as 4 | 8, (x) => `${slong(x, abi)}`);
    case 'archPrctlAddr': {
      const code = sint(ev.args[0]);
      if (code === 0x1003 || code === 0x1004) return exitOk ? boxedStr(ctx.exitMem, v, abi, 8, (x) => ptrStr(x, abi)) : ptrStr(v, abi);
      return ptrStr(v, abi);
    }
    case 'dirents': {
      const r = retValue(ctx);
      return exitOk && r !== undefined ? direntsStr(ctx.exitMem, v, abi, Number(r)) : ptrStr(v, abi);
    }
    case 'remain':
      return ctx.returned && retValue(ctx) === BigInt(-(errnoValue('EINTR') ?? 4)) ? timespecStr(ctx.exitMem, v, abi) : ptrStr(v, abi);
    case 'mremapNew': return uint(ev.args[3] ?? 0n) & 2 ? ptrStr(v, abi) : undefined;
    case 'cloneFlags': return cloneArgs(ctx);
    case 'futexArgs': return futexArgs(ctx);
    case 'childTid': return ptrStr(v, abi);
    case 'offInOut': return offsetStr(ctx.entryMem, exitOk ? ctx.exitMem : undefined, v, abi);
    case 'loff': return offsetStr(ctx.entryMem, undefined, v, abi);
    case 'prctlArgs': {
      // PR_SET_NAME shows the name given, PR_GET_NAME the one returned; others their numbers.
      const op = sint(ev.args[0] ?? 0n);
      if (op === 15) return cstringStr(ctx.entryMem, v, abi, { ...ctx.str, maxStrlen: 16 });
      if (op === 16) return exitOk ? cstringStr(ctx.exitMem, v, abi, { ...ctx.str, maxStrlen: 16 }) : ptrStr(v, abi);
      if (op === 3) return undefined;
      return [v, ev.args[2] ?? 0n, ev.args[3] ?? 0n, ev.args[4] ?? 0n].map((x) => hexStr(ulong(x, abi))).join(', ');
    }
    case 'gidList': {
      const r = retValue(ctx);
      return exitOk && r !== undefined && sint(ev.args[0] ?? 0n) > 0 ? gidListStr(ctx.exitMem, v, abi, Number(r)) : ptrStr(v, abi);
    }
    // _llseek(fd, high, low, &result, whence) reads as _llseek(fd, offset, [result], whence).
    case 'llseekOffset': return `${BigInt.asIntN(64, (BigInt(uint(v)) << 32n) | BigInt(uint(ev.args[i + 1] ?? 0n)))}`;
    case 'llseekLow': return undefined;
    case 'llseekResult':
      return exitOk ? boxedStr(ctx.exitMem, v, abi, 8, (x) => `${BigInt.asIntN(64, x)}`) : ptrStr(v, abi);
    default: return netSpecial(name, i, v, ctx);
  }
}

/** execve's argv: ["./prog", "arg"], at most -s elements, each string cut at -s. */
export function argvStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi, o: StrOpts): string {
  if (ulong(addr, abi) === 0n) return 'NULL';
  const w = abi === 'i386' ? 4 : 8;
  const max = o.maxStrlen ?? 32;
  const items: string[] = [];
  for (let i = 0; ; i++) {
    const p = readUint(mem, ulong(addr, abi) + BigInt(i * w), w as 4 | 8);
    if (p === undefined) {
      if (i === 0) return ptrStr(addr, abi);
      items.push(`${ptrStr(ulong(addr, abi) + BigInt(i * w), abi)}`);
      break;
    }
    if (p === 0n) break;
    if (i >= max) { items.push('...'); break; }
    items.push(cstringStr(mem, p, abi, o));
  }
  return `[${items.join(', ')}]`;
}

/** execve's envp without -v: the pointer and how many variables it holds. */
export function envpStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  if (ulong(addr, abi) === 0n) return 'NULL';
  const w = abi === 'i386' ? 4 : 8;
  let n = 0;
  for (; n < 100000; n++) {
    const p = readUint(mem, ulong(addr, abi) + BigInt(n * w), w as 4 | 8);
    if (p === undefined) return ptrStr(addr, abi);
    if (p === 0n) break;
  }
  return `${ptrStr(addr, abi)} /* ${n} var${n === 1 ? '' : 's'} */`;
}

/** fcntl's third argument by command, as strace's print_fcntl; unknown commands show it in hex. */
function fcntlArg(cmd: number, v: bigint, abi: SyscallAbi): string | undefined {
  switch (cmd) {
    case 1: case 3: case 9: case 11: case 1025: case 1032: case 1034: return undefined; // F_GET*: no argument
    case 2: return formatFlags(FLAG_SETS.fdFlags, uint(v));
    case 4: return formatFlags(FLAG_SETS.open, uint(v));
    case 0: case 1030: case 1031: case 8: return `${slong(v, abi)}`; // F_DUPFD*, F_SETPIPE_SZ, F_SETOWN
    case 5: case 6: case 7: case 15: case 16: case 36: case 37: case 38: return ptrStr(v, abi); // struct pointers
    case 10: return signalName(sint(v));
    case 1024: return formatEnum(ENUMS.lease, sint(v), 'F');
    case 1026: return formatFlags(FLAG_SETS.notify, uint(v));
    case 1033: return formatFlags(FLAG_SETS.seals, uint(v));
    default: return hexStr(ulong(v, abi));
  }
}

function ioctlArg(req: number, v: bigint, ctx: ArgContext): string | undefined {
  const { abi } = ctx;
  const exitOk = ctx.returned && !ctx.failed;
  switch (req) {
    case 0x5401: return exitOk ? termiosStr(ctx.exitMem, v, abi) : ptrStr(v, abi); // TCGETS
    case 0x5402: case 0x5403: case 0x5404: return termiosStr(ctx.entryMem, v, abi);
    case 0x5413: return exitOk ? winsizeStr(ctx.exitMem, v, abi) : ptrStr(v, abi); // TIOCGWINSZ
    case 0x5414: return winsizeStr(ctx.entryMem, v, abi);
    case 0x541b: return exitOk ? boxedStr(ctx.exitMem, v, abi, 4, (x) => `${BigInt.asIntN(32, x)}`) : ptrStr(v, abi);
    case 0x5421: return boxedStr(ctx.entryMem, v, abi, 4, (x) => `${BigInt.asIntN(32, x)}`);
    case 0x5450: case 0x5451: return undefined;
    default: return ptrStr(v, abi);
  }
}

/** clone's named fields: child_stack=, flags=..|SIGCHLD, parent_tid=, tls=, child_tidptr=. */
/**
 * futex's arguments as strace prints them: only those the operation uses.
 *   WAIT: uaddr, op, val, timeout       WAKE: uaddr, op, val
 *   WAIT_BITSET: uaddr, op, val, timeout, bitset       WAKE_BITSET: uaddr, op, val, bitset
 *   REQUEUE: uaddr, op, val, val2, uaddr2              CMP_REQUEUE: the same, then val3
 */
function futexArgs(ctx: ArgContext): string {
  const { ev, abi } = ctx;
  const [uaddr, opv, val, timeout, uaddr2, val3] = ev.args;
  const op = uint(opv ?? 0n), cmd = op & 0x7f;
  let name = lookup(ENUMS.futexOp, cmd) ?? `${cmd}`;
  if (op & 128) name += '_PRIVATE';
  if (op & 256) name += '|FUTEX_CLOCK_REALTIME';
  const bitset = (v: bigint | undefined): string => (uint(v ?? 0n) === 0xffffffff ? 'FUTEX_BITSET_MATCH_ANY' : hexStr(uint(v ?? 0n)));
  const ts = (): string => (timeout ? timespecStr(ctx.entryMem, timeout, abi, abi === 'i386') : 'NULL');
  const out = [ptrStr(uaddr ?? 0n, abi), name, `${uint(val ?? 0n)}`];
  switch (cmd) {
    case 0: out.push(ts()); break;
    case 9: out.push(ts(), bitset(val3)); break;
    case 10: out.push(bitset(val3)); break;
    case 3: out.push(`${uint(timeout ?? 0n)}`, ptrStr(uaddr2 ?? 0n, abi)); break;
    case 4: out.push(`${uint(timeout ?? 0n)}`, ptrStr(uaddr2 ?? 0n, abi), `${uint(val3 ?? 0n)}`); break;
    case 1: break;
    default: out.push(ptrStr(timeout ?? 0n, abi), ptrStr(uaddr2 ?? 0n, abi), hexStr(uint(val3 ?? 0n)));
  }
  return out.join(', ');
}

function cloneArgs(ctx: ArgContext): string {
  const { ev, abi } = ctx;
  const flags = uint(ev.args[0]);
  // x86-64 passes (flags, stack, parent_tid, child_tid, tls); i386 swaps the last two.
  const [stack, ptid, ctid, tls] = abi === 'i386'
    ? [ev.args[1], ev.args[2], ev.args[4], ev.args[3]]
    : [ev.args[1], ev.args[2], ev.args[3], ev.args[4]];
  const sigNo = flags & 0xff;
  const names = formatFlags(FLAG_SETS.clone, flags & ~0xff);
  const f = sigNo ? (flags & ~0xff ? `${names}|${signalName(sigNo)}` : signalName(sigNo)) : names;
  const parts = [`child_stack=${ptrStr(stack ?? 0n, abi)}`, `flags=${f}`];
  if (flags & 0x100000) {
    const t = ctx.returned && !ctx.failed ? readUint(ctx.exitMem, ulong(ptid ?? 0n, abi), 4) : undefined;
    parts.push(`parent_tid=${t === undefined ? ptrStr(ptid ?? 0n, abi) : `[${t}]`}`);
  }
  if (flags & 0x80000) parts.push(`tls=${ptrStr(tls ?? 0n, abi)}`);
  if (flags & 0x1200000) parts.push(`child_tidptr=${ptrStr(ctid ?? 0n, abi)}`);
  return parts.join(', ');
}

/** rt_sigreturn({mask=[...]}): the mask saved in the signal frame the stack pointer is at. */
export function sigreturnArg(ev: SyscallEvent, mem: GuestMemory, abi: SyscallAbi): string {
  if (ev.sp === undefined) return '';
  // uc_sigmask sits 0x128 bytes into x86-64's ucontext (rsp points at it once the restorer's
  // return address is popped); in the i386 rt frame it is 248 bytes above esp.
  const off = abi === 'i386' ? 248n : 0x128n;
  const m = readUint(mem, ulong(ev.sp, abi) + off, 8);
  return m === undefined ? '' : `{mask=${sigsetBitsStr(m, 64)}}`;
}

export { readCString, sigsetBitsStr };
