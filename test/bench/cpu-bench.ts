// CPU speed (a script, not a test): guest MIPS on a tight integer loop (add, add, dec, jnz), and the
// same loop natively (GNU as/ld, timed as a process) and under qemu-x86_64 where installed, as ratios.
// Also: a getpid loop through the whole emulated Linux (LinuxSystem), and test/corpus/hello-glibc's run time.
// Run: node out/test/bench/cpu-bench.js [iterations]

import { performance } from 'perf_hooks';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AddressSpace, PROT_EXEC, PROT_WRITE } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';
import { LinuxSystem } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';

const ITER = Number(process.argv[2] ?? 20_000_000);
const INSNS = ITER * 4 + 2; // the loop, mov and hlt

const N = new Uint8Array(4); new DataView(N.buffer).setUint32(0, ITER, true);
// mov $ITER,%ecx; 1: add %rax,%rbx; add $1,%rdx; dec %rcx; jnz 1b; hlt
const LOOP = [0xb9, ...N, 0x48, 0x01, 0xc3, 0x48, 0x83, 0xc2, 0x01, 0x48, 0xff, 0xc9, 0x75, 0xf4, 0xf4];
// mov $ITER,%ecx; mov $0x500000,%esi; mov %esi,%esp; 1: mov (%rsi),%rax; add %rax,%rbx; mov %rbx,8(%rsi);
// push %rax; pop %rdx; dec %rcx; jnz 1b; hlt
const MEMLOOP = [0xb9, ...N, 0xbe, 0x00, 0x00, 0x50, 0x00, 0x89, 0xf4, 0x48, 0x8b, 0x06, 0x48, 0x01, 0xc3, 0x48, 0x89, 0x5e, 0x08,
  0x50, 0x5a, 0x48, 0xff, 0xc9, 0x75, 0xef, 0xf4];
const MEM_INSNS = ITER * 7 + 4;

function emulated(code: number[], insns: number): number {
  const m = new AddressSpace();
  m.map(0x400000, 0x1000, PROT_EXEC);
  m.map(0x4ff000, 0x2000, PROT_WRITE);
  m.writeBytes(0x400000, Uint8Array.from(code));
  const c = new Cpu(m);
  c.rip = 0x400000;
  const t0 = performance.now();
  while (c.run(10_000_000).kind === 'budget') { /* keep going */ }
  const ms = performance.now() - t0;
  if (c.instructions !== insns) throw new Error(`executed ${c.instructions}, expected ${insns}`);
  return ms;
}

function external(cmd: string[], exe: string): number | null {
  const t0 = performance.now();
  const r = exe ? spawnSync(cmd[0], [...cmd.slice(1), exe]) : spawnSync(cmd[0]);
  return r.status === 0 ? performance.now() - t0 : null;
}

function nativeExe(dir: string): string | null {
  const s = path.join(dir, 'loop.s'), o = path.join(dir, 'loop.o'), e = path.join(dir, 'loop');
  fs.writeFileSync(s, `.globl _start\n_start: mov $${ITER}, %ecx\n1: add %rax, %rbx\n add $1, %rdx\n dec %rcx\n jnz 1b\n mov $60, %eax\n xor %edi, %edi\n syscall\n`);
  if (spawnSync('as', ['-o', o, s]).status !== 0 || spawnSync('ld', ['-o', e, o]).status !== 0) return null;
  return e;
}

/** Runs a program to its end under the emulated Linux: [ms, instructions]. */
function linux(file: string, cwd: string): [number, number] {
  const sys = LinuxSystem.fromFile(file, { argv: [file], envp: [], cwd, hostIO: new BufferHostIO() });
  const t0 = performance.now();
  const r = sys.runToEnd();
  const ms = performance.now() - t0;
  const n = sys.machine.cpu.instructions;
  sys.close();
  if (r.kind !== 'exited' || r.code !== 0) throw new Error(`${file}: ${JSON.stringify(r)}`);
  return [ms, n];
}

const GETPIDS = 1_000_000;

function syscalls(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trapdoor-bench-'));
  try {
    const s = path.join(dir, 'getpid.s');
    fs.writeFileSync(s, `.globl _start\n_start: mov $${GETPIDS}, %ebx\n1: mov $39, %eax\n syscall\n dec %ebx\n jnz 1b\n` +
      ' mov $60, %eax\n xor %edi, %edi\n syscall\n');
    linux(s, dir); // warm up
    const [ms, n] = linux(s, dir);
    console.log(`getpid loop: ${GETPIDS.toLocaleString()} calls, ${n.toLocaleString()} instructions in ${ms.toFixed(0)} ms = ` +
      `${(n / ms / 1000).toFixed(1)} MIPS, ${(ms * 1000 / GETPIDS).toFixed(2)} us per call`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const glibc = path.join(__dirname, '../../../test/corpus/hello-glibc');
  if (!fs.existsSync(path.join(glibc, 'hello-glibc'))) { console.log('hello-glibc: skipped (no binary)'); return; }
  const exe = path.join(glibc, 'hello-glibc');
  const cold = linux(exe, glibc);
  const warm = linux(exe, glibc);
  console.log(`hello-glibc: ${cold[1].toLocaleString()} instructions, ${cold[0].toFixed(0)} ms (first run), ${warm[0].toFixed(0)} ms (second)`);
}

function main(): void {
  syscalls();
  emulated(MEMLOOP, MEM_INSNS); // warm up the JIT
  const mm = Math.min(emulated(MEMLOOP, MEM_INSNS), emulated(MEMLOOP, MEM_INSNS));
  console.log(`memory/stack loop: ${MEM_INSNS.toLocaleString()} instructions in ${mm.toFixed(0)} ms = ${(MEM_INSNS / mm / 1000).toFixed(1)} MIPS`);
  emulated(LOOP, INSNS);
  const ms = Math.min(emulated(LOOP, INSNS), emulated(LOOP, INSNS));
  const mips = INSNS / ms / 1000;
  console.log(`integer loop: ${INSNS.toLocaleString()} instructions in ${ms.toFixed(0)} ms = ${mips.toFixed(1)} MIPS (goal 100)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trapdoor-bench-'));
  try {
    const exe = process.arch === 'x64' ? nativeExe(dir) : null;
    if (!exe) { console.log('native: skipped (needs as/ld on x86-64)'); return; }
    const nat = external([exe], '');
    if (nat !== null) console.log(`native: ${nat.toFixed(0)} ms (process included): emulator is ${(ms / nat).toFixed(1)}x slower`);
    const q = spawnSync('qemu-x86_64', ['--version']).status === 0 ? external(['qemu-x86_64'], exe) : null;
    if (q !== null) console.log(`qemu-x86_64: ${q.toFixed(0)} ms: emulator/qemu = ${(ms / q).toFixed(1)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
