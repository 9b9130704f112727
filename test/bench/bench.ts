// `npm run bench`: speed figures, printed as a table. Not a test: nothing here fails on timing.
// Assembler: a generated 10,000-line GAS source and the same in NASM syntax, cold (first call,
// including building the instruction tables) and warm (median of repeated runs).

import { performance } from 'perf_hooks';
import { assembleProgram } from '../../emulator/asm/index';

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
