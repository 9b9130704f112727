// `npm run bench`: speed figures, printed as a table. Not a test: nothing here fails on timing.
// Assembler: a generated 10,000-line GAS source and the same in NASM syntax, cold (first call,
// including building the instruction tables) and warm (median of repeated runs). Machine: the
// kernel build and whole programs from boot to exit. The CPU's MIPS are in cpu-bench.ts.

import { performance } from 'perf_hooks';
import * as path from 'path';
import { assembleProgram } from '../../emulator/asm/index';
import { buildKernel } from '../../emulator/kernel/build';
import { BufferHostIO } from '../../emulator/kernel/native';
import { LinuxSystem } from '../../emulator/linux';

function gasSource(lines: number): string {
  const out = ['        .text', '        .globl _start', '_start:'];
  const body = [
    'mov $1, %eax', 'add %rbx, %rcx', 'lea 8(%rsp,%rax,4), %rdx', 'movq 16(%rbp), %r12', 'cmp $100, %r8d',
    'jne 1f', 'xor %edi, %edi', 'movzbl (%rsi), %eax', 'imul $12, %rdx, %rdx', '1: shl $3, %r9',
    'movdqu (%rdi), %xmm1', 'paddd %xmm1, %xmm0', 'call helper', 'test %eax, %eax', 'je 1b',
  ];
  for (let b = 0; out.length + body.length + 1 < lines - 5; b++) {
    out.push(`blk${b}:`, ...body.map((l) => '        ' + l));
  }
  out.push('helper: ret', '        .data', 'msg: .ascii "Hello, world\\n"', '        len = . - msg', '        .quad msg, len');
  return out.join('\n') + '\n';
}

function nasmSource(lines: number): string {
  const out = ['        section .text', '        global _start', '_start:'];
  const body = [
    'mov eax, 1', 'add rcx, rbx', 'lea rdx, [rsp+rax*4+8]', 'mov r12, [rbp+16]', 'cmp r8d, 100',
    'jne .n', 'xor edi, edi', 'movzx eax, byte [rsi]', 'imul rdx, rdx, 12', '.n: shl r9, 3',
    'movdqu xmm1, [rdi]', 'paddd xmm0, xmm1', 'call helper', 'test eax, eax', 'je .n',
  ];
  // Whole blocks only, so every `.n` reference has its label in the same block.
  for (let b = 0; out.length + body.length + 1 < lines - 5; b++) {
    out.push(`blk${b}:`, ...body.map((l) => '        ' + l));
  }
  out.push('helper: ret', '        section .data', 'msg: db "Hello, world", 10', 'len equ $ - msg', '        dq msg, len');
  return out.join('\n') + '\n';
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function benchAssembler(name: string, file: string, text: string): void {
  const lines = text.split('\n').length - 1;
  let ok = true;
  const cold = time(() => {
    const r = assembleProgram([{ path: file, text }]);
    if (!r.image) {
      ok = false;
      console.error(r.diagnostics.slice(0, 5));
    }
  });
  const warm: number[] = [];
  for (let i = 0; i < 7; i++) warm.push(time(() => assembleProgram([{ path: file, text }])));
  const m = median(warm);
  console.log(`${name.padEnd(34)} ${String(lines).padStart(6)} lines  cold ${cold.toFixed(0).padStart(5)} ms  warm ${m.toFixed(0).padStart(5)} ms  ${Math.round((lines / m) * 1000).toLocaleString('en-US').padStart(9)} lines/s${ok ? '' : '  (ERRORS)'}`);
}

console.log('Trapdoor benchmarks (node ' + process.version + ')');
benchAssembler('assemble+link GAS source', 'bench.s', gasSource(10000));
benchAssembler('assemble+link NASM source', 'bench.asm', nasmSource(10000));

// The machine: building the kernel image (once per process), then whole programs from boot to exit.

function benchProgram(name: string, file: string): void {
  const io = new BufferHostIO();
  let insns = 0;
  const ms = time(() => {
    const sys = LinuxSystem.fromFile(file, { argv: [file], envp: [], cwd: path.dirname(file), hostIO: io });
    const r = sys.runToEnd(1e9);
    insns = sys.machine.cpu.instructions;
    if (r.kind !== 'exited') console.error(`${name}: ${JSON.stringify(r)}`);
  });
  console.log(`${name.padEnd(34)} ${insns.toLocaleString('en-US').padStart(12)} insns  ${ms.toFixed(0).padStart(6)} ms  ${(insns / ms / 1000).toFixed(1).padStart(6)} MIPS (boot and exit included)`);
}

const root = path.resolve(__dirname, '..', '..', '..');
console.log(`${'kernel image build (cold)'.padEnd(34)} ${time(() => buildKernel()).toFixed(0).padStart(25)} ms`);
benchProgram('run examples/hello.s', path.join(root, 'examples', 'hello.s'));
benchProgram('run corpus hello-glibc (gcc -static)', path.join(root, 'test', 'corpus', 'hello-glibc', 'hello-glibc'));
benchProgram('run corpus arith-flags', path.join(root, 'test', 'corpus', 'arith-flags', 'arith-flags'));
benchProgram('run corpus simd', path.join(root, 'test', 'corpus', 'simd', 'simd'));
