// The ELF loader: corpus binaries' entry and segment permissions, the initial stack word by word
// against the one Linux builds (a native run with ASLR off), and typed errors for bad files.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AddressSpace, PROT_EXEC, PROT_USER, PROT_WRITE } from '../../../emulator/memory';
import { ExecError, loadElf, Mm, ENOEXEC } from '../../../emulator/kernel/native';
import { readElf } from '../../../emulator/elf/reader';
import { tempDir } from '../../helpers/tools';
import { buildFixture, corpus, runNoAslr } from './helpers';

const random = new Uint8Array(16).fill(0xab);

function load(file: string, argv: string[], envp: string[], vdso = false) {
  const as = new AddressSpace();
  const mm = new Mm(as);
  const prog = loadElf(mm, new Uint8Array(fs.readFileSync(file)), { argv, envp, random, vdso: vdso ? { image: new Uint8Array(8192) } : undefined });
  return { as, mm, prog };
}

describe('native loader', () => {
  const cases = fs.readdirSync(corpus).filter(c => fs.existsSync(path.join(corpus, c, c)));

  it('loads every corpus binary at its entry with each PT_LOAD page mapped with its permissions', () => {
    assert.ok(cases.length >= 15, `corpus binaries found: ${cases.length}`);
    for (const c of cases) {
      const file = path.join(corpus, c, c);
      const elf = readElf(new Uint8Array(fs.readFileSync(file)));
      const { as, prog } = load(file, ['./' + c], ['A=1']);
      assert.strictEqual(prog.entry, Number(elf.entry), c);
      for (const s of elf.segments.filter(x => x.type === 1)) {
        const va = Number(s.vaddr);
        const page = as.pageAt(va) ?? (as.readBytes(va, 1), as.pageAt(va))!;
        assert.strictEqual(page.prot & PROT_USER, PROT_USER, `${c} user`);
        assert.strictEqual((page.prot & PROT_WRITE) !== 0, (s.flags & 2) !== 0, `${c} ${va.toString(16)} W`);
        assert.strictEqual((page.prot & PROT_EXEC) !== 0, (s.flags & 1) !== 0, `${c} ${va.toString(16)} X`);
        // File bytes are there, the bss after them reads as zero.
        const fsz = Number(s.filesz);
        if (fsz > 0) assert.strictEqual(Buffer.from(as.readBytes(va, Math.min(fsz, 64))).toString('hex'), fs.readFileSync(file).subarray(s.offset, s.offset + Math.min(fsz, 64)).toString('hex'));
        if (Number(s.memsz) > fsz) assert.strictEqual(as.readBytes(va + fsz, 1)[0], 0, `${c} bss`);
      }
      // argc, argv[0] and the terminating NULLs on the stack.
      assert.strictEqual(Number(as.readU64(prog.stackPointer)), 1);
      assert.strictEqual(prog.stackPointer % 16, 0);
      assert.strictEqual(Buffer.from(as.readBytes(Number(as.readU64(prog.stackPointer + 8)), c.length + 2)).toString(), './' + c);
    }
  });

  it('builds the initial stack exactly as Linux does (compared with a native run, ASLR off)', function () {
    const dir = tempDir();
    try {
      const exe = buildFixture('auxv', dir, ['-static', '-O1']);
      if (!exe) return this.skip();
      const argv = ['./auxv', 'alpha', 'two words'], env = { CORPUS_VAR: 'x', LANG: 'C' };
      const out = runNoAslr('./auxv', argv.slice(1), env, dir);
      if (out === undefined) return this.skip();
      const { as, prog } = load(exe, argv, Object.entries(env).map(([k, v]) => `${k}=${v}`), true);
      const real = out.trim().split('\n');
      const mine: string[] = [`sp ${prog.stackPointer.toString(16)}`, `argc ${argv.length}`];
      prog.argvAddrs.forEach(a => mine.push(`argv ${a.toString(16)}`));
      prog.envpAddrs.forEach(a => mine.push(`envp ${a.toString(16)}`));
      // Words read back from guest memory, not from the loader's report.
      const w = (i: number) => Number(as.readU64(prog.stackPointer + 8 * i));
      let i = 1 + argv.length + 1 + prog.envpAddrs.length + 1;
      for (;; i += 2) { mine.push(`auxv ${w(i)} ${w(i + 1).toString(16)}`); if (w(i) === 0) break; }
      // Machine-specific values: CPU features, signal frame size.
      const mask = (l: string) => l.replace(/^auxv (16|26|51) .*/, 'auxv $1 X');
      assert.deepStrictEqual(mine.map(mask), real.map(mask));
      assert.strictEqual(Buffer.from(as.readBytes(prog.randomAddr, 16)).toString('hex'), 'ab'.repeat(16));
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('places a static-pie below mmap_base and its brk at ELF_ET_DYN_BASE, as Linux 6.18 does', function () {
    const dir = tempDir();
    try {
      const exe = buildFixture('auxv', dir, ['-static-pie', '-O1']);
      if (!exe) return this.skip();
      const out = runNoAslr('./auxv', [], {}, dir);
      if (out === undefined) return this.skip();
      const { prog } = load(exe, ['./auxv'], [], true);
      const realEntry = /auxv 9 ([0-9a-f]+)/.exec(out)![1];
      assert.strictEqual(prog.entry.toString(16), realEntry);
      assert.strictEqual(prog.brkStart, 0x555555555000);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('rejects bad files with ExecError only', () => {
    const bad: Uint8Array[] = [new Uint8Array(0), new TextEncoder().encode('#!/bin/sh\n'), new Uint8Array(64)];
    const good = new Uint8Array(fs.readFileSync(path.join(corpus, 'hello-gas', 'hello-gas')));
    for (let cut = 1; cut < 300; cut += 7) bad.push(good.slice(0, cut));
    const flipped = good.slice(); flipped[18] = 3; flipped[19] = 0; bad.push(flipped);   // EM_386
    for (const b of bad) {
      assert.throws(() => loadElf(new Mm(new AddressSpace()), b, { argv: ['x'], envp: [], random }), (e: unknown) => e instanceof ExecError && e.errno === ENOEXEC);
    }
  });

  it('without a way to open its interpreter, a dynamically linked program is ENOEXEC with a message', function () {
    const dir = tempDir();
    try {
      const exe = buildFixture('auxv', dir, ['-O1']);
      if (!exe) return this.skip();
      assert.throws(() => load(exe, ['x'], []), (e: unknown) => e instanceof ExecError && e.errno === ENOEXEC && /dynamically linked/.test(e.message));
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
