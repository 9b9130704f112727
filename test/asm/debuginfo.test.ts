// The executables Trapdoor assembles carry symbols and a DWARF line table that the GNU tools and
// gdb read, and that Trapdoor's own debugger reads back through the same LineMap API.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram } from '../../emulator/asm/index';
import { readElf } from '../../emulator/elf/reader';
import { LineMap } from '../../emulator/elf/linemap';
import { repoRoot, requireTools, tempDir } from '../helpers/tools';

describe('debug information of assembled programs', function () {
  let dir = '';
  let exe = '';
  let image: Uint8Array;
  let start = 0n;

  before(function () {
    dir = tempDir();
    fs.copyFileSync(path.join(repoRoot, 'examples', 'hello.s'), path.join(dir, 'hello.s'));
    const r = assembleProgram([{ path: 'hello.s', text: fs.readFileSync(path.join(dir, 'hello.s'), 'latin1') }], { compDir: dir });
    assert.ok(r.image, JSON.stringify(r.diagnostics));
    image = r.image!;
    exe = path.join(dir, 'hello');
    fs.writeFileSync(exe, image, { mode: 0o755 });
    start = readElf(image).entry;
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('LineMap maps every instruction address to its source line and column, and lines to addresses', function () {
    const map = LineMap.fromElf(readElf(image));
    assert.deepStrictEqual(map.lookup(start), { file: 'hello.s', line: 14, column: 9 });
    // The second syscall (line 22) is 2 bytes before the end of .text; line 19 is blank.
    const at22 = map.addressesOf('hello.s', 22);
    assert.strictEqual(at22.length, 1);
    assert.strictEqual(map.lookup(at22[0])?.line, 22);
    assert.strictEqual(map.lookup(at22[0] + 1n)?.line, 22, 'inside the instruction');
    assert.deepStrictEqual(map.addressesOf('hello.s', 19), []);
    // Each of the 9 instructions has its own row.
    const lines = [14, 15, 16, 17, 18, 20, 21, 22].map((l) => map.addressesOf('hello.s', l).length);
    assert.deepStrictEqual(lines, [1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('the symbol table names _start and the data label', function () {
    const syms = readElf(image).symbols;
    const s = syms.find((x) => x.name === '_start');
    assert.ok(s && s.value === start);
    assert.ok(syms.some((x) => x.name === 'greeting'));
    assert.ok(!syms.some((x) => x.name.startsWith('.L')), 'local .L labels must not reach the symbol table');
  });

  it('objdump -d -l shows the source lines', function () {
    requireTools(this, 'objdump');
    const r = spawnSync('objdump', ['-d', '-l', exe], { encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
    assert.match(r.stdout, /<_start>:/);
    assert.match(r.stdout, /hello\.s:14/);
    assert.match(r.stdout, /hello\.s:22/);
  });

  it('addr2line and gdb find the line of _start', function () {
    requireTools(this, 'addr2line', 'gdb');
    const a = spawnSync('addr2line', ['-e', exe, '0x' + start.toString(16)], { encoding: 'utf8' });
    assert.match(a.stdout.trim(), /hello\.s:14$/);
    const g = spawnSync('gdb', ['-nx', '-batch', '-ex', `info line *0x${start.toString(16)}`, exe], { encoding: 'utf8' });
    assert.match(g.stdout, /Line 14 of "hello\.s"/, g.stdout + g.stderr);
  });
});
