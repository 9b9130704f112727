// GAS front-end: data directives give the bytes GNU as gives. Unit checks of each directive's
// statements, then one directive-heavy source (strings, escapes, floats, macros, loops, alignment,
// fill) whose .data section must equal GNU as 2.40's byte for byte.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assembleObject } from '../../../emulator/asm/assemble';
import { link } from '../../../emulator/asm/link';
import { requireTools, tempDir } from '../../helpers/tools';
import { brief, dataBytes, diags, parse } from './util';

describe('gas front-end: data directives', () => {
  it('sizes integers: .byte .word .short .hword .long .int .quad .octa', () => {
    const p = parse('.byte 1, -1\n.word 0x102\n.short 3\n.hword 4\n.long 5\n.int 6\n.quad -2\n.octa 7\n.byte');
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(p.stmts.map((s) => (s.kind === 'data' ? s.width : 0)), [1, 2, 2, 2, 4, 4, 8, 16]);
    assert.deepStrictEqual(dataBytes(p).slice(0, 6), [1, 255, 2, 1, 3, 0]);
  });

  it('decodes every string escape of .ascii .asciz .string, several strings per line', () => {
    const p = parse('.ascii "a\\n\\t\\\\\\"", "\\101\\x42\\q"\n.asciz "x", "y"\n.string ""');
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(dataBytes(p), [97, 10, 9, 92, 34, 65, 66, 113, 120, 0, 121, 0, 0]);
  });

  it('writes .float/.single/.double as IEEE bytes, in GNU as spellings', () => {
    const p = parse('.float 1.5, -2, 0f3.25, 1e3, nan, -inf\n.single .5\n.double 0d2.5, 0x10');
    assert.deepStrictEqual(diags(p), []);
    const b = Buffer.from(dataBytes(p));
    assert.deepStrictEqual([0, 4, 8, 12, 24].map((o) => b.readFloatLE(o)), [1.5, -2, 3.25, 1000, 0.5]);
    assert.strictEqual(b.readUInt32LE(16), 0x7fffffff);
    assert.strictEqual(b.readFloatLE(20), -Infinity);
    assert.deepStrictEqual([b.readDoubleLE(28), b.readDoubleLE(36)], [2.5, 10]);
    assert.deepStrictEqual(diags(parse('.float 1e400\n.double abc')), ['1:8: error: cannot create floating-point number', "2:9: error: bad floating-point constant `abc'"]);
  });

  it('turns .zero .space .skip .fill .align .balign .p2align .org .comm .lcomm into statements', () => {
    const p = parse('.zero 3\n.space 2, 0xff\n.skip 1\n.fill 2, 4, 9\n.fill 3\n.align 8\n.balign 16, 0x90\n.p2align 4,,7\n.p2align 0\n.org 64\n.comm buf, 100, 32\n.lcomm tmp, 8');
    assert.deepStrictEqual(diags(p), []);
    assert.deepStrictEqual(brief(p).map((s) => s.split(' ').slice(1).join(' ')), ['space', 'space', 'space', 'fill', 'fill', 'align', 'align', 'align', 'org', 'comm', 'comm']);
    const al = p.stmts[7];
    assert.ok(al.kind === 'align');
    assert.deepStrictEqual([al.align, al.fill, al.max], [{ kind: 'num', value: 16n }, undefined, { kind: 'num', value: 7n }]);
  });

  it('encodes .uleb128/.sleb128 of constants', () => {
    assert.deepStrictEqual(dataBytes(parse('.uleb128 0, 127, 128, 624485\n.sleb128 -1, 63, 64, -123456')), [0, 127, 0x80, 1, 0xe5, 0x8e, 0x26, 0x7f, 63, 0xc0, 0, 0xc0, 0xbb, 0x78]);
  });

  it('reports missing and junk operands where they are', () => {
    assert.deepStrictEqual(diags(parse('.space\n.byte 1,,2\n.long 1 +\n.fill 1,2,3,4')), [
      '1:7: error: missing expression',
      '2:9: error: missing expression',
      '3:10: error: missing expression',
      "4:12: error: junk at end of line, first unrecognized character is `,'",
    ]);
  });
});

const GNU_DATA = `
        .text
        .globl _start
_start: .byte 0xc3
        .data
        .macro  pair a, b=0x22
        .byte   \\a, \\b
        .endm
start:  .ascii  "Hi\\n\\t\\"\\\\\\101\\x7e", "x"
        .asciz  "zero"
        .string "s", "t"
        .balign 8, 0xcc
        .word   0x1234, -2
        .short  7
        .long   0xdeadbeef, 1 << 20, 'A, '\\n
        .quad   -1, 0x123456789abcdef0, end - start
        .octa   0x0102030405060708090a0b0c0d0e0f10
        .float  1.5, -0.1, 3.4e38, 0f1e-3, nan, inf
        .double 2.718281828459045, -1e-300, 0d123
        pair    1
        pair    2, 3
        .rept   3
        .byte   0xaa
        .endr
        .irp    v, 10, 20, 30
        .short  \\v * 2
        .endr
        .irpc   c, xyz
        .byte   '\\c
        .endr
        .p2align 4
        .fill   3, 2, 0x4142
        .space  5, 0x5a
        .zero   2
        x = 5
        .if x > 4
        .byte   x
        .else
        .byte   0
        .endif
        .align  16, 0x11
1:      .byte   1b - start, 2f - start
2:      .uleb128 300
        .sleb128 -300
        .balign 4,,3
        .byte   9
end:
`;

describe('gas front-end: .data bytes equal GNU as 2.40', function () {
  this.timeout(20000);
  it('a directive-heavy source gives the same .data section as GNU as', function () {
    requireTools(this, 'as', 'objcopy');
    const dir = tempDir('trapdoor-gas-data-');
    try {
      const src = path.join(dir, 'd.s');
      fs.writeFileSync(src, GNU_DATA);
      execFileSync('as', ['--64', src, '-o', path.join(dir, 'd.o')]);
      execFileSync('objcopy', ['-O', 'binary', '-j', '.data', path.join(dir, 'd.o'), path.join(dir, 'd.bin')]);
      const want = fs.readFileSync(path.join(dir, 'd.bin'));
      const p = parse(GNU_DATA, 'd.s');
      assert.deepStrictEqual(diags(p), []);
      // Linked, so expressions the driver leaves to fixups are filled in too.
      const { object, diagnostics } = assembleObject(p, 64);
      assert.deepStrictEqual(diagnostics.map((d) => d.message), []);
      const linked = link([object]);
      assert.deepStrictEqual(linked.diagnostics.map((d) => d.message), []);
      assert.ok(linked.image, 'no image');
      fs.writeFileSync(path.join(dir, 'ours'), linked.image);
      execFileSync('objcopy', ['-O', 'binary', '-j', '.data', path.join(dir, 'ours'), path.join(dir, 'ours.bin')]);
      assert.strictEqual(fs.readFileSync(path.join(dir, 'ours.bin')).toString('hex'), want.toString('hex'));
      assert.ok(want.length > 150, `only ${want.length} bytes compared`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
