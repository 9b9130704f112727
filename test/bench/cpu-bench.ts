// CPU speed (a script, not a test): guest MIPS on a tight integer loop (add, add, dec, jnz), and the
// same loop natively (GNU as/ld, timed as a process) and under qemu-x86_64 where installed, as ratios.
// Run: node out/test/bench/cpu-bench.js [iterations]

import { performance } from 'perf_hooks';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AddressSpace, PROT_EXEC } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';

const ITER = Number(process.argv[2] ?? 20_000_000);
const INSNS = ITER * 4 + 2; // the loop, mov and hlt

function emulated(): number {
  const m = new AddressSpace();
  m.map(0x400000, 0x1000, PROT_EXEC);
  const n = new Uint8Array(4); new DataView(n.buffer).setUint32(0, ITER, true);
  // mov $ITER,%ecx; 1: add %rax,%rbx; add $1,%rdx; dec %rcx; jnz 1b; hlt
  m.writeBytes(0x400000, Uint8Array.from([0xb9, ...n, 0x48, 0x01, 0xc3, 0x48, 0x83, 0xc2, 0x01, 0x48, 0xff, 0xc9, 0x75, 0xf4, 0xf4]));
  const c = new Cpu(m);
  c.rip = 0x400000;
  const t0 = performance.now();
  while (c.run(10_000_000).kind === 'budget') { /* keep going */ }
  const ms = performance.now() - t0;
  if (c.instructions !== INSNS) throw new Error(`executed ${c.instructions}, expected ${INSNS}`);
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

function main(): void {
  emulated(); // warm up the JIT
  const ms = Math.min(emulated(), emulated());
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
