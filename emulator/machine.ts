// The machine: one x86-64 CPU, one address space per process, the kernel image mapped into it
// (supervisor-only pages, as Linux maps itself), and the run loop that hands `vmcall`s from the
// kernel's machine code to the TypeScript services. It knows nothing of DAP or VS Code: callers
// run it for a budget of instructions, read its state, and listen to its events.

import { Cpu, StopReason } from './cpu';
import { AddressSpace, PROT_EXEC, PROT_PRESENT, PROT_WRITE } from './memory';
import { KernelImage, buildKernel } from './kernel/build';
import { PtRegsField, VMCALL_SERVICES, VmcallService, ptRegsOffset } from './kernel/abi';
import { GuestMemory, ProcessExitEvent, SignalEvent, SyscallEvent } from './trace/event';

/** Addresses as the CPU holds them: canonical, signed, exact in a double. */
export const canon = (a: bigint): number => Number(BigInt.asIntN(64, a));
export const u64 = (a: number): bigint => BigInt.asUintN(64, BigInt(a));

export interface MachineEvents {
  syscallEnter?(ev: SyscallEvent): void;
  syscallExit?(ev: SyscallEvent): void;
  signal?(s: SignalEvent): void;
  processExit?(e: ProcessExitEvent): void;
}

/** A service called by the kernel with vmcall: arguments are the C argument registers. */
export type ServiceHandler = (m: Machine, args: number[]) => number | { ret: number; rdx: number };

export type RunResult =
  | { kind: 'budget' }
  | { kind: 'exited'; code?: number; signal?: number }
  | { kind: 'breakpoint'; address: number }
  | { kind: 'oops'; message: string };

export class MachineError extends Error {}

export class Machine {
  readonly kernel: KernelImage;
  readonly space = new AddressSpace();
  readonly cpu: Cpu;
  /** Set when the process has ended. */
  exit?: { code?: number; signal?: number };
  /** Whether the kernel reports system calls to `events` (_TIF_SYSCALL_TRACE in the task). */
  private tracing = false;
  private readonly services = new Map<number, ServiceHandler>();
  private pendingSyscall?: SyscallEvent;
  private oops?: string;

  constructor(public events: MachineEvents = {}, kernel?: KernelImage) {
    this.kernel = kernel ?? buildKernel();
    this.cpu = new Cpu(this.space);
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
    const task = this.symbol('init_task');
    if (task !== undefined) this.space.writeU64(canon(task) + 56, on ? 1n : 0n);
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
      const before = this.cpu.instructions;
      const stop: StopReason = this.cpu.run(left);
      left -= this.cpu.instructions - before;
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
    if (typeof r === 'number') c.setRegNum(0, r);
    else {
      c.setRegNum(0, r.ret);
      c.setRegNum(2, r.rdx);
    }
  }

  /** The process ends (exit, exit_group, or a fatal signal): the run loop stops. */
  terminate(e: { code?: number; signal?: number; coreDumped?: boolean }): void {
    // A call that never returns (exit, exit_group, a fatal signal inside a call): `= ?`.
    const ev = this.pendingSyscall;
    if (ev) {
      this.pendingSyscall = undefined;
      ev.endInsn = this.cpu.instructions;
      ev.endCycles = this.cpu.cycles;
      this.events.syscallExit?.(ev);
    }
    this.exit = e.signal !== undefined ? { signal: e.signal } : { code: e.code };
    this.events.processExit?.({ pid: this.pid, exitCode: e.code, signal: e.signal, coreDumped: e.coreDumped });
  }

  get pid(): number {
    const task = this.symbol('init_task');
    return task === undefined ? 0 : Number(this.space.readU64(canon(task)));
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

  // ----- the tracer: what strace sees through ptrace, read from pt_regs -----

  private traceEnter(regs: number): void {
    const int80 = this.cameFromInt80();
    const r = (f: PtRegsField): bigint => this.ptRegs(regs, f);
    const abi = int80 ? 'i386' : '64';
    const args = int80
      ? (['bx', 'cx', 'dx', 'si', 'di', 'bp'] as const).map((f) => r(f) & 0xffffffffn)
      : (['di', 'si', 'dx', 'r10', 'r8', 'r9'] as const).map((f) => r(f));
    const nr = Number(int80 ? r('orig_ax') & 0xffffffffn : BigInt.asIntN(64, r('orig_ax')));
    const ip = r('ip');
    const ev: SyscallEvent = {
      pid: this.pid,
      tid: this.pid,
      nr,
      abi,
      args,
      mechanism: int80 ? 'int80' : 'syscall',
      startInsn: this.cpu.instructions,
      endInsn: this.cpu.instructions,
      startCycles: this.cpu.cycles,
      endCycles: this.cpu.cycles,
      site: ip - 2n, // syscall and int $0x80 are both 2 bytes
      sp: r('sp'),
    };
    this.pendingSyscall = ev;
    this.events.syscallEnter?.(ev);
  }

  private traceExit(regs: number): void {
    const ev = this.pendingSyscall;
    if (!ev) return;
    this.pendingSyscall = undefined;
    ev.ret = this.ptRegs(regs, 'ax');
    if (ev.abi === 'i386') ev.ret = BigInt.asIntN(32, ev.ret);
    ev.endInsn = this.cpu.instructions;
    ev.endCycles = this.cpu.cycles;
    this.events.syscallExit?.(ev);
  }

  /** The kernel's own return address on the stack tells which door was used. */
  private cameFromInt80(): boolean {
    // syscall_trace_enter is called by do_syscall_64 or do_int80_syscall_32: its return address
    // (at %rsp, since it pushes nothing before the vmcall) lies in one of them.
    const ra = BigInt.asUintN(64, this.space.readU64(this.cpu.regNum(4)));
    return this.symbolAt(ra)?.name === 'do_int80_syscall_32';
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
