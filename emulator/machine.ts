// The machine: one x86-64 CPU, one address space per process, the kernel image mapped into it
// (supervisor-only pages, as Linux maps itself), and the run loop that hands `vmcall`s from the
// kernel's machine code to the TypeScript services. It knows nothing of DAP or VS Code: callers
// run it for a budget of instructions, read its state, and listen to its events.

import { Cpu, StopReason } from './cpu';
import { AddressSpace, PROT_EXEC, PROT_PRESENT, PROT_WRITE } from './memory';
import { KernelImage, buildKernel } from './kernel/build';
import { LOCAL_TIMER_VECTOR, PERCPU, PtRegsField, TASK, TIF, VMCALL_SERVICES, VmcallService, ptRegsOffset } from './kernel/abi';
import { Page } from './memory/page';
import { GuestMemory, ProcessExitEvent, SignalEvent, SyscallEvent } from './trace/event';

/** Addresses as the CPU holds them: canonical, signed, exact in a double. */
export const canon = (a: bigint): number => Number(BigInt.asIntN(64, a));
export const u64 = (a: number): bigint => BigInt.asUintN(64, BigInt(a));

export interface MachineEvents {
  syscallEnter?(ev: SyscallEvent): void;
  syscallExit?(ev: SyscallEvent): void;
  signal?(s: SignalEvent): void;
  processExit?(e: ProcessExitEvent): void;
  /** A task stopped (SIGSTOP, SIGTSTP ...): strace's `--- stopped by SIGSTOP ---`. */
  taskStopped?(tid: number, signo: number): void;
}

/** A service called by the kernel with vmcall: arguments are the C argument registers. */
export type ServiceHandler = (m: Machine, args: number[]) => number | { ret: number; rdx: number } | undefined;

export type RunResult =
  | { kind: 'budget' }
  | { kind: 'exited'; code?: number; signal?: number }
  | { kind: 'breakpoint'; address: number }
  /** A watched range was accessed (AddressSpace.setWatches; takeWatchHits says where): after the instruction. */
  | { kind: 'watch' }
  | { kind: 'oops'; message: string };

export class MachineError extends Error {}

/** How a task ends: an exit status, or a signal (and whether it dumped core). */
export interface TaskExit { code?: number; signal?: number; coreDumped?: boolean }

/** What the kernel's process layer (kernel/sched.ts) tells the machine. */
export interface ProcessHooks {
  /** The running task ends (exit, exit_group, a fatal signal): the process layer takes it from there. */
  exitCurrent(e: TaskExit): void;
  /** Another task is waiting to run: the running one's time slice matters. */
  contended(): boolean;
  /** Every live task_struct (to set or clear _TIF_SYSCALL_TRACE in all of them). */
  taskStructs(): number[];
  /** The timer tick at the end of a slice: expired timers wake sleepers and send SIGALRM. */
  tick(): void;
}

/**
 * Instructions a task runs before the timer interrupts it when another task wants the CPU. A time
 * slice counted in instructions, not host time, keeps every run of a program identical.
 */
export const TIME_SLICE = 200_000;

export class Machine {
  readonly kernel: KernelImage;
  /** The kernel half of every address space: one set of pages, shared (see PageTable). */
  readonly kernelPages = new Map<number, Page>();
  readonly cpu: Cpu;
  /** Set when the machine has nothing left to run (the last task ended): the first process's status. */
  exit?: { code?: number; signal?: number };
  /** The process layer, once the kernel's services are provided (a bare machine has one task). */
  processes?: ProcessHooks;
  /**
   * The instruction count at which the running task's time slice ends. (A count, not a countdown:
   * a vmcall taken back -- see debug/vmcall.ts -- moves the slice with it, so a re-run ticks at the
   * same instruction.)
   */
  private sliceEnd = TIME_SLICE;
  /** Whether the kernel reports system calls to `events` (_TIF_SYSCALL_TRACE in the task). */
  private tracing = false;
  private readonly services = new Map<number, ServiceHandler>();
  /** Calls entered and not yet returned, by task_struct (a task may sleep inside one while others run). */
  private readonly pendingSyscalls = new Map<number, SyscallEvent>();
  private oops?: string;

