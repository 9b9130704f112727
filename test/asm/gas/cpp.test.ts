// GAS front-end, `.S` files: the C preprocessor runs first (#include, #define with arguments,
// # and ##, #if/#elif/#else with defined()), and lines still point at the real source (columns
// are those of the expanded text).

import * as assert from 'assert';
import { brief, dataBytes, diags, parse } from './util';

describe('gas front-end: .S files through the C preprocessor', () => {
  it('expands object-like and function-like macros, # and ##, also after $ and %', () => {
    const src = ['#define N 5', '#define SYS(n) mov $n, %eax; syscall', '#define CAT(a, b) a##b', '#define STR(x) #x', '#define REG rbx',
      '.byte N', 'CAT(my, label): SYS(60)', '.ascii STR(hi there)', 'push %REG'].join('\n');
    const p = parse(src, 'k.S');
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(brief(p), ['6:1 data1', '7:1 label mylabel', '7:10 insn mov', '7:25 insn syscall', '8:1 data1', '9:1 insn push']);
    assert.deepStrictEqual(dataBytes(p), [5, ...Buffer.from('hi there')]);
    const mov = p.stmts[2];
    assert.ok(mov.kind === 'insn' && mov.insn.operands[1].kind === 'imm');
    assert.deepStrictEqual(mov.insn.operands[1].expr, { kind: 'num', value: 60n });
  });

  it('decides #if/#ifdef/#ifndef/#elif/#else with defined() and integer expressions', () => {
    const src = ['#define A 3', '#if defined(A) && A > 2', '.byte 1', '#elif 1', '.byte 0', '#endif', '#ifndef B', '.byte 2', '#else', '.byte 0', '#endif',
      '#if B + 0 == 0 && (0x10UL >> 4) == 1', '.byte 3', '#endif', '#ifdef __x86_64__', '.byte 4', '#endif', '#ifdef __ASSEMBLER__', '.byte 5', '#endif',
      '#undef A', '#if defined A', '.byte 0', '#else', '.byte 6', '#endif'].join('\n');
    const p = parse(src, 'c.S');
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [1, 2, 3, 4, 5, 6]);
  });

  it('includes headers through the reader and keeps their file and line', () => {
    const p = parse('#include "defs.h"\n.byte VAL\n#include <missing.h>', 'main.S', { 'defs.h': '/* header */\n#define VAL 7\n.byte 1' });
    assert.deepStrictEqual(diags(p), ['3:1: error: missing.h: No such file or directory']);
    assert.deepStrictEqual(p.stmts.map((s) => `${s.loc.file}:${s.loc.line}`), ['defs.h:3', 'main.S:2']);
    assert.deepStrictEqual(dataBytes(p), [1, 7]);
    assert.deepStrictEqual(p.includes, ['defs.h']);
  });

  it('treats other # lines as comments, strips C comments, joins backslash lines and keeps line numbers', () => {
    const src = ['# a comment line', '#define TWO \\', '  2', '/* multi', '   line */ .byte TWO // trailing', '.byte 3 # gas comment'].join('\n');
    const p = parse(src, 'x.S');
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [2, 3]);
    assert.deepStrictEqual(p.stmts.map((s) => s.loc.line), [5, 6]);
  });

  it('reports preprocessor errors and does not expand recursive macros forever', () => {
    const p = parse('#else\n#endif\n#error stop here\n#define X X + 1\n.byte X\n#if\n#endif\n#if 1', 'e.S');
    assert.deepStrictEqual(diags(p).filter((d) => !d.includes('X')), ['1:1: error: #else without #if', '2:1: error: #endif without #if', '3:1: error: #error stop here', '6:1: error: #if with no expression', '8:1: error: unterminated #if']);
  });

  it('leaves .s files alone: # lines there are just comments', () => {
    const p = parse('#define N 5\n.byte 1', 'plain.s');
    assert.deepStrictEqual(dataBytes(p), [1]);
  });
});
