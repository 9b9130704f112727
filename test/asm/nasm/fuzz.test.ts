// Hostile input never crashes the NASM front-end: 5,000 seeded random and mutated sources only
// ever give statements and diagnostics, and none runs away (macro bombs and runaway %rep included).

import * as assert from 'assert';
import { SourceReader } from '../../../emulator/asm/ir';
import { parseNasm } from '../../../emulator/asm/nasm/parser';
import { Rng } from '../../helpers/random';

const SEED = 0x4e41534d;
const COUNT = 5000;

const BASES = [
  'section .data\nmsg db "Hello, world", 10\nlen equ $ - msg\nsection .text\nglobal _start\n_start: mov eax, 1\nmov edx, len\nsyscall\n',
  '%macro pr 1-3 7, 8\n  db %0, %1, %2, %3\n%%here: jmp %%here\n%endmacro\nlab: pr 1\npr 2, 3\n%rep 3\nnop\n%endrep\n',
  '%define SQ(x) ((x)*(x))\n%assign i 0\n%rep 4\n%if i = 2\n%exitrep\n%endif\ndd SQ(i), 1.5, -0.25\n%assign i i+1\n%endrep\n',
  'struc pt\n.x: resd 1\n.y: resd 1\nendstruc\nsection .data\np: istruc pt\nat pt.y, dd 2\niend\ntimes 510-($-$$) db 0\nalign 16\n',
  'main: push rbp\n.loop: dec ecx\njnz .loop\n[section .bss]\nbuf resb 64\nalignb 8\ndefault rel\nlea rax, [buf]\n%include "self.inc"\n',
];

const TOKENS = [
  '%macro', '%endmacro', '%define', '%xdefine', '%assign', '%rep', '%endrep', '%exitrep', '%if', '%elif', '%else', '%endif',
  '%ifdef', '%include "self.inc"', '%rotate 1', '%1', '%0', '%00', '%%x', '%+', '%[x]', '%{1}', '%error', '%strlen', '%substr',
  'times', 'equ', 'db', 'dw', 'dd', 'dq', 'dt', 'resb', 'section', '.text', 'global', 'extern', 'align', 'alignb', 'struc',
  'endstruc', 'istruc', 'at', 'iend', 'bits', 'default rel', 'mov', 'jmp', 'lea', 'rax', '[rax+rbx*8]', 'rel', 'byte', '$', '$$',
  '"str', '`a\\', "'c'", '1.5e400', '-0x1p-99999', '0x', '1e', ',', ':', '(', ')', '{', '}', '[', ']', '\\', ';', '\n', ' ',
  '99999999999999999999999', 'x', '.y', '..@z', '$mov', 'label:',
];

function mutate(src: string, rng: Rng): string {
  let s = src;
  for (let k = 1 + rng.int(6); k > 0; k--) {
    const p = rng.int(s.length + 1);
    switch (rng.int(5)) {
      case 0: s = s.slice(0, p) + s.slice(p + 1 + rng.int(12)); break;
      case 1: s = s.slice(0, p) + rng.pick(TOKENS) + s.slice(p); break;
      case 2: s = s.slice(0, p) + String.fromCharCode(rng.int(256)) + s.slice(p); break;
      case 3: {
        const lines = s.split('\n');
        lines.splice(rng.int(lines.length), 0, lines[rng.int(lines.length)]);
        s = lines.join('\n');
        break;
      }
      default: s = s.slice(0, p);
    }
  }
  return s;
}

describe('NASM front-end: fuzz', function () {
  this.timeout(120000);

  it(`${COUNT} random and mutated sources (seed ${SEED}) give diagnostics, never an exception, none running away`, () => {
    const rng = new Rng(SEED);
    // Warm up (mnemonic tables are built on first use) so the timing measures the front-end.
    for (const b of BASES) parseNasm('warm.asm', b, { read: () => undefined });
    let slowest = 0;
    let withErrors = 0;
    for (let i = 0; i < COUNT; i++) {
      let text: string;
      if (rng.int(4) === 0) {
        text = Array.from({ length: 1 + rng.int(50) }, () => rng.pick(TOKENS) + (rng.int(3) === 0 ? '\n' : ' ')).join('');
      } else {
        text = mutate(rng.pick(BASES), rng);
      }
      // The include file is the source itself: recursion must be bounded too.
      const reader: SourceReader = { read: (p) => (p === 'self.inc' ? { path: 'self.inc', text } : undefined) };
      const t0 = Date.now();
      let r;
      try {
        r = parseNasm('fuzz.asm', text, reader);
      } catch (e) {
        assert.fail(`case ${i} threw ${(e as Error).stack}\n--- source ---\n${text}`);
      }
      const ms = Date.now() - t0;
      slowest = Math.max(slowest, ms);
      // Only a runaway (a macro bomb past the preprocessor's limits) takes seconds: normal cases
      // take a few ms (the slowest is printed). A tight bound would fail on a busy machine.
      assert.ok(ms < 5000, `case ${i} took ${ms} ms\n--- source ---\n${text}`);
      for (const d of r.diagnostics) assert.ok(d.message.length > 0 && d.loc.line >= 0, JSON.stringify(d));
      if (r.diagnostics.some((d) => d.severity === 'error')) withErrors++;
    }
    console.log(`      ${COUNT - withErrors} clean, ${withErrors} with errors; slowest ${slowest} ms`);
    assert.ok(withErrors > 0 && withErrors < COUNT);
  });
});
