// The debugger's view of the machine's tasks (Linux's threads and processes): which one the CPU
// runs, the names and states of all of them, and the state of a task that is not running.
//
// The running task is the one the per-CPU `current_task` names, as the kernel's own code sees it
// (schedule() switches the kernel stack first and updates current_task on the next instruction).
// A task that is not on the CPU is always in the kernel, inside schedule(): its user registers are
// in the pt_regs at the top of its kernel stack (saved when it entered the kernel), its kernel
// stack pointer in task_struct->sp (saved by schedule() at the switch), its FPU/SSE registers and
// FS base in the scheduler's save area, and its memory is its own address space (whose kernel
// half is every task's). When it runs again, it continues right after schedule()'s store to
// current_task: that is its next instruction.

import * as path from 'path';
import { Mnemonic, OpKind, Register } from 'iced-x86';
import { scanKernelText } from './kernel-exits';
import { LinuxSystem } from '../linux';
import { KTask, TaskState } from '../kernel/sched';
import { KernelImage } from '../kernel/build';
import { PERCPU, PT_REGS_SIZE, PtRegsField, TASK, TASK_SIZE_MAX, ptRegsOffset } from '../kernel/abi';
import { GuestMemory } from '../trace/event';
import { DebugMemory, debugMemory, readUnsigned } from './memory';
import { RegisterAccess } from './registers';
import { AddressSpace } from '../memory/address-space';

export interface TaskSummary {
  tid: number;
  pid: number;
  /** `1001 prog` for a process (its first thread), `1002 prog [thread]` for another thread of it. */
  name: string;
  /** The program's file name (Linux's comm is its first 15 characters). */
  comm: string;
  /** The host path of the program the task runs ('' before the first execve). */
  exe: string;
  state: TaskState;
  running: boolean;
}

/** The task on the CPU, by the per-CPU current_task (the scheduler's first task before boot sets it). */
export function runningTask(sys: LinuxSystem): KTask {
  const tid = sys.machine.tid;
  return (tid && sys.sched.tasks.get(tid)) || sys.sched.current;
}

/** The program name of a task: its executable's file name, or `fallback` (the launched file) before its first execve. */
export function commOf(t: KTask, fallback: string): string {
  return path.basename(t.nk.exePath || fallback);
}

export function summarize(t: KTask, fallbackExe: string, running: boolean): TaskSummary {
  const comm = commOf(t, fallbackExe);
  const name = t.tid === t.pid ? `${t.pid} ${comm}` : `${t.tid} ${comm} [thread]`;
  return { tid: t.tid, pid: t.pid, name, comm, exe: t.nk.exePath || fallbackExe, state: t.state, running };
}

/** The tasks a debugger lists: every task that has not ended, and the running one even while it ends. */
export function liveTasks(sys: LinuxSystem, fallbackExe: string): TaskSummary[] {
  const run = runningTask(sys);
  const out: TaskSummary[] = [];
  for (const t of sys.sched.tasks.values()) {
    if (t.state === 'zombie' && t !== run) continue;
    out.push(summarize(t, fallbackExe, t === run));
  }
  return out.sort((a, b) => a.tid - b.tid);
}

/** A task's memory as the debugger reads it: its own address space (the kernel half is shared). */
export function taskMemory(t: KTask): DebugMemory {
  return debugMemory(t.nk.mm.as);
}

/** The user memory of a task as the tracer's printers read it (unmapped and kernel addresses read as nothing). */
export function userMemoryOf(as: AddressSpace): GuestMemory {
  return {
    read: (addr, len) => {
      if (addr < 0n || addr + BigInt(len) > TASK_SIZE_MAX) return undefined;
      try {
        return as.readBytes(Number(addr), len);
      } catch {
        return undefined;
      }
    },
  };
}

export interface PtRegsView {
  address: bigint;
  read(f: PtRegsField): bigint;
}

