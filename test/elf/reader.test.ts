// Reading executables back: our own (round trip), GNU as + ld ones with -g in every DWARF version,
// and a gcc -g -static C program; the line map must agree with addr2line address by address.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LineMap } from '../../emulator/elf/linemap';
import { ElfFormatError, readElf } from '../../emulator/elf/reader';
import { EM_386, EM_X86_64, ET_EXEC, SHT_NOBITS, SHT_SYMTAB, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_FILE, STT_FUNC } from '../../emulator/elf/types';
import { Rng } from '../helpers/random';
import { requireTools, tempDir } from '../helpers/tools';
import { hex, sample, tool } from './sample';

/** `file:line` from our map, made absolute like addr2line's, or addr2line's "??:0" when unknown. */
function ours(map: LineMap, compDir: string, a: bigint): string {
  const p = map.lookup(a);
  return p ? `${path.resolve(compDir, p.file)}:${p.line}` : '??:0';
}

/** addr2line's answers, normalised: "??:?", "??:0" and "libc-start.o:?" (a FILE symbol) mean no line. */
function theirs(exe: string, addrs: bigint[]): string[] {
  return tool('addr2line', ['-e', exe, ...addrs.map(hex)]).trim().split('\n').map((l) => l.replace(/ \(discriminator \d+\)$/, '').replace(/^[^:]*:\?$/, '??:0'));
}

const ASM_MAIN = `
        .text
        .globl _start
_start: mov $3, %ecx
loop:   dec %ecx
        jnz loop
        .include "inc/exit.inc"
        .section .text.helper,"ax",@progbits
helper: push %rbp
        pop %rbp
        ret
`;
const ASM_INC = `        mov $60, %eax
        xor %edi, %edi

        syscall
`;

