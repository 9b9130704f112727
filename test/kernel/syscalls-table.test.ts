// The syscall tables: Linux's numbers and names for x86-64 and i386, read from the .tbl files.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { findTableDir, loadSyscallTables, parseSyscallTable, tablesFromText } from '../../emulator/kernel/syscalls/table';

describe('syscall tables (syscall_64.tbl, syscall_32.tbl)', () => {
  const t = loadSyscallTables();

  it('x86-64 numbers match the kernel', () => {
    const want: [number, string][] = [[0, 'read'], [1, 'write'], [59, 'execve'], [60, 'exit'], [231, 'exit_group'],
      [257, 'openat'], [435, 'clone3'], [262, 'newfstatat'], [334, 'rseq'], [302, 'prlimit64']];
    for (const [nr, name] of want) assert.strictEqual(t['64'].name(nr), name, `64-bit ${nr}`);
    assert.strictEqual(t['64'].lookup('write')!.entry, 'sys_write');
    assert.strictEqual(t['64'].lookup('uname')!.entry, 'sys_newuname');
    assert.ok(t['64'].lookup('exit_group')!.noreturn);
  });

  it('i386 numbers match the kernel, with the compat entry column', () => {
    const want: [number, string][] = [[1, 'exit'], [3, 'read'], [4, 'write'], [11, 'execve'], [252, 'exit_group'], [192, 'mmap2'], [295, 'openat']];
    for (const [nr, name] of want) assert.strictEqual(t.i386.name(nr), name, `i386 ${nr}`);
    assert.strictEqual(t.i386.lookup('open')!.compatEntry, 'compat_sys_open');
    assert.strictEqual(t.i386.lookup('write')!.compatEntry, undefined);
  });

  it('every number is unique per ABI and every table has its gaps where Linux has them', () => {
    for (const abi of ['64', 'i386'] as const) {
      const seen = new Set<string>();
      for (const e of t[abi].entries) {
        const key = `${e.tableAbi === 'x32' ? 'x32' : abi}:${e.nr}`;
        assert.ok(!seen.has(key), `duplicate ${key}`);
        seen.add(key);
      }
    }
    assert.strictEqual(t['64'].get(400), undefined);
    assert.strictEqual(t.i386.get(222), undefined);
    assert.ok(t['64'].entries.length > 400 && t.i386.entries.length > 420);
  });

  it('keeps x32 entries in their own number space', () => {
    assert.strictEqual(t['64'].get(512), undefined);
    assert.strictEqual(t['64'].getX32(512)!.entry, 'compat_sys_rt_sigaction');
    assert.strictEqual(t['64'].getX32(1)!.name, 'write');
  });

  it('numbers Linux reserves without a handler reach sys_ni_syscall', () => {
    const e = t['64'].lookup('tuxcall')!;
    assert.strictEqual(e.nr, 184);
    assert.strictEqual(e.entry, 'sys_ni_syscall');
    assert.ok(e.reserved);
  });

  it('agrees with this machine\'s <asm/unistd_64.h> where present', function () {
    const h = ['/usr/include/x86_64-linux-gnu/asm/unistd_64.h', '/usr/include/asm/unistd_64.h'].find((f) => fs.existsSync(f));
    if (!h) {
      console.log('      skipped: no asm/unistd_64.h (apt-get install -y linux-libc-dev)');
      this.skip();
    }
    let n = 0;
    for (const m of fs.readFileSync(h!, 'utf8').matchAll(/#define __NR_(\w+) (\d+)/g)) {
      assert.strictEqual(t['64'].name(Number(m[2])), m[1], `__NR_${m[1]}`);
      n++;
    }
    assert.ok(n > 300);
  });

  it('rejects malformed lines with the file and line number, and duplicates', () => {
    assert.throws(() => parseSyscallTable('0\tcommon\n', '64'), /syscall_64\.tbl:1/);
    assert.throws(() => parseSyscallTable('x\tcommon\tread\tsys_read\n', '64'), /bad syscall number/);
    assert.throws(() => parseSyscallTable('0\ti386\tread\tsys_read\n', '64'), /does not belong/);
    assert.throws(() => tablesFromText('0 common read sys_read\n0 common write sys_write\n', ''), /appears twice/);
  });

  it('loads through a text reader as a bundler would provide it', () => {
    const dir = findTableDir();
    const t2 = loadSyscallTables((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    assert.strictEqual(t2['64'].name(435), 'clone3');
  });
});
