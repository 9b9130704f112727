// The compatibility-mode differential harness: one i386 program (as --32, ld -m elf_i386) runs many
// cases (each: load the GPRs, EFLAGS and a scratch buffer, run a sequence, store the state), natively
// on this x86-64 host (which runs ia32 binaries) and in the emulator in bare mode with CS = __USER32_CS,
// and the stored states are compared case by case.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AddressSpace, PROT_USER, PROT_WRITE, PROT_EXEC } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';
import { readElf } from '../../emulator/elf/reader';
import { PT_LOAD, PF_W, PF_X } from '../../emulator/elf/types';
import { SCRATCH32 } from './gen32';

export interface Case32 { regs: number[]; flags: number; scratch: Uint8Array; body: string[][]; }

/** The six registers a case loads (EBP holds the scratch buffer's address, ESP the stack). */
export const GPRS32 = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi'];
/** Stored per case: eax ecx edx ebx esp ebp esi edi (hardware order), EFLAGS, then the scratch buffer. */
export const OUT32 = 8 * 4 + 4 + SCRATCH32;
export const NAMES32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];

export function programSource32(cases: Case32[]): string {
  const L: string[] = ['.text', '.globl _start', '_start:'];
  cases.forEach((c, k) => {
    L.push(`case_${k}:`, '  movl $stack_top, %esp', `  movl $init_${k}, %esi`, '  movl $scratch, %edi',
      `  movl $${SCRATCH32}, %ecx`, '  cld', '  rep movsb', `  pushl $0x${c.flags.toString(16)}`, '  popfl');
    GPRS32.forEach((r, i) => L.push(`  movl $0x${(c.regs[i] >>> 0).toString(16)}, %${r}`));
    L.push('  movl $scratch, %ebp');
    for (const line of c.body.flat()) L.push(line.endsWith(':') ? line : '  ' + line);
    L.push('  pushfl', '  pushl %eax', `  movl $out_${k}, %eax`, '  movl %ecx, 4(%eax)', '  movl %edx, 8(%eax)', '  movl %ebx, 12(%eax)',
      '  leal 8(%esp), %ecx', '  movl %ecx, 16(%eax)', '  movl %ebp, 20(%eax)', '  movl %esi, 24(%eax)', '  movl %edi, 28(%eax)',
      '  popl %ebx', '  movl %ebx, 0(%eax)', '  popl %ebx', '  movl %ebx, 32(%eax)',
      '  movl $scratch, %esi', '  leal 36(%eax), %edi', `  movl $${SCRATCH32}, %ecx`, '  cld', '  rep movsb');
  });
  // write(1, out_0, size) and exit(0) through int $0x80: in bare mode (no IDT) the first int stops the emulator.
  L.push('end_marker:', '  movl $4, %eax', '  movl $1, %ebx', '  movl $out_0, %ecx', `  movl $${OUT32 * cases.length}, %edx`, '  int $0x80',
    '  movl $1, %eax', '  xorl %ebx, %ebx', '  int $0x80');
  L.push('.data', '.balign 16');
  cases.forEach((c, k) => L.push(`init_${k}: .byte ${Array.from(c.scratch).join(',')}`));
  L.push('.bss', '.balign 16', `scratch: .skip ${SCRATCH32}`, 'stack: .skip 4096', 'stack_top:');
  cases.forEach((_, k) => L.push(`out_${k}: .skip ${OUT32}`));
  return L.join('\n') + '\n';
}

export function build32(dir: string, name: string, src: string): { exe: string; error?: string } {
  const s = path.join(dir, name + '.s'), o = path.join(dir, name + '.o'), exe = path.join(dir, name);
  fs.writeFileSync(s, src);
  const a = spawnSync('as', ['--32', '-o', o, s], { encoding: 'utf8' });
  if (a.status !== 0) return { exe, error: a.stderr };
  const l = spawnSync('ld', ['-m', 'elf_i386', '-static', '-o', exe, o], { encoding: 'utf8' });
  if (l.status !== 0) return { exe, error: l.stderr };
  return { exe };
}

/** Runs the program natively: undefined when this host cannot run i386 executables. */
export function runNative32(exe: string): Uint8Array | undefined {
  const r = spawnSync(exe, [], { maxBuffer: 1 << 28 });
  if (r.error || r.status !== 0) return undefined;
  return new Uint8Array(r.stdout);
}

/** Maps an ELF32 executable's PT_LOAD segments as user pages (test-only loader). */
function load32(mem: AddressSpace, file: Uint8Array): { entry: number; symbols: Map<string, number> } {
  const elf = readElf(file);
  for (const s of elf.segments) {
    if (s.type !== PT_LOAD) continue;
    const vaddr = Number(s.vaddr), memsz = Number(s.memsz), filesz = Number(s.filesz);
    let prot = PROT_USER;
    if (s.flags & PF_W) prot |= PROT_WRITE;
    if (s.flags & PF_X) prot |= PROT_EXEC;
    for (let a = Math.floor(vaddr / 4096) * 4096; a < vaddr + memsz; a += 4096) {
      const old = mem.pageAt(a);
      if (old) old.prot |= prot; else mem.map(a, 4096, prot);
    }
    mem.writeBytes(vaddr, file.subarray(s.offset, s.offset + filesz));
  }
  return { entry: Number(elf.entry), symbols: new Map(elf.symbols.map((s) => [s.name, Number(s.value)])) };
}

export interface EmuResult32 { out: Uint8Array; stop: string; instructions: number; }

/** Runs in bare mode as a compatibility-mode process (CS = __USER32_CS, SS/DS/ES = __USER_DS). */
export function runEmulated32(exe: string, ncases: number, jitThreshold?: number, budget = 50_000_000): EmuResult32 {
  const file = new Uint8Array(fs.readFileSync(exe));
  const mem = new AddressSpace();
  const elf = load32(mem, file);
  const cpu = new Cpu(mem);
  if (jitThreshold !== undefined) cpu.jitThreshold = jitThreshold;
  cpu.setReg('cs', 0x23n); cpu.setReg('ss', 0x2bn); cpu.setReg('ds', 0x2bn); cpu.setReg('es', 0x2bn);
  cpu.setRflags(0x202);
  cpu.rip = elf.entry;
  let stop = '';
  for (;;) {
    const r = cpu.run(1_000_000);
    if (r.kind !== 'budget') { stop = JSON.stringify(r) + ` at 0x${cpu.rip.toString(16)}`; break; }
    if (cpu.instructions > budget) { stop = 'budget exhausted'; break; }
  }
  const out = mem.readBytes(elf.symbols.get('out_0')!, OUT32 * ncases);
  if (cpu.lastInternalError !== null) stop += ` (internal error: ${String(cpu.lastInternalError)})`;
  return { out, stop, instructions: cpu.instructions };
}
