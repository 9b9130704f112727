// The vmcall adapter: what each service number of abi.ts means in TypeScript. Arguments arrive as
// the kernel's C argument registers; kernel buffers are read and written here, user memory never
// (the .S handlers copy it). Faults in user mode become signals; with no handler installed (signal
// delivery comes with the processes work) they end the process as Linux's default action does.

import * as fs from 'fs';
import { Machine, ServiceHandler } from '../machine';
import { ExecError, checkElf } from './native';
import { VmcallService } from './abi';
import { NativeKernel } from './native';
import { SignalEvent, SyscallEvent } from '../trace/event';
import { buildVdso, clockMultShift, writeVvar } from './vdso';
import { Signals } from './signal';
import { TASK } from './abi';

type Result = number | { ret: number; bytes?: Uint8Array };

/** Linux signal numbers and si_codes for the faults the CPU reports. */
const SIGILL = 4, SIGTRAP = 5, SIGFPE = 8, SIGSEGV = 11;
const ILL_ILLOPN = 2, FPE_INTDIV = 1, SEGV_MAPERR = 1, SEGV_ACCERR = 2, SI_KERNEL = 0x80, SI_USER = 0, SI_TKILL = -6;
const EBADF = 9, EINVAL = 22, ESRCH = 3, EFAULT = 14, E2BIG = 7, EACCES = 13, ENOEXEC = 8;
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
export function provideServices(m: Machine, k: NativeKernel, p: ProgramToRun): void {
  const mem = m.space;
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

  let vvarBase: number | undefined;
  /** Publishes the clocks to the [vvar] page the vDSO reads (at exec, and whenever a sleep moves them). */
  const refreshVvar = (): void => {
    if (vvarBase === undefined) return;
    const page = mem.readBytes(vvarBase, 4096);
    writeVvar(page, { cycleLast: BigInt(Math.floor(m.cpu.cycles)), ...clockMultShift(p.cpuHz), realtimeNs: k.task.realNs(), monotonicNs: k.task.monoNs() });
    mem.writeBytes(vvarBase, page);
  };

  on('kernel_init', (_m, [task]) => {
    const vdso = buildVdso();
    const loaded = k.exec(p.exePath, p.image, { argv: p.argv, envp: p.envp, execfn: p.argv[0], vdso });
    vvarBase = loaded.vvarBase;
    refreshVvar();
    // The fields machine code reads (getpid is pure machine code).
    const t = k.task;
    for (const [off, v] of [[0, t.pid], [8, t.tid], [16, t.ppid], [24, t.uid], [32, t.uid], [40, t.gid], [48, t.gid]] as const) {
      mem.writeU64(task + off, BigInt(v));
    }
    // strace shows the execve that started the program: report it as if it had been traced.
    const sp = BigInt(loaded.stackPointer);
    const argc = BigInt(p.argv.length);
    const ev: SyscallEvent = {
      pid: t.pid, tid: t.tid, nr: 59, abi: '64',
      args: [BigInt(loaded.execfnAddr), sp + 8n, sp + 8n + 8n * (argc + 1n), 0n, 0n, 0n],
      ret: 0n, mechanism: 'syscall',
      startInsn: m.cpu.instructions, endInsn: m.cpu.instructions, startCycles: m.cpu.cycles, endCycles: m.cpu.cycles,
      site: 0n,
    };
    m.reportSyscall(ev);
    return { ret: loaded.entry, rdx: loaded.stackPointer };
  });

  on('do_exit', (_m, [code]) => {
    k.close();
    m.terminate({ code: code & 0xff });
    return 0;
  });

  const task = Number(BigInt.asIntN(64, m.symbol('init_task') ?? 0n));
  const RLIMIT_CORE = 4;
  const signals = new Signals(m, k.task.sigactions, { get: () => k.task.sigmask, set: (v) => (k.task.sigmask = v) }, task + TASK.TASK_flags, () => k.task.rlimits[RLIMIT_CORE][0]);

  on('do_user_fault', (_m, [vector, errorCode, address, regs]) => {
    const ip = m.ptRegs(regs, 'ip');
    let s: SignalEvent;
    const base = { pid: k.task.pid, tid: k.task.tid };
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
    if (m.exit) k.close();
    return 0;
  });
  on('rt_sigreturn', (_m, [regs]) => signals.sigreturn(regs));
  const sendTo = (pid: number, sig: number, code: number): number => {
    if (sig < 0 || sig > 64) return -EINVAL;
    if (pid !== k.task.pid && pid !== 0 && pid !== -1) return -ESRCH; // one process until fork exists
    if (sig !== 0) signals.send({ pid: k.task.pid, tid: k.task.tid, signo: sig, code, senderPid: k.task.pid, senderUid: k.task.uid });
    return 0;
  };
  on('kill_something_info', (_m, [pid, sig]) => sendTo(int(pid), int(sig), SI_USER));
  on('do_tkill', (_m, [tgid, tid, sig]) => (int(tgid) !== -1 && int(tgid) !== k.task.pid ? -ESRCH : sendTo(int(tid), int(sig), SI_TKILL)));
  /**
   * execve: the argument and environment strings are read from the old program's memory (Linux's
   * copy_strings), the file is loaded into a fresh address space, and pt_regs are set so that the
   * return to user mode lands on the new entry point with the new stack and clear registers.
   */
  on('do_execve', (_m, [kpath, argv, envp, regs]) => {
    const user = m.userMemory;
    const strings = (arr: number): string[] | number => {
      const out: string[] = [];
      if (arr === 0) return out;
      let total = 0;
      for (let i = 0; i < MAX_ARG_STRINGS; i++) {
        const p = user.read(BigInt(arr) + BigInt(i * 8), 8);
        if (!p) return -EFAULT;
        const ptr = new DataView(p.buffer, p.byteOffset).getBigUint64(0, true);
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
    const path = cstr(kpath);
    const args = strings(argv);
    if (typeof args === 'number') return args;
    const env = strings(envp);
    if (typeof env === 'number') return env;
    const fd = k.doSysOpen(AT_FDCWD, path, O_RDONLY, 0);
    if (fd < 0) return fd;
    const file = k.vfs.fdt.get(fd)!;
    const host = file.hostPath;
    k.sysClose(fd);
    if (!host || file.kind !== 'host') return -EACCES;
    let image: Uint8Array;
    try {
      const st = fs.statSync(host);
      if (!st.isFile() || (st.mode & 0o111) === 0) return -EACCES;
      image = fs.readFileSync(host);
      checkElf(image);
    } catch (e) {
      return e instanceof ExecError ? -ENOEXEC : -EACCES;
    }
    // Past the point of no return: the old program is gone.
    for (const v of [...k.mm.vmas]) k.sysMunmap(v.start, v.end - v.start); // area by area: never page by page over the whole space
    k.vfs.fdt.closeOnExec();
    for (const a of k.task.sigactions) if (a && a.handler > 1n) Object.assign(a, { handler: 0n, flags: 0n, restorer: 0n, mask: 0n });
    m.cpu.fsBase = 0;
    const loaded = k.exec(host, image, { argv: args, envp: env, execfn: path, vdso: buildVdso() });
    vvarBase = loaded.vvarBase;
    refreshVvar();
    for (const f of ['r15', 'r14', 'r13', 'r12', 'bp', 'bx', 'r11', 'r10', 'r9', 'r8', 'ax', 'cx', 'dx', 'si', 'di'] as const) m.setPtRegs(regs, f, 0n);
    m.setPtRegs(regs, 'ip', BigInt(loaded.entry));
    m.setPtRegs(regs, 'sp', BigInt(loaded.stackPointer));
    m.setPtRegs(regs, 'flags', 0x202n);
    m.cpu.flushCode();
    return 0;
  });

  on('fdget', (_m, [fd, mode]) => {
    const f = k.vfs.fdt.get(uint(fd));
    if (!f) return -EBADF;
    return (mode === 1 ? f.readable : f.writable) ? 0 : -EBADF;
  });

  // Files.
  on('ksys_read', (_m, [fd, kbuf, count, pos]) => out(kbuf, pos === -1 ? k.ksysRead(uint(fd), count) : k.ksysPread64(uint(fd), count, pos)));
  on('ksys_write', (_m, [fd, kbuf, count, pos]) => {
    const bytes = mem.readBytes(kbuf, count);
    return pos === -1 ? k.ksysWrite(uint(fd), bytes) : k.ksysPwrite64(uint(fd), bytes, pos);
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
  on('hrtimer_nanosleep', (_m, [id, flags, kreq]) => {
    const r = k.sysClockNanosleep(int(id), int(flags), mem.readBytes(kreq, 16));
    refreshVvar(); // the sleep moved the clocks ahead of the cycle count
    return r;
  });
  on('sched_yield', () => k.sysSchedYield());
  on('do_sigaction', (_m, [sig, kact, koact, size]) => out(koact, k.sysRtSigaction(int(sig), opt(kact, 32), size)));
  on('sigprocmask', (_m, [how, kset, koset, size]) => out(koset, k.sysRtSigprocmask(int(how), opt(kset, 8), size)));
}
