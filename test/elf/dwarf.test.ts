// The line information we write, as this machine's tools see it: readelf decodes it cleanly,
// addr2line, objdump -l and gdb map our addresses to the files and lines we gave.

import * as assert from 'assert';
import * as fs from 'fs';
import { requireTools, tempDir } from '../helpers/tools';
import { LineMap } from '../../emulator/elf/linemap';
import { readElf } from '../../emulator/elf/reader';
import { LineRow, OutSection, layoutExecutable, writeExecutable } from '../../emulator/elf/writer';
import { hex, sample, tool, writeExe } from './sample';

describe('DWARF line tables we write', function () {
  let dir: string;
  before(() => { dir = tempDir('trapdoor-dwarf-'); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const cls of [64, 32] as const) {
    const expected = (s: ReturnType<typeof sample>): [bigint, string, number][] =>
      s.lines.filter((r) => !r.endSequence).map((r) => [r.address, r.file, r.line]);

    it(`readelf decodes every row (--debug-dump=rawline,decodedline), with comp_dir and the include directory (ELF${cls})`, function () {
      requireTools(this, 'readelf');
      const s = sample(cls);
      const exe = writeExe(dir, `dl${cls}`, s.image);
      const out = tool('readelf', ['--debug-dump=rawline,info,aranges', exe]) + tool('readelf', ['--debug-dump=decodedline', exe]);
      assert.doesNotMatch(out, /warning|error|corrupt/i, out);
      assert.match(out, /DWARF Version:\s+5/);
      assert.match(out, /0\s+\(indirect line string, offset: 0x\w+\): \/src\/proj\n/);
      // The ELF64 sample has rows in inc/exit.inc: directory 1 is "inc", relative to comp_dir.
      if (cls === 64) assert.match(out, /\n\s+1\s+\(indirect line string, offset: 0x\w+\): inc\n/);
      assert.match(out, /DW_AT_producer\s+: \(indirect string, offset: 0x\w+\): Trapdoor assembler 0\.1\.0/);
      assert.match(out, /MIPS assembler/);
      // The decoded dump lists "file line address" per row.
      const rows = [...out.matchAll(/^(\S+)\s+(\d+)\s+(0x[0-9a-f]+)\s/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
      const want = expected(s).map(([a, f, l]) => `${f.split('/').pop()} ${l} ${hex(a)}`);
      for (const w of want) assert.ok(rows.includes(w), `row "${w}" missing from:\n${rows.join('\n')}`);
    });

    it(`addr2line maps every row address (and the bytes inside) to comp_dir/file:line (ELF${cls})`, function () {
      requireTools(this, 'addr2line');
      const s = sample(cls);
      const exe = writeExe(dir, `a2l${cls}`, s.image);
      const rows = expected(s);
      const probes = rows.flatMap(([a, f, l]) => [[a, f, l], [a + 1n, f, l]] as [bigint, string, number][]);
      const out = tool('addr2line', ['-e', exe, ...probes.map(([a]) => hex(a))]).trim().split('\n');
      assert.deepStrictEqual(out, probes.map(([, f, l]) => `/src/proj/${f}:${l}`));
    });

    it(`objdump -d -l prints our file:line before the instructions (ELF${cls})`, function () {
      requireTools(this, 'objdump');
      const s = sample(cls);
      const out = tool('objdump', ['-d', '-l', writeExe(dir, `od${cls}`, s.image)]);
      // Each "/src/proj/file:line" header must be followed by the instruction at that row's address.
      for (const [a, f, l] of expected(s)) {
        const re = new RegExp(`/src/proj/${f.replace(/\./g, '\\.')}:${l}\\s*\\n\\s+${a.toString(16)}:`);
        assert.match(out, re, `no ${f}:${l} before ${hex(a)} in:\n${out}`);
      }
    });

    it(`gdb's info line finds our rows both ways (ELF${cls})`, function () {
      requireTools(this, 'gdb');
      this.timeout(30000);
      const s = sample(cls);
      const exe = writeExe(dir, `gdb${cls}`, s.image);
      const rows = expected(s);
      const args = ['-nx', '-batch'];
      for (const [a] of rows) args.push('-ex', `info line *${hex(a)}`);
      for (const [, f, l] of rows) args.push('-ex', `info line ${f}:${l}`);
      const out = tool('gdb', [...args, exe]).split('\n').filter((x) => x.startsWith('Line '));
      assert.strictEqual(out.length, rows.length * 2, out.join('\n'));
      rows.forEach(([a, f, l], i) => {
        const at = new RegExp(`^Line ${l} of "${f}" starts at address ${hex(a)}\\b`);
        assert.match(out[i], at);
        assert.match(out[rows.length + i], at);
      });
    });
  }

  it('rows of two sections become two sequences, closed at each section end; absolute paths stay absolute', function () {
    requireTools(this, 'addr2line');
    const nop = (n: number): Uint8Array => new Uint8Array(n).fill(0x90);
    const sections: OutSection[] = [
      { name: '.text', nobits: false, flags: { write: false, exec: true }, align: 1, size: 8, data: nop(8) },
      { name: '.text.more', nobits: false, flags: { write: false, exec: true }, align: 4096, size: 4, data: nop(4) },
      { name: '.data', nobits: false, flags: { write: true, exec: false }, align: 1, size: 4, data: nop(4) },
    ];
    const layout = layoutExecutable(64, sections);
    const [t, m, d] = layout.addresses;
    // No endSequence rows: the writer closes each sequence at the end of its section.
    const lines: LineRow[] = [
      { address: t, file: 'main.s', line: 1, column: 0 },
      { address: t + 4n, file: '/abs/lib/x.s', line: 20, column: 0 },
      { address: m, file: 'main.s', line: 30, column: 0 },
      { address: d, file: 'main.s', line: 40, column: 0 },
    ];
    const image = writeExecutable({ elfClass: 64, entry: t, sections, layout, symbols: [], lines, compDir: '/w' });
    const exe = writeExe(dir, 'two', image);
    const probes = [t, t + 3n, t + 4n, t + 7n, m, m + 3n, d, d + 3n];
    assert.deepStrictEqual(tool('addr2line', ['-e', exe, ...probes.map(hex)]).trim().split('\n'),
      ['/w/main.s:1', '/w/main.s:1', '/abs/lib/x.s:20', '/abs/lib/x.s:20', '/w/main.s:30', '/w/main.s:30', '/w/main.s:40', '/w/main.s:40']);
    const map = LineMap.fromElf(readElf(image));
    assert.strictEqual(map.lookup(t + 8n), undefined, 'nothing between the end of .text and the next page');
    assert.strictEqual(map.lookup(m + 4n), undefined);
    assert.deepStrictEqual(map.files(), ['main.s', '/abs/lib/x.s']);
    assert.deepStrictEqual(map.addressesOf('x.s', 20), [t + 4n]);
  });
});
