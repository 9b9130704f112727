// Memory maps: /proc/self/maps text against a native run, brk, mmap placement and errnos, lazy
// pages (a huge mmap costs no host memory), mprotect/PROT_NONE, mremap, madvise, munmap splits.

import * as assert from 'assert';
import * as fs from 'fs';
import { AddressSpace, GuestFault } from '../../../emulator/memory';
import { loadElf, Mm, EINVAL, ENOMEM, EEXIST, EFAULT, MMAP_BASE } from '../../../emulator/kernel/native';
import { devMajor, devMinor } from '../../../emulator/kernel/native/stat';
import { tempDir } from '../../helpers/tools';
import { buildFixture, runNoAslr } from './helpers';

const RW = 3, R = 1, PRIV_ANON = 0x22;

function fresh() { const as = new AddressSpace(); return { as, mm: new Mm(as) }; }

describe('native mm', () => {
  it('prints /proc/self/maps exactly as Linux does for the same program and mmaps', function () {
    const dir = tempDir();
    try {
      const exe = buildFixture('selfmaps', dir, ['-static', '-nostdlib', '-O1', '-fno-stack-protector']);
      if (!exe) return this.skip();
      const real = runNoAslr(exe, [], {}, dir);
      if (real === undefined) return this.skip();
      const { mm } = fresh();
      const st = fs.statSync(exe, { bigint: true });
      loadElf(mm, new Uint8Array(fs.readFileSync(exe)), { argv: [exe], envp: [], random: new Uint8Array(16), vdso: { image: new Uint8Array(8192) },
        path: exe, dev: { major: devMajor(st.dev), minor: devMinor(st.dev) }, inode: Number(st.ino) });
      assert.strictEqual(mm.ksysMmap(0, 65536, RW, PRIV_ANON, null, 0), 0x7ffff7fe7000);
      assert.strictEqual(mm.ksysMmap(0, 4096, R, PRIV_ANON, null, 0), 0x7ffff7fe6000);
      assert.strictEqual(mm.procMaps(), real);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('brk: query, grow with zero pages, shrink unmaps, refuses below start', () => {
    const { as, mm } = fresh();
    mm.startBrk = mm.brk = 0x4ad000;
    assert.strictEqual(mm.sysBrk(0), 0x4ad000);
    assert.strictEqual(mm.sysBrk(0x4add00), 0x4add00);
    assert.strictEqual(as.readBytes(0x4adcff, 1)[0], 0);
    as.writeBytes(0x4ad010, new Uint8Array([7]));
    assert.ok(mm.procMaps().includes('004ad000-004ae000 rw-p 00000000 00:00 0                                  [heap]\n'));
    assert.strictEqual(mm.sysBrk(0x4cf000), 0x4cf000);
    assert.strictEqual(mm.sysBrk(0x4ad000), 0x4ad000);
    assert.throws(() => as.readBytes(0x4ad010, 1), GuestFault);
    assert.strictEqual(mm.sysBrk(0x1000), 0x4ad000);
    // Growing into another mapping fails by returning the old break.
    assert.strictEqual(mm.ksysMmap(0x4b0000, 4096, RW, PRIV_ANON | 0x10, null, 0), 0x4b0000);
    assert.strictEqual(mm.sysBrk(0x4b0000), 0x4ad000);
  });

  it('mmap errnos: zero length, unaligned fixed/offset, bad type, FIXED_NOREPLACE, too big', () => {
    const { mm } = fresh();
    assert.strictEqual(mm.ksysMmap(0, 0, RW, PRIV_ANON, null, 0), -EINVAL);
    assert.strictEqual(mm.ksysMmap(0x10001, 4096, RW, PRIV_ANON | 0x10, null, 0), -EINVAL);
    assert.strictEqual(mm.ksysMmap(0, 4096, RW, 0x20, null, 0), -EINVAL);
    assert.strictEqual(mm.ksysMmap(0, 4096, RW, PRIV_ANON, null, 100), -EINVAL);
    const a = mm.ksysMmap(0, 8192, RW, PRIV_ANON, null, 0);
    assert.strictEqual(a, MMAP_BASE - 8192);
    assert.strictEqual(mm.ksysMmap(a + 4096, 4096, RW, PRIV_ANON | 0x100000, null, 0), -EEXIST);
    assert.strictEqual(mm.ksysMmap(0, 2 ** 46, RW, PRIV_ANON, null, 0), -ENOMEM);
    // A hint is honoured when free.
    assert.strictEqual(mm.ksysMmap(0x200000000, 4096, RW, PRIV_ANON, null, 0), 0x200000000);
  });

  it('maps 3 GiB lazily and refuses 8 GiB with ENOMEM, without host memory growth', () => {
    const { as, mm } = fresh();
    const before = process.memoryUsage().rss;
    const a = mm.ksysMmap(0, 3 * 2 ** 30, RW, PRIV_ANON, null, 0);
    assert.ok(a > 0);
    assert.strictEqual(mm.ksysMmap(0, 8 * 2 ** 30, RW, PRIV_ANON, null, 0), -ENOMEM);
    as.writeBytes(a + 2 ** 31, new Uint8Array([1, 2, 3]));
    assert.deepStrictEqual([...as.readBytes(a + 2 ** 31, 3)], [1, 2, 3]);
    assert.strictEqual(as.pages.size, 1);
    assert.ok(process.memoryUsage().rss - before < 64 * 2 ** 20, 'rss grew');
  });

  it('mprotect splits VMAs, PROT_NONE faults, holes give ENOMEM; munmap splits', () => {
    const { as, mm } = fresh();
    const a = mm.ksysMmap(0, 3 * 4096, RW, PRIV_ANON, null, 0);
    as.write8(a + 4096, 5);   // supervisor write through the demand pager
    assert.strictEqual(mm.sysMprotect(a + 4096, 4096, 0), 0);
    assert.strictEqual(mm.vmas.length, 3);
    as.user = true;
    assert.throws(() => as.read8(a + 4096), GuestFault);
    assert.strictEqual(as.read8(a), 0);
    as.user = false;
    assert.strictEqual(mm.sysMprotect(a + 4096, 4096, RW), 0);
    assert.strictEqual(mm.vmas.length, 1, 'merged back');
    assert.strictEqual(as.read8(a + 4096), 5);
    assert.strictEqual(mm.sysMprotect(a + 1, 4096, R), -EINVAL);
    assert.strictEqual(mm.sysMprotect(a - 4096, 8192, R), -ENOMEM);
    assert.strictEqual(mm.sysMunmap(a + 4096, 4096), 0);
    assert.strictEqual(mm.vmas.length, 2);
    assert.strictEqual(mm.sysMunmap(a + 1, 4096), -EINVAL);
    assert.strictEqual(mm.sysMunmap(a, 0), -EINVAL);
  });

  it('mremap shrinks, grows in place, moves with MAYMOVE and keeps the bytes', () => {
    const { as, mm } = fresh();
    const a = mm.ksysMmap(0, 8192, RW, PRIV_ANON, null, 0);
    as.writeBytes(a, new Uint8Array([9, 8, 7]));
    assert.strictEqual(mm.sysMremap(a, 8192, 4096, 0, 0), a);
    assert.strictEqual(mm.ksysMmap(a + 8192, 4096, R, PRIV_ANON | 0x10, null, 0), a + 8192);
    assert.strictEqual(mm.sysMremap(a, 4096, 65536, 0, 0), -ENOMEM);   // the next mapping is in the way
    const b = mm.sysMremap(a, 4096, 65536, 1, 0);
    assert.ok(b > 0 && b !== a);
    assert.deepStrictEqual([...as.readBytes(b, 3)], [9, 8, 7]);
    assert.strictEqual(mm.sysMremap(a, 4096, 8192, 1, 0), -EFAULT);
    assert.strictEqual(mm.sysMremap(b + 1, 4096, 8192, 1, 0), -EINVAL);
    const c = mm.ksysMmap(0x300000000, 4096, RW, PRIV_ANON, null, 0);
    assert.strictEqual(mm.sysMremap(c, 4096, 16384, 0, 0), c, 'grows in place');
  });

  it('madvise(DONTNEED) gives zero pages again; bad advice EINVAL; unmapped ENOMEM', () => {
    const { as, mm } = fresh();
    const a = mm.ksysMmap(0, 8192, RW, PRIV_ANON, null, 0);
    as.writeBytes(a, new Uint8Array([1]));
    assert.strictEqual(mm.sysMadvise(a, 8192, 4), 0);
    assert.strictEqual(as.readBytes(a, 1)[0], 0);
    assert.strictEqual(mm.sysMadvise(a, 4096, 9999), -EINVAL);
    assert.strictEqual(mm.sysMadvise(a + 8192, 4096, 4), -ENOMEM);
  });
});
