// Linking several sources into one program, and the errors users see when symbols do not resolve.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram, formatDiagnostic } from '../../emulator/asm/index';
import { readElf } from '../../emulator/elf/reader';
import { tempDir } from '../helpers/tools';

const MAIN = `
        .text
        .globl _start
_start: lea greeting(%rip), %rsi
        mov $greeting_len, %edx
        call print              # defined in lib.s
        mov exit_code(%rip), %edi
        mov $60, %eax
        syscall
`;
const LIB = `
        .globl print, greeting, exit_code
        .set greeting_len, 6
        .globl greeting_len
        .text
print:  mov $1, %eax
        mov $1, %edi
        syscall
        ret
        .data
greeting: .ascii "linked"
exit_code: .long 42
`;

function errorsOf(r: ReturnType<typeof assembleProgram>): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

describe('linking several sources', function () {
  it('resolves globals across files; the program runs natively', function () {
    const r = assembleProgram([
      { path: 'main.s', text: MAIN },
      { path: 'lib.s', text: LIB },
    ]);
    assert.deepStrictEqual(errorsOf(r), []);
    const elf = readElf(r.image!);
    const names = elf.symbols.map((s) => s.name);
    for (const n of ['_start', 'print', 'greeting', 'exit_code']) assert.ok(names.includes(n), `symbol ${n} missing`);
    if (process.platform === 'linux' && process.arch === 'x64') {
      const dir = tempDir();
      const exe = path.join(dir, 'prog');
      fs.writeFileSync(exe, r.image!, { mode: 0o755 });
      const run = spawnSync(exe, [], { encoding: 'utf8' });
      fs.rmSync(dir, { recursive: true, force: true });
      assert.strictEqual(run.stdout, 'linked');
      assert.strictEqual(run.status, 42);
    }
  });

  it('an undefined symbol is an error naming it, at the line that uses it', function () {
    const r = assembleProgram([{ path: 'main.s', text: MAIN }]);
    assert.strictEqual(r.image, undefined);
    const errs = errorsOf(r);
    assert.ok(errs.some((e) => /^main\.s:6:\d+: error: undefined reference to `print'$/.test(e)), errs.join('\n'));
    assert.ok(errs.some((e) => /undefined reference to `greeting'/.test(e)), errs.join('\n'));
  });

  it('a global defined twice is an error naming both places', function () {
    const r = assembleProgram([
      { path: 'a.s', text: '.globl _start\n_start: ret\n' },
      { path: 'b.s', text: '\n.globl _start\n_start: nop\n' },
    ]);
    assert.deepStrictEqual(errorsOf(r), ["b.s:3:1: error: multiple definition of `_start' (first defined at a.s:2)"]);
  });

  it('a label defined twice in one file is an error at the second one', function () {
    const r = assembleProgram([{ path: 'a.s', text: '_start: nop\nx: nop\nx: nop\n' }]);
    assert.deepStrictEqual(errorsOf(r), ["a.s:3:1: error: symbol `x' is already defined"]);
  });

  it('a program without _start is an error', function () {
    const r = assembleProgram([{ path: 'a.s', text: 'main: ret\n' }]);
    assert.ok(errorsOf(r).some((e) => /_start/.test(e)), errorsOf(r).join('\n'));
  });

  it('file-local labels of two files do not clash', function () {
    const r = assembleProgram([
      { path: 'a.s', text: '.globl _start\n_start: call f\nloop: jmp loop\n' },
      { path: 'b.s', text: '.globl f\nf: ret\nloop: jmp loop\n' },
    ]);
    assert.deepStrictEqual(errorsOf(r), []);
  });

  it('every error of a file is reported, not only the first, sorted by line', function () {
    const src = '_start: nop\n  foo %eax\n  mov %al, %rbx\n  .bogus 1\n  movl $1, %eax\n  blah\n';
    const errs = errorsOf(assembleProgram([{ path: 'e.s', text: src }]));
    assert.strictEqual(errs.length, 4, errs.join('\n'));
    assert.deepStrictEqual(errs.map((e) => e.split(':')[1]), ['2', '3', '4', '6']);
    for (const e of errs) assert.match(e, /^e\.s:\d+:\d+: error: .+/);
  });

  it('--32: an i386 program links into an ELF32 executable that runs', function () {
    const src = '.globl _start\n_start: mov $1, %eax\n mov $7, %ebx\n int $0x80\n';
    const r = assembleProgram([{ path: 'x.s', text: src }], { bits: 32 });
    assert.deepStrictEqual(errorsOf(r), []);
    const elf = readElf(r.image!);
    assert.strictEqual(elf.elfClass, 32);
    assert.strictEqual(elf.machine, 3);
    if (process.platform === 'linux' && process.arch === 'x64') {
      const dir = tempDir();
      const exe = path.join(dir, 'p32');
      fs.writeFileSync(exe, r.image!, { mode: 0o755 });
      const run = spawnSync(exe, []);
      fs.rmSync(dir, { recursive: true, force: true });
      if (run.error) {
        console.log(`      skipped running it: this kernel cannot execute i386 programs (${run.error.message})`);
        this.skip();
      }
      assert.strictEqual(run.status, 7);
    }
  });
});
