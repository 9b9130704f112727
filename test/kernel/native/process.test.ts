// Task services: rlimits as struct rlimit64 bytes, uname/sysinfo layouts, clocks and sleeps on the
// emulated clock, getrandom, rseq/robust-list registration, rt_sigaction/rt_sigprocmask records.

import * as assert from 'assert';
import { Task, EINVAL, ESRCH, EBUSY } from '../../../emulator/kernel/native';

const u64 = (...v: bigint[]) => { const b = new Uint8Array(v.length * 8); const d = new DataView(b.buffer); v.forEach((x, i) => d.setBigUint64(i * 8, x, true)); return b; };
const rd = (b: Uint8Array, i: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(i * 8, true);

describe('native process', () => {
  const t = () => new Task({ clockNs: () => 5_000_000_123n, realtimeBaseNs: 1_700_000_000n * 1_000_000_000n });

  it('prlimit64/getrlimit: RLIMIT_STACK 8 MiB / infinity, NOFILE 1024/1048576, errors', () => {
    const k = t();
    const s = k.sysPrlimit64(0, 3, null);
    assert.strictEqual(s.ret, 0);
    assert.deepStrictEqual([rd(s.bytes, 0), rd(s.bytes, 1)], [8388608n, 0xffffffffffffffffn]);
    const n = k.sysGetrlimit(7);
    assert.deepStrictEqual([rd(n.bytes, 0), rd(n.bytes, 1)], [1024n, 1048576n]);
    assert.strictEqual(k.sysPrlimit64(0, 16, null).ret, -EINVAL);
    assert.strictEqual(k.sysPrlimit64(4242, 3, null).ret, -ESRCH);
    assert.strictEqual(k.sysPrlimit64(0, 7, u64(10n, 5n)).ret, -EINVAL);
    assert.strictEqual(k.sysPrlimit64(0, 7, u64(10n, 20n)).ret, 0);
    assert.strictEqual(rd(k.sysGetrlimit(7).bytes, 0), 10n);
  });

  it('uname and sysinfo byte layouts', () => {
    const u = t().sysNewuname();
    const f = (i: number) => Buffer.from(u.subarray(i * 65, i * 65 + 65)).toString().replace(/\0.*$/s, '');
    assert.strictEqual(u.length, 390);
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5].map(f), ['Linux', 'trapdoor', '6.18.0-trapdoor', '#1 SMP PREEMPT_DYNAMIC', 'x86_64', '(none)']);
    const s = t().sysSysinfo();
    assert.strictEqual(s.length, 112);
    assert.strictEqual(rd(s, 0), 5n);
  });

  it('clocks follow the emulated clock; sleeps advance it; bad arguments are EINVAL', () => {
    const k = t();
    const m = k.sysClockGettime(1);
    assert.deepStrictEqual([rd(m.bytes, 0), rd(m.bytes, 1)], [5n, 123n]);
    assert.strictEqual(rd(k.sysClockGettime(0).bytes, 0), 1_700_000_005n);
    assert.strictEqual(k.sysClockGettime(99).ret, -EINVAL);
    assert.strictEqual(k.sysNanosleep(u64(2n, 0n)), 0);
    assert.strictEqual(rd(k.sysClockGettime(1).bytes, 0), 7n);
    assert.strictEqual(k.sysNanosleep(u64(0n, 1_000_000_000n)), -EINVAL);
    assert.strictEqual(k.sysClockNanosleep(1, 1, u64(10n, 0n)), 0);
    assert.strictEqual(rd(k.sysClockGettime(1).bytes, 0), 10n);
    assert.strictEqual(k.sysTime(), 1_700_000_010);
    assert.strictEqual(rd(k.sysGettimeofday(), 1), 0n);
  });

  it('getrandom is seeded; flags checked', () => {
    assert.deepStrictEqual(t().sysGetrandom(8, 1).bytes, t().sysGetrandom(8, 1).bytes);
    assert.strictEqual(t().sysGetrandom(8, 6).ret, -EINVAL);
    assert.strictEqual(t().sysGetrandom(8, 0x80).ret, -EINVAL);
  });

  it('set_tid_address, set_robust_list and rseq registration', () => {
    const k = t();
    assert.strictEqual(k.sysSetTidAddress(0x1234), 1000);
    assert.strictEqual(k.sysSetRobustList(0x1000, 24), 0);
    assert.strictEqual(k.sysSetRobustList(0x1000, 23), -EINVAL);
    assert.strictEqual(k.sysRseq(0x4e0, 0x20, 0, 0x53053053), 0);
    assert.strictEqual(k.sysRseq(0x4e0, 0x20, 0, 0x53053053), -EBUSY);
    assert.strictEqual(k.sysRseq(0x4e0, 0x20, 1, 0x53053053), 0);
    assert.strictEqual(k.sysRseq(0x4e1, 0x20, 0, 0), -EINVAL);
  });

  it('rt_sigaction and rt_sigprocmask record and return the old values', () => {
    const k = t();
    assert.strictEqual(k.sysRtSigaction(10, u64(0x401000n, 0x04000000n, 0x401100n, (1n << 9n) | (1n << 8n)), 8).ret, 0);
    const old = k.sysRtSigaction(10, null, 8);
    assert.deepStrictEqual([0, 1, 2, 3].map(i => rd(old.bytes, i)), [0x401000n, 0x04000000n, 0x401100n, 512n]);
    assert.strictEqual(k.sysRtSigaction(9, u64(1n, 0n, 0n, 0n), 8).ret, -EINVAL);
    assert.strictEqual(k.sysRtSigaction(10, null, 16).ret, -EINVAL);
    assert.strictEqual(k.sysRtSigaction(65, null, 8).ret, -EINVAL);
    assert.strictEqual(k.sysRtSigprocmask(0, u64((1n << 1n) | (1n << 8n)), 8).ret, 0);
    assert.strictEqual(rd(k.sysRtSigprocmask(0, null, 8).bytes, 0), 2n, 'SIGKILL cannot be blocked');
    assert.strictEqual(k.sysRtSigprocmask(5, u64(0n), 8).ret, -EINVAL);
  });
});
