// The vmcall adapter: what each service number of abi.ts means in TypeScript. Arguments arrive as
// the kernel's C argument registers; kernel buffers are read and written here, user memory never
// (the .S handlers copy it). Faults in user mode become signals; with no handler installed (signal
// delivery comes with the processes work) they end the process as Linux's default action does.

import { Machine, ServiceHandler } from '../machine';
import { ExecError, checkElf } from './native';
import { VmcallService } from './abi';
import { NativeKernel } from './native';
import { SignalEvent, SyscallEvent } from '../trace/event';
import { buildVdso, clockMultShift, writeVvar } from './vdso';
import { ERESTARTNOHAND, Signals } from './signal';
import { PT_REGS_SIZE, TASK, WOULD_SLEEP } from './abi';
import { KTask, Scheduler } from './sched';
import { Mm } from './native';
import { provideFsServices } from './services-fs';
import { interpreterError } from './native/vfs-extra';
import { provideNetServices } from './services-net';
import { provideCompatServices } from './services-compat';
import { execSegments } from './tls';

type Result = number | { ret: number; bytes?: Uint8Array };

/**
 * What a group of services needs from this file (services-*.ts files register theirs through it):
 * the running task and its process state, and helpers for kernel buffers.
 */
export interface ServiceContext {
  m: Machine;
  sched: Scheduler;
  /** The running task's process state (it changes at every task switch: call it each time). */
  k(): NativeKernel;
  cur(): KTask;
  on(s: VmcallService, h: ServiceHandler): void;
  /** Copies a service's bytes into a kernel buffer and returns its result; %rdx = their length. */
  out(kbuf: number, r: Result): number | { ret: number; rdx: number };
  /** A NUL-terminated string from kernel memory (a path the .S handler copied in). */
  cstr(addr: number): string;
  /** Kernel (or current user) memory, read and written by the service. */
  mem: { readBytes(a: number, n: number): Uint8Array; writeBytes(a: number, b: Uint8Array): void };
}


/** Linux signal numbers and si_codes for the faults the CPU reports. */
const SIGILL = 4, SIGTRAP = 5, SIGFPE = 8, SIGSEGV = 11, SIGPIPE = 13;
const ILL_ILLOPN = 2, FPE_INTDIV = 1, SEGV_MAPERR = 1, SEGV_ACCERR = 2, SI_KERNEL = 0x80, SI_USER = 0, SI_TKILL = -6;
const ELOOP = 40, ENOSYS = 38, EBADF = 9, EINVAL = 22, ESRCH = 3, EFAULT = 14, E2BIG = 7, EACCES = 13, ENOEXEC = 8, EPIPE = 32;
const O_RDONLY = 0, AT_FDCWD = -100, MAX_ARG_STRINGS = 0x7fffffff, ARG_MAX = 2 * 1024 * 1024;
const TASK_SIZE_MAX = 0x00007ffffffff000n;

const int = (v: number): number => Number(BigInt.asIntN(32, BigInt(v)));
const uint = (v: number): number => Number(BigInt.asUintN(32, BigInt(v)));

export interface ProgramToRun {
  /** The machine's clock rate: the vDSO turns TSC cycles into nanoseconds with it. */
  cpuHz: number;
  /** Host path of the program (for /proc/self/exe). */
  exePath: string;
  image: Uint8Array;
  argv: string[];
  envp: string[];
}

