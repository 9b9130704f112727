// GAS front-end fuzz: 5,000 seeded random and mutated sources (.s and .S) never make it throw or
// hang — every problem is a diagnostic — and none runs away.

import * as assert from 'assert';
import { Rng } from '../../helpers/random';
import { parse } from './util';

const SEEDS = [
  '.macro m a, b=2, c:vararg\n.byte \\a, \\b\n.ifnb \\c\nm \\c\n.endif\n.endm\nm 1 2 3 4 5',
  '1: jmp 1f\n1: jmp 1b\n.quad 1b, 2f\n2:',
  '.rept 3\n.irp r, 1, 2\n.byte \\r\n.endr\n.endr',
  '.if x == 1\n.byte 1\n.elseif 2\n.byte 2\n.else\n.byte 3\n.endif',
  '.section .rodata\nmsg: .ascii "Hello\\n"\nlen = . - msg\n.text\n_start: mov $len, %edx\nsyscall',
  '#define F(a,b) a##b\n#if defined(F) && 1\nF(x,y): .byte 1\n#endif',
  '.data\n.float 1.5, nan\n.double 2.5\n.align 8, 0x90, 3\n.fill 2, 4, 9\n.space 3',
  '.pushsection .data\n.byte 1\n.popsection\n.previous\n.type f, @function\n.size f, .-f',
  '.intel_syntax noprefix\nmov eax, [rbx+4*rcx+8]\n.att_syntax\nrep; movsb',
  '/* c */ .byte 1 # x ; .byte 2\n.ascii "a;b#c"; .asciz "x"',
  '.macro r n\n.if \\n\nr "(\\n-1)"\n.endif\n.endm\nr 5',
  '.irpc c, abc\n.byte \'\\c\n.endr\n.equiv q, 1\n.include "x.s"',
];

const TOKENS = ['.macro', '.endm', '.rept', '.endr', '.irp', '.irpc', '.if', '.else', '.elseif', '.endif', '.ifdef', '.exitm', '1:', '1b', '1f',
  '"', "'", '\\', ',', ';', '#', '/*', '*/', '(', ')', '=', '.', '$', '%', 'mov', '\n', ' ', '.byte', '.ascii', '.include', '#define', '#if',
  '#endif', '\\@', '\\()', '.section', '.popsection', '.end', '0x', '-', '<<', '9999999999999999999999', ':req', ':vararg', '.float', '.org'];

function mutate(rng: Rng, s: string): string {
  const n = 1 + rng.int(6);
  for (let k = 0; k < n; k++) {
    const at = rng.int(s.length + 1);
    switch (rng.int(4)) {
      case 0: s = s.slice(0, at) + rng.pick(TOKENS) + s.slice(at); break;
      case 1: s = s.slice(0, at) + s.slice(at + 1 + rng.int(5)); break;
      case 2: s = s.slice(0, at) + String.fromCharCode(rng.int(128)) + s.slice(at); break;
      default: { const from = rng.int(s.length); s = s.slice(0, at) + s.slice(from, from + rng.int(20)) + s.slice(at); }
    }
  }
  return s;
}

function randomSource(rng: Rng): string {
  let s = '';
  const n = rng.int(40);
  for (let k = 0; k < n; k++) s += rng.pick(TOKENS) + (rng.int(3) === 0 ? ' ' + rng.int(20) : '');
  return s;
}

describe('gas front-end: fuzz', function () {
  this.timeout(60000);
  it('5,000 seeded random and mutated sources give diagnostics, never exceptions, none running away', () => {
    // Warm up: the first use loads the instruction parsers, which is not parsing time.
    for (const s of SEEDS) parse(s, 'w.S');
    const rng = new Rng(0x5eed5);
    let slowest = 0;
    let withErrors = 0;
    for (let k = 0; k < 5000; k++) {
      const src = k % 3 === 0 ? randomSource(rng) : mutate(rng, rng.pick(SEEDS));
      const file = k % 4 === 0 ? 'f.S' : 'f.s';
      const t0 = performance.now();
      let p;
      try {
        p = parse(src, file, { 'x.s': '.byte 1\n.include "x.s"', 'h.h': '#define A 1' });
      } catch (e) {
        assert.fail(`source #${k} threw ${(e as Error).stack}\n--- source:\n${src}`);
      }
      const ms = performance.now() - t0;
      slowest = Math.max(slowest, ms);
      // Only a runaway (a macro bomb past the preprocessor's limits) takes seconds: normal cases
      // take a few ms (the slowest is printed). A tight bound would fail on a busy machine.
      assert.ok(ms < 5000, `source #${k} took ${ms.toFixed(1)} ms\n--- source:\n${src}`);
      if (p.diagnostics.some((d) => d.severity === 'error')) withErrors++;
      for (const d of p.diagnostics) {
        assert.ok(d.loc.line >= 0 && d.loc.col >= 1, `bad location ${JSON.stringify(d)}`);
        // A JavaScript exception caught per statement is still a bug somewhere.
        assert.ok(!d.message.startsWith('internal error'), `source #${k}: ${d.message}\n--- source:\n${src}`);
      }
    }
    // The generator must actually reach error paths, or the test proves little.
    assert.ok(withErrors > 1000, `only ${withErrors} sources had errors`);
    console.log(`      slowest source: ${slowest.toFixed(1)} ms, ${withErrors} of 5000 with errors`);
  });
});
