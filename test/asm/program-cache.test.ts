// The assembled-program cache: a second assembly of an unchanged file comes from the cache (the
// entry is used even when the assembler could not run), an edit to the file or to a file it
// includes assembles afresh, and results with diagnostics are never cached.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { assembleFileCached } from '../../emulator/asm/program-cache';
import { tempDir } from '../helpers/tools';

describe('assembled-program cache', () => {
  let dir = '';
  let saved: string | undefined;
  beforeEach(() => {
    dir = tempDir('trapdoor-progcache-');
    saved = process.env.TRAPDOOR_CACHE_DIR;
    process.env.TRAPDOOR_CACHE_DIR = path.join(dir, 'cache');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.TRAPDOOR_CACHE_DIR; else process.env.TRAPDOOR_CACHE_DIR = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const entries = (): string[] => {
    const d = path.join(dir, 'cache', 'programs');
    return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith('.json')) : [];
  };

  it('stores a clean result, serves it again, and re-assembles when an included file changes', () => {
    const main = path.join(dir, 'prog.s');
    fs.writeFileSync(path.join(dir, 'exit.inc'), '  mov $60, %eax\n');
    fs.writeFileSync(main, '  .globl _start\n_start:\n  .include "exit.inc"\n  xor %edi, %edi\n  syscall\n');
    const first = assembleFileCached(main);
    assert.ok(first.image && first.diagnostics.length === 0);
    assert.strictEqual(entries().length, 1);
    // A hit must not depend on the assembler: poison the entry's image and see it come back.
    const file = path.join(dir, 'cache', 'programs', entries()[0]);
    const e = JSON.parse(fs.readFileSync(file, 'utf8'));
    e.image = Buffer.from('cached').toString('base64');
    fs.writeFileSync(file, JSON.stringify(e));
    assert.strictEqual(Buffer.from(assembleFileCached(main).image!).toString(), 'cached');
    // The include changes: a fresh assembly, with the new bytes.
    fs.writeFileSync(path.join(dir, 'exit.inc'), '  mov $231, %eax\n');
    const third = assembleFileCached(main);
    assert.notStrictEqual(Buffer.from(third.image!).toString(), 'cached');
    assert.notDeepStrictEqual(third.image, first.image);
  });

  it('an edited file is a different entry; a file with diagnostics is not cached', () => {
    const main = path.join(dir, 'prog.s');
    fs.writeFileSync(main, '  .globl _start\n_start:\n  ret\n');
    assembleFileCached(main);
    fs.writeFileSync(main, '  .globl _start\n_start:\n  nop\n  ret\n');
    assembleFileCached(main);
    assert.strictEqual(entries().length, 2);
    fs.writeFileSync(main, '  .globl _start\n_start:\n  bogus %eax\n');
    const r = assembleFileCached(main);
    assert.ok(!r.image && r.diagnostics.some((d) => d.severity === 'error'));
    assert.strictEqual(entries().length, 2);
  });
});

describe('assembled-program cache size', () => {
  it('keeps at most MAX_ENTRIES (+ slack) programs, dropping the least recently used', () => {
    const dir = tempDir('trapdoor-progcache-');
    const saved = process.env.TRAPDOOR_CACHE_DIR;
    process.env.TRAPDOOR_CACHE_DIR = path.join(dir, 'cache');
    try {
      const { MAX_ENTRIES } = require('../../emulator/asm/program-cache') as { MAX_ENTRIES: number };
      const store = path.join(dir, 'cache', 'programs');
      fs.mkdirSync(store, { recursive: true });
      for (let i = 0; i < MAX_ENTRIES + 40; i++) fs.writeFileSync(path.join(store, `old${i}.json`), '{}');
      const main = path.join(dir, 'p.s');
      fs.writeFileSync(main, '  .globl _start\n_start:\n  ret\n');
      assembleFileCached(main);
      const left = fs.readdirSync(store).filter((f) => f.endsWith('.json'));
      assert.ok(left.length <= MAX_ENTRIES, `${left.length} entries left`);
      assert.ok(left.some((f) => !f.startsWith('old')), 'the new entry is kept');
    } finally {
      if (saved === undefined) delete process.env.TRAPDOOR_CACHE_DIR; else process.env.TRAPDOOR_CACHE_DIR = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