describe('ELF reader and line map', function () {
  let dir: string;
  before(() => { dir = tempDir('trapdoor-reader-'); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const cls of [64, 32] as const) {
    it(`reads back what the writer wrote (ELF${cls})`, function () {
      const s = sample(cls);
      const e = readElf(s.image);
      assert.strictEqual(e.elfClass, cls);
      assert.strictEqual(e.type, ET_EXEC);
      assert.strictEqual(e.machine, cls === 64 ? EM_X86_64 : EM_386);
      assert.strictEqual(e.entry, s.entry);
      for (const [i, sec] of s.sections.entries()) {
        const h = e.sections.find((x) => x.name === sec.name)!;
        assert.strictEqual(h.addr, s.addresses[i]);
        assert.strictEqual(h.size, sec.name === '.bss' ? 0x2348 : sec.size, `${sec.name} size (ld pads .bss to a word)`);
        if (sec.nobits) {
          assert.strictEqual(h.type, SHT_NOBITS);
          assert.strictEqual(e.sectionData(sec.name), undefined);
        } else {
          assert.deepStrictEqual(e.sectionData(sec.name), sec.data);
        }
      }
      const symtab = e.sections.find((x) => x.type === SHT_SYMTAB)!;
      assert.strictEqual(symtab.info, 4, 'sh_info: index of the first global (null + 3 locals)');
      const sym = (n: string) => e.symbols.find((x) => x.name === n)!;
      assert.deepStrictEqual([sym('_start').value, sym('_start').binding, sym('_start').type], [s.entry, STB_GLOBAL, STT_FUNC]);
      assert.deepStrictEqual([sym('code').binding, sym('greeting').binding, sym('prog.s').type], [STB_WEAK, STB_LOCAL, STT_FILE]);
      assert.strictEqual(sym('BUFSIZE').shndx, 0xfff1);

      const fromElf = LineMap.fromElf(e);
      const fromRows = LineMap.fromRows(s.lines);
      assert.strictEqual(fromElf.compDir, '/src/proj');
      assert.deepStrictEqual(fromElf.files(), fromRows.files());
      for (let a = s.entry - 2n; a < s.entry + BigInt(s.sections[0].size) + 2n; a++) {
        assert.deepStrictEqual(fromElf.lookup(a), fromRows.lookup(a), hex(a));
      }
      assert.strictEqual(fromElf.lookup(s.entry + BigInt(s.sections[0].size)), undefined, 'end_sequence ends the last row');
      assert.deepStrictEqual(fromElf.lookup(s.entry), { file: cls === 64 ? 'prog.s' : 'prog32.s', line: s.lines[0].line, column: 9 });
    });
  }

  it('addressesOf matches a file by exact path, comp_dir path or basename suffix', function () {
    const s = sample(64);
    const m = LineMap.fromElf(readElf(s.image));
    assert.deepStrictEqual(m.addressesOf('prog.s', 5), [s.entry + 5n]);
    assert.deepStrictEqual(m.addressesOf('/src/proj/prog.s', 5), [s.entry + 5n]);
    assert.deepStrictEqual(m.addressesOf('/elsewhere/checkout/inc/exit.inc', 2), [s.entry + 7n]);
    assert.deepStrictEqual(m.addressesOf('exit.inc', 2), [s.entry + 7n]);
    assert.deepStrictEqual(m.addressesOf('prog.s', 6), []);
    assert.deepStrictEqual(m.addressesOf('other.s', 5), []);
  });

  it('fromRows: a line of several rows begins once; a later row at the same address wins', function () {
    const m = LineMap.fromRows([
      { address: 0x1000n, file: 'a.s', line: 1, column: 0 },
      { address: 0x1000n, file: 'a.s', line: 2, column: 0 },
      { address: 0x1004n, file: 'a.s', line: 2, column: 0 },
      { address: 0x1008n, file: 'a.s', line: 3, column: 0 },
      { address: 0x100cn, file: 'a.s', line: 2, column: 0 },
      { address: 0x1010n, file: 'a.s', line: 2, column: 0, endSequence: true },
      { address: 0x2000n, file: 'b.s', line: 9, column: 0 },
    ]);
    assert.strictEqual(m.lookup(0x1000n)?.line, 2);
    assert.strictEqual(m.lookup(0x1007n)?.line, 2);
    assert.strictEqual(m.lookup(0x100fn)?.line, 2);
    assert.strictEqual(m.lookup(0x1010n), undefined);
    assert.strictEqual(m.lookup(0xfffn), undefined);
    assert.deepStrictEqual(m.addressesOf('a.s', 2), [0x1000n, 0x100cn]);
    assert.strictEqual(m.lookup(0x2000n)?.file, 'b.s');
    assert.deepStrictEqual(m.files(), ['a.s', 'b.s']);
  });

  it('rejects what is not a valid ELF with ElfFormatError and a clear message', function () {
    const bad = (b: Uint8Array, re: RegExp): void => assert.throws(() => readElf(b), (e: Error) => e instanceof ElfFormatError && re.test(e.message));
    const img = sample(64).image;
    bad(new TextEncoder().encode('#!/bin/sh\necho hi\n'), /^not an ELF file$/);
    bad(img.subarray(0, 40), /truncated ELF header/);
    bad(img.subarray(0, 100), /truncated program header table at 0x40/);
    bad(img.subarray(0, img.length - 10), /section header table/);
    const be = img.slice();
    be[5] = 2;
    bad(be, /big-endian/);
  });

  for (const dwarf of ['', '--gdwarf-2', '--gdwarf-4', '--gdwarf-5']) {
    it(`GNU as ${dwarf || '-g'} + ld: the line map agrees with addr2line at every text address`, function () {
      requireTools(this, 'as', 'ld', 'addr2line');
      const d = path.join(dir, `gas${dwarf}`);
      fs.mkdirSync(path.join(d, 'inc'), { recursive: true });
      fs.writeFileSync(path.join(d, 'main.s'), ASM_MAIN);
      fs.writeFileSync(path.join(d, 'inc', 'exit.inc'), ASM_INC);
      tool('as', [...(dwarf ? [dwarf] : ['-g']), '-o', 'main.o', 'main.s'], d);
      tool('ld', ['-o', 'main', 'main.o'], d);
      const exe = path.join(d, 'main');
      const e = readElf(fs.readFileSync(exe));
      const map = LineMap.fromElf(e);
      assert.deepStrictEqual(map.warnings, []);
      const text = e.sections.find((x) => x.name === '.text')!;
      const addrs: bigint[] = [];
      for (let a = text.addr - 1n; a <= text.addr + BigInt(text.size); a++) addrs.push(a);
      assert.deepStrictEqual(addrs.map((a) => ours(map, d, a)), theirs(exe, addrs));
      assert.ok(map.files().includes('inc/exit.inc'), map.files().join());
      const syscall = map.addressesOf('exit.inc', 4);
      assert.strictEqual(syscall.length, 1);
      assert.deepStrictEqual([...e.sectionData('.text')!.subarray(Number(syscall[0] - text.addr), Number(syscall[0] - text.addr) + 2)], [0x0f, 0x05]);
    });
  }

  it('gcc -g -static C program: the line map agrees with addr2line in main and at random text addresses', function () {
    requireTools(this, 'gcc', 'addr2line');
    this.timeout(60000);
    const d = path.join(dir, 'gcc');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'sq.c'), 'static int sq(int x)\n{\n  return x * x;\n}\n\nint main(void)\n{\n  int s = 0;\n  for (int i = 0; i < 3; i++)\n    s += sq(i);\n  return s;\n}\n');
    const r = spawnSync('gcc', ['-g', '-O0', '-static', '-o', 'sq', 'sq.c'], { cwd: d, encoding: 'utf8' });
    if (r.status !== 0) { console.log(`      skipped: gcc -static failed (no static libc?): ${r.stderr}`); this.skip(); }
    const exe = path.join(d, 'sq');
    const t0 = Date.now();
    const e = readElf(fs.readFileSync(exe));
    const map = LineMap.fromElf(e);
    const ms = Date.now() - t0;
    assert.ok(ms < 3000, `reading took ${ms} ms`);
    assert.ok(map.files().includes('sq.c'), map.files().slice(0, 10).join());
    const main = e.symbols.find((s) => s.name === 'main')!;
    const text = e.sections.find((x) => x.name === '.text')!;
    const addrs: bigint[] = [];
    for (let a = main.value; a < main.value + main.size; a++) addrs.push(a);
    const rng = new Rng(7);
    for (let i = 0; i < 300; i++) addrs.push(text.addr + BigInt(rng.int(text.size)));
    assert.deepStrictEqual(addrs.map((a) => ours(map, d, a)), theirs(exe, addrs));
    assert.strictEqual(map.lookup(main.value)?.line, 7);
    assert.strictEqual(map.addressesOf('sq.c', 10).length >= 1, true);
  });
});
