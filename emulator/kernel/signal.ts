// Signals, as Linux's kernel/signal.c and arch/x86/kernel/signal_64.c deliver them: a signal is
// queued (kill, or a fault), the task's _TIF_SIGPENDING flag is set, and on the way back to user
// mode the kernel either takes the default action (terminate, dump core, ignore) or builds an
// rt_sigframe on the user stack -- the interrupted registers in a ucontext, a siginfo, the FPU
// state -- and points pt_regs at the handler. The handler returns into its sa_restorer, which
// calls rt_sigreturn, and the saved registers come back.

import { Machine } from '../machine';
import { PtRegsField, ptRegsOffset, SELECTORS } from './abi';
import { SigAction } from './native/process';
import { SignalEvent } from '../trace/event';
import { FrameKit, isIa32, setupFrameIa32, sigreturnIa32 } from './signal32';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8;
export const SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15;
export const SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23;
export const SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;

const SA_NODEFER = 0x40000000n, SA_RESETHAND = 0x80000000n, SA_RESTORER = 0x04000000n, SA_RESTART = 0x10000000n;
/** Kernel-internal: a call interrupted by a signal, to restart or to fail with EINTR (include/linux/errno.h). */
export const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514;
const EINTR = 4;
const SIG_DFL = 0n, SIG_IGN = 1n;
export const _TIF_SIGPENDING = 4n;

