// GAS front-end: macros (.macro with named, default, :req and :vararg parameters, \@, .exitm),
// loops (.rept .irp .irpc), conditionals (.if family) and .include, as GNU as 2.40 expands them.

import * as assert from 'assert';
import { brief, dataBytes, diags, parse } from './util';

const ascii = (p: ReturnType<typeof parse>): string => Buffer.from(dataBytes(p)).toString('latin1');

describe('gas front-end: macros, loops, conditionals, includes', () => {
  it('binds macro arguments like GNU as: commas or spaces, defaults, keywords, quotes, vararg', () => {
    const p = parse([
      ' .macro m a, b=7, c:vararg',
      ' .ascii "[\\a|\\b|\\c]"',
      ' .endm',
      ' m 1 2 3 4',
      ' m "x y", (1, 2)',
      ' m 1,,5',
      ' m b=3',
      ' m 1 , 2 , 3 , 4',
      ' m (1 + 2), x',
    ].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    // Bytes GNU as 2.40 produces for the same source.
    assert.strictEqual(ascii(p), '[1|2|3 4][x y|(1|2)][1|7|5][|3|][1|2|3,4][(1+2)|x|]');
  });

  it('substitutes \\() and \\@ and puts expanded statements at the macro body lines', () => {
    const p = parse([' .macro n x', ' .ascii "\\x\\()z \\@"', ' .endm', ' n q', ' n r'].join('\n'));
    assert.strictEqual(ascii(p), 'qz 0rz 1');
    assert.deepStrictEqual(brief(p), ['2:2 data1', '2:2 data1']);
  });

  it('numeric labels in a macro body are fresh at each expansion', () => {
    const p = parse(['.macro SHOW name', '.pushsection .rodata', '9: .asciz "\\name"', '.popsection', 'leaq 9b(%rip), %rsi', '.endm', 'SHOW a', 'SHOW b'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    const leas = p.stmts.filter((s) => s.kind === 'insn').map((s) => (s.kind === 'insn' && s.insn.operands[1].kind === 'mem' ? s.insn.operands[1].disp : undefined));
    assert.deepStrictEqual(leas, [{ kind: 'sym', name: '.L9\u00021' }, { kind: 'sym', name: '.L9\u00022' }]);
  });

  it('macro names are case-insensitive; one-line macros and .exitm work', () => {
    const p = parse(['.macro e ; .byte 8 ; .endm', 'E', '.macro x n', '.byte 1', '.if \\n', '.exitm', '.endif', '.byte 2', '.endm', 'x 1', 'x 0'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [8, 1, 1, 2]);
  });

  it('recursive macros terminate through .if and are bounded when they do not', () => {
    const p = parse(['.macro down n', '.byte \\n', '.if \\n', 'down "(\\n-1)"', '.endif', '.endm', 'down 3'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [3, 2, 1, 0]);
    const q = parse('.macro f\nf\n.endm\nf');
    assert.deepStrictEqual(diags(q), ['2:1: error: macros nested too deeply']);
  });

  it('reports macro argument errors with GNU as messages', () => {
    const p = parse(['.macro m a:req', '.endm', 'm', '.macro k a', '.endm', 'k 1, 2', 'k z=1', '.macro m', '.endm'].join('\n'));
    assert.deepStrictEqual(diags(p), [
      "3:1: error: Missing value for required parameter `a' of macro `m'",
      '6:1: error: too many positional arguments',
      "7:1: error: Parameter named `z' does not exist for macro `k'",
      "8:1: error: Macro `m' was already defined",
    ]);
  });

  it('expands .rept, .irp and .irpc, nested and on one line', () => {
    const p = parse(['.rept 2; .byte 5; .endr', '.irp r, 1, 2, 3', '.rept \\r', '.byte \\r', '.endr', '.endr', '.irpc c, abc', '.ascii "\\c"', '.endr', '.irp r', '.byte 9', '.endr', '.rept 0', '.byte 7', '.endr'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [5, 5, 1, 2, 2, 3, 3, 3, 97, 98, 99, 9]);
  });

  it('bounds loops and reports bad counts without running the body', () => {
    const p = parse(['.rept -1', '.byte 1', '.endr', '.rept x', '.byte 2', '.endr', '.rept 2000000', '.byte 3', '.endr', '.irp', '.endr'].join('\n'));
    assert.deepStrictEqual(diags(p), [
      '1:7: error: negative count for REPT - ignored',
      '4:7: error: bad or irreducible absolute expression',
      '7:7: error: .rept count 2000000 is too large (at most 1000000)',
      '10:5: error: missing model parameter',
    ]);
    assert.deepStrictEqual(p.stmts, []);
  });

  it('decides .if .ifdef .ifndef .ifeq .ifne .ifb .ifnb .ifc .ifnc .ifeqs .elseif .else', () => {
    const src = [
      'x = 3', 'lab:',
      '.if x - 3', '.byte 0', '.elseif x == 3', '.byte 1', '.else', '.byte 0', '.endif',
      '.ifdef lab', '.byte 2', '.endif', '.ifndef nope', '.byte 3', '.endif', '.ifdef nope', '.byte 0', '.endif',
      '.ifeq x - 3', '.byte 4', '.endif', '.ifne x', '.byte 5', '.endif', '.ifgt x', '.byte 6', '.endif', '.iflt x', '.byte 0', '.endif',
      '.ifb', '.byte 7', '.endif', '.ifnb a', '.byte 8', '.endif', '.ifc a b,a b', '.byte 9', '.endif', '.ifnc a,a', '.byte 0', '.endif',
      '.ifeqs "x", "x"', '.byte 10', '.endif', '.ifnes "x", "y"', '.byte 11', '.endif',
      '.if 0', '.if 1', '.byte 0', '.else', '.byte 0', '.endif', '.foo ignored', '.else', '.byte 12', '.endif',
    ].join('\n');
    const p = parse(src);
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('reports conditional errors and keeps nesting right after them', () => {
    const p = parse(['.else', '.endif', '.if y', '.byte 1', '.endif', '.byte 2', '.if 1', '.else', '.else', '.endif', '.if 1'].join('\n'));
    assert.deepStrictEqual(diags(p), [
      '1:1: error: ".else" without matching ".if"',
      '2:1: error: ".endif" without ".if"',
      '3:5: error: non-constant expression in ".if" statement',
      '9:1: error: ".else" after ".else"',
      '11:1: error: end of file inside conditional',
    ]);
    assert.deepStrictEqual(dataBytes(p), [2]);
  });

  it('reads .include files through the reader, with their own locations', () => {
    const p = parse('.include "defs.inc"\n.byte N\n.include "missing.inc"', 'main.s', { 'defs.inc': 'N = 5\n\n  .byte 1' });
    assert.deepStrictEqual(diags(p), ["3:10: error: can't open missing.inc for reading: No such file or directory"]);
    assert.deepStrictEqual(dataBytes(p), [1, 5]);
    assert.deepStrictEqual(p.stmts.map((s) => `${s.loc.file}:${s.loc.line}:${s.loc.col}`), ['defs.inc:1:1', 'defs.inc:3:3', 'main.s:2:1']);
    assert.deepStrictEqual(p.includes, ['defs.inc']);
    const self = parse('.include "a.s"', 'a.s', { 'a.s': '.include "a.s"' });
    assert.ok(diags(self).some((d) => d.includes('nested too deeply')));
  });

  it('.err, .error, .warning; .endm and .endr alone are warnings; unterminated bodies are errors', () => {
    const p = parse(['.err', '.error "boom"', '.warning "careful"', '.warning', '.endm', '.endr', '.macro open', '.byte 1'].join('\n'));
    assert.deepStrictEqual(diags(p), [
      '1:1: error: .err encountered',
      '2:1: error: boom',
      '3:1: warning: careful',
      '4:1: warning: .warning directive invoked in source file',
      '5:1: warning: .endm encountered without preceding .macro',
      '6:1: warning: .endr encountered without preceding .rept, .irp, or .irpc',
      '7:1: error: missing .endm',
    ]);
  });
});