  constructor(public events: MachineEvents = {}, kernel?: KernelImage) {
    this.kernel = kernel ?? buildKernel();
    this.cpu = new Cpu(new AddressSpace(this.kernelPages));
    this.mapKernel();
    const sym = (n: string): number => {
      const a = this.kernel.symbols.get(n);
      if (a === undefined) throw new MachineError(`kernel symbol ${n} is missing`);
      return canon(a);
    };
    this.cpu.rip = canon(this.kernel.entry);
    this.cpu.cs = 0x10;
    this.cpu.ss = 0x18;
    this.cpu.setRegNum(4, sym('init_stack_top'));
    this.cpu.tssBase = sym('cpu_tss_rw');
  }

  /** Maps the image into this address space: present, supervisor-only, with its permissions. */
  private mapKernel(): void {
    for (const s of this.kernel.sections) {
      const len = Math.ceil(Math.max(s.size, 1) / 4096) * 4096;
      const prot = PROT_PRESENT | (s.flags.write ? PROT_WRITE : 0) | (s.flags.exec ? PROT_EXEC : 0);
      const at = canon(s.address);
      this.space.map(at, len, PROT_PRESENT | PROT_WRITE);
      if (s.data) this.space.writeBytes(at, s.data);
      this.space.setProt(at, len, prot);
    }
  }

  /** The running task's address space (Linux: the mm CR3 points at). */
  get space(): AddressSpace {
    return this.cpu.mem;
  }

  /** A new, empty address space with the kernel mapped (for fork and execve). */
  newAddressSpace(): AddressSpace {
    return new AddressSpace(this.kernelPages);
  }

  /** The running task's task_struct (per_cpu_area.current_task). */
  get currentTask(): number {
    const pcpu = this.symbol('per_cpu_area');
    return pcpu === undefined ? 0 : canon(this.space.readU64(canon(pcpu) + PERCPU.PCPU_current_task));
  }

  symbol(name: string): bigint | undefined {
    return this.kernel.symbols.get(name);
  }

  /** Registers the TypeScript side of a vmcall service. */
  provide(service: VmcallService, handler: ServiceHandler): void {
    this.services.set(VMCALL_SERVICES.indexOf(service) + 1, handler);
  }

  get isTracing(): boolean {
    return this.tracing;
  }

  /** Starts (or stops) reporting system calls: sets _TIF_SYSCALL_TRACE in the task, as ptrace does. */
  setTracing(on: boolean): void {
    this.tracing = on;
    const init = this.symbol('init_task');
    const tasks = this.processes?.taskStructs() ?? (init === undefined ? [] : [canon(init)]);
    for (const t of tasks) {
      const f = this.space.readU64(t + TASK.TASK_flags);
      const bit = BigInt(TIF._TIF_SYSCALL_TRACE);
      this.space.writeU64(t + TASK.TASK_flags, on ? f | bit : f & ~bit);
    }
  }

  setPtRegs(regs: number, f: PtRegsField, v: bigint): void {
    this.space.writeU64(regs + ptRegsOffset(f), BigInt.asUintN(64, v));
  }

  /** Reads one field of a struct pt_regs in kernel memory. */
  ptRegs(regs: number, f: PtRegsField): bigint {
    return this.space.readU64(regs + ptRegsOffset(f));
  }

  /** User memory as the tracer sees it: unmapped or kernel addresses read as nothing. */
  readonly userMemory: GuestMemory = {
    read: (addr: bigint, len: number): Uint8Array | undefined => {
      if (addr < 0n || addr + BigInt(len) > 0x00007ffffffff000n) return undefined;
      try {
        // readBytes also brings in pages a mapping supplies on first touch (untouched .bss).
        return this.space.readBytes(Number(addr), len);
      } catch {
        return undefined;
      }
    },
  };