/** Default actions (signal(7)): what happens with no handler. */
const CORE = new Set([SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS]);
const IGNORE = new Set([SIGCHLD, SIGCONT, SIGURG, SIGWINCH]);
const STOP = new Set([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);

const bit = (sig: number): bigint => 1n << BigInt(sig - 1);
const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

/** The user's view of the registers in a sigcontext (arch/x86/include/uapi/asm/sigcontext.h), in order. */
const SIGCONTEXT_REGS: PtRegsField[] = ['r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'di', 'si', 'bp', 'bx', 'dx', 'ax', 'cx', 'sp', 'ip', 'flags'];
/** RFLAGS bits a signal handler may change through sigreturn (Linux's FIX_EFLAGS). */
const FIX_EFLAGS = 0x40dd5n;

// struct rt_sigframe { char *pretcode; struct ucontext uc; struct siginfo info; }
const UC = 8; // ucontext after pretcode
const UC_STACK = UC + 16;
const UC_MCONTEXT = UC + 40;
const SC_CSGSFS = UC_MCONTEXT + 18 * 8;
const SC_ERR = SC_CSGSFS + 8;
const SC_TRAPNO = SC_ERR + 8;
const SC_OLDMASK = SC_TRAPNO + 8;
const SC_CR2 = SC_OLDMASK + 8;
const SC_FPSTATE = SC_CR2 + 8;
const UC_SIGMASK = UC_MCONTEXT + 256;
const INFO = UC_SIGMASK + 8;
const FRAME_SIZE = INFO + 128;
const FXSAVE_SIZE = 512;

interface Queued {
  info: SignalEvent;
  /** A fault: the handler may not be ignored or blocked (Linux's force_sig). */
  forced: boolean;
  trapno?: number;
  err?: number;
}

export const SS_ONSTACK = 1, SS_DISABLE = 2, MINSIGSTKSZ = 2048;
const SA_ONSTACK = 0x08000000n;

export class Signals {
  private readonly pending = new Map<number, Queued>();
  /** sigaltstack: the alternate stack handlers with SA_ONSTACK run on. */
  altStack = { sp: 0n, flags: SS_DISABLE, size: 0n };
  /** rt_sigsuspend: the mask to save in the next frame (and so restore after its handler). */
  restoreMask: bigint | undefined;
  /** Job control: a stop signal's default action stops the process (set by the scheduler). */
  onStop: ((sig: number) => void) | undefined;

  constructor(
    private readonly m: Machine,
    private readonly actions: SigAction[],
    private readonly mask: { get(): bigint; set(v: bigint): void },
    private readonly taskFlagsAddr: number,
    /** RLIMIT_CORE's soft limit: a core is only dumped (and "(core dumped)" said) when it allows one. */
    private readonly coreLimit: () => bigint = () => 0n,
  ) {}

  /** Drops pending signals (SIGCONT discards pending stop signals, a stop signal a pending SIGCONT). */
  discard(sigs: number[]): void {
    for (const s of sigs) this.pending.delete(s);
    this.recalc();
  }

  /** Queues a signal (kill, tgkill, a fault); standard signals do not queue twice. */
  send(info: SignalEvent, opts: { forced?: boolean; trapno?: number; err?: number } = {}): void {
    if (opts.forced) {
      // A fault cannot be blocked or ignored: that would retry the instruction forever.
      const act = this.actions[info.signo];
      if (act && act.handler === SIG_IGN) act.handler = SIG_DFL;
      this.mask.set(this.mask.get() & ~bit(info.signo));
    }
    if (!this.pending.has(info.signo)) this.pending.set(info.signo, { info, forced: !!opts.forced, trapno: opts.trapno, err: opts.err });
    this.recalc();
  }

  /** Sets or clears _TIF_SIGPENDING: something is pending that the mask lets through (call after any mask change). */
  recalc(): void {
    const blocked = this.mask.get();
    let any = false;
    for (const sig of this.pending.keys()) if ((blocked & bit(sig)) === 0n || (UNBLOCKABLE & bit(sig)) !== 0n) any = true;
    const flags = this.m.space.readU64(this.taskFlagsAddr);
    this.m.space.writeU64(this.taskFlagsAddr, any ? flags | _TIF_SIGPENDING : flags & ~_TIF_SIGPENDING);
  }

  /**
   * A signal that needs the task: pending, not blocked, and not ignored. A task asleep in a call
   * wakes (and the call answers -ERESTARTSYS) only for those; an ignored signal, like SIGCHLD by
   * default, is still reported to the tracer on the way out but interrupts nothing.
   */
  wantsAttention(): boolean {
    const blocked = this.mask.get();
    for (const sig of this.pending.keys()) {
      if ((blocked & bit(sig)) !== 0n && (UNBLOCKABLE & bit(sig)) === 0n) continue;
      const act = this.actions[sig];
      const ignored = sig !== SIGKILL && sig !== SIGSTOP && (act?.handler === SIG_IGN || ((act?.handler ?? SIG_DFL) === SIG_DFL && (IGNORE.has(sig) || STOP.has(sig))));
      if (!ignored) return true;
    }
    return false;
  }

  /**
   * A call interrupted by a signal (pt_regs->ax = -ERESTARTSYS) either fails with EINTR (a handler
   * without SA_RESTART) or is made again: %rip goes back over the 2-byte `syscall` and %rax gets
   * the number back from orig_ax (Linux's handle_signal / arch_do_signal_or_restart).
   */
  private restartSyscall(regs: number, act: SigAction | undefined): void {
    if (BigInt.asIntN(64, this.reg(regs, 'orig_ax')) < 0n) return;
    const ax = Number(BigInt.asIntN(64, this.reg(regs, 'ax')));
    if (ax !== -ERESTARTSYS && ax !== -ERESTARTNOINTR && ax !== -ERESTARTNOHAND) return;
    const hasHandler = act !== undefined && act.handler !== SIG_DFL && act.handler !== SIG_IGN;
    if (hasHandler && (ax === -ERESTARTNOHAND || (ax === -ERESTARTSYS && !(act.flags & SA_RESTART)))) {
      this.setReg(regs, 'ax', BigInt(-EINTR));
      return;
    }
    this.setReg(regs, 'ax', this.reg(regs, 'orig_ax'));
    this.setReg(regs, 'ip', this.reg(regs, 'ip') - 2n);
  }

  /** Called on the way to user mode with the task's pt_regs (arch_do_signal_or_restart). */
  deliver(regs: number): void {
    this.deliverOne(regs);
    // No handler ran: an interrupted call is made again.
    this.restartSyscall(regs, undefined);
  }

  private deliverOne(regs: number): void {
    const blocked = this.mask.get();
    const sigs = [...this.pending.keys()].filter((s) => (blocked & bit(s)) === 0n || (UNBLOCKABLE & bit(s)) !== 0n).sort((a, b) => a - b);
    for (const sig of sigs) {
      const q = this.pending.get(sig)!;
      this.pending.delete(sig);
      const act = this.actions[sig] ?? { handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n };
      // The tracer sees every signal, even one the task ignores (strace's `--- SIGCHLD ... ---`).
      if (act.handler === SIG_IGN && sig !== SIGKILL && sig !== SIGSTOP) { this.m.deliverSignal(q.info); continue; }
      if (act.handler === SIG_DFL || sig === SIGKILL || sig === SIGSTOP) {
        if (IGNORE.has(sig)) { this.m.deliverSignal(q.info); continue; }
        if (STOP.has(sig)) {
          // Stop: the task leaves the CPU until SIGCONT (the scheduler tells the parent).
          this.m.deliverSignal(q.info);
          this.m.reportStop(q.info.tid, sig);
          this.recalc();
          this.onStop?.(sig);
          return;
        }
        // Terminate (and for the CORE set, dump core): strace shows the signal, then the death
        // (not for SIGKILL, which a tracer never sees delivered).
        if (sig !== SIGKILL) this.m.deliverSignal(q.info);
        this.m.terminate({ signal: sig, coreDumped: CORE.has(sig) && this.coreLimit() > 0n });
        return;
      }
      this.m.deliverSignal(q.info);
      this.restartSyscall(regs, act);
      if (!this.setupFrame(regs, sig, act, q)) {
        // The frame did not fit on the user stack: Linux forces SIGSEGV (and the process dies).
        this.m.deliverSignal({ pid: q.info.pid, tid: q.info.tid, signo: SIGSEGV, code: 0x80, addr: 0n });
        this.m.terminate({ signal: SIGSEGV, coreDumped: this.coreLimit() > 0n });
        return;
      }
      this.recalc();
      return; // one frame at a time: exit_to_user_mode comes back for the next signal
    }
    this.recalc();
  }

  private reg(regs: number, f: PtRegsField): bigint {
    return this.m.space.readU64(regs + ptRegsOffset(f));
  }

  private setReg(regs: number, f: PtRegsField, v: bigint): void {
    this.m.space.writeU64(regs + ptRegsOffset(f), BigInt.asUintN(64, v));
  }

  private onAltStack(sp: bigint): boolean {
    const a = this.altStack;
    return a.flags !== SS_DISABLE && sp > a.sp && sp - a.sp <= a.size;
  }

  /**
   * sigaltstack(2): `ss` is the new stack_t (24 bytes) or null; returns {ret, bytes: the old one}.
   * `sp` is the caller's user stack pointer (no change while running on the alternate stack).
   */
  sigaltstack(ss: Uint8Array | null, sp: bigint): { ret: number; bytes: Uint8Array } {
    const on = this.onAltStack(sp);
    const old = new DataView(new ArrayBuffer(24));
    old.setBigUint64(0, this.altStack.sp, true);
    old.setInt32(8, on ? SS_ONSTACK : this.altStack.flags, true);
    old.setBigUint64(16, this.altStack.size, true);
    const bytes = new Uint8Array(old.buffer);
    if (ss) {
      const v = new DataView(ss.buffer, ss.byteOffset, 24);
      const flags = v.getInt32(8, true);
      if (on) return { ret: -1, bytes }; // EPERM
      if (flags !== 0 && flags !== SS_DISABLE && flags !== SS_ONSTACK) return { ret: -22, bytes };
      if (flags === SS_DISABLE) this.altStack = { sp: 0n, flags: SS_DISABLE, size: 0n };
      else {
        const size = v.getBigUint64(16, true);
        if (size < BigInt(MINSIGSTKSZ)) return { ret: -12, bytes }; // ENOMEM
        this.altStack = { sp: v.getBigUint64(0, true), flags: 0, size };
      }
    }
    return { ret: 0, bytes };
  }

  /** Builds the rt_sigframe (get_sigframe + setup_rt_frame). False if the stack cannot take it. */
  private setupFrame(regs: number, sig: number, act: SigAction, q: Queued): boolean {
    if (isIa32(this.reg(regs, 'cs'))) {
      // An i386 program: a 32-bit sigframe_ia32 / rt_sigframe_ia32 (signal32.ts).
      if (!setupFrameIa32(this.kit(), regs, sig, act, q, this.restoreMask ?? this.mask.get())) return false;
      this.restoreMask = undefined;
      let blocked32 = this.mask.get() | act.mask;
      if (!(act.flags & SA_NODEFER)) blocked32 |= bit(sig);
      this.mask.set(blocked32 & ~UNBLOCKABLE);
      if (act.flags & SA_RESETHAND) this.actions[sig] = { handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n };
      return true;
    }
    let sp = this.reg(regs, 'sp');
    const userSp = sp;
    // SA_ONSTACK: switch to the alternate stack, unless already on it.
    if ((act.flags & SA_ONSTACK) && this.altStack.flags !== SS_DISABLE && !this.onAltStack(sp)) sp = this.altStack.sp + this.altStack.size;
    // Below the 128-byte red zone the ABI gives leaf functions, then the FPU state, then the frame.
    const fp = (sp - 128n - BigInt(FXSAVE_SIZE)) & ~63n;
    const frame = ((fp - BigInt(FRAME_SIZE)) & ~15n) - 8n;
    const mem = this.m.userMemory;
    if (!mem.read(frame, Number(sp - frame))) return false;
    const buf = new DataView(new ArrayBuffer(FRAME_SIZE));
    buf.setBigUint64(0, act.flags & SA_RESTORER ? act.restorer : 0n, true); // pretcode: where the handler returns
    buf.setBigUint64(UC, 0x6n, true); // uc_flags: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS
    buf.setBigUint64(UC_STACK + 0, this.altStack.sp, true); // uc_stack: the alternate stack as it was
    buf.setInt32(UC_STACK + 8, this.altStack.flags === SS_DISABLE ? SS_DISABLE : this.onAltStack(userSp) ? SS_ONSTACK : 0, true);
    buf.setBigUint64(UC_STACK + 16, this.altStack.size, true);
    SIGCONTEXT_REGS.forEach((f, i) => buf.setBigUint64(UC_MCONTEXT + i * 8, this.reg(regs, f), true));
    buf.setUint16(SC_CSGSFS, SELECTORS.__USER_CS, true);
    buf.setUint16(SC_CSGSFS + 6, SELECTORS.__USER_DS, true);
    buf.setBigUint64(SC_ERR, BigInt(q.err ?? 0), true);
    buf.setBigUint64(SC_TRAPNO, BigInt(q.trapno ?? 0), true);
    const saved = this.restoreMask ?? this.mask.get();
    this.restoreMask = undefined;
    buf.setBigUint64(SC_OLDMASK, saved, true);
    buf.setBigUint64(SC_CR2, q.info.addr ?? 0n, true);
    buf.setBigUint64(SC_FPSTATE, fp, true);
    buf.setBigUint64(UC_SIGMASK, saved, true);
    this.writeSiginfo(buf, INFO, q.info);
    this.m.space.writeBytes(Number(fp), this.saveFpu());
    this.m.space.writeBytes(Number(frame), new Uint8Array(buf.buffer));

    // The handler runs with the signal's sa_mask (and the signal itself, unless SA_NODEFER) blocked.
    let blocked = this.mask.get() | act.mask;
    if (!(act.flags & SA_NODEFER)) blocked |= bit(sig);
    this.mask.set(blocked & ~UNBLOCKABLE);
    if (act.flags & SA_RESETHAND) this.actions[sig] = { handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n };

    // handler(sig, &info, &uc): the registers a C function expects.
    this.setReg(regs, 'di', BigInt(sig));
    this.setReg(regs, 'si', frame + BigInt(INFO));
    this.setReg(regs, 'dx', frame + BigInt(UC));
    this.setReg(regs, 'ax', 0n);
    this.setReg(regs, 'sp', frame);
    this.setReg(regs, 'ip', act.handler);
    this.setReg(regs, 'flags', this.reg(regs, 'flags') & ~(0x400n | 0x10000n | 0x100n)); // DF RF TF off
    this.setReg(regs, 'cs', BigInt(SELECTORS.__USER_CS));
    this.setReg(regs, 'ss', BigInt(SELECTORS.__USER_DS));
    // (Linux passes info and uc whether or not SA_SIGINFO is set.)
    return true;
  }

  private writeSiginfo(buf: DataView, at: number, s: SignalEvent): void {
    buf.setInt32(at, s.signo, true);
    buf.setInt32(at + 4, 0, true);
    buf.setInt32(at + 8, s.code, true);
    if (s.addr !== undefined) buf.setBigUint64(at + 16, s.addr, true);
    else {
      buf.setInt32(at + 16, s.senderPid ?? 0, true);
      buf.setInt32(at + 20, s.senderUid ?? 0, true);
    }
  }

  /** The FPU/SSE state in fxsave layout: control and status words, MXCSR, XMM0-15. */
  private saveFpu(): Uint8Array {
    const c = this.m.cpu;
    const out = new DataView(new ArrayBuffer(FXSAVE_SIZE));
    out.setUint16(0, c.fcw, true);
    out.setUint16(2, c.fsw, true);
    out.setUint32(24, c.mxcsr, true);
    out.setUint32(28, 0xffff, true);
    for (let i = 0; i < 64; i++) out.setInt32(160 + i * 4, c.xi[i], true);
    return new Uint8Array(out.buffer);
  }

  private restoreFpu(bytes: Uint8Array): void {
    const c = this.m.cpu;
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    c.fcw = v.getUint16(0, true);
    c.fsw = v.getUint16(2, true);
    c.mxcsr = v.getUint32(24, true) & 0xffff;
    for (let i = 0; i < 64; i++) c.xi[i] = v.getInt32(160 + i * 4, true);
  }

  /** What the i386 frame code (signal32.ts) uses of this object. */
  private kit(): FrameKit {
    return {
      m: this.m, reg: (r, f) => this.reg(r, f), setReg: (r, f, v) => this.setReg(r, f, v), altStack: this.altStack,
      onAltStack: (sp) => this.onAltStack(sp), saveFpu: () => this.saveFpu(), restoreFpu: (b) => this.restoreFpu(b),
      setMask: (v) => this.mask.set(v & ~UNBLOCKABLE),
    };
  }

  /** sigreturn / rt_sigreturn of an i386 program (the i386 table's 119 and 173). */
  sigreturnIa32(regs: number, rt: boolean): number {
    const ax = sigreturnIa32(this.kit(), regs, rt);
    if (ax === undefined) {
      this.m.deliverSignal({ pid: this.m.pid, tid: this.m.pid, signo: SIGSEGV, code: 0x80, addr: 0n });
      this.m.terminate({ signal: SIGSEGV, coreDumped: this.coreLimit() > 0n });
      return 0;
    }
    this.recalc();
    return ax;
  }

  /** rt_sigreturn: the handler's `ret` popped pretcode, so the frame starts 8 bytes below %rsp. */
  sigreturn(regs: number): number {
    const frame = this.reg(regs, 'sp') - 8n;
    const bytes = this.m.userMemory.read(frame, FRAME_SIZE);
    if (!bytes) {
      this.m.deliverSignal({ pid: this.m.pid, tid: this.m.pid, signo: SIGSEGV, code: 0x80, addr: 0n });
      this.m.terminate({ signal: SIGSEGV, coreDumped: this.coreLimit() > 0n });
      return 0;
    }
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const oldFlags = this.reg(regs, 'flags');
    SIGCONTEXT_REGS.forEach((f, i) => {
      const val = v.getBigUint64(UC_MCONTEXT + i * 8, true);
      this.setReg(regs, f, f === 'flags' ? (oldFlags & ~FIX_EFLAGS) | (val & FIX_EFLAGS) : val);
    });
    this.setReg(regs, 'cs', BigInt(SELECTORS.__USER_CS));
    this.setReg(regs, 'ss', BigInt(SELECTORS.__USER_DS));
    this.setReg(regs, 'orig_ax', -1n); // no system call to restart
    this.mask.set(v.getBigUint64(UC_SIGMASK, true) & ~UNBLOCKABLE);
    const fpstate = v.getBigUint64(SC_FPSTATE, true);
    const fpu = fpstate ? this.m.userMemory.read(fpstate, FXSAVE_SIZE) : undefined;
    if (fpu) this.restoreFpu(fpu);
    this.recalc();
    return Number(BigInt.asIntN(64, this.reg(regs, 'ax')));
  }
}
