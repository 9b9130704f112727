// The differential-test harness: builds one native program running many cases (each: load GPRs,
// RFLAGS, XMMs and a scratch buffer from a table, run a sequence, store the state with MXCSR and the
// x87 status word), runs it natively
// and in the emulator (bare mode, user CPL), and compares the stored state case by case.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AddressSpace } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';
import { loadElf } from './elf-loader';
import { SCRATCH } from './gen';

export interface Case { regs: bigint[]; flags: number; xmm: bigint[]; scratch: Uint8Array; body: string[][]; }

const GPRS = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14'];
export const OUT_SIZE = 16 * 8 + 8 + 16 * 16 + SCRATCH; // GPRs (rsp, r15 slots zero), RFLAGS, XMM, scratch
export const FLAG_NAMES: [number, string][] = [[1, 'CF'], [4, 'PF'], [0x10, 'AF'], [0x40, 'ZF'], [0x80, 'SF'], [0x800, 'OF'], [0x400, 'DF']];

function hex(v: bigint): string { return '0x' + BigInt.asUintN(64, v).toString(16); }

export function programSource(cases: Case[]): string {
  const L: string[] = ['.text', '.globl _start', '_start:'];
  cases.forEach((c, k) => {
    L.push(`case_${k}:`, `  lea stack_top(%rip), %rsp`, `  lea init_${k}(%rip), %rsi`, `  lea scratch(%rip), %rdi`,
      `  mov $${SCRATCH}, %ecx`, `  cld`, `  rep movsb`, `  fninit`, `  ldmxcsr mxcsr_default(%rip)`);
    for (let x = 0; x < 16; x++) L.push(`  movdqu xmm_${k}+${x * 16}(%rip), %xmm${x}`);
    L.push(`  pushq $${hex(BigInt(c.flags))}`, `  popfq`);
    GPRS.forEach((r, i) => L.push(`  movabs $${hex(c.regs[i])}, %${r}`));
    L.push(`  lea scratch(%rip), %r15`);
    for (const line of c.body.flat()) L.push(line.endsWith(':') ? line : '  ' + line);
    // MXCSR goes in the RSP slot and the x87 status word in the R15 slot (both otherwise zero).
    L.push(`  pushfq`, `  pushq %rax`, `  lea out_${k}(%rip), %rax`, `  stmxcsr 32(%rax)`, `  fnstsw 120(%rax)`);
    GPRS.forEach((r, i) => { if (r !== 'rax') L.push(`  mov %${r}, ${[0, 3, 1, 2, 6, 7, 5, 8, 9, 10, 11, 12, 13, 14][i] * 8}(%rax)`); });
    L.push(`  popq %rbx`, `  mov %rbx, 0(%rax)`, `  popq %rbx`, `  mov %rbx, 128(%rax)`);
    for (let x = 0; x < 16; x++) L.push(`  movdqu %xmm${x}, ${136 + x * 16}(%rax)`);
    L.push(`  lea scratch(%rip), %rsi`, `  lea ${136 + 256}(%rax), %rdi`, `  mov $${SCRATCH}, %ecx`, `  cld`, `  rep movsb`);
  });
  L.push('end_marker:', '  mov $1, %eax', '  mov $1, %edi', '  lea out_0(%rip), %rsi', `  mov $${OUT_SIZE * cases.length}, %edx`, '  syscall',
    '  mov $60, %eax', '  xor %edi, %edi', '  syscall');
  L.push('.data', '.balign 16', 'mxcsr_default: .long 0x1f80');
  cases.forEach((c, k) => {
    L.push(`init_${k}: .byte ${Array.from(c.scratch).join(',')}`);
    L.push(`xmm_${k}: .quad ${c.xmm.map(hex).join(',')}`);
  });
  L.push('.bss', '.balign 16', 'scratch: .skip ' + SCRATCH, 'stack: .skip 4096', 'stack_top:');
  cases.forEach((_, k) => L.push(`out_${k}: .skip ${OUT_SIZE}`));
  return L.join('\n') + '\n';
}

export interface BuildResult { exe: string; error?: string; }

export function build(dir: string, name: string, src: string): BuildResult {
  const s = path.join(dir, name + '.s'), o = path.join(dir, name + '.o'), exe = path.join(dir, name);
  fs.writeFileSync(s, src);
  const a = spawnSync('as', ['--64', '-o', o, s], { encoding: 'utf8' });
  if (a.status !== 0) return { exe, error: a.stderr };
  const l = spawnSync('ld', ['-static', '-o', exe, o], { encoding: 'utf8' });
  if (l.status !== 0) return { exe, error: l.stderr };
  return { exe };
}

export function runNative(exe: string): Uint8Array {
  const r = spawnSync(exe, [], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`native run failed: status ${r.status} signal ${r.signal}`);
  return new Uint8Array(r.stdout);
}

export interface EmuResult { out: Uint8Array; stop: string; instructions: number; }

/** `jitThreshold`: block executions before compiling to JS (0: every block compiled, Infinity: closures only). */
export function runEmulated(exe: string, ncases: number, budget = 50_000_000, jitThreshold?: number): EmuResult {
  const file = new Uint8Array(fs.readFileSync(exe));
  const mem = new AddressSpace();
  const elf = loadElf(mem, file);
  const cpu = new Cpu(mem);
  if (jitThreshold !== undefined) cpu.jitThreshold = jitThreshold;
  cpu.setReg('cs', 0x33n); cpu.setReg('ss', 0x2bn);
  cpu.setRflags(0x202);
  cpu.rip = elf.entry;
  // The program ends with a write syscall: in bare mode (no LSTAR) it faults, after every case stored its state.
  let stop = '';
  for (;;) {
    const r = cpu.run(1_000_000);
    if (r.kind !== 'budget') { stop = JSON.stringify(r) + ` at 0x${cpu.rip.toString(16)}`; break; }
    if (cpu.instructions > budget) { stop = 'budget exhausted'; break; }
  }
  const out = mem.readBytes(elf.symbols.get('out_0')!, OUT_SIZE * ncases);
  if (cpu.lastInternalError !== null) stop += ` (internal error: ${String(cpu.lastInternalError)})`;
  return { out, stop, instructions: cpu.instructions };
}
