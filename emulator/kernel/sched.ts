// Tasks and the scheduler (Linux's kernel/fork.c, kernel/exit.c and kernel/sched/ in one place):
// task_structs and kernel stacks for new tasks, fork/vfork/clone, exit and zombies, wait4/waitid
// and reaping, process groups, and the choice of the next task to run.
//
// The choice is deterministic: a FIFO run queue, time slices counted in instructions (machine.ts),
// and wait queues woken in the order their sleepers came. The same program with the same input
// gives the same interleaving, the same trace and the same output on every run.
//
// The switch itself is split as in Linux: schedule() in kernel/sched/core.S switches kernel
// stacks; __schedule here picks the task and switches what the hardware holds for it (address
// space, FPU/SSE registers, FS base).

import { Machine, ProcessHooks, TaskExit, canon } from '../machine';
import { PT_REGS_SIZE, TASK, TASK_AREA_BASE, TASK_SLOT_SIZE, THREAD_SIZE, TIF, WOULD_SLEEP, ptRegsOffset } from './abi';
import { NativeKernel, WaitQueue } from './native';
import { RLIMIT_NPROC } from './native/process';
import { Signals, SIGALRM, SIGCHLD, SIGKILL, SIGPROF, SIGVTALRM } from './signal';
import { SignalEvent } from '../trace/event';
import { AddressSpace, PROT_PRESENT, PROT_WRITE } from '../memory';
import { SELECTORS } from './abi';
import { UserSegments, copyTls, doSetThreadArea, parseUserDesc, saveSegments, switchSegments, USER_DESC_SIZE } from './tls';

export const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800;
export const CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000;
export const CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000;
export const CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000;
export const CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000;
/** Namespaces and other flags a sandboxed machine refuses. */
const CLONE_NAMESPACES = 0x7e020000;
export const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x01000000;
export const P_ALL = 0, P_PID = 1, P_PGID = 2;
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;
const SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;
const EPERM = 1, ESRCH = 3, EAGAIN = 11, ECHILD = 10, EINVAL = 22, ETIMEDOUT = 110, ERESTARTSYS = 512;
/** Most tasks alive at once, whatever the limits say (Linux's threads-max, scaled to an emulator). */
export const MAX_TASKS = 4096;

/** The FPU/SSE state and segment bases a task leaves in the CPU (Linux saves them with XSAVE). */
interface HardwareState {
  xmm: Uint8Array;
  mxcsr: number;
  st: Float64Array;
  fpuTop: number;
  fpuTag: number;
  fcw: number;
  fsw: number;
  fsBase: number;
  /** The user's GS base, which swapgs keeps in MSR_KERNEL_GS_BASE while in the kernel. */
  userGsBase: number;
  /** The user's DS, ES, FS and GS selectors (an i386 program's %gs selects its TLS entry: tls.ts). */
  segs: UserSegments;
}

export type TaskState = 'running' | 'runnable' | 'sleeping' | 'stopped' | 'zombie';

export class KTask {
  state: TaskState = 'runnable';
  parent: KTask | undefined;
  readonly children: KTask[] = [];
  /** Set when the task has ended: what wait4 reports. */
  exit: TaskExit | undefined;
  /** The signal the parent gets when this task ends (SIGCHLD for fork; none for threads). */
  exitSignal = SIGCHLD;
  pgid: number;
  sid: number;
  hw: HardwareState | undefined;
  /** A parent that sleeps in wait4 waits here; this task's children wake it when they end. */
  readonly childExit = new WaitQueue();
  /** vfork: the parent sleeps here until this child calls execve or exits. */
  vforkDone: WaitQueue | undefined;
  /** The wake-ups registered while asleep (cancelled when a signal wakes the task instead). */
  sleepingOn: { q: WaitQueue; wake: () => void }[] = [];
  /** A timed sleep's end on the monotonic clock (nanosleep, a poll timeout), while one is armed. */
  deadline: bigint | undefined;
  /** The armed deadline passed (the sleeping service sees it when it asks again). */
  timedOut = false;
  /**
   * Per-thread parts of the process state, kept here while another thread of the process runs
   * (the running thread's live in nk.task): the signal mask and the set_tid_address pointer.
   */
  mask: bigint;
  clearTidUser = 0;
  /** A futex wait in progress: the key it sleeps on, and whether a FUTEX_WAKE picked it. */
  futex: { key: string; bitset: number; woken: boolean } | undefined;
  signals!: Signals;
  /** When it last went to sleep (the scheduler's count). */
  sleepSeq = 0;
  /** pause and rt_sigsuspend sleep here: only a signal wakes them. */
  readonly sigWait = new WaitQueue();
  /** Job control news for wait4 (WUNTRACED / WCONTINUED), reported once: the stop signal, or 'continued'. */
  jobNews: number | 'continued' | undefined;

  constructor(
    readonly tid: number,
    public nk: NativeKernel,
    /** The task_struct in kernel memory. */
    readonly addr: number,
    readonly stackTop: number,
    /** The slot in the task area, or -1 for init_task (static in the kernel image). */
    readonly slot: number,
  ) {
    this.pgid = nk.task.pid;
    this.sid = nk.task.pid;
    this.mask = nk.task.sigmask;
  }

