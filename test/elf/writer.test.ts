// The executables we write: they run natively, readelf sees the segments and sections we meant,
// and their layout is the one GNU ld gives the same sections.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { readElf } from '../../emulator/elf/reader';
import { OutSection, layoutExecutable, writeExecutable } from '../../emulator/elf/writer';
import { PF_R, PF_W, PF_X, PT_LOAD } from '../../emulator/elf/types';
import { Rng } from '../helpers/random';
import { requireTools, tempDir } from '../helpers/tools';
import { hex, sample, tool, writeExe } from './sample';

const LAYOUTS = Number(process.env.TRAPDOOR_ELF_LAYOUTS ?? 30);
const native64 = process.platform === 'linux' && process.arch === 'x64';

describe('ELF writer', function () {
  let dir: string;
  before(() => { dir = tempDir('trapdoor-elf-'); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an x86-64 executable runs natively and exits with the byte from .data', function () {
    if (!native64) { console.log('      skipped: needs Linux on x86-64'); this.skip(); }
    const exe = writeExe(dir, 'exit42', sample(64, 42).image);
    assert.strictEqual(spawnSync(exe).status, 42);
    assert.strictEqual(spawnSync(writeExe(dir, 'exit3', sample(64, 3).image)).status, 3);
  });

  it('an i386 executable runs natively (int $0x80 exit 7)', function () {
    if (!native64) { console.log('      skipped: needs Linux on x86-64'); this.skip(); }
    const r = spawnSync(writeExe(dir, 'exit7', sample(32).image));
    if (r.error) { console.log(`      skipped: this kernel runs no i386 programs (${r.error.message})`); this.skip(); }
    assert.strictEqual(r.status, 7);
  });

  it('lays out like ld: headers page, R+X text, R rodata, RW data+bss on their own pages', function () {
    const s = sample(64);
    assert.deepStrictEqual(s.addresses.map(hex), ['0x401000', '0x402000', '0x403008', '0x403020']);
    const s32 = sample(32);
    assert.deepStrictEqual(s32.addresses.map(hex), ['0x8049000', '0x804a000', '0x804b008', '0x804b020']);
  });

  for (const cls of [64, 32] as const) {
    it(`readelf -lSW agrees with the segments and sections we meant (ELF${cls})`, function () {
      requireTools(this, 'readelf');
      const s = sample(cls);
      const exe = writeExe(dir, `rd${cls}`, s.image);
      const out = tool('readelf', ['-lSW', exe]);
      assert.doesNotMatch(out, /warning|error/i, out);
      const loads = [...out.matchAll(/^\s+LOAD\s+(0x\w+) (0x\w+) (0x\w+) (0x\w+) (0x\w+) ([RWE ]{3}) (0x\w+)$/gm)]
        .map((m) => [m[1], m[2], m[4], m[5], m[6].replace(/ /g, '')].map((x) => (x.startsWith('0x') ? hex(BigInt(x)) : x)).join(' '));
      const [t, r, d, b] = s.addresses;
      const off = (a: bigint): string => hex(Number(a - (cls === 64 ? 0x400000n : 0x08048000n)));
      const hdr = cls === 64 ? 64 + 4 * 56 : 52 + 4 * 32;
      assert.deepStrictEqual(loads, [
        `0x0 ${hex(cls === 64 ? 0x400000 : 0x08048000)} ${hex(hdr)} ${hex(hdr)} R`,
        `${off(t)} ${hex(t)} ${hex(s.sections[0].size)} ${hex(s.sections[0].size)} RE`,
        `${off(r)} ${hex(r)} 0x6 0x6 R`,
        // ld rounds the end of .bss up to a word: 8 bytes (ELF64), 4 (ELF32).
        `0x2008 ${hex(d)} 0x4 ${hex(roundUp(b + 0x2345n, cls === 64 ? 8n : 4n) - d)} RW`,
      ]);
      const secs = Object.fromEntries([...out.matchAll(/^\s+\[\s*\d+\] (\S+)\s+(\w+)\s+(\w+) (\w+) (\w+) \w+ +(\w*) /gm)]
        .map((m) => [m[1], `${m[2]} ${hex(BigInt('0x' + m[3]))} ${m[6]}`]));
      assert.strictEqual(secs['.text'], `PROGBITS ${hex(t)} AX`);
      assert.strictEqual(secs['.rodata'], `PROGBITS ${hex(r)} A`);
      assert.strictEqual(secs['.data'], `PROGBITS ${hex(d)} WA`);
      assert.strictEqual(secs['.bss'], `NOBITS ${hex(b)} WA`);
      // ld pads .bss itself to a word: sh_size 0x2345 becomes 0x2348.
      assert.match(out, /\.bss\s+NOBITS\s+\w+ \w+ 002348 /);
      for (const n of ['.symtab', '.strtab', '.shstrtab', '.debug_line', '.debug_info', '.debug_abbrev', '.debug_aranges']) assert.ok(secs[n], `${n} missing`);
      assert.match(out, /00\s+\n\s+01\s+\.text \n\s+02\s+\.rodata \n\s+03\s+\.data \.bss \n/);
    });
  }

  it('readelf -s shows locals first, with bindings, types and sections as given', function () {
    requireTools(this, 'readelf');
    const exe = writeExe(dir, 'syms', sample(64).image);
    const rows = tool('readelf', ['-sW', exe]).split('\n').filter((l) => /^\s+\d+:/.test(l)).map((l) => l.trim().split(/\s+/).slice(1).join(' '));
    assert.deepStrictEqual(rows, [
      '0000000000000000 0 NOTYPE LOCAL DEFAULT UND',
      '0000000000000000 0 FILE LOCAL DEFAULT ABS prog.s',
      '0000000000402000 6 OBJECT LOCAL DEFAULT 2 greeting',
      '0000000000403020 9029 OBJECT LOCAL DEFAULT 4 buffer',
      '0000000000401000 16 FUNC GLOBAL DEFAULT 1 _start',
      '0000000000403008 4 OBJECT WEAK DEFAULT 3 code',
      '0000000000002345 0 NOTYPE GLOBAL DEFAULT ABS BUFSIZE',
    ]);
  });

  it(`places random sets of sections exactly where GNU ld puts them (${LAYOUTS} layouts, ELF64 and ELF32)`, function () {
    requireTools(this, 'as', 'ld');
    this.timeout(60000);
    const rng = new Rng(2024);
    const kinds = [
      { name: '.text', flags: '"ax",@progbits', exec: true, write: false, nobits: false },
      { name: '.rodata', flags: '"a",@progbits', exec: false, write: false, nobits: false },
      { name: '.data', flags: '"aw",@progbits', exec: false, write: true, nobits: false },
      { name: '.bss', flags: '"aw",@nobits', exec: false, write: true, nobits: true },
    ];
    const sizes = [1, 3, 100, 4095, 4096, 4097, 9000];
    const aligns = [1, 2, 16, 64, 4096];
    for (let n = 0; n < LAYOUTS; n++) {
      const cls = n % 4 === 3 ? 32 : 64;
      const chosen = kinds.filter((k, i) => i === 0 || rng.next() < 0.7);
      const secs: OutSection[] = chosen.map((k) => {
        const size = rng.pick(sizes);
        return { name: k.name, nobits: k.nobits, flags: { exec: k.exec, write: k.write }, align: rng.pick(aligns), size, data: k.nobits ? undefined : new Uint8Array(size) };
      });
      const src = secs.map((s, i) => `.section ${s.name},${chosen[i].flags}\n.balign ${s.align}\n${i === 0 ? '.globl _start\n_start:\n' : ''}.skip ${s.size}\n`).join('');
      const base = path.join(dir, `ld${n}`);
      fs.writeFileSync(base + '.s', src);
      tool('as', [cls === 32 ? '--32' : '--64', '-o', base + '.o', base + '.s']);
      tool('ld', ['-m', cls === 32 ? 'elf_i386' : 'elf_x86_64', '-o', base, base + '.o']);
      const theirs = readElf(fs.readFileSync(base));
      const layout = layoutExecutable(cls, secs);
      const ours = layout.addresses;
      const what = `layout ${n}: ${secs.map((s) => `${s.name} size ${s.size} align ${s.align}`).join(', ')}`;
      secs.forEach((s, i) => {
        const t = theirs.sections.find((x) => x.name === s.name)!;
        assert.strictEqual(hex(ours[i]), hex(t.addr), `${what}: ${s.name}`);
        assert.strictEqual(layout.sizes![i], t.size, `${what}: size of ${s.name}`);
      });
      // Whole program header tables must agree too.
      const mine = readElf(writeExecutableFor(cls, secs, ours));
      const seg = (e: ReturnType<typeof readElf>): string[] => e.segments.filter((p) => p.type === PT_LOAD).map((p) => `${p.offset} ${hex(p.vaddr)} ${p.filesz} ${p.memsz} ${p.flags}`);
      assert.deepStrictEqual(seg(mine), seg(theirs), what);
    }
  });

  it('gives segment permissions R, R+X, R, R+W', function () {
    const e = readElf(sample(64).image);
    assert.deepStrictEqual(e.segments.map((p) => p.flags), [PF_R, PF_R | PF_X, PF_R, PF_R | PF_W]);
  });
});

function roundUp(a: bigint, n: bigint): bigint {
  return ((a + n - 1n) / n) * n;
}

function writeExecutableFor(elfClass: 32 | 64, sections: OutSection[], addresses: bigint[]): Uint8Array {
  return writeExecutable({ elfClass, entry: addresses[0], sections, layout: { addresses }, symbols: [] });
}
