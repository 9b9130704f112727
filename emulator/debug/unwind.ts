// The call stack across the user/kernel boundary. Kernel frames come from a conservative scan of
// the kernel stack for values that follow a call instruction (the kernel keeps no frame
// pointers); then the interrupted user frame, recovered from pt_regs at the top of the task's
// kernel stack; then user frames by the %rbp chain, or by the same scan when there is none.
// A task that is not on the CPU is unwound the same way from what schedule() left: its kernel
// stack from task_struct->sp, its pt_regs, and its own memory (sleepingFrames).

import { Machine } from '../machine';
import { PERCPU, PT_REGS_SIZE, PtRegsField, ptRegsOffset, TASK_SIZE_MAX } from '../kernel/abi';
import { decodeAt, followsCall } from './disasm';
import { DebugMemory, readUnsigned } from './memory';
import { KTask } from '../kernel/sched';
import { savedKernelSp, sleepingPtRegs } from './tasks';

export interface Frame {
  pc: bigint;
  /** The stack pointer in that frame, when known. */
  sp?: bigint;
  ring: 0 | 3;
  /** The user frame recovered from pt_regs (where the kernel was entered). */
  fromPtRegs?: boolean;
  /** Found by the stack scan: probably, not certainly, a frame. */
  guessed?: boolean;
  /** For the pt_regs frame of a system call: the `syscall`/`int $0x80` instruction (pc is the one after it). */
  site?: bigint;
}

const KERNEL_STACK = 16384n;
const MAX_FRAMES = 64;
const U = (v: bigint): bigint => BigInt.asUintN(64, v);

/** Where the current task's kernel stack ends, from the per-CPU area (undefined before boot set it). */
export function kernelStackTop(m: Machine, mem: DebugMemory): bigint | undefined {
  const percpu = m.symbol('per_cpu_area');
  if (percpu === undefined) return undefined;
  const top = readUnsigned(mem, percpu + BigInt(PERCPU.PCPU_top_of_stack), 8);
  return top ? top : undefined;
}

/** The user registers saved at kernel entry, once the entry code has saved them; undefined in user mode or before. */
export function userPtRegs(m: Machine, mem: DebugMemory): { address: bigint; read(f: PtRegsField): bigint } | undefined {
  if ((m.cpu.cs & 3) === 3) return undefined;
  const top = kernelStackTop(m, mem);
  if (top === undefined) return undefined;
  const base = top - BigInt(PT_REGS_SIZE);
  const rsp = U(m.cpu.getReg('rsp'));
  // The entry code has not finished building pt_regs while %rsp is still above its base.
  if (!(rsp <= base && rsp > top - KERNEL_STACK)) return undefined;
  const read = (f: PtRegsField): bigint => readUnsigned(mem, base + BigInt(ptRegsOffset(f)), 8) ?? 0n;
  if ((read('cs') & 3n) !== 3n) return undefined;
  return { address: base, read };
}

export function unwind(m: Machine, mem: DebugMemory, isCode: (a: bigint) => boolean): Frame[] {
  const cpu = m.cpu;
  const frames: Frame[] = [];
  const rsp = U(cpu.getReg('rsp'));
  const pc = U(cpu.getReg('rip'));
  if ((cpu.cs & 3) === 3) {
    frames.push({ pc, sp: rsp, ring: 3 });
    userFrames(mem, isCode, rsp, U(cpu.getReg('rbp')), frames);
    return frames;
  }
  frames.push({ pc, sp: rsp, ring: 0 });
  const top = kernelStackTop(m, mem);
  const inKernelStack = top !== undefined && rsp <= top && rsp > top - KERNEL_STACK;
  if (inKernelStack) kernelFrames(mem, isCode, rsp, top! - BigInt(PT_REGS_SIZE), frames);
  // The user side: pt_regs when it is complete; at the first instructions of entry_SYSCALL_64
  // (before the stack switch) the return address is still in %rcx and the user's %rsp in %rsp.
  const regs = userPtRegs(m, mem);
  if (regs) {
    const sp = regs.read('sp');
    frames.push({ pc: regs.read('ip'), sp, ring: 3, fromPtRegs: true });
    userFrames(mem, isCode, sp, regs.read('bp'), frames);
  } else if (top !== undefined && !inKernelStack && rsp < TASK_SIZE_MAX && rsp !== 0n) {
    frames.push({ pc: U(cpu.getReg('rcx')), sp: rsp, ring: 3, fromPtRegs: true });
    userFrames(mem, isCode, rsp, U(cpu.getReg('rbp')), frames);
  } else if (top !== undefined && inKernelStack && rsp > top - BigInt(PT_REGS_SIZE) && rsp <= top - 40n) {
    // Half-built pt_regs: ip and sp are the first fields the entry pushes.
    const base = top - BigInt(PT_REGS_SIZE);
    const ip = readUnsigned(mem, base + BigInt(ptRegsOffset('ip')), 8);
    const sp = readUnsigned(mem, base + BigInt(ptRegsOffset('sp')), 8);
    if (ip !== undefined && sp !== undefined) {
      frames.push({ pc: ip, sp, ring: 3, fromPtRegs: true });
      userFrames(mem, isCode, sp, U(cpu.getReg('rbp')), frames);
    }
  }
  markSites(mem, frames);
  return frames;
}