  /** Runs at most `budget` instructions. */
  run(budget: number): RunResult {
    let left = budget;
    while (left > 0) {
      if (this.exit) return { kind: 'exited', ...this.exit };
      if (this.oops) return { kind: 'oops', message: this.oops };
      // The tick comes between two instructions, after whatever stopped the CPU there was dealt
      // with (a service finished, or a breakpoint or watch reported and the run resumed).
      if (this.cpu.instructions >= this.sliceEnd) this.sliceEnded();
      const before = this.cpu.instructions;
      const stop: StopReason = this.cpu.run(Math.min(left, this.sliceEnd - this.cpu.instructions));
      left -= this.cpu.instructions - before;
      if (stop.kind === 'watch') return { kind: 'watch' };
      switch (stop.kind) {
        case 'budget':
          break;
        case 'vmcall':
          this.vmcall();
          break;
        case 'breakpoint':
          return { kind: 'breakpoint', address: stop.address };
        case 'hlt':
          this.oops = 'the kernel halted';
          break;
        case 'exception':
          this.oops = `exception ${stop.vector} with no handler at rip ${u64(this.cpu.rip).toString(16)}`;
          break;
        case 'triple-fault':
          this.oops = `triple fault at rip ${u64(this.cpu.rip).toString(16)}`;
          break;
      }
    }
    if (this.exit) return { kind: 'exited', ...this.exit };
    if (this.oops) return { kind: 'oops', message: this.oops };
    return { kind: 'budget' };
  }

  /**
   * The time slice is over. If another task is waiting, the timer interrupts this one: in user
   * mode through the IDT (the kernel's timer handler marks the task and schedule() runs on the way
   * out); in the kernel, which is not preemptible, by marking the task for the next way out.
   */
  private sliceEnded(): void {
    this.sliceEnd = this.cpu.instructions + TIME_SLICE;
    this.processes?.tick();
    if (!this.processes?.contended()) return;
    const c = this.cpu;
    if ((c.cs & 3) === 3 && c.stop === 0) {
      c.interrupt(LOCAL_TIMER_VECTOR);
    } else {
      const t = this.currentTask;
      if (t) this.space.writeU64(t + TASK.TASK_flags, this.space.readU64(t + TASK.TASK_flags) | BigInt(TIF._TIF_NEED_RESCHED));
    }
  }

  /** A new task runs: it gets a whole time slice. */
  resetSlice(): void {
    this.sliceEnd = this.cpu.instructions + TIME_SLICE;
  }

  private vmcall(): void {
    const c = this.cpu;
    const nr = c.regNum(0) & 0xffffffff;
    // C argument registers: rdi rsi rdx rcx r8 r9.
    const args = [c.regNum(7), c.regNum(6), c.regNum(2), c.regNum(1), c.regNum(8), c.regNum(9)];
    const name = VMCALL_SERVICES[nr - 1];
    if (name === 'syscall_trace_enter') return this.traceEnter(args[0]);
    if (name === 'syscall_trace_exit') return this.traceExit(args[0]);
    if (name === 'kernel_oops') {
      this.oops = `kernel oops: exception ${args[0]} (error ${args[1]}) at address 0x${u64(args[2]).toString(16)}, rip 0x${this.ptRegs(args[3], 'ip').toString(16)}`;
      return;
    }
    const handler = this.services.get(nr);
    if (!handler) {
      this.oops = `vmcall ${name ?? nr}: no such service in this machine`;
      return;
    }
    const r = handler(this, args);
    if (r === undefined) return; // a service that set the registers itself
    if (typeof r === 'number') c.setRegNum(0, r);
    else {
      c.setRegNum(0, r.ret);
      c.setRegNum(2, r.rdx);
    }
  }

  /** The running task ends (exit, exit_group, or a fatal signal). */
  terminate(e: TaskExit): void {
    if (this.processes) return this.processes.exitCurrent(e);
    this.endSyscall(this.currentTask);
    this.events.processExit?.({ pid: this.pid, exitCode: e.code, signal: e.signal, coreDumped: e.coreDumped });
    this.halt(e);
  }

  /** A call that never returns (exit, exit_group, a fatal signal inside a call) is shown as `= ?`. */
  endSyscall(task: number): void {
    const ev = this.pendingSyscalls.get(task);
    if (!ev) return;
    this.pendingSyscalls.delete(task);
    ev.endInsn = this.cpu.instructions;
    ev.endCycles = this.cpu.cycles;
    this.events.syscallExit?.(ev);
  }

  /** Nothing is left to run: the run loop stops with this status. */
  halt(e: TaskExit): void {
    this.exit = e.signal !== undefined ? { signal: e.signal } : { code: e.code };
  }