  /** The thread group id: what getpid returns. */
  get pid(): number {
    return this.nk.task.pid;
  }

  get isLeader(): boolean {
    return this.tid === this.pid;
  }
}

export interface SchedulerOptions {
  /** Builds a task's signal state (the services layer owns signal delivery). */
  signalsFor(t: KTask): Signals;
  /** Called after every switch, with the task that now runs. */
  switched?(t: KTask): void;
  /** Called when a process has ended and its parent is told (for the tracer). */
  processExited?(t: KTask, e: TaskExit): void;
}

export class Scheduler implements ProcessHooks {
  readonly tasks = new Map<number, KTask>();
  current: KTask;
  /** The first process: the machine's exit status is its status. */
  readonly init: KTask;
  private runQueue: KTask[] = [];
  /** Counts sleeps, to wake futex waiters in the order they went to sleep. */
  private sleeps = 0;
  private nextPid: number;
  private freeSlots: number[] = [];
  /** Task slots ever allocated in the task area (they are reused: this bounds its memory). */
  slotsUsed = 0;

  constructor(private readonly m: Machine, first: NativeKernel, private readonly o: SchedulerOptions) {
    const init = canon(m.symbol('init_task') ?? 0n);
    const top = canon(m.symbol('init_stack_top') ?? 0n);
    this.init = this.current = new KTask(first.task.pid, first, init, top, -1);
    this.init.signals = o.signalsFor(this.init);
    this.init.state = 'running';
    this.nextPid = first.task.pid + 1;
    this.tasks.set(this.init.tid, this.init);
    first.sleepOn = (q) => this.sleepOn(q);
    m.processes = this;
  }

  // ----- ProcessHooks -----

  contended(): boolean {
    return this.runQueue.length > 0;
  }

  taskStructs(): number[] {
    return [...this.tasks.values()].filter((t) => t.state !== 'zombie').map((t) => t.addr);
  }

  exitCurrent(e: TaskExit): void {
    this.doExit(this.current, e, true);
  }

  // ----- task_struct fields that machine code reads -----

  private mem(): AddressSpace {
    return this.m.space;
  }

  private setField(t: KTask, off: number, v: number | bigint): void {
    this.mem().writeU64(t.addr + off, BigInt.asUintN(64, BigInt(v)));
  }

  private flags(t: KTask): bigint {
    return this.mem().readU64(t.addr + TASK.TASK_flags);
  }

  /** Marks a task for schedule() on its way out of the kernel. */
  needResched(t: KTask): void {
    this.setField(t, TASK.TASK_flags, this.flags(t) | BigInt(TIF._TIF_NEED_RESCHED));
  }

  tick(): void {
    this.fireTimers();
  }

  // ----- interval timers (setitimer, alarm) -----

  /** Per process (by pid): ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF: next expiry and interval, ns. */
  private readonly itimers = new Map<number, { next: bigint | undefined; interval: bigint }[]>();

  private timersOf(pid: number): { next: bigint | undefined; interval: bigint }[] {
    let t = this.itimers.get(pid);
    if (!t) this.itimers.set(pid, (t = [0, 1, 2].map(() => ({ next: undefined, interval: 0n }))));
    return t;
  }

  /** setitimer: arms (value > 0) or disarms timer `which` of the running process; returns the old {value, interval}. */
  setitimer(which: number, value: bigint | undefined, interval: bigint): { value: bigint; interval: bigint } | number {
    if (which < 0 || which > 2) return -EINVAL;
    const tm = this.timersOf(this.current.pid)[which];
    const now = this.now();
    const old = { value: tm.next === undefined ? 0n : tm.next - now, interval: tm.interval };
    if (value !== undefined) {
      tm.next = value > 0n ? now + value : undefined;
      tm.interval = value > 0n ? interval : 0n;
    }
    return old;
  }

  /** An expired interval timer signals its process (and re-arms if it has an interval). */
  private fireItimers(): void {
    const now = this.now();
    for (const [pid, timers] of this.itimers) {
      const leader = this.tasks.get(pid);
      if (!leader || leader.state === 'zombie') { this.itimers.delete(pid); continue; }
      timers.forEach((tm, which) => {
        if (tm.next === undefined || tm.next > now) return;
        tm.next = tm.interval > 0n ? tm.next + tm.interval * ((now - tm.next) / tm.interval + 1n) : undefined;
        const signo = [SIGALRM, SIGVTALRM, SIGPROF][which];
        this.signal(leader, { pid, tid: leader.tid, signo, code: 0x80 }); // SI_KERNEL
      });
    }
  }

  private nextItimer(): bigint | undefined {
    let first: bigint | undefined;
    for (const [pid, timers] of this.itimers) {
      if (!this.tasks.get(pid)) continue;
      for (const tm of timers) if (tm.next !== undefined && (first === undefined || tm.next < first)) first = tm.next;
    }
    return first;
  }

  // ----- sleeping and waking -----