/** For the pt_regs frame of a system call: the 2-byte `syscall` or `int $0x80` before its return address. */
function markSites(mem: DebugMemory, frames: Frame[]): void {
  for (const f of frames) {
    if (!f.fromPtRegs) continue;
    const i = decodeAt(mem, f.pc - 2n);
    if (i && i.length === 2 && (i.flow === 'syscall' || (i.flow === 'int' && i.mnemonic === 'int'))) f.site = f.pc - 2n;
  }
}

/** Kernel frames from a scan of the stack between `sp` and `end` for return addresses (and `also`: ret_from_fork, where a new task starts). */
function kernelFrames(mem: DebugMemory, isCode: (a: bigint) => boolean, sp: bigint, end: bigint, out: Frame[], also?: bigint): void {
  for (let a = sp; a + 8n <= end && out.length < MAX_FRAMES; a += 8n) {
    const v = readUnsigned(mem, a, 8);
    if (v !== undefined && v >= 0xffff800000000000n && isCode(v) && (v === also || followsCall(mem, v))) out.push({ pc: v, sp: a + 8n, ring: 0, guessed: true });
  }
}

/**
 * The call stack of a task that is not running (it sleeps in schedule(), or waits for its turn):
 * its next instruction (`resume`, where schedule() continues after the switch), the kernel frames
 * found on its kernel stack from task_struct->sp, the user frame from its pt_regs, and its user
 * frames, all read in its own memory `mem`.
 */
export function sleepingFrames(t: KTask, m: Machine, mem: DebugMemory, isCode: (a: bigint) => boolean, resume: bigint | undefined): Frame[] {
  const frames: Frame[] = [];
  const top = BigInt.asUintN(64, BigInt(t.stackTop));
  const ksp = savedKernelSp(t, mem);
  if (resume !== undefined) frames.push({ pc: resume, sp: ksp, ring: 0 });
  if (ksp !== undefined && ksp <= top && ksp > top - KERNEL_STACK) kernelFrames(mem, isCode, ksp, top - BigInt(PT_REGS_SIZE), frames, m.symbol('ret_from_fork'));
  const regs = sleepingPtRegs(t, mem);
  if (regs) {
    const sp = regs.read('sp');
    frames.push({ pc: regs.read('ip'), sp, ring: 3, fromPtRegs: true });
    userFrames(mem, isCode, sp, regs.read('bp'), frames);
  }
  markSites(mem, frames);
  return frames;
}

/** User frames above the one at `sp`: the %rbp chain when it looks sound, else a scan of 4 KiB of stack. */
function userFrames(mem: DebugMemory, isCode: (a: bigint) => boolean, sp: bigint, bp: bigint, out: Frame[]): void {
  const start = out.length;
  let fp = bp;
  while (fp > sp && fp < TASK_SIZE_MAX && out.length < MAX_FRAMES) {
    const ra = readUnsigned(mem, fp + 8n, 8);
    const next = readUnsigned(mem, fp, 8);
    if (ra === undefined || next === undefined || !isCode(ra) || !followsCall(mem, ra)) break;
    out.push({ pc: ra, sp: fp + 16n, ring: 3 });
    if (next <= fp) break;
    fp = next;
  }
  if (out.length > start) return;
  for (let a = sp; a < sp + 4096n && out.length < MAX_FRAMES; a += 8n) {
    const v = readUnsigned(mem, a, 8);
    if (v === undefined) break;
    if (v > 0n && v < TASK_SIZE_MAX && isCode(v) && followsCall(mem, v)) out.push({ pc: v, sp: a + 8n, ring: 3, guessed: true });
  }
}
