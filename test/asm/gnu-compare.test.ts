// Whole programs against GNU as + ld: the same source assembled and linked by Trapdoor and by the
// GNU tools must give identical section bytes at identical addresses and the same entry point.
// This covers what line-by-line encoder tests cannot: relaxation of jumps to labels, data and
// alignment directives, symbol arithmetic, section layout and fixups.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram, formatDiagnostic } from '../../emulator/asm/index';
import { readElf } from '../../emulator/elf/reader';
import { repoRoot, requireTools, tempDir } from '../helpers/tools';

const corpus = path.join(repoRoot, 'test', 'corpus');

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

function sectionsOf(image: Uint8Array): Map<string, { addr: bigint; bytes: string }> {
  const elf = readElf(image);
  const out = new Map<string, { addr: bigint; bytes: string }>();
  for (const s of elf.sections) {
    if (['.text', '.rodata', '.data', '.bss'].includes(s.name)) {
      const data = elf.sectionData(s.name);
      out.set(s.name, { addr: s.addr, bytes: s.name === '.bss' ? `nobits ${s.size}` : Buffer.from(data ?? []).toString('hex') });
    }
  }
  return out;
}

/** Assembles `file` both ways and compares sections and entry. */
function compare(dir: string, file: string, syntax: 'gas' | 'nasm'): void {
  const src = path.join(dir, file);
  const ref = path.join(dir, 'ref.out');
  if (syntax === 'gas') run('as', ['--64', '-o', 'ref.o', file], dir);
  else run('nasm', ['-f', 'elf64', '-o', 'ref.o', file], dir);
  run('ld', ['-static', '-nostdlib', '-o', ref, 'ref.o'], dir);
  const ours = assembleProgram([{ path: src }]);
  assert.deepStrictEqual(ours.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), []);
  const theirs = fs.readFileSync(ref);
  const a = sectionsOf(ours.image!);
  const b = sectionsOf(theirs);
  for (const [name, want] of b) {
    const got = a.get(name);
    assert.ok(got, `${file}: section ${name} missing in ours`);
    assert.strictEqual(got.addr.toString(16), want.addr.toString(16), `${file}: ${name} address`);
    assert.strictEqual(got.bytes, want.bytes, `${file}: ${name} bytes differ`);
  }
  assert.strictEqual(readElf(ours.image!).entry.toString(16), readElf(theirs).entry.toString(16), `${file}: entry point`);
}

const RELAX = `
        .text
        .globl _start
_start: jmp 1f                  # forward, short
        jne far_away            # forward, must grow to rel32
        .fill 40, 1, 0x90
1:      je 1b                   # backward, short
        loop 1b
        jrcxz 1b
        .fill 200, 1, 0x90
        jmp _start              # backward, long
        call helper
        .p2align 4
helper: ret
        .balign 8, 0xcc
        .fill 130, 1, 0x90
far_away:
        jg helper               # backward, just out of short range? computed by relaxation
        movl $end - _start, %eax  # forward difference: full imm32 like GNU as
        addl $(helper - _start), %ebx
        addl $4, %ebx
        addq $end - far_away, %rcx
        mov $60, %eax
        xor %edi, %edi
        syscall
end:
        .data
        .align 16
table:  .quad _start, helper, end - _start
        .long table, 7, -1
        .word 0x1234, far_away - helper
        .byte 1, 2, 'a, '\\n
        .ascii "str\\t\\"q\\"\\0"
        .asciz "z"
        len = . - table
        .quad len
        .section .rodata
        .string "ro"
        .p2align 3
        .quad table + 8
        .bss
buf:    .zero 100
        .comm big, 4096, 32
`;

describe('whole programs: Trapdoor vs GNU as + ld, byte for byte', function () {
  let dir = '';
  before(function () {
    requireTools(this, 'as', 'ld');
    dir = tempDir();
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('relaxes jumps, aligns and lays out sections as GNU as and ld do', function () {
    fs.writeFileSync(path.join(dir, 'relax.s'), RELAX);
    compare(dir, 'relax.s', 'gas');
  });

  for (const name of fs.existsSync(corpus) ? fs.readdirSync(corpus) : []) {
    const caseFile = path.join(corpus, name, 'case.json');
    if (!fs.existsSync(caseFile)) continue;
    const c = JSON.parse(fs.readFileSync(caseFile, 'utf8')) as { source: string | null; syntax: string };
    if (!c.source || (c.syntax !== 'gas' && c.syntax !== 'nasm')) continue;
    it(`corpus ${name}: identical sections, addresses and entry`, function () {
      if (c.syntax === 'nasm') requireTools(this, 'nasm');
      fs.copyFileSync(path.join(corpus, name, c.source!), path.join(dir, c.source!));
      compare(dir, c.source!, c.syntax as 'gas' | 'nasm');
    });
  }
});