  /** The running task sleeps on `q` (the service then answers WOULD_SLEEP). */
  sleepOn(q: WaitQueue): void {
    const t = this.current;
    t.sleepSeq = ++this.sleeps;
    const wake = (): void => this.wake(t);
    q.add(wake);
    t.sleepingOn.push({ q, wake });
    t.state = 'sleeping';
  }

  /**
   * The running task sleeps until the monotonic clock reaches `deadline` (and, if given, until
   * `q` is woken, whichever comes first). When the deadline passes, `timedOut` is set.
   */
  sleepUntil(deadline: bigint, q?: WaitQueue): void {
    const t = this.current;
    t.deadline = deadline;
    t.timedOut = false;
    if (q) this.sleepOn(q);
    t.state = 'sleeping';
  }

  /** A timed wait is over (the deadline passed, or the service got its answer): disarm it. */
  disarm(t: KTask): boolean {
    const fired = t.timedOut;
    t.deadline = undefined;
    t.timedOut = false;
    return fired;
  }

  private now(): bigint {
    return this.init.nk.task.monoNs();
  }

  /** Wakes the sleepers whose deadline has passed, in deadline order (then task order). */
  private fireTimers(): void {
    this.fireItimers();
    const now = this.now();
    const due = [...this.tasks.values()].filter((t) => t.state === 'sleeping' && t.deadline !== undefined && t.deadline <= now);
    due.sort((a, b) => (a.deadline! < b.deadline! ? -1 : a.deadline! > b.deadline! ? 1 : a.tid - b.tid));
    for (const t of due) {
      t.timedOut = true;
      this.wake(t);
    }
  }

  /** A sleeping task becomes runnable (at the back of the run queue). */
  wake(t: KTask): void {
    for (const s of t.sleepingOn) s.q.remove(s.wake);
    t.sleepingOn = [];
    if (t.state !== 'sleeping') return;
    t.state = 'runnable';
    this.runQueue.push(t);
  }

  /**
   * A service that would sleep while a signal is pending answers -ERESTARTSYS instead: the signal
   * is handled first, and the call is restarted or fails with EINTR (signal.ts decides).
   */
  sleepOrRestart(r: number): number {
    if (r !== WOULD_SLEEP) return r;
    const t = this.current;
    if (t.signals.wantsAttention()) {
      for (const s of t.sleepingOn) s.q.remove(s.wake);
      t.sleepingOn = [];
      t.state = 'running';
      return -ERESTARTSYS;
    }
    return r;
  }

  /** Delivers a signal to a task, waking it if it sleeps (Linux's signal_wake_up). */
  signal(t: KTask, info: SignalEvent): void {
    if (t.state === 'zombie') return;
    const sig = info.signo;
    if (sig === SIGCONT) this.continueProcess(t);
    if (sig === SIGSTOP || sig === SIGTSTP || sig === SIGTTIN || sig === SIGTTOU) t.signals.discard([SIGCONT]);
    t.signals.send(info);
    if (t.state === 'stopped' && sig === SIGKILL) {
      t.state = 'runnable'; // SIGKILL ends even a stopped task: it must run to die
      this.runQueue.push(t);
    }
    if (t.state === 'sleeping' && t.signals.wantsAttention()) this.wake(t);
  }

  /** A stop signal's default action: every thread of the process leaves the CPU; the parent is told. */
  stopProcess(t: KTask, sig: number): void {
    for (const th of this.tasks.values()) {
      if (th.pid !== t.pid || th.state === 'zombie' || th.state === 'sleeping') continue;
      if (th.state === 'runnable') this.runQueue = this.runQueue.filter((x) => x !== th);
      th.state = 'stopped';
      this.needResched(th);
    }
    const leader = this.tasks.get(t.pid) ?? t;
    leader.jobNews = sig;
    this.notifyParent(leader, CLD_STOPPED, sig);
  }

