// NASM statements: labels and local labels, equ, sections and their NASM ELF defaults, symbol
// directives, alignment, data (strings, character and float constants), reservations, times,
// struc/istruc, and the diagnostics (NASM's wording, with file:line:col).

import * as assert from 'assert';
import { diags, parse, stmts, stmtsAt } from './util';

describe('NASM front-end: statements', () => {
  it('assembles the classic hello world into labels, data, equ and instructions', () => {
    const src = [
      'section .data',
      'msg db "Hello, world", 10',
      'len equ $ - msg',
      'section .text',
      'global _start',
      '_start: mov eax, 1',
      '  mov edx, len',
      '  syscall',
    ].join('\n');
    assert.deepStrictEqual(stmtsAt(src), [
      't.asm:1:1 section .data aw progbits',
      't.asm:1:1 align 4 fill 144',
      't.asm:2:1 label msg',
      't.asm:2:5 d1 48656c6c6f2c20776f726c64 10',
      't.asm:3:1 set len ($-msg)',
      't.asm:4:1 section .text ax progbits',
      't.asm:5:1 global _start',
      't.asm:6:1 label _start',
      't.asm:6:9 mov eax,1',
      't.asm:7:3 mov edx,len',
      't.asm:8:3 syscall',
    ]);
    assert.deepStrictEqual(diags(src), []);
  });

  it('names local labels after the last non-local one; ..@ labels and equ do not change it', () => {
    const src = ['main: nop', '.a: nop', 'k equ 3', '..@x: nop', '.b: jmp .a', 'other:', '.a: dq .a, main.a'].join('\n');
    assert.deepStrictEqual(stmts(src), [
      'label main', 'nop', 'label main.a', 'nop', 'set k 3', 'label ..@x', 'nop', 'label main.b', 'jmp main.a',
      'label other', 'label other.a', 'd8 other.a main.a',
    ]);
  });

  it('takes a bare word before an instruction as a label, and warns when it is alone', () => {
    const src = ['start mov eax, 1', 'lonely', '$mov: ret', 'MOV EAX, 2'];
    assert.deepStrictEqual(stmts(src.join('\n')), ['label start', 'mov eax,1', 'label lonely', 'label mov', 'ret', 'mov eax,2']);
    assert.deepStrictEqual(diags(src.join('\n')), ['t.asm:2:1: warning: label alone on a line without a colon might be in error']);
  });

  it('gives sections NASM ELF defaults, parses attributes and bracket forms, aligns only on first entry', () => {
    const src = [
      'section .rodata', 'section .bss', 'SECTION .foo', 'section .x progbits alloc exec write align=16',
      '[section .text]', 'section .data', 'segment .tbss', 'section .comment', 'section .y nobits',
    ].join('\n');
    assert.deepStrictEqual(stmts(src), [
      'section .rodata a progbits', 'align 4 fill 144',
      'section .bss aw nobits', 'align 4 fill 0',
      'section .foo a progbits',
      'section .x awx progbits', 'align 16 fill 144',
      'section .text ax progbits',
      'section .data aw progbits', 'align 4 fill 144',
      'section .tbss awT nobits', 'align 4 fill 0',
      'section .comment  progbits',
      'section .y a nobits',
    ]);
    assert.deepStrictEqual(diags('section .text foo'), ["t.asm:1:1: warning: unknown section attribute 'foo' ignored on declaration of section `.text'"]);
  });

  it('handles global (with :function and a size), extern, common, static, bits and default rel', () => {
    const src = [
      'global main:function, tbl:data 8, x', 'extern puts, printf', 'common buf 64:8', 'static helper',
      'bits 32', '[bits 64]', 'use32', 'default rel', 'mov eax, [x]', 'default abs', 'mov eax, [x]', 'cpu x64',
    ].join('\n');
    assert.deepStrictEqual(stmts(src), [
      'global main,tbl,x', 'type main function', 'type tbl object', 'size tbl 8', 'extern puts,printf',
      'comm buf 64 8', 'local helper', 'bits 32', 'bits 64', 'bits 32', 'mov eax,rel [x]', 'mov eax,[x]',
    ]);
  });

  it('pads align with NOPs (0x90) as NASM does, even in data; alignb with zeros', () => {
    const src = ['align 8', 'align 16, db 0xcc', 'alignb 4', 'section .bss', 'align 8', 'lbl: align 4, nop'].join('\n');
    assert.deepStrictEqual(stmts(src), [
      'align 8 fill 144', 'align 16 fill 204', 'align 4 fill 0', 'section .bss aw nobits', 'align 4 fill 0',
      'align 8 fill 0', 'label lbl', 'align 4 fill 0',
    ]);
  });

  it('pads strings to whole items in dw/dd/dq and reads character constants in expressions', () => {
    const src = ["db 'a', \"bc\", `d\\te\\x41`, 0", 'dw "abc", \'a\'', "dd 'ab'+1, \"abcde\"", 'dq `a\\n`', "db ''", 'db ?, 1,'].join('\n');
    assert.deepStrictEqual(stmts(src), [
      'd1 61 6263 64096541 0', 'd2 61626300 6100', 'd4 (25185+1) 6162636465000000', 'd8 610a000000000000', 'd1 ', 'd1 00 1',
    ]);
  });

  it('encodes float constants in every width as NASM 2.16 does', () => {
    const src = [
      'db 1.5', 'dw 1.5', 'dd 1.5, -0.25, 1e10, 3.14159', 'dq 1.5, -0.25, 1e10, 3.14159', 'dt 1.5, -0.25, 1e10, 3.14159',
      'dd __Infinity__, __QNaN__, -__Infinity__, __SNaN__', 'dq 1.e5, 0x1.8p3, 1_000.5', 'dd 5.', 'dt __?Infinity?__',
    ].join('\n');
    assert.deepStrictEqual(stmts(src), [
      'd1 3c', 'd2 003e', 'd4 0000c03f 000080be f9021550 d00f4940',
      'd8 000000000000f83f 000000000000d0bf 000000205fa00242 6e861bf0f9210940',
      'd10 00000000000000c0ff3f 0000000000000080fdbf 0000000000f902952040 1d7233dc80cf0fc90040',
      'd4 0000807f 0000c07f 000080ff 0100807f', 'd8 00000000006af840 0000000000002840 0000000000448f40', 'd4 0000a040',
      'd10 0000000000000080ff7f',
    ]);
  });

  it('reserves with resb..reso and repeats with times (count may use $ and $$)', () => {
    const src = ['buf resb 64', 'resw 2', 'resq n', 'rest 1', 'reso 1', 'times 510-($-$$) db 0', 'times 3 nop', 'x: times 2 times 2 dw 1'].join('\n');
    assert.deepStrictEqual(stmts(src), [
      'label buf', 'space 64', 'space (2*2)', 'space (n*8)', 'space (1*10)', 'space (1*16)',
      'times (510-($-$$)) d1 0', 'times 3 nop', 'label x', 'times 2 times 2 d2 1',
    ]);
  });

  it('lays out struc as constants and istruc/at/iend as zero padding', () => {
    const src = [
      'struc point', '.x: resd 1', '.y: resd 1', '.name: resb 10', 'endstruc', 'section .data',
      'p: istruc point', 'at point.y, dd 7', 'iend', 'mov eax, point_size',
    ].join('\n');
    const out = stmts(src);
    assert.deepStrictEqual(out.slice(0, 5), ['set point 0', 'set point.x 0', 'set point.y 4', 'set point.name 8', 'set point_size 18']);
    assert.deepStrictEqual(out.slice(7), [
      'label p', 'label .L@istruc1', 'times ((point.y-point)-($-.L@istruc1)) d1 0', 'd4 7',
      'times (point_size-($-.L@istruc1)) d1 0', 'mov eax,point_size',
    ]);
  });

  it('reports errors with NASM wording at file:line:col and goes on with the next line', () => {
    const src = [
      'foo bar', 'equ 5', 'x equ', 'db 1+', '%foo', 'dt 5', 'org 100h', 'mov eax, 1', 'times', '[frob]', 'db "abc',
    ].join('\n');
    assert.deepStrictEqual(diags(src), [
      't.asm:11:1: warning: unterminated string (missing `"\')',
      't.asm:1:5: error: parser: instruction expected',
      't.asm:2:1: error: EQU not preceded by label',
      't.asm:3:1: error: bad syntax for EQU',
      't.asm:4:4: error: expression syntax error',
      't.asm:5:1: error: label or instruction expected at start of line',
      't.asm:6:1: error: integer supplied as 80-bit data',
      't.asm:7:5: error: parser: instruction expected',
      't.asm:9:6: error: expression syntax error',
      't.asm:10:1: error: unrecognised directive [frob]',
      't.asm:11:4: error: expression syntax error',
    ]);
    assert.ok(parse(src).stmts.some((s) => s.kind === 'insn' && s.loc.line === 8), 'the valid line 8 is still parsed');
  });

  it('passes instruction errors from the Intel parser through with their column', () => {
    const d = diags('  mov eax, [rax');
    assert.strictEqual(d.length, 1);
    assert.match(d[0], /^t\.asm:1:\d+: error: /);
  });
});