  /** Stops the machine with a kernel error (a deadlock, a bug in the kernel). */
  panic(message: string): void {
    this.oops = message;
  }

  /** The running task's process id (its thread group id). */
  get pid(): number {
    const task = this.currentTask;
    return task === 0 ? 0 : Number(this.space.readU64(task + TASK.TASK_pid));
  }

  /** The running task's thread id. */
  get tid(): number {
    const task = this.currentTask;
    return task === 0 ? 0 : Number(this.space.readU64(task + TASK.TASK_tid));
  }

  /** A whole call the kernel makes on the program's behalf (the first execve), for the tracer. */
  reportSyscall(ev: SyscallEvent): void {
    if (!this.tracing) return;
    this.events.syscallEnter?.(ev);
    this.events.syscallExit?.(ev);
  }

  deliverSignal(s: SignalEvent): void {
    this.events.signal?.(s);
  }

  reportStop(tid: number, signo: number): void {
    this.events.taskStopped?.(tid, signo);
  }

  // ----- the tracer: what strace sees through ptrace, read from pt_regs -----

  private traceEnter(regs: number): void {
    const door = this.door();
    const int80 = door !== 'syscall'; // int $0x80 and SYSENTER: the i386 table and registers
    const r = (f: PtRegsField): bigint => this.ptRegs(regs, f);
    const abi = int80 ? 'i386' : '64';
    const args = int80
      ? (['bx', 'cx', 'dx', 'si', 'di', 'bp'] as const).map((f) => r(f) & 0xffffffffn)
      : (['di', 'si', 'dx', 'r10', 'r8', 'r9'] as const).map((f) => r(f));
    const nr = Number(int80 ? r('orig_ax') & 0xffffffffn : BigInt.asIntN(64, r('orig_ax')));
    const ip = r('ip');
    const ev: SyscallEvent = {
      pid: this.pid,
      tid: this.tid,
      nr,
      abi,
      args,
      mechanism: door,
      startInsn: this.cpu.instructions,
      endInsn: this.cpu.instructions,
      startCycles: this.cpu.cycles,
      endCycles: this.cpu.cycles,
      // syscall and int $0x80 are both 2 bytes; after SYSENTER, ip is the vDSO's landing pad, past `sysenter; int $0x80`
      site: ip - (door === 'sysenter' ? 4n : 2n),
      sp: r('sp'),
    };
    this.pendingSyscalls.set(this.currentTask, ev);
    this.events.syscallEnter?.(ev);
  }

  private traceExit(regs: number): void {
    const ev = this.pendingSyscalls.get(this.currentTask);
    if (!ev) return;
    this.pendingSyscalls.delete(this.currentTask);
    ev.ret = this.ptRegs(regs, 'ax');
    if (ev.abi === 'i386') ev.ret = BigInt.asIntN(32, ev.ret);
    ev.endInsn = this.cpu.instructions;
    ev.endCycles = this.cpu.cycles;
    this.events.syscallExit?.(ev);
  }

  /** The kernel's own return address on the stack tells which door was used. */
  private door(): 'syscall' | 'int80' | 'sysenter' {
    // syscall_trace_enter is called by do_syscall_64, do_int80_syscall_32 or do_fast_syscall_32 (the
    // SYSENTER path): its return address (at %rsp, since it pushes nothing before the vmcall) lies in one of them.
    const ra = BigInt.asUintN(64, this.space.readU64(this.cpu.regNum(4)));
    const name = this.symbolAt(ra)?.name;
    return name === 'do_int80_syscall_32' ? 'int80' : name === 'do_fast_syscall_32' ? 'sysenter' : 'syscall';
  }

  /** The kernel symbol whose extent holds `address` (functions and data), with the offset. */
  symbolAt(address: bigint): { name: string; offset: bigint } | undefined {
    const list = this.kernel.sortedSymbols;
    let lo = 0;
    let hi = list.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].address <= address) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    // Prefer a symbol that really covers the address (nested labels have sizes too).
    for (let i = best; i >= 0 && i > best - 8; i--) {
      const s = list[i];
      if (address >= s.address && (s.size === 0n || address < s.address + s.size)) return { name: s.name, offset: address - s.address };
    }
    return { name: list[best].name, offset: address - list[best].address };
  }
}