  /** SIGCONT: a stopped process runs again (whatever the signal's disposition); the parent is told. */
  private continueProcess(t: KTask): void {
    let was = false;
    for (const th of this.tasks.values()) {
      if (th.pid !== t.pid || th.state !== 'stopped') continue;
      was = true;
      th.state = 'runnable';
      this.runQueue.push(th);
      th.signals.discard([SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);
    }
    if (!was) return;
    const leader = this.tasks.get(t.pid) ?? t;
    leader.jobNews = 'continued';
    this.notifyParent(leader, CLD_CONTINUED, SIGCONT);
  }

  /** SIGCHLD for a stop or a continue (not if the parent asked SA_NOCLDSTOP), and a wake-up for wait4. */
  private notifyParent(t: KTask, code: number, status: number): void {
    const p = t.parent;
    if (!p || p.state === 'zombie') return;
    const act = p.nk.task.sigactions[SIGCHLD];
    if (!((act?.flags ?? 0n) & 0x1n)) {
      this.signal(p, { pid: p.pid, tid: p.tid, signo: SIGCHLD, code, senderPid: t.pid, senderUid: t.nk.task.uid, status, utime: 0, stime: 0 });
    }
    p.childExit.wakeAll();
  }

  // ----- __schedule -----

  /** Picks the next task and switches the hardware to it: {ret: next, rdx: prev} for schedule(). */
  schedule(): { ret: number; rdx: number } {
    const prev = this.current;
    if (prev.state !== 'zombie') this.setField(prev, TASK.TASK_flags, this.flags(prev) & ~BigInt(TIF._TIF_NEED_RESCHED));
    if (prev.state === 'running') {
      prev.state = 'runnable';
      this.runQueue.push(prev);
    }
    this.fireTimers();
    if (this.runQueue.length === 0) {
      // Everyone sleeps: if a timer is armed, the machine idles until it fires. Emulated time
      // jumps there at once (no host time passes), as a tickless kernel's idle loop would see it.
      const armed = [...this.tasks.values()].filter((t) => t.state === 'sleeping' && t.deadline !== undefined).map((t) => t.deadline!);
      const alarm = this.nextItimer();
      if (alarm !== undefined) armed.push(alarm);
      if (armed.length > 0) {
        const first = armed.reduce((a, b) => (a < b ? a : b));
        this.init.nk.task.advanceClock(first - this.now());
        this.fireTimers();
      }
    }
    const next = this.runQueue.shift();
    if (!next) {
      this.idle();
      return { ret: prev.addr, rdx: prev.addr };
    }
    next.state = 'running';
    if (next !== prev) this.switchTo(prev, next);
    return { ret: next.addr, rdx: prev.addr };
  }

  /** Nothing can run: the machine is done, or every task waits for another (a deadlock). */
  private idle(): void {
    const live = [...this.tasks.values()].filter((t) => t.state !== 'zombie');
    if (live.length === 0 || this.init.exit) {
      // The first process has ended and what is left can never run again: like a shell's
      // prompt returning while orphans sleep, the run is over.
      const e = this.init.exit ?? { code: 0 };
      this.m.halt(e);
      return;
    }
    const who = live.map((t) => `${t.tid}`).join(', ');
    this.m.panic(`deadlock: every task is asleep and none can wake the others (tasks ${who})`);
  }

  private switchTo(prev: KTask, next: KTask): void {
    const c = this.m.cpu;
    prev.hw = {
      xmm: c.xb.slice(0, 256), mxcsr: c.mxcsr, st: c.st.slice(), fpuTop: c.fpuTop, fpuTag: c.fpuTag, fcw: c.fcw, fsw: c.fsw,
      fsBase: c.fsBase, userGsBase: c.kernelGsBase, segs: saveSegments(c),
    };
    const h = next.hw;
    if (h) {
      c.xb.set(h.xmm, 0);
      c.mxcsr = h.mxcsr;
      c.st.set(h.st);
      c.fpuTop = h.fpuTop; c.fpuTag = h.fpuTag; c.fcw = h.fcw; c.fsw = h.fsw;
      c.fsBase = h.fsBase;
      c.kernelGsBase = h.userGsBase;
      switchSegments(this.m, next.addr, h.segs); // load_TLS into the GDT, then the selectors
    }
    prev.mask = prev.nk.task.sigmask;
    prev.clearTidUser = prev.nk.task.clearChildTid;
    next.nk.task.sigmask = next.mask;
    next.nk.task.tid = next.tid;
    next.nk.task.clearChildTid = next.clearTidUser;
    const prevSpace = prev.nk.mm.as;
    c.attach(next.nk.mm.as);
    this.current = next;
    this.m.resetSlice();
    if (prev.state === 'zombie' && !this.spaceInUse(prevSpace)) {
      // The last user of that address space is gone: free its pages and decoded blocks now.
      c.release(prevSpace);
      prevSpace.clearUser();
    }
    this.o.switched?.(next);
  }

  private spaceInUse(as: AddressSpace): boolean {
    for (const t of this.tasks.values()) if (t.state !== 'zombie' && t.nk.mm.as === as) return true;
    return false;
  }

  // ----- fork, vfork, clone -----

  /** Kernel memory for a new task: its kernel stack, copy buffers and task_struct. */
  private allocSlot(): { slot: number; base: number } {
    let slot = this.freeSlots.shift();
    const fresh = slot === undefined;
    if (slot === undefined) slot = this.slotsUsed++;
    const base = canon(TASK_AREA_BASE) + slot * TASK_SLOT_SIZE;
    if (fresh) this.mem().map(base, TASK_SLOT_SIZE, PROT_PRESENT | PROT_WRITE);
    else this.mem().writeBytes(base, new Uint8Array(TASK_SLOT_SIZE));
    return { slot, base };
  }

  /**
   * kernel_clone(flags, newsp, parent_tid, child_tid, tls, regs): the child's pid (or -errno).
   * The child's kernel stack gets a copy of the parent's pt_regs (ax = 0: fork returns 0 there),
   * below it the frame schedule() pops when it first switches to the child, returning into
   * ret_from_fork.
   */
  clone(flags: number, newsp: number, _parentTid: number, childTid: number, tls: number, regs: number): number {
    const parent = this.current;
    flags = Number(BigInt.asUintN(64, BigInt(flags)) & 0xffffffffn);
    if (flags & CLONE_NAMESPACES) return -EPERM;
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -EINVAL;
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) return -EINVAL;
    // RLIMIT_NPROC counts the user's tasks (Linux lets root pass; here the limit holds for everyone,
    // so a fork bomb stops at it), and the machine has room for MAX_TASKS.
    const limit = parent.nk.task.rlimits[RLIMIT_NPROC][0];
    const alive = [...this.tasks.values()].filter((t) => t.state !== 'zombie').length;
    if (this.tasks.size >= MAX_TASKS || BigInt(alive) >= limit) return -EAGAIN;

    const tid = this.nextPid++;
    /** The caller is an i386 program (in_ia32_syscall). */
    const compat = (Number(this.mem().readU64(regs + ptRegsOffset('cs'))) & 0xfffc) === (SELECTORS.__USER32_CS & 0xfffc);
    const isThread = (flags & CLONE_THREAD) !== 0;
    let nk: NativeKernel;
    if (flags & CLONE_VM) {
      // A thread, or a vfork child: the same address space. (Threads share the whole process
      // state here; a vfork child gets its own process ids and descriptor table.)
      nk = isThread ? parent.nk : parent.nk.fork(tid, parent.nk.mm.as);
      if (!isThread) nk.mm = parent.nk.mm;
    } else {
      nk = parent.nk.fork(tid, this.m.newAddressSpace());
    }
    if (!isThread) nk.sleepOn = (q) => this.sleepOn(q);

    const { slot, base } = this.allocSlot();
    const stackTop = base + THREAD_SIZE;
    const addr = base + THREAD_SIZE + 8192;
    const child = new KTask(tid, nk, addr, stackTop, slot);
    child.mask = parent.nk.task.sigmask; // the creating thread's mask
    child.signals = this.o.signalsFor(child);
    child.pgid = parent.pgid;
    child.sid = parent.sid;
    child.parent = flags & (CLONE_PARENT | CLONE_THREAD) ? parent.parent : parent;
    child.exitSignal = isThread ? 0 : flags & 0xff;
    // CLONE_CHILD_CLEARTID: zeroed (and a futex woken) when the thread exits (pthread_join).
    if (flags & CLONE_CHILD_CLEARTID) child.clearTidUser = childTid;

    // task_struct: the fields machine code reads.
    const t = nk.task;
    this.setField(child, TASK.TASK_pid, t.pid);
    this.setField(child, TASK.TASK_tid, tid);
    this.setField(child, TASK.TASK_ppid, child.parent?.pid ?? 0);
    this.setField(child, TASK.TASK_uid, t.uid);
    this.setField(child, TASK.TASK_euid, t.euid);
    this.setField(child, TASK.TASK_gid, t.gid);
    this.setField(child, TASK.TASK_egid, t.egid);
    this.setField(child, TASK.TASK_flags, this.flags(parent) & BigInt(TIF._TIF_SYSCALL_TRACE));
    this.setField(child, TASK.TASK_kbuf, base + THREAD_SIZE);
    this.setField(child, TASK.TASK_stack_top, stackTop);
    this.setField(child, TASK.TASK_vdso, this.mem().readU64(parent.addr + TASK.TASK_vdso)); // the same vDSO (SYSENTER returns into it)

    // The kernel stack: pt_regs at the top, then ret_from_fork and six callee-saved registers.
    const mem = this.mem();
    const childRegs = stackTop - PT_REGS_SIZE;
    mem.writeBytes(childRegs, mem.readBytes(regs, PT_REGS_SIZE));
    mem.writeU64(childRegs + ptRegsOffset('ax'), 0n);
    if (newsp) mem.writeU64(childRegs + ptRegsOffset('sp'), BigInt.asUintN(64, BigInt(newsp)));
    const frame = childRegs - 7 * 8;
    mem.writeBytes(frame, new Uint8Array(6 * 8));
    mem.writeU64(frame + 6 * 8, BigInt.asUintN(64, this.m.symbol('ret_from_fork') ?? 0n));
    this.setField(child, TASK.TASK_sp, frame);

    // The hardware state it starts with: the parent's, with the new TLS if asked.
    const c = this.m.cpu;
    child.hw = {
      xmm: c.xb.slice(0, 256), mxcsr: c.mxcsr, st: c.st.slice(), fpuTop: c.fpuTop, fpuTag: c.fpuTag, fcw: c.fcw, fsw: c.fsw,
      fsBase: flags & CLONE_SETTLS && !compat ? tls : c.fsBase, userGsBase: c.kernelGsBase, segs: saveSegments(c),
    };
    copyTls(this.m, parent.addr, child.addr);
    // An i386 caller's CLONE_SETTLS names a struct user_desc: the child's own TLS entry (tls.ts).
    if (flags & CLONE_SETTLS && compat) {
      const u = this.m.userMemory.read(BigInt(tls), USER_DESC_SIZE);
      if (u) doSetThreadArea(this.m, child.addr, parseUserDesc(u), false, false);
    }
    if (flags & CLONE_CHILD_SETTID) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, tid, true);
      try { nk.mm.as.writeBytes(childTid, b); } catch { /* a bad pointer: Linux ignores it too */ }
    }
    if (flags & CLONE_VFORK) child.vforkDone = new WaitQueue();

    this.tasks.set(tid, child);
    child.parent?.children.push(child);
    this.runQueue.push(child);
    return tid;
  }

  /** vfork's parent: 0 once the child has exec'd or exited, else sleep. */
  waitForVforkDone(tid: number): number {
    const child = this.tasks.get(tid);
    if (!child || !child.vforkDone) return 0;
    this.sleepOn(child.vforkDone);
    return this.sleepOrRestart(WOULD_SLEEP);
  }

  /** The vfork child let go of the parent's memory (execve or exit). */
  vforkRelease(t: KTask): void {
    const q = t.vforkDone;
    if (!q) return;
    t.vforkDone = undefined;
    q.wakeAll();
  }

  /** execve in a task: a vfork child gets its own address space now (the caller builds it). */
  execed(t: KTask): void {
    this.vforkRelease(t);
  }

  // ----- exit -----

  /**
   * A task ends. Its files are closed (pipe readers see end of file), it becomes a zombie holding
   * its status, its children go to init, and the parent is told: SIGCHLD, and a wake-up if it sleeps
   * in wait4. `group`: exit_group and fatal signals end every thread of the process.
   */
  doExit(t: KTask, e: TaskExit, group: boolean): void {
    if (t.state === 'zombie') return;
    if (group) {
      for (const o of [...this.tasks.values()]) if (o !== t && o.pid === t.pid && o.state !== 'zombie') this.doExit(o, e, false);
    }
    this.m.endSyscall(t.addr);
    t.exit = e;
    this.clearChildTid(t);
    for (const s of t.sleepingOn) s.q.remove(s.wake);
    t.sleepingOn = [];
    this.runQueue = this.runQueue.filter((x) => x !== t);
    t.state = 'zombie';
    this.needResched(t);
    this.vforkRelease(t);
    const lastThread = ![...this.tasks.values()].some((o) => o !== t && o.pid === t.pid && o.state !== 'zombie');
    if (lastThread) t.nk.close();
    // Orphans are adopted by init (pid 1, outside the machine), which reaps them when they end.
    for (const c of t.children) {
      c.parent = undefined;
      this.setField(c, TASK.TASK_ppid, 1);
      if (c.state === 'zombie') this.reap(c);
    }
    t.children.length = 0;
    // The tracer sees every task end (strace -f prints `+++ exited with N +++` for threads too).
    this.o.processExited?.(t, e);
    const p = t.parent;
    if (!p || p.state === 'zombie') {
      this.reap(t);
      return;
    }
    if (t.exitSignal === 0) {
      // A thread is reaped at once (and a non-leader thread has no status for anyone).
      this.reap(t);
      return;
    }
    // A parent that ignores SIGCHLD (SIG_IGN, or SA_NOCLDWAIT) leaves no zombies (POSIX).
    const act = p.nk.task.sigactions[SIGCHLD];
    const autoReap = t.exitSignal === SIGCHLD && (act?.handler === 1n || ((act?.flags ?? 0n) & 0x2n) !== 0n);
    const code = e.signal !== undefined ? (e.coreDumped ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
    const status = e.signal ?? e.code ?? 0;
    if (t.exitSignal && !(autoReap && t.exitSignal === SIGCHLD && act?.handler === 1n)) {
      this.signal(p, { pid: p.pid, tid: p.tid, signo: t.exitSignal, code, senderPid: t.pid, senderUid: t.nk.task.uid, status, utime: 0, stime: 0 });
    }
    p.childExit.wakeAll();
    for (const th of this.tasks.values()) if (th.pid === p.pid && th !== p) th.childExit.wakeAll();
    if (autoReap) this.reap(t);
  }

  /**
   * CLONE_CHILD_CLEARTID / set_tid_address: a thread that ends zeroes the int its creator named
   * and wakes one futex waiter there -- how pthread_join learns a thread is done (Linux's
   * mm_release; the kernel writes the user's memory itself here, as put_user does).
   */
  private clearChildTid(t: KTask): void {
    const addr = this.current === t ? t.nk.task.clearChildTid : t.clearTidUser;
    if (!addr) return;
    const others = [...this.tasks.values()].some((o) => o !== t && o.nk.mm === t.nk.mm && o.state !== 'zombie');
    if (!others) return;
    try { t.nk.mm.as.writeBytes(addr, new Uint8Array(4)); } catch { return; }
    this.futexWake(t.nk, addr, 1, 0xffffffff);
  }

  // ----- futexes -----

  private readonly futexQueues = new Map<string, WaitQueue>();

  private futexKey(nk: NativeKernel, uaddr: number): string {
    return `${this.spaceId(nk.mm.as)}:${uaddr}`;
  }
  private readonly spaceIds = new WeakMap<AddressSpace, number>();
  private spaceCount = 0;
  private spaceId(as: AddressSpace): number {
    let id = this.spaceIds.get(as);
    if (id === undefined) this.spaceIds.set(as, (id = ++this.spaceCount));
    return id;
  }

  /**
   * FUTEX_WAIT: the caller read *uaddr (`current`, in machine code): if it is not `val`, -EAGAIN;
   * else sleep until a FUTEX_WAKE on the same address, the deadline, or a signal. Asked again
   * when woken: 0 (woken), -ETIMEDOUT, or -ERESTARTSYS.
   */
  futexWait(uaddr: number, val: number, current: number, bitset: number, deadline: bigint | undefined): number {
    const t = this.current;
    const key = this.futexKey(t.nk, uaddr);
    if (t.futex) {
      const f = t.futex;
      if (f.woken) { t.futex = undefined; this.disarm(t); return 0; }
      if (this.disarm(t)) { t.futex = undefined; this.futexQueues.get(f.key)?.remove(this.futexWaker(t)); return -ETIMEDOUT; }
      if (t.signals.wantsAttention()) { t.futex = undefined; return -ERESTARTSYS; }
    } else {
      if ((current >>> 0) !== (val >>> 0)) return -EAGAIN;
      if (bitset === 0) return -EINVAL;
      t.futex = { key, bitset, woken: false };
    }
    let q = this.futexQueues.get(key);
    if (!q) this.futexQueues.set(key, (q = new WaitQueue()));
    this.sleepOn(q);
    if (deadline !== undefined) this.sleepUntil(deadline);
    return WOULD_SLEEP;
  }

  private futexWaker(t: KTask): () => void {
    return () => this.wake(t);
  }

  /** FUTEX_WAKE: wakes up to `n` waiters on uaddr whose bitset matches; returns how many. */
  futexWake(nk: NativeKernel, uaddr: number, n: number, bitset: number): number {
    if (bitset === 0) return -EINVAL;
    const key = this.futexKey(nk, uaddr);
    let woken = 0;
    // Waiters in the order they came (the queue's order is the tasks' sleep order).
    const waiting = [...this.tasks.values()].filter((t) => t.futex && t.futex.key === key && !t.futex.woken && t.state === 'sleeping' && (t.futex.bitset & bitset) !== 0);
    waiting.sort((a, b) => a.sleepSeq - b.sleepSeq);
    for (const t of waiting) {
      if (woken >= n) break;
      t.futex!.woken = true;
      this.wake(t);
      woken++;
    }
    return woken;
  }

  /** FUTEX_CMP_REQUEUE / FUTEX_REQUEUE: wake `n`, move up to `n2` more waiters to uaddr2. */
  futexRequeue(uaddr: number, n: number, n2: number, uaddr2: number, cmp: number | undefined, current: number): number {
    if (cmp !== undefined && (current >>> 0) !== (cmp >>> 0)) return -EAGAIN;
    const nk = this.current.nk;
    const woken = this.futexWake(nk, uaddr, n, 0xffffffff);
    const key = this.futexKey(nk, uaddr), key2 = this.futexKey(nk, uaddr2);
    let moved = 0;
    for (const t of [...this.tasks.values()].filter((x) => x.futex?.key === key && !x.futex.woken && x.state === 'sleeping').sort((a, b) => a.sleepSeq - b.sleepSeq)) {
      if (moved >= n2) break;
      for (const s of t.sleepingOn) s.q.remove(s.wake);
      t.sleepingOn = [];
      t.futex!.key = key2;
      let q = this.futexQueues.get(key2);
      if (!q) this.futexQueues.set(key2, (q = new WaitQueue()));
      const wake = (): void => this.wake(t);
      q.add(wake);
      t.sleepingOn.push({ q, wake });
      moved++;
    }
    return woken + moved;
  }

  /** The task is gone for good: its task_struct slot is free again. */
  private reap(t: KTask): void {
    this.tasks.delete(t.tid);
    if (t.parent) {
      const i = t.parent.children.indexOf(t);
      if (i >= 0) t.parent.children.splice(i, 1);
    }
    if (t.slot >= 0) this.freeSlots.push(t.slot);
  }

  /** The status word wait4 stores: (code << 8) for an exit, the signal (| 0x80 for a core) for a kill. */
  static waitStatus(e: TaskExit): number {
    if (e.signal !== undefined) return (e.signal & 0x7f) | (e.coreDumped ? 0x80 : 0);
    return ((e.code ?? 0) & 0xff) << 8;
  }

  /** The children of the current process that `pid` selects (wait4's rules). */
  private waitable(pid: number): KTask[] {
    const me = this.current;
    const mine = [...this.tasks.values()].filter((t) => t.parent && t.parent.pid === me.pid && t.isLeader);
    if (pid > 0) return mine.filter((t) => t.pid === pid);
    if (pid === 0) return mine.filter((t) => t.pgid === me.pgid);
    if (pid < -1) return mine.filter((t) => t.pgid === -pid);
    return mine;
  }

  /** wait4(pid, options): the reaped child's pid and status, 0 (WNOHANG), -ECHILD, or WOULD_SLEEP. */
  wait4(pid: number, options: number): { ret: number; status?: number } {
    if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | 0x20000000 | 0x40000000 | 0x80000000)) return { ret: -EINVAL };
    const kids = this.waitable(pid);
    if (kids.length === 0) return { ret: -ECHILD };
    const z = kids.find((t) => t.state === 'zombie');
    if (z) {
      const status = Scheduler.waitStatus(z.exit ?? { code: 0 });
      this.reap(z);
      return { ret: z.pid, status };
    }
    // Job control: a stopped child (WUNTRACED) reads (sig << 8) | 0x7f, a continued one (WCONTINUED) 0xffff.
    const news = kids.find((t) => (typeof t.jobNews === 'number' && (options & WUNTRACED)) || (t.jobNews === 'continued' && (options & WCONTINUED)));
    if (news) {
      const status = news.jobNews === 'continued' ? 0xffff : ((news.jobNews as number) << 8) | 0x7f;
      news.jobNews = undefined;
      return { ret: news.pid, status };
    }
    if (options & WNOHANG) return { ret: 0 };
    this.sleepOn(this.current.childExit);
    return { ret: this.sleepOrRestart(WOULD_SLEEP) };
  }

  /** waitid(which, id, options): 0 with the siginfo fields, or -errno / WOULD_SLEEP. */
  waitid(which: number, id: number, options: number): { ret: number; info?: { pid: number; uid: number; code: number; status: number } } {
    if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return { ret: -EINVAL };
    if (options & ~(WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT | 0x20000000 | 0x40000000 | 0x80000000)) return { ret: -EINVAL };
    let pid: number;
    if (which === P_ALL) pid = -1;
    else if (which === P_PID) { if (id <= 0) return { ret: -EINVAL }; pid = id; }
    else if (which === P_PGID) { if (id < 0) return { ret: -EINVAL }; pid = id === 0 ? 0 : -id; }
    else return { ret: -EINVAL };
    const kids = this.waitable(pid);
    if (kids.length === 0) return { ret: -ECHILD };
    const z = (options & WEXITED) ? kids.find((t) => t.state === 'zombie') : undefined;
    if (z) {
      const e = z.exit ?? { code: 0 };
      if (!(options & WNOWAIT)) this.reap(z);
      const code = e.signal !== undefined ? (e.coreDumped ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
      return { ret: 0, info: { pid: z.pid, uid: z.nk.task.uid, code, status: e.signal ?? e.code ?? 0 } };
    }
    if (options & WNOHANG) return { ret: 0 };
    this.sleepOn(this.current.childExit);
    return { ret: this.sleepOrRestart(WOULD_SLEEP) };
  }

  // ----- process groups and sessions -----

  private leader(pid: number): KTask | undefined {
    const t = this.tasks.get(pid);
    return t && t.isLeader ? t : undefined;
  }

  setpgid(pid: number, pgid: number): number {
    const me = this.current;
    const t = pid === 0 ? this.leader(me.pid) : this.leader(pid);
    if (pgid < 0) return -EINVAL;
    if (!t || (t.pid !== me.pid && t.parent?.pid !== me.pid)) return -ESRCH;
    if (t.sid === t.pid || t.sid !== me.sid) return -EPERM;
    const g = pgid === 0 ? t.pid : pgid;
    if (g !== t.pid && ![...this.tasks.values()].some((o) => o.pgid === g && o.sid === me.sid && o.state !== 'zombie')) return -EPERM;
    for (const th of this.tasks.values()) if (th.pid === t.pid) th.pgid = g;
    return 0;
  }

  getpgid(pid: number): number {
    const t = pid === 0 ? this.current : this.leader(pid);
    return t ? t.pgid : -ESRCH;
  }

  setsid(): number {
    const me = this.current;
    if ([...this.tasks.values()].some((o) => o.pgid === me.pid && o.state !== 'zombie')) return -EPERM;
    for (const th of this.tasks.values()) if (th.pid === me.pid) { th.sid = me.pid; th.pgid = me.pid; }
    return me.pid;
  }

  getsid(pid: number): number {
    const t = pid === 0 ? this.current : this.leader(pid);
    return t ? t.sid : -ESRCH;
  }

  // ----- kill -----

  /** The tasks kill(pid, sig) reaches (one per process: the leader). */
  killTargets(pid: number): KTask[] {
    const me = this.current;
    const leaders = [...this.tasks.values()].filter((t) => t.isLeader && t.state !== 'zombie');
    if (pid > 0) return leaders.filter((t) => t.pid === pid);
    if (pid === 0) return leaders.filter((t) => t.pgid === me.pgid);
    if (pid === -1) return leaders.filter((t) => t.pid !== 1 && t.pid !== me.pid).concat(leaders.filter((t) => t.pid === me.pid));
    return leaders.filter((t) => t.pgid === -pid);
  }

  findTask(tid: number): KTask | undefined {
    const t = this.tasks.get(tid);
    return t && t.state !== 'zombie' ? t : undefined;
  }
}

export { SIGKILL };
