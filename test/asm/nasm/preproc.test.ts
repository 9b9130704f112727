// The NASM preprocessor: single-line macros (%define family, %assign, %strlen, %+), multi-line
// macros (parameters, defaults, greedy, %%labels, %rotate, labels before calls), %rep/%exitrep,
// conditionals, %include through the reader, line continuation, and its diagnostics.

import * as assert from 'assert';
import { diags, parse, stmts, stmtsAt } from './util';

describe('NASM front-end: preprocessor', () => {
  it('expands %define with parameters, case rules, %idefine, %xdefine, %assign, %undef', () => {
    const src = [
      '%define SQ(x) ((x)*(x))', '%define Sq 5', '%idefine Foo 9', '%assign i 1', '%xdefine xx i', '%assign i i+10',
      'db SQ(3), Sq, sq, FOO, foo, xx, i', '%undef Sq', 'db Sq',
    ].join('\n');
    assert.deepStrictEqual(stmts(src), ['d1 (3*3) 5 sq 9 9 1 11', 'd1 Sq']);
  });

  it('pastes tokens with %+, measures strings with %strlen, and takes -D style defines', () => {
    const src = ['%define cat(a,b) a %+ b', 'cat(la, b2): db 0', '%strlen L "hello"', '%substr S "hello" 2, 3', 'db L, S, VER'].join('\n');
    const p = parse(src, {}, { defines: { VER: '7' } });
    assert.deepStrictEqual(p.stmts.slice(2).map((s) => s.kind + (s.kind === 'label' ? ' ' + s.name : '')), ['label lab2', 'data', 'data']);
    assert.deepStrictEqual(stmts(src.replace('VER', '3')).slice(2), ['d1 5 656c6c 3']);
  });

  it('expands multi-line macros with %0, defaults, greedy parameters, braces and %%labels', () => {
    const src = [
      '%macro pr 1-3 7, 8', '  db %0, %1, %2, %3', '%%here: jmp %%here', '%endmacro',
      '%macro m2 2+', 'db %2', '%endmacro', '%imacro Up 1', 'dw %{1}', '%endmacro',
      'lab: pr 1', 'pr 2, 3', 'm2 1, 2, 3', 'm2 9, {4, 5}', 'UP 6', 'up 7',
    ].join('\n');
    assert.deepStrictEqual(stmtsAt(src), [
      't.asm:11:1 label lab',
      // Columns inside a macro body refer to the line after substitution (`..@1.here`).
      't.asm:2:3 d1 3 1 7 8', 't.asm:3:1 label .L@1.here', 't.asm:3:12 jmp .L@1.here',
      't.asm:2:3 d1 3 2 3 8', 't.asm:3:1 label .L@2.here', 't.asm:3:12 jmp .L@2.here',
      't.asm:6:1 d1 2 3', 't.asm:6:1 d1 4 5', 't.asm:9:1 d2 6', 't.asm:9:1 d2 7',
    ]);
  });

  it('rotates parameters with %rotate inside %rep, and uses %00 for the call label', () => {
    const src = [
      '%macro pushall 1-*', '%rep %0', 'push %1', '%rotate 1', '%endrep', '%endmacro', 'pushall rax, rbx, rcx',
      '%macro named 0', '%00: db 1', '%endmacro', 'here: named',
    ].join('\n');
    assert.deepStrictEqual(stmts(src), ['push rax', 'push rbx', 'push rcx', 'label here', 'd1 1']);
  });

  it('repeats with %rep, leaves with %exitrep, nests, and bounds the count', () => {
    const src = ['%assign i 0', '%rep 10', '%if i == 3', '%exitrep', '%endif', 'db i', '%assign i i+1', '%endrep',
      '%rep 2', '%rep 2', 'nop', '%endrep', 'int3', '%endrep'].join('\n');
    assert.deepStrictEqual(stmts(src), ['d1 0', 'd1 1', 'd1 2', 'nop', 'nop', 'int3', 'nop', 'nop', 'int3']);
    assert.deepStrictEqual(diags('%rep 2000000\nnop\n%endrep'), ["t.asm:1:1: error: `%rep' count 2000000 exceeds limit (currently 1000000)"]);
  });

  it('decides %if/%elif/%else, %ifdef/%ifndef, %ifmacro, %ifidn, %ifnum, nested and skipped', () => {
    const src = [
      '%define A', 'k equ 4', '%macro mm 0', '%endmacro',
      '%if k = 4', 'db 1', '%elif 1', 'db 2', '%else', 'db 3', '%endif',
      '%if 0', '%if 1', 'db 4', '%else', 'db 5', '%endif', '%elif k > 9', 'db 6', '%else', 'db 7', '%endif',
      '%ifdef A', 'db 8', '%endif', '%ifndef A', 'db 9', '%endif', '%ifmacro mm', 'db 10', '%endif',
      '%ifidn a+b, a + b', 'db 11', '%endif', '%ifnum 12', 'db 12', '%endif', '%ifnidni X, x', 'db 13', '%else', 'db 14', '%endif',
    ].join('\n');
    assert.deepStrictEqual(stmts(src).filter((s) => s.startsWith('d1')), ['d1 1', 'd1 7', 'd1 8', 'd1 10', 'd1 11', 'd1 12', 'd1 14']);
  });

  it('reads %include files through the reader and records them; locations name the included file', () => {
    const files = { 'defs.inc': '%define N 3\nval: dd N\n' };
    const p = parse('%include "defs.inc"\ndb N', files);
    assert.deepStrictEqual(p.includes, ['defs.inc']);
    assert.deepStrictEqual(stmtsAt('%include "defs.inc"\ndb N', files), ['defs.inc:2:1 label val', 'defs.inc:2:6 d4 3', 't.asm:2:1 d1 3']);
    assert.deepStrictEqual(diags('%include "nope.inc"'), ["t.asm:1:1: error: unable to open include file `nope.inc': No such file or directory"]);
  });

  it('joins lines ending in a backslash before removing comments, never inside strings', () => {
    const src = 'mov eax, 1 + \\\n 2 ; c\ndb ";", 1 ; x \\\nnop\nret';
    assert.deepStrictEqual(stmtsAt(src), ['t.asm:1:1 mov eax,(1+2)', 't.asm:3:1 d1 3b 1', 't.asm:5:1 ret']);
  });

  it('reports preprocessor errors with NASM wording', () => {
    const cases: [string, string][] = [
      ['%error "bad thing"', 't.asm:1:1: error: bad thing'],
      ['%warning careful', 't.asm:1:1: warning: careful'],
      ['%fatal stop\n%error not reached', 't.asm:1:1: error: stop'],
      ['%endmacro', "t.asm:1:1: error: `%endmacro': not defining a macro"],
      ['%endif', "t.asm:1:1: error: `%endif': no matching `%if'"],
      ['%else', "t.asm:1:1: error: `%else': no matching `%if'"],
      ['%if 1\nnop', "t.asm:2:1: error: expected `%endif' before end of file"],
      ['%rep 3\nnop', 't.asm:2:1: error: end of file while still in %rep'],
      ['%macro x 1\nnop', "t.asm:2:1: error: end of file while still defining macro `x'"],
      ['%if foo\n%endif', "t.asm:1:1: error: symbol `foo' not defined before use"],
      ['%assign x y+1', "t.asm:1:1: error: symbol `y' not defined before use"],
      ['%if 1+\n%endif', 't.asm:1:1: error: expression syntax error'],
      ['%exitrep', "t.asm:1:1: error: `%exitrep' not within `%rep' block"],
      ['%rmacro r 0\nr\n%endmacro\nr', 't.asm:2:1: error: interminable macro recursion'],
    ];
    for (const [src, want] of cases) assert.deepStrictEqual(diags(src), [want], src);
    assert.deepStrictEqual(diags('%macro m 1\ndb %1\n%endmacro\nm 1, 2'), [
      "t.asm:4:1: warning: multi-line macro `m' exists, but not taking 2 parameters",
      't.asm:4:3: error: parser: instruction expected',
    ]);
  });

  it('does not expand a macro inside its own expansion (NASM: only %rmacro recurses)', () => {
    const src = '%macro pr 0\npr\npr\n%endmacro\npr';
    assert.deepStrictEqual(stmts(src), ['label pr', 'label pr']);
    assert.deepStrictEqual(stmts('%rmacro cnt 1\n%if %1 > 0\ndb %1\ncnt %1-1\n%endif\n%endmacro\ncnt 3'), ['d1 3', 'd1 (3-1)', 'd1 ((3-1)-1)']);
  });

  it('stops exponential single-line expansion with an error instead of running away', () => {
    const defs = Array.from({ length: 30 }, (_, k) => `%define m${k} m${k + 1} m${k + 1}`).join('\n');
    const t0 = Date.now();
    const d = diags(`${defs}\ndb m0`);
    assert.ok(Date.now() - t0 < 500, 'bounded time');
    assert.deepStrictEqual(d, ['t.asm:31:1: error: macro expansion too long']);
  });
});
