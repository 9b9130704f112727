// Record and replay of the host's answers (time travel's input log): a live cursor asks the host
// and logs; a replaying cursor answers from the log without touching the host, in order, errors
// included; a different call is a divergence; past the end it goes live again (or refuses).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AddressSpace } from '../../../emulator/memory';
import {
  AT_FDCWD, BufferHostIO, ENOENT, HostCursor, HostLog, NativeKernel, RecordingHostFs, RecordingHostIO, ReplayDivergence, nodeHostFs,
} from '../../../emulator/kernel/native';
import { tempDir } from '../../helpers/tools';

const O_RDONLY = 0, O_WRONLY = 1, O_CREAT = 0x40, O_APPEND = 0x400;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => Buffer.from(b).toString();

describe('host record and replay', () => {
  it('a replaying cursor answers from the log, in order, without calling the host', () => {
    const log = new HostLog();
    const live = new HostCursor(log);
    let calls = 0;
    assert.strictEqual(live.call('a', '1', () => { calls++; return 10; }), 10);
    assert.strictEqual(live.call('b', 'x', () => { calls++; return 'text'; }), 'text');
    assert.strictEqual(log.length, 2);
    const again = new HostCursor(log);
    assert.ok(again.replaying);
    assert.strictEqual(again.call('a', '1', () => { calls++; return 99; }), 10);
    assert.strictEqual(again.call('b', 'x', () => { calls++; return 'other'; }), 'text');
    assert.strictEqual(calls, 2, 'the host was asked only by the live cursor');
    assert.ok(!again.replaying);
  });

  it('replays a thrown error as the same error', () => {
    const log = new HostLog();
    const err = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    assert.throws(() => new HostCursor(log).call('stat', '/x', () => { throw err; }), (e) => e === err);
    assert.throws(() => new HostCursor(log).call('stat', '/x', () => 0), (e) => e === err);
  });

  it('a different call than the recording is a divergence', () => {
    const log = new HostLog();
    new HostCursor(log).call('stat', '/a', () => 1);
    assert.throws(() => new HostCursor(log).call('stat', '/b', () => 1), ReplayDivergence);
    assert.throws(() => new HostCursor(log).call('open', '/a', () => 1), ReplayDivergence);
  });

  it('goes live past the end of the log, or refuses when it must only replay', () => {
    const log = new HostLog();
    new HostCursor(log).call('a', '', () => 1);
    const c = new HostCursor(log);
    c.call('a', '', () => 0);
    assert.strictEqual(c.call('b', '', () => 2), 2);
    assert.strictEqual(log.length, 2, 'the live answer is appended');
    const ro = new HostCursor(log, false);
    ro.call('a', '', () => 0);
    ro.call('b', '', () => 0);
    assert.throws(() => ro.call('c', '', () => 3), ReplayDivergence);
    assert.strictEqual(log.length, 2);
  });

  it('hands out copies of byte arrays (the loader may write into them)', () => {
    const log = new HostLog();
    const b = new HostCursor(log).call('readFile', 'f', () => enc('abc'));
    b[0] = 0x7a;
    assert.strictEqual(dec(new HostCursor(log).call('readFile', 'f', () => enc('zzz'))), 'abc');
  });

  describe('a kernel on the recording host', () => {
    let dir: string;
    beforeEach(() => {
      dir = tempDir('trapdoor-replay-');
      fs.mkdirSync(path.join(dir, 'tmp'));
      fs.writeFileSync(path.join(dir, 'in.txt'), 'file contents\n');
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A native kernel whose host calls go through `c` (stdin "typed input", stdout collected in `io`). */
    const kernel = (c: HostCursor, io: BufferHostIO): NativeKernel =>
      new NativeKernel({ as: new AddressSpace(), hostIO: new RecordingHostIO(c, io), hostFs: new RecordingHostFs(c, nodeHostFs), cwd: dir, tmpDir: path.join(dir, 'tmp'), clockNs: () => 0n, realtimeBaseNs: 0n });

    /** The same calls a program would make: read stdin and a file, append to a file, print, stat a missing file. */
    const work = (k: NativeKernel): string[] => {
      const got: string[] = [];
      got.push(dec(k.ksysRead(0, 100).bytes));
      const fd = k.doSysOpen(AT_FDCWD, 'in.txt', O_RDONLY, 0);
      got.push(dec(k.ksysRead(fd, 100).bytes));
      k.sysClose(fd);
      const out = k.doSysOpen(AT_FDCWD, 'out.txt', O_WRONLY | O_CREAT | O_APPEND, 0o644);
      got.push(String(k.ksysWrite(out, enc('one line\n'))));
      k.sysClose(out);
      got.push(String(k.ksysWrite(1, enc('printed\n'))));
      got.push(String(k.vfsFstatat(AT_FDCWD, 'missing', 0).ret));
      return got;
    };

    it('a replay gets the same answers and has no effect on the host', () => {
      const log = new HostLog();
      const io1 = new BufferHostIO(enc('typed input'));
      const first = work(kernel(new HostCursor(log), io1));
      assert.deepStrictEqual(first, ['typed input', 'file contents\n', '9', '8', String(-ENOENT)]);
      assert.strictEqual(io1.text(1), 'printed\n');
      // The host changes behind the recording's back: a replay must not notice.
      fs.rmSync(path.join(dir, 'in.txt'));
      const io2 = new BufferHostIO(enc('different input'));
      const c = new HostCursor(log, false);
      const again = work(kernel(c, io2));
      assert.deepStrictEqual(again, first);
      assert.strictEqual(io2.text(1), '', 'nothing printed again');
      assert.strictEqual(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'one line\n', 'the append was not made twice');
      assert.strictEqual(c.pos, log.length, 'every answer used');
      assert.strictEqual(log.liveFds.size, 0, 'the live run closed what it opened');
    });
  });
});
