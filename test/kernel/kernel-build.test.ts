// The kernel tree builds with Trapdoor's assembler, and is real GNU assembler source: every .S
// file also goes through gcc's preprocessor and GNU as. The tables come from the .tbl files.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { asmOffsetsHeader, vmcallHeader, KERNEL_BASE } from '../../emulator/kernel/abi';
import { buildKernel, findKernelTree } from '../../emulator/kernel/build';
import { cacheKey, loadCached } from '../../emulator/kernel/build-cache';
import { requireTools, tempDir } from '../helpers/tools';
import { vdso32Header } from '../../emulator/kernel/vdso32';

describe('kernel build', function () {
  it('assembles and links the tree at KERNEL_BASE with start_kernel as its entry', function () {
    const k = buildKernel();
    assert.strictEqual(k.sections[0].address, KERNEL_BASE);
    assert.strictEqual(k.entry, k.symbols.get('start_kernel'));
    for (const s of ['entry_SYSCALL_64', 'do_syscall_64', 'sys_call_table', 'ia32_sys_call_table', 'entry_INT80_compat', 'copy_from_user', 'copy_to_user', 'strncpy_from_user', 'sys_ni_syscall', 'sys_write', 'fixup_exception']) {
      assert.ok(k.symbols.has(s), `${s} is missing`);
    }
  });

  it('sys_call_table holds each handler at its number, sys_ni_syscall for the rest', function () {
    const k = buildKernel();
    const table = k.symbols.get('sys_call_table')!;
    const ro = k.sections.find((s) => table >= s.address && table < s.address + BigInt(s.size))!;
    const entry = (nr: number): bigint => Buffer.from(ro.data!).readBigUInt64LE(Number(table - ro.address) + nr * 8);
    assert.strictEqual(entry(1), k.symbols.get('sys_write'));
    assert.strictEqual(entry(0), k.symbols.get('sys_read'));
    assert.strictEqual(entry(60), k.symbols.get('sys_exit'));
    const ni = k.symbols.get('sys_ni_syscall');
    assert.strictEqual(entry(56), k.symbols.get('sys_clone'));
    assert.strictEqual(entry(165), ni, 'mount is not implemented and must reach sys_ni_syscall');
    const rows = k.syscalls.filter((s) => s.abi === '64');
    assert.ok(rows.find((s) => s.name === 'write')!.implemented);
    assert.ok(!rows.find((s) => s.name === 'mount')!.implemented);
    assert.strictEqual(rows.find((s) => s.name === 'mount')!.handler, 'sys_ni_syscall');
    const i386 = k.syscalls.filter((s) => s.abi === 'i386');
    assert.strictEqual(i386.find((s) => s.nr === 4)!.handler, 'sys_write');
  });

  it('every line of the kernel maps to its .S source file', function () {
    const k = buildKernel();
    const files = new Set(k.lines.map((l) => path.basename(l.file)));
    for (const f of ['entry_64.S', 'common.S', 'usercopy_64.S', 'read_write.S']) assert.ok(files.has(f), `no line rows for ${f}`);
  });

  it('GNU as (through gcc -E) accepts every kernel source file', function () {
    requireTools(this, 'gcc', 'as');
    const tree = findKernelTree();
    const gen = tempDir('trapdoor-kgen-');
    try {
      fs.mkdirSync(path.join(gen, 'asm'), { recursive: true });
      fs.mkdirSync(path.join(gen, 'generated', 'asm'), { recursive: true });
      fs.writeFileSync(path.join(gen, 'asm', 'asm-offsets.h'), asmOffsetsHeader());
      fs.writeFileSync(path.join(gen, 'asm', 'vmcall.h'), vmcallHeader());
      fs.writeFileSync(path.join(gen, 'asm', 'vdso-image-32.h'), vdso32Header());
      // Any table content will do for GNU as: a few entries.
      fs.writeFileSync(path.join(gen, 'generated', 'asm', 'syscalls_64.h'), '__SYSCALL(0, sys_read)\n\t.set NR_syscalls, 1\n');
      fs.writeFileSync(path.join(gen, 'generated', 'asm', 'syscalls_32.h'), '__SYSCALL(0, sys_ni_syscall)\n\t.set IA32_NR_syscalls, 1\n');
      const files: string[] = [];
      const walk = (d: string): void => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.name.endsWith('.S')) files.push(p);
        }
      };
      walk(tree);
      assert.ok(files.length >= 15);
      for (const f of files) {
        const r = spawnSync('gcc', ['-c', '-o', path.join(gen, 'out.o'), '-I', gen, '-I', path.join(tree, 'include'), '-I', path.join(tree, 'arch', 'x86', 'include'), f], { encoding: 'utf8' });
        assert.strictEqual(r.status, 0, `${path.relative(tree, f)}:\n${r.stderr}`);
      }
    } finally {
      fs.rmSync(gen, { recursive: true, force: true });
    }
  });
});

describe('kernel build cache', function () {
  it('a fresh tree is assembled from its sources, stored, and read back identical', function () {
    const tree = tempDir('trapdoor-ktree-');
    const cacheDir = tempDir('trapdoor-kcache-');
    const saved = process.env.TRAPDOOR_CACHE_DIR;
    process.env.TRAPDOOR_CACHE_DIR = cacheDir;
    try {
      fs.cpSync(findKernelTree(), tree, { recursive: true });
      const built = buildKernel(tree); // a new tree: no cache entry yet
      const stored = fs.readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
      assert.strictEqual(stored.length, 1, 'the image was not stored');
      const key = stored[0].replace(/\.json$/, '');
      const back = loadCached(key)!;
      assert.ok(back, 'the stored image does not read back');
      assert.deepStrictEqual([...back.symbols], [...built.symbols]);
      assert.deepStrictEqual(back.sections.map((s) => [s.name, s.address, Buffer.from(s.data ?? []).toString('hex')]), built.sections.map((s) => [s.name, s.address, Buffer.from(s.data ?? []).toString('hex')]));
      // A change to any kernel source gives another key.
      fs.appendFileSync(path.join(tree, 'kernel', 'sys.S'), '\n/* changed */\n');
      assert.notStrictEqual(cacheKey(tree, [asmOffsetsHeader(), vmcallHeader()]), key);
    } finally {
      if (saved === undefined) delete process.env.TRAPDOOR_CACHE_DIR;
      else process.env.TRAPDOOR_CACHE_DIR = saved;
      fs.rmSync(tree, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