/**
 * The user registers of a task that is not running: the pt_regs at the top of its kernel stack,
 * when they hold a user frame (a task that never left the kernel has none).
 */
export function sleepingPtRegs(t: KTask, mem: DebugMemory): PtRegsView | undefined {
  const base = BigInt.asUintN(64, BigInt(t.stackTop)) - BigInt(PT_REGS_SIZE);
  const read = (f: PtRegsField): bigint => readUnsigned(mem, base + BigInt(ptRegsOffset(f)), 8) ?? 0n;
  if ((read('cs') & 3n) !== 3n) return undefined;
  return { address: base, read };
}

/** task_struct->sp: where schedule() left the task's kernel stack. */
export function savedKernelSp(t: KTask, mem: DebugMemory): bigint | undefined {
  return readUnsigned(mem, BigInt.asUintN(64, BigInt(t.addr + TASK.TASK_sp)), 8);
}

const PT_NAME: Record<string, PtRegsField> = {
  rax: 'ax', rbx: 'bx', rcx: 'cx', rdx: 'dx', rsi: 'si', rdi: 'di', rbp: 'bp', rsp: 'sp',
  r8: 'r8', r9: 'r9', r10: 'r10', r11: 'r11', r12: 'r12', r13: 'r13', r14: 'r14', r15: 'r15',
  rip: 'ip', rflags: 'flags', eflags: 'flags', cs: 'cs', ss: 'ss', orig_rax: 'orig_ax',
};

/**
 * The registers a sleeping task goes back to user mode with: the general ones from its pt_regs
 * (writes go there), the segment selectors, FS/GS bases and SSE state from the scheduler's save area.
 */
export function sleepingRegisters(t: KTask, regs: PtRegsView | undefined, mem: DebugMemory): RegisterAccess {
  return {
    getReg(name: string): bigint {
      const n = name.toLowerCase();
      const f = PT_NAME[n];
      if (f) {
        if (!regs) throw new Error(`task ${t.tid} has no user registers yet`);
        return regs.read(f);
      }
      const h = t.hw;
      if (h) {
        switch (n) {
          case 'fs_base': return BigInt.asUintN(64, BigInt(h.fsBase));
          case 'gs_base': return BigInt.asUintN(64, BigInt(h.userGsBase));
          case 'mxcsr': return BigInt(h.mxcsr);
          case 'ds': case 'es': case 'fs': case 'gs': return BigInt(h.segs[n]);
        }
        const x = /^xmm(\d+)$/.exec(n);
        if (x && +x[1] < 16) {
          let v = 0n;
          for (let k = 15; k >= 0; k--) v = (v << 8n) | BigInt(h.xmm[+x[1] * 16 + k]);
          return v;
        }
      }
      throw new Error(`${name} of task ${t.tid} is not saved where the debugger can read it`);
    },
    setReg(name: string, value: bigint): void {
      const f = PT_NAME[name.toLowerCase()];
      if (!f || !regs) throw new Error(`${name} of task ${t.tid} cannot be set`);
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
      mem.write(regs.address + BigInt(ptRegsOffset(f)), b);
    },
  };
}

/**
 * Where a switched-out task continues: the instruction after each store to the per-CPU
 * current_task (in schedule(), after the switch of kernel stacks). Found by decoding the kernel's
 * text, so a changed kernel tree is covered too.
 */
export function resumePoints(mem: DebugMemory, kernel: KernelImage): bigint[] {
  const out: bigint[] = [];
  const slot = BigInt(PERCPU.PCPU_current_task);
  scanKernelText(mem, kernel, (ins) => {
    if (ins.mnemonic !== Mnemonic.Mov || ins.op0Kind !== OpKind.Memory) return;
    if (ins.memorySegment === Register.GS && ins.memoryBase === Register.None && ins.memoryIndex === Register.None && ins.memoryDisplacement === slot) out.push(ins.nextIP);
  });
  return out;
}