/** Registers every service of the kernel on `m`, backed by `k` for the program `p`. */
export function provideServices(m: Machine, first: NativeKernel, p: ProgramToRun): Scheduler {
  /** The running task's process state; it changes at every task switch. */
  let k = first;
  // The running task's memory (m.space follows the task switches).
  const mem = {
    readBytes: (a: number, n: number) => m.space.readBytes(a, n),
    writeBytes: (a: number, b: Uint8Array) => m.space.writeBytes(a, b),
    writeU64: (a: number, v: bigint) => m.space.writeU64(a, v),
  };
  const cstr = (addr: number): string => {
    const out: number[] = [];
    for (let a = addr; out.length < 4096; a++) {
      const b = mem.readBytes(a, 1)[0];
      if (b === 0) break;
      out.push(b);
    }
    return Buffer.from(out).toString('latin1');
  };
  /** Copies a service's bytes into a kernel buffer and returns its result; %rdx = their length. */
  const out = (kbuf: number, r: Result): number | { ret: number; rdx: number } => {
    if (typeof r === 'number') return r;
    if (r.bytes && r.ret >= 0 && kbuf) mem.writeBytes(kbuf, r.bytes);
    return { ret: r.ret, rdx: r.bytes?.length ?? 0 };
  };
  const opt = (addr: number, len: number): Uint8Array | null => (addr ? mem.readBytes(addr, len) : null);
  const on = (s: VmcallService, h: ServiceHandler): void => m.provide(s, h);

  /**
   * Publishes the clocks to the [vvar] pages the vDSO reads (at exec, and whenever a sleep moves
   * them): every process's, since the clock is the machine's.
   */
  const refreshVvar = (): void => {
    const seen = new Set<unknown>();
    for (const t of sched ? sched.tasks.values() : []) {
      const nk = t.nk;
      if (nk.vvarBase === undefined || seen.has(nk.mm.as) || t.state === 'zombie') continue;
      seen.add(nk.mm.as);
      const as = nk.mm.as;
      const page = as.readBytes(nk.vvarBase, 4096);
      writeVvar(page, { cycleLast: BigInt(Math.floor(m.cpu.cycles)), ...clockMultShift(p.cpuHz), realtimeNs: nk.task.realNs(), monotonicNs: nk.task.monoNs() });
      as.writeBytes(nk.vvarBase, page);
    }
  };

  on('kernel_init', (_m, [task]) => {
    const vdso = buildVdso(m.kernel.treeDir);
    const loaded = k.exec(p.exePath, p.image, { argv: p.argv, envp: p.envp, execfn: p.argv[0], vdso });
    k.vvarBase = loaded.vvarBase;
    refreshVvar();
    // The fields machine code reads (getpid is pure machine code).
    const t = k.task;
    for (const [off, v] of [[0, t.pid], [8, t.tid], [16, t.ppid], [24, t.uid], [32, t.uid], [40, t.gid], [48, t.gid]] as const) {
      mem.writeU64(task + off, BigInt(v));
    }
    mem.writeU64(task + TASK.TASK_vdso, BigInt(loaded.vdsoBase ?? 0)); // mm->context.vdso: the SYSENTER door returns into it
    execSegments(m, task, loaded.compat); // no TLS entries; DS = ES = __USER_DS for an i386 program
    m.cpu.setRegNum(1, loaded.cs); // %rcx: run_init_process irets to __USER_CS, or __USER32_CS for an i386 program
    // strace shows the execve that started the program: report it as if it had been traced.
    const sp = BigInt(loaded.stackPointer);
    const argc = BigInt(p.argv.length);
    // An i386 program's vectors are 4-byte words: its execve is shown as the i386 call (same text).
    const w = loaded.compat ? 4n : 8n;
    const ev: SyscallEvent = {
      pid: t.pid, tid: t.tid, nr: loaded.compat ? 11 : 59, abi: loaded.compat ? 'i386' : '64',
      args: [BigInt(loaded.execfnAddr), sp + w, sp + w + w * (argc + 1n), 0n, 0n, 0n],
      ret: 0n, mechanism: 'syscall',
      startInsn: m.cpu.instructions, endInsn: m.cpu.instructions, startCycles: m.cpu.cycles, endCycles: m.cpu.cycles,
      site: 0n,
    };
    m.reportSyscall(ev);
    return { ret: loaded.entry, rdx: loaded.stackPointer };
  });

  const RLIMIT_CORE = 4;
  const sched: Scheduler = new Scheduler(m, first, {
    // The mask of a thread that is not running waits in its KTask (see Scheduler.switchTo).
    signalsFor: (t) => {
      const sig = new Signals(
        m, t.nk.task.sigactions,
        { get: () => (sched.current === t ? t.nk.task.sigmask : t.mask), set: (v) => { if (sched.current === t) t.nk.task.sigmask = v; else t.mask = v; } },
        t.addr + TASK.TASK_flags, () => t.nk.task.rlimits[RLIMIT_CORE][0]);
      sig.onStop = (signo) => sched.stopProcess(t, signo);
      return sig;
    },
    switched: (t) => {
      k = t.nk;
      signals = t.signals;
    },
    processExited: (t, e) => m.events.processExit?.({ pid: t.tid, exitCode: e.code, signal: e.signal, coreDumped: e.coreDumped }),
  });
  let signals = sched.current.signals;
  const cur = (): KTask => sched.current;

  on('do_exit', (_m, [code, group]) => {
    sched.doExit(cur(), { code: code & 0xff }, group !== 0);
    return 0;
  });

  // The scheduler, fork and wait.
  on('__schedule', () => sched.schedule());
  on('sysvec_apic_timer_interrupt', () => {
    sched.needResched(cur());
    return 0;
  });
  on('kernel_clone', (_m, [flags, newsp, parentTid, childTid, tls, regs]) => sched.clone(flags, newsp, parentTid, childTid, tls, regs));
  on('wait_for_vfork_done', (_m, [pid]) => sched.waitForVforkDone(int(pid)));
  on('kernel_wait4', (_m, [pid, options, kstatus, krusage]) => {
    const r = sched.wait4(int(pid), uint(options));
    if (r.ret > 0) {
      const st = new Uint8Array(4);
      new DataView(st.buffer).setInt32(0, r.status ?? 0, true);
      mem.writeBytes(kstatus, st);
      mem.writeBytes(krusage, new Uint8Array(144)); // no CPU accounting per child yet: zeros
    }
    return r.ret;
  });
  on('kernel_waitid', (_m, [which, id, kinfo, options, krusage]) => {
    const r = sched.waitid(int(which), int(id), uint(options));
    if (r.ret === 0) {
      // struct siginfo for SIGCHLD: signo, errno, code, then pid, uid, status (utime, stime: 0).
      const b = new DataView(new ArrayBuffer(128));
      if (r.info) {
        b.setInt32(0, 17, true);
        b.setInt32(8, r.info.code, true);
        b.setInt32(16, r.info.pid, true);
        b.setInt32(20, r.info.uid, true);
        b.setInt32(24, r.info.status, true);
      }
      mem.writeBytes(kinfo, new Uint8Array(b.buffer));
      mem.writeBytes(krusage, new Uint8Array(144));
    }
    return r.ret;
  });
  on('do_futex', (_m, [uaddr, op, val, kargs, uaddr2, val3]) => {
    const a = new DataView(mem.readBytes(kargs, 40).buffer);
    const current = a.getUint32(0, true);
    const cmd = op & 0x7f;
    const t = cur();
    let deadline = t.futex ? t.deadline : undefined;
    if (!t.futex && a.getBigUint64(24, true) === 1n) {
      const sec = a.getBigInt64(8, true), nsec = a.getBigInt64(16, true);
      if (sec < 0n || nsec < 0n || nsec >= 1000000000n) return -EINVAL;
      const ns = sec * 1000000000n + nsec;
      // FUTEX_WAIT: relative. FUTEX_WAIT_BITSET: absolute, on CLOCK_MONOTONIC or (flag 256) CLOCK_REALTIME.
      deadline = cmd === 0 ? k.task.monoNs() + ns : op & 256 ? ns - (k.task.realNs() - k.task.monoNs()) : ns;
    }
    switch (cmd) {
      case 0: return sched.futexWait(uaddr, val, current, 0xffffffff, deadline);
      case 9: return sched.futexWait(uaddr, val, current, val3, deadline);
      case 1: return sched.futexWake(k, uaddr, int(val), 0xffffffff);
      case 10: return sched.futexWake(k, uaddr, int(val), val3);
      case 3: return sched.futexRequeue(uaddr, int(val), Number(a.getBigInt64(32, true)), uaddr2, undefined, current);
      case 4: return sched.futexRequeue(uaddr, int(val), Number(a.getBigInt64(32, true)), uaddr2, val3, current);
      default: return -ENOSYS; // FUTEX_WAKE_OP and the priority-inheritance ops are not modelled
    }
  });
  // Waiting for signals.
  on('sys_pause_wait', () => {
    const t = cur();
    if (t.signals.wantsAttention()) return -ERESTARTNOHAND;
    sched.sleepOn(t.sigWait);
    return WOULD_SLEEP;
  });
  on('do_sigsuspend', (_m, [kmask, size]) => {
    const t = cur();
    if (t.signals.restoreMask === undefined) {
      if (size !== 8) return -EINVAL;
      // The first time round: the temporary mask goes in, the old one is kept for the frame.
      const set = new DataView(mem.readBytes(kmask, 8).buffer).getBigUint64(0, true);
      t.signals.restoreMask = k.task.sigmask;
      k.task.sigmask = set & ~((1n << 8n) | (1n << 18n)); // SIGKILL and SIGSTOP cannot be blocked
      t.signals.recalc();
    }
    if (t.signals.wantsAttention()) return -ERESTARTNOHAND;
    sched.sleepOn(t.sigWait);
    return WOULD_SLEEP;
  });
  on('do_sigaltstack', (_m, [kss, koss]) => {
    const sp = m.ptRegs(cur().stackTop - PT_REGS_SIZE, 'sp');
    const r = cur().signals.sigaltstack(kss ? mem.readBytes(kss, 24) : null, sp);
    mem.writeBytes(koss, r.bytes);
    return r.ret === 0 ? { ret: 0, rdx: 24 } : r.ret;
  });
  // Interval timers: struct itimerval = { it_interval, it_value }, each a timeval (sec, usec).
  const US = 1000n;
  const readItimer = (kbuf: number): { value: bigint; interval: bigint } | number => {
    const v = new DataView(mem.readBytes(kbuf, 32).buffer);
    const tv = (o: number): bigint | undefined => {
      const sec = v.getBigInt64(o, true), usec = v.getBigInt64(o + 8, true);
      return sec < 0n || usec < 0n || usec >= 1000000n ? undefined : sec * 1000000000n + usec * US;
    };
    const interval = tv(0), value = tv(16);
    return interval === undefined || value === undefined ? -EINVAL : { value, interval };
  };
  const writeItimer = (kbuf: number, t: { value: bigint; interval: bigint }): void => {
    const b = new DataView(new ArrayBuffer(32));
    // A running timer never reads 0: Linux rounds up to the next microsecond.
    const us = (ns: bigint): bigint => (ns + US - 1n) / US;
    b.setBigInt64(0, us(t.interval) / 1000000n, true);
    b.setBigInt64(8, us(t.interval) % 1000000n, true);
    b.setBigInt64(16, us(t.value) / 1000000n, true);
    b.setBigInt64(24, us(t.value) % 1000000n, true);
    mem.writeBytes(kbuf, new Uint8Array(b.buffer));
  };
  on('do_setitimer', (_m, [which, knew, kold]) => {
    const nv = knew ? readItimer(knew) : { value: 0n, interval: 0n };
    if (typeof nv === 'number') return nv;
    const old = sched.setitimer(int(which), nv.value, nv.interval);
    if (typeof old === 'number') return old;
    writeItimer(kold, old);
    return 0;
  });
  on('do_getitimer', (_m, [which, , kcur]) => {
    const old = sched.setitimer(int(which), undefined, 0n);
    if (typeof old === 'number') return old;
    writeItimer(kcur, old);
    return 0;
  });
  on('alarm_setitimer', (_m, [seconds]) => {
    const old = sched.setitimer(0, BigInt(uint(seconds)) * 1000000000n, 0n);
    if (typeof old === 'number') return old;
    // The seconds that were left, rounded (and at least 1 if any time was left), as Linux does.
    const left = old.value;
    return left <= 0n ? 0 : Math.max(1, Number((left + 500000000n) / 1000000000n));
  });
  on('do_pipe2', (_m, [kfds, flags]) => out(kfds, k.doPipe2(int(flags))));
  on('ksys_setpgid', (_m, [pid, pgid]) => sched.setpgid(int(pid), int(pgid)));
  on('ksys_getpgid', (_m, [pid]) => sched.getpgid(int(pid)));
  on('ksys_setsid', () => sched.setsid());
  on('ksys_getsid', (_m, [pid]) => sched.getsid(int(pid)));

  on('do_user_fault', (_m, [vector, errorCode, address, regs]) => {
    const ip = m.ptRegs(regs, 'ip');
    let s: SignalEvent;
    const base = { pid: k.task.pid, tid: cur().tid };
    switch (vector) {
      case 14: {
        // #PF: not mapped (P = 0), or mapped but not allowed (P = 1). The kernel's half is never
        // the program's: Linux reports it as not mapped.
        const addr = BigInt.asUintN(64, BigInt(address));
        s = { ...base, signo: SIGSEGV, code: errorCode & 1 && addr < TASK_SIZE_MAX ? SEGV_ACCERR : SEGV_MAPERR, addr };
        break;
      }
      case 13: // #GP: a privileged instruction, a non-canonical address
        s = { ...base, signo: SIGSEGV, code: SI_KERNEL, addr: 0n };
        break;
      case 6:
        s = { ...base, signo: SIGILL, code: ILL_ILLOPN, addr: ip };
        break;
      case 0:
        s = { ...base, signo: SIGFPE, code: FPE_INTDIV, addr: ip };
        break;
      default:
        s = { ...base, signo: SIGTRAP, code: SI_KERNEL };
    }
    // A fault's signal is forced (unblocked, not ignorable) and delivered on the way back out.
    signals.send(s, { forced: true, trapno: vector, err: errorCode });
    return 0;
  });

  on('arch_do_signal_or_restart', (_m, [regs]) => {
    signals.deliver(regs);
    return 0;
  });
  on('rt_sigreturn', (_m, [regs]) => signals.sigreturn(regs));
  const sendTo = (targets: KTask[], sig: number, code: number): number => {
    if (sig < 0 || sig > 64) return -EINVAL;
    if (targets.length === 0) return -ESRCH;
    if (sig !== 0) for (const t of targets) sched.signal(t, { pid: t.pid, tid: t.tid, signo: sig, code, senderPid: k.task.pid, senderUid: k.task.uid });
    return 0;
  };
  on('kill_something_info', (_m, [pid, sig]) => sendTo(sched.killTargets(int(pid)), int(sig), SI_USER));
  on('do_tkill', (_m, [tgid, tid, sig]) => {
    const t = sched.findTask(int(tid));
    if (int(tid) <= 0) return -EINVAL;
    if (!t || (int(tgid) !== -1 && t.pid !== int(tgid))) return -ESRCH;
    return sendTo([t], int(sig), SI_TKILL);
  });
  /**
   * execve: the argument and environment strings are read from the old program's memory (Linux's
   * copy_strings), the file is loaded into a fresh address space, and pt_regs are set so that the
   * return to user mode lands on the new entry point with the new stack and clear registers.
   */
  on('do_execve', (_m, [kpath, argv, envp, regs]) => {
    const user = m.userMemory;
    // An i386 caller (compat_sys_execve) passes vectors of 32-bit pointers.
    const w = (Number(m.ptRegs(regs, 'cs')) & 0xfffc) === 0x20 ? 4 : 8;
    const strings = (arr: number): string[] | number => {
      const out: string[] = [];
      if (arr === 0) return out;
      let total = 0;
      for (let i = 0; i < MAX_ARG_STRINGS; i++) {
        const p = user.read(BigInt(arr) + BigInt(i * w), w);
        if (!p) return -EFAULT;
        const dv = new DataView(p.buffer, p.byteOffset);
        const ptr = w === 4 ? BigInt(dv.getUint32(0, true)) : dv.getBigUint64(0, true);
        if (ptr === 0n) return out;
        const bytes: number[] = [];
        for (let a = ptr; ; a++) {
          const b = user.read(a, 1);
          if (!b) return -EFAULT;
          if (b[0] === 0) break;
          bytes.push(b[0]);
          if (++total > ARG_MAX) return -E2BIG;
        }
        out.push(Buffer.from(bytes).toString('latin1'));
      }
      return -E2BIG;
    };
    let path = cstr(kpath);
    let args = strings(argv);
    if (typeof args === 'number') return args;
    const env = strings(envp);
    if (typeof env === 'number') return env;
    /** The file at `p`, if it may be executed: its host path and bytes, or -errno. */
    const load = (p: string): { host: string; image: Uint8Array } | number => {
      const fd = k.doSysOpen(AT_FDCWD, p, O_RDONLY, 0);
      if (fd < 0) return fd;
      const file = k.vfs.fdt.get(fd)!;
      const host = file.hostPath;
      k.sysClose(fd);
      if (!host || file.kind !== 'host') return -EACCES;
      try {
        const st = k.hostFs.statSync(host, { bigint: true });
        if (!st.isFile() || (Number(st.mode) & 0o111) === 0) return -EACCES;
        return { host, image: k.hostFs.readFileSync(host) };
      } catch {
        return -EACCES;
      }
    };
    let host = '';
    let image: Uint8Array = new Uint8Array(0);
    // binfmt_script: a file starting with "#!interpreter [arg]" runs the interpreter with the
    // script's path as an argument (an interpreter may itself be a script, 4 levels deep at most).
    for (let depth = 0; ; depth++) {
      const f = load(path);
      if (typeof f === 'number') return f;
      ({ host, image } = f);
      if (image[0] === 0x23 && image[1] === 0x21) {
        if (depth >= 4) return -ELOOP;
        const line = Buffer.from(image.subarray(2, Math.min(image.length, 256))).toString('latin1').split('\n')[0].trim();
        const sp = line.search(/[ \t]/);
        const interp = sp < 0 ? line : line.slice(0, sp);
        const arg = sp < 0 ? '' : line.slice(sp).trim();
        if (!interp) return -ENOEXEC;
        args = [interp, ...(arg ? [arg] : []), path, ...args.slice(1)];
        path = interp;
        continue;
      }
      try {
        checkElf(image);
      } catch (e) {
        return e instanceof ExecError ? -ENOEXEC : -EACCES;
      }
      const noInterp = interpreterError(k.vfs, image);   // a dynamic program's ld.so must open too (services-fs)
      if (noInterp) return -noInterp;
      break;
    }
    // Past the point of no return: the old program is gone. The new one gets a new address space
    // (Linux's exec_mmap); the old one is freed unless a vfork parent still owns it.
    const old = k.mm;
    k.mm = new Mm(m.newAddressSpace(), { maxMapped: old.maxMapped, stackLimit: old.stackLimit });
    m.cpu.attach(k.mm.as);
    if (![...sched.tasks.values()].some((t) => t !== cur() && t.state !== 'zombie' && t.nk.mm === old)) {
      for (const v of [...old.vmas]) old.sysMunmap(v.start, v.end - v.start); // area by area: never page by page over the whole space
      m.cpu.release(old.as);
    }
    sched.execed(cur());
    k.vfs.fdt.closeOnExec();
    for (const a of k.task.sigactions) if (a && a.handler > 1n) Object.assign(a, { handler: 0n, flags: 0n, restorer: 0n, mask: 0n });
    m.cpu.fsBase = 0;
    const loaded = k.exec(host, image, { argv: args, envp: env, execfn: path, vdso: buildVdso(m.kernel.treeDir) });
    k.vvarBase = loaded.vvarBase;
    refreshVvar();
    for (const f of ['r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di'] as const) m.setPtRegs(regs, f, 0n);
    m.setPtRegs(regs, 'ip', BigInt(loaded.entry));
    m.setPtRegs(regs, 'sp', BigInt(loaded.stackPointer));
    m.setPtRegs(regs, 'flags', 0x202n);
    m.setPtRegs(regs, 'cs', BigInt(loaded.cs)); // start_thread, or compat_start_thread for an i386 program
    m.setPtRegs(regs, 'ss', BigInt(loaded.ss));
    mem.writeU64(cur().addr + TASK.TASK_vdso, BigInt(loaded.vdsoBase ?? 0));
    execSegments(m, cur().addr, loaded.compat); // flush_thread: no TLS entries, null FS/GS, DS/ES for the new mode
    m.cpu.flushCode();
    return 0;
  });

  on('fdget', (_m, [fd, mode]) => {
    const f = k.vfs.fdt.get(uint(fd));
    if (!f) return -EBADF;
    return (mode === 1 ? f.readable : f.writable) ? 0 : -EBADF;
  });

  // Files.
  on('ksys_read', (_m, [fd, kbuf, count, pos, done]) => {
    const r = pos === -1 ? k.ksysRead(uint(fd), count, done) : k.ksysPread64(uint(fd), count, pos);
    return out(kbuf, { ret: sched.sleepOrRestart(r.ret), bytes: r.bytes });
  });
  on('ksys_write', (_m, [fd, kbuf, count, pos]) => {
    const bytes = mem.readBytes(kbuf, count);
    const r = sched.sleepOrRestart(pos === -1 ? k.ksysWrite(uint(fd), bytes) : k.ksysPwrite64(uint(fd), bytes, pos));
    // A pipe with no reader: the writer gets SIGPIPE too (its default action ends the process).
    if (r === -EPIPE) sched.signal(cur(), { pid: k.task.pid, tid: cur().tid, signo: SIGPIPE, code: SI_USER, senderPid: k.task.pid, senderUid: k.task.uid });
    return r;
  });
  on('ksys_lseek', (_m, [fd, off, whence]) => k.ksysLseek(uint(fd), off, uint(whence)));
  on('do_sys_openat', (_m, [dfd, path, flags, mode]) => k.doSysOpen(int(dfd), cstr(path), int(flags), uint(mode) & 0o7777));
  on('ksys_close', (_m, [fd]) => k.sysClose(uint(fd)));
  on('vfs_fstat', (_m, [fd, kstat]) => out(kstat, k.vfsFstat(uint(fd))));
  on('vfs_fstatat', (_m, [dfd, path, kstat, flags]) => out(kstat, k.vfsFstatat(int(dfd), cstr(path), int(flags))));
  on('do_faccessat', (_m, [dfd, path, mode, flags]) => k.doFaccessat(int(dfd), cstr(path), int(mode), int(flags)));
  on('ksys_ioctl', (_m, [fd, cmd, kbuf]) => out(kbuf, k.ksysIoctl(uint(fd), uint(cmd))));
  on('do_fcntl', (_m, [fd, cmd, arg]) => k.fcntl(uint(fd), uint(cmd), arg));
  on('ksys_dup', (_m, [fd]) => k.dup(uint(fd)));
  on('ksys_dup3', (_m, [oldfd, newfd, flags, dup2]) => (dup2 === -1 ? k.dup2(uint(oldfd), uint(newfd)) : k.dup3(uint(oldfd), uint(newfd), int(flags))));
  on('do_getcwd', (_m, [kbuf, size]) => out(kbuf, k.sysGetcwd(size)));
  on('ksys_chdir', (_m, [path]) => k.sysChdir(cstr(path)));
  on('do_mkdirat', (_m, [dfd, path, mode]) => k.doMkdirat(int(dfd), cstr(path), uint(mode)));
  on('do_unlinkat', (_m, [dfd, path, flags]) => k.doUnlinkat(int(dfd), cstr(path), int(flags)));
  on('do_renameat', (_m, [ofd, oldp, nfd, newp]) => k.doRenameat(int(ofd), cstr(oldp), int(nfd), cstr(newp)));
  on('ksys_getdents64', (_m, [fd, kbuf, count]) => out(kbuf, k.ksysGetdents64(uint(fd), count)));
  on('do_readlinkat', (_m, [dfd, path, kbuf, size]) => out(kbuf, k.doReadlinkat(int(dfd), cstr(path), size)));
  on('ksys_umask', (_m, [mask]) => k.sysUmask(uint(mask)));

  // Memory.
  on('sys_brk', (_m, [addr]) => k.sysBrk(addr));
  on('ksys_mmap_pgoff', (_m, [addr, len, prot, flags, fd, off]) => k.ksysMmap(addr, len, uint(prot), uint(flags), int(fd), off));
  on('do_munmap', (_m, [addr, len]) => k.sysMunmap(addr, len));
  on('do_mprotect', (_m, [addr, len, prot]) => k.sysMprotect(addr, len, uint(prot)));
  on('do_mremap', (_m, [addr, olen, nlen, flags, naddr]) => k.sysMremap(addr, olen, nlen, uint(flags), naddr));
  on('do_madvise', (_m, [addr, len, advice]) => k.sysMadvise(addr, len, int(advice)));

  // Process state and time.
  on('set_tid_address', (_m, [ptr]) => k.sysSetTidAddress(ptr));
  on('set_robust_list', (_m, [head, len]) => k.sysSetRobustList(head, len));
  on('rseq', (_m, [ptr, len, flags, sig]) => k.sysRseq(ptr, uint(len), int(flags), uint(sig)));
  on('do_prlimit', (_m, [pid, res, knew, kold]) => out(kold, k.sysPrlimit64(int(pid), uint(res), opt(knew, 16))));
  on('newuname', (_m, [kbuf]) => out(kbuf, { ret: 0, bytes: k.sysNewuname() }));
  on('do_sysinfo', (_m, [kbuf]) => out(kbuf, { ret: 0, bytes: k.sysSysinfo() }));
  on('getrandom', (_m, [kbuf, count, flags]) => out(kbuf, k.sysGetrandom(count, uint(flags))));
  on('clock_gettime', (_m, [id, kbuf]) => out(kbuf, k.sysClockGettime(int(id))));
  on('do_gettimeofday', (_m, [kbuf]) => out(kbuf, { ret: 0, bytes: k.sysGettimeofday() }));
  /**
   * clock_nanosleep: the task sleeps until its deadline while other tasks run (or, when none can,
   * the clock jumps to it). Asked again when woken: 0 once the deadline has passed; a signal
   * interrupts it (EINTR with a handler; made again without one).
   */
  on('hrtimer_nanosleep', (_m, [id, flags, kreq]) => {
    const t = cur();
    if (t.deadline !== undefined) {
      if (sched.disarm(t)) {
        refreshVvar(); // the sleep moved the clocks ahead of the cycle count
        return 0;
      }
      // Interrupted. (A restart sleeps the whole duration again: Linux's restart_block, which
      // resumes with the time left, is not modelled.)
      if (t.signals.wantsAttention()) { sched.disarm(t); return -ERESTARTNOHAND; }
      sched.sleepUntil(t.deadline);
      return WOULD_SLEEP;
    }
    const d = k.task.sleepDeadline(int(id), int(flags), mem.readBytes(kreq, 16));
    if (typeof d === 'number') return d;
    sched.sleepUntil(d);
    return WOULD_SLEEP;
  });
  on('do_sigaction', (_m, [sig, kact, koact, size]) => out(koact, k.sysRtSigaction(int(sig), opt(kact, 32), size)));
  on('sigprocmask', (_m, [how, kset, koset, size]) => {
    const r = k.sysRtSigprocmask(int(how), opt(kset, 8), size);
    signals.recalc(); // an unblocked pending signal is delivered on the way out
    return out(koset, r);
  });
  // Further groups of services, each in its own file.
  const ctx: ServiceContext = { m, sched, k: () => k, cur, on, out, cstr, mem };
  provideFsServices(ctx);
  provideNetServices(ctx);
  provideCompatServices(ctx);
  return sched;
}
