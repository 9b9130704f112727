// GAS front-end: how lines become statements — comments, `;`, labels, numeric local labels,
// assignments, sections and symbol directives — with the locations gdb and diagnostics use.

import * as assert from 'assert';
import { Expr } from '../../../emulator/asm/expr';
import { brief, dataBytes, diags, parse } from './util';

describe('gas front-end: lines, labels, sections, symbols', () => {
  it('drops # and /* */ comments (also across lines) but not inside strings', () => {
    const p = parse(['.byte 1 # .byte 2', '/* .byte 3', '.byte 4 */ .byte 5', '.ascii "#x/*y*/"', ".byte '#"].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [1, 5, ...Buffer.from('#x/*y*/'), 35]);
    assert.deepStrictEqual(brief(p).map((s) => s.split(' ')[0]), ['1:1', '3:12', '4:1', '5:1']);
  });

  it('splits statements at ; outside strings, each with its own column', () => {
    const p = parse('  nop; .byte 7 ;.ascii "a;b"');
    assert.deepStrictEqual(brief(p), ['1:3 insn nop', '1:8 data1', '1:17 data1']);
    assert.deepStrictEqual(dataBytes(p), [7, 97, 59, 98]);
  });

  it('takes several labels off one line, then the instruction', () => {
    const p = parse('a: b:\tc: nop\n.Lx: ret');
    assert.deepStrictEqual(brief(p), ['1:1 label a', '1:4 label b', '1:7 label c', '1:10 insn nop', '2:1 label .Lx', '2:6 insn ret']);
  });

  it('renames numeric local labels to unique .L names and resolves 1b/1f in any operand', () => {
    const p = parse(['1: jmp 1f', '1: jmp 1b', '.quad 1b, 1f + 2, 2f', '1: 2:', 'lea 1b(%rip), %rax'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    const labels = p.stmts.filter((s) => s.kind === 'label').map((s) => (s.kind === 'label' ? s.name : ''));
    assert.deepStrictEqual(labels, ['.L1\u00021', '.L1\u00022', '.L1\u00023', '.L2\u00021']);
    const jmp = (i: number): Expr => {
      const s = p.stmts[i];
      assert.ok(s.kind === 'insn' && s.insn.operands[0].kind === 'imm');
      return s.insn.operands[0].expr;
    };
    assert.deepStrictEqual(jmp(1), { kind: 'sym', name: '.L1\u00022' });
    assert.deepStrictEqual(jmp(3), { kind: 'sym', name: '.L1\u00022' });
    const data = p.stmts[4];
    assert.ok(data.kind === 'data');
    assert.deepStrictEqual(data.items[0], { kind: 'sym', name: '.L1\u00022' });
    assert.deepStrictEqual(data.items[2], { kind: 'sym', name: '.L2\u00021' });
    const lea = p.stmts[7];
    assert.ok(lea.kind === 'insn' && lea.insn.operands[1].kind === 'mem');
    assert.deepStrictEqual(lea.insn.operands[1].disp, { kind: 'sym', name: '.L1\u00023' });
  });

  it('reports local labels that are referenced but never defined, like GNU as', () => {
    const p = parse('jmp 3f\n.byte 4b');
    assert.deepStrictEqual(diags(p), [
      '2:7: error: backward ref to unknown label "4:"',
      '1:1: error: local label `"3" (instance number 1 of a fb label)\' is not defined',
    ]);
  });

  it('reads name = expr, .set, .equ as assignments and knows their constants', () => {
    const p = parse('x = 4\ny=x*2\n.set z, y+1\n.equ w, .\n.if z == 9\n.byte z\n.endif');
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(brief(p), ['1:1 set x', '2:1 set y', '3:1 set z', '4:1 set w', '6:1 data1']);
  });

  it('.equiv refuses a name already defined', () => {
    const p = parse('a: .equiv a, 1\n.equiv b, 2\n.equiv b, 3');
    assert.deepStrictEqual(diags(p), ["1:4: error: symbol `a' is already defined", "3:1: error: symbol `b' is already defined"]);
  });

  it('switches sections with .text/.data/.bss/.section and keeps flags and type', () => {
    const p = parse(['.data', '.section .rodata', '.section .text.x,"ax",@progbits', '.section "odd name", "aw", %nobits', '.bss', '.section .note.GNU-stack,"",@progbits'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(brief(p), ['1:1 section .data', '2:1 section .rodata', '3:1 section .text.x ax progbits', '4:1 section odd name aw nobits', '5:1 section .bss']);
  });

  it('.pushsection/.popsection and .previous return to the right section', () => {
    const p = parse(['.data', '.pushsection .rodata', '.byte 1', '.popsection', '.text', '.previous'].join('\n'));
    assert.deepStrictEqual(brief(p), ['1:1 section .data', '2:1 section .rodata', '3:1 data1', '4:1 section .data', '5:1 section .text', '6:1 section .data']);
    assert.deepStrictEqual(diags(parse('.popsection')), ['1:1: error: .popsection without corresponding .pushsection; ignored']);
  });

  it('records symbol directives: .globl .global .local .weak .type .size; .extern and .hidden change nothing', () => {
    const p = parse(['.globl a, b', '.global c', '.local d', '.weak e', '.type a, @function', '.type b, %object', '.type c, "function"', '.type d, STT_OBJECT', '.size a, . - a', '.extern f', '.hidden a'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(brief(p), ['1:1 global a,b', '2:1 global c', '3:1 local d', '4:1 weak e', '5:1 type a function', '6:1 type b object', '7:1 type c function', '8:1 type d object', '9:1 size']);
  });

  it('ignores what compilers emit for debuggers and tools', () => {
    const p = parse(['.file "a.c"', '.file 1 "a.c"', '.loc 1 2 3', '.cfi_startproc', '.cfi_def_cfa_offset 16', '.ident "GCC"', '.addrsig', '.cfi_endproc'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(p.stmts, []);
  });

  it('switches modes: .code32/.code64, .intel_syntax noprefix, .att_syntax', () => {
    const p = parse(['.code32', '.code64', '.intel_syntax noprefix', 'mov eax, [rbx+8]', '.att_syntax prefix', 'movl 8(%rbx), %eax'].join('\n'));
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(brief(p), ['1:1 bits 32', '2:1 bits 64', '4:1 insn mov', '6:1 insn mov']);
    const [a, b] = p.stmts.slice(2);
    assert.ok(a.kind === 'insn' && b.kind === 'insn');
    assert.deepStrictEqual(a.insn.operands, b.insn.operands);
    assert.deepStrictEqual(diags(parse('.intel_syntax foo')), ['1:15: error: bad argument to syntax directive.']);
  });

  it('joins a prefix on its own line or before ; to the next instruction, at the prefix line', () => {
    const p = parse('rep\nmovsb\nrep; stosb\nlock\n incl (%rax)\nrep\n.byte 1');
    assert.deepStrictEqual(diags(p), ["6:1: error: prefix `rep' must be followed by an instruction"]);
    assert.deepStrictEqual(brief(p), ['1:1 insn movsb', '3:1 insn stosb', '4:1 insn inc', '7:1 data1']);
    assert.deepStrictEqual(p.stmts.slice(0, 3).map((s) => (s.kind === 'insn' ? s.insn.prefixes : [])), [['rep'], ['rep'], ['lock']]);
  });

  it('reports every bad line with file:line:col and goes on', () => {
    const p = parse(['.foo 1', '.byte 1 2', '.ascii "abc', 'nop', '.section', '.set x', '.size f', '.type f, @bogus', '.globl 1x', '.ascii abc'].join('\n'));
    assert.deepStrictEqual(diags(p), [
      "1:1: error: unknown pseudo-op: `.foo'",
      "2:9: error: junk at end of line, first unrecognized character is `2'",
      '3:8: error: unterminated string',
      '5:9: error: missing name',
      '6:7: error: expected comma after "x"',
      "7:8: error: expected comma after name `f' in .size directive",
      '8:10: error: unrecognized symbol type "bogus"',
      '9:8: error: expected symbol name',
      "10:8: error: junk at end of line, first unrecognized character is `a'",
    ]);
    assert.deepStrictEqual(brief(p), ['4:1 insn nop']);
  });

  it('stops reading at .end', () => {
    assert.deepStrictEqual(dataBytes(parse('.byte 1\n.end\n.byte 2')), [1]);
  });
});
