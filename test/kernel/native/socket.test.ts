// The socket layer without a machine (native/socket.ts, native/eventfd.ts, native/poll.ts): stream
// and datagram semantics, end of file and EPIPE, TCP's reset, backlogs that make connect wait,
// ports, poll masks as Linux reports them, and files in flight (SCM_RIGHTS) let go when a
// message is dropped.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { WOULD_SLEEP } from '../../../emulator/kernel/abi';
import { EventFd } from '../../../emulator/kernel/native/eventfd';
import { OpenFile } from '../../../emulator/kernel/native/fdtable';
import { filePoll } from '../../../emulator/kernel/native/poll';
import {
  AF_INET, AF_UNIX, MSG_PEEK, MSG_TRUNC, Net, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRBAND, POLLWRNORM,
  SOCK_DGRAM, SOCK_STREAM, Socket, encodeSockAddr,
} from '../../../emulator/kernel/native/socket';
import { Vfs } from '../../../emulator/kernel/native/vfs';
import { BufferHostIO } from '../../../emulator/kernel/native';
import { WaitQueue } from '../../../emulator/kernel/native/wait';
import { tempDir } from '../../helpers/tools';

const EPIPE = 32, EAGAIN = 11, EADDRINUSE = 98, ECONNREFUSED = 111, ECONNRESET = 104, EINVAL = 22, ENOENT = 2;
const cred = { pid: 1000, uid: 0, gid: 0 };
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const inet = (port: number, addr = 0x7f000001) => encodeSockAddr({ family: AF_INET, port, addr });
/** AF_INET never looks at file names. */
const noVfs = undefined as unknown as Vfs;

describe('native sockets', () => {
  let slept: WaitQueue[];
  let net: Net;
  beforeEach(() => {
    slept = [];
    net = new Net((q) => slept.push(q));
  });
  const sock = (family: number, type: number) => net.socket(family, type, 0, cred) as Socket;
  const pair = (type: number) => net.socketpair(AF_UNIX, type, 0, cred) as [Socket, Socket];
  const recv = (s: Socket, len: number, flags = 0, left: number | undefined = 0) => {
    const r = s.recv(len, flags, 0, left, true);
    return typeof r === 'number' ? r : { n: r.ret, data: text(r.bytes), flags: r.flags, extra: r.extra };
  };

  it('a stream pair: bytes in order, EAGAIN when empty, end of file and EPIPE once one end is closed', () => {
    const [a, b] = pair(SOCK_STREAM);
    assert.strictEqual(a.send(bytes('hello '), 0, undefined, undefined, true, undefined), 6);
    assert.strictEqual(a.send(bytes('world'), 0, undefined, undefined, true, undefined), 5);
    assert.deepStrictEqual(recv(b, 4), { n: 4, data: 'hell', flags: 0, extra: 0 });
    assert.deepStrictEqual(recv(b, 64), { n: 7, data: 'o world', flags: 0, extra: 0 });
    assert.strictEqual(recv(b, 64), -EAGAIN);
    // Blocking: the reader sleeps on its own queue.
    assert.strictEqual(b.recv(64, 0, 0, undefined, false), WOULD_SLEEP);
    assert.strictEqual(slept[0], b.wait);
    a.release();
    assert.deepStrictEqual(recv(b, 64), { n: 0, data: '', flags: 0, extra: 0 });
    assert.strictEqual(b.send(bytes('x'), 0, undefined, undefined, true, undefined), -EPIPE);
  });

  it('datagrams keep their boundaries; a short buffer truncates one (MSG_TRUNC reports its length)', () => {
    const [a, b] = pair(SOCK_DGRAM);
    a.send(bytes('one'), 0, undefined, 0, true, undefined);
    a.send(bytes('three'), 0, undefined, 0, true, undefined);
    assert.deepStrictEqual(recv(b, 64, MSG_PEEK), { n: 3, data: 'one', flags: 0, extra: 0 });
    assert.deepStrictEqual(recv(b, 64), { n: 3, data: 'one', flags: 0, extra: 0 });
    assert.deepStrictEqual(recv(b, 2, MSG_TRUNC), { n: 2, data: 'th', flags: MSG_TRUNC, extra: 3 });
    assert.strictEqual(recv(b, 64), -EAGAIN);
    // A message sent in chunks (sendmsg of more than a page) arrives whole.
    assert.strictEqual(a.send(bytes('ab'), 0, undefined, 2, true, undefined), 2);
    assert.strictEqual(b.dgrams.length, 0);
    assert.strictEqual(a.send(bytes('cd'), 0, undefined, 0, true, undefined), 2);
    assert.deepStrictEqual(recv(b, 64), { n: 4, data: 'abcd', flags: 0, extra: 0 });
  });

  it('TCP on 127.0.0.1: ephemeral ports, EADDRINUSE, ECONNREFUSED, a backlog that makes connect wait', () => {
    const l = sock(AF_INET, SOCK_STREAM);
    assert.strictEqual(l.bind(inet(0), 16, noVfs), 0);
    const port = (l.getName(false) as { port: number }).port;
    assert.strictEqual(port, 32768, 'the first ephemeral port, deterministically');
    assert.strictEqual(sock(AF_INET, SOCK_STREAM).bind(inet(port), 16, noVfs), -EADDRINUSE);
    assert.strictEqual(sock(AF_INET, SOCK_STREAM).connect(inet(port), 16, true, noVfs), -ECONNREFUSED);
    assert.strictEqual(l.listen(0), 0);
    const c1 = sock(AF_INET, SOCK_STREAM), c2 = sock(AF_INET, SOCK_STREAM);
    assert.strictEqual(c1.connect(inet(port), 16, false, noVfs), 0);
    // backlog 0 still lets one connection wait (Linux checks "more than backlog"): the next one sleeps.
    assert.strictEqual(c2.connect(inet(port), 16, false, noVfs), WOULD_SLEEP);
    assert.strictEqual(slept.pop(), l.wait);
    const s = l.accept(true) as Socket;
    assert.deepStrictEqual(s.getName(true), c1.getName(false));
    assert.strictEqual(c2.connect(inet(port), 16, true, noVfs), -115, 'non-blocking: EINPROGRESS');
    assert.strictEqual(c2.connect(inet(port), 16, true, noVfs), 0, 'asked again: connected');
  });

  it('TCP: a write to a closed peer is answered by a reset (ECONNRESET once, then EPIPE)', () => {
    const l = sock(AF_INET, SOCK_STREAM);
    l.bind(inet(0), 16, noVfs);
    l.listen(5);
    const port = (l.getName(false) as { port: number }).port;
    const c2 = sock(AF_INET, SOCK_STREAM);
    c2.connect(inet(port), 16, false, noVfs);
    const s = l.accept(true) as Socket;
    s.release();
    assert.deepStrictEqual(recv(c2, 8), { n: 0, data: '', flags: 0, extra: 0 }, 'end of file');
    assert.strictEqual(c2.send(bytes('late'), 0, undefined, undefined, true, undefined), 4);
    assert.strictEqual(c2.send(bytes('late'), 0, undefined, undefined, true, undefined), -ECONNRESET);
    assert.strictEqual(c2.send(bytes('late'), 0, undefined, undefined, true, undefined), -EPIPE);
  });

  it('poll masks as Linux reports them', () => {
    const fresh = sock(AF_UNIX, SOCK_STREAM);
    assert.strictEqual(fresh.poll(), POLLOUT | POLLWRNORM | POLLWRBAND | POLLHUP);
    assert.strictEqual(sock(AF_INET, SOCK_STREAM).poll(), POLLOUT | POLLWRNORM | POLLHUP);
    assert.strictEqual(sock(AF_INET, SOCK_DGRAM).poll(), POLLOUT | POLLWRNORM | POLLWRBAND);
    const [a, b] = pair(SOCK_STREAM);
    a.release();
    assert.strictEqual(b.poll() & (POLLIN | POLLOUT | POLLHUP | POLLRDHUP | POLLERR), POLLIN | POLLOUT | POLLHUP | POLLRDHUP);
    // poll waits on both ends' queues: the other end reading makes room.
    const [c, d] = pair(SOCK_STREAM);
    const f = new OpenFile('socket', 2, c.name);
    f.ops = c;
    assert.deepStrictEqual(filePoll(f).queues, [c.wait, d.wait]);
    assert.ok(!(c.poll() & POLLRDNORM));
  });

  it('AF_UNIX names: a file for a path (EADDRINUSE when it exists), ENOENT and ECONNREFUSED on connect', () => {
    const cwd = tempDir('trapdoor-sock-');
    const tmp = tempDir('trapdoor-sock-tmp-');
    try {
      const vfs = new Vfs({ cwd, tmpDir: tmp, hostIO: new BufferHostIO(), random: (n) => new Uint8Array(n), maps: () => '', exePath: '', pid: () => 1, uid: 0, gid: 0 });
      const name = encodeSockAddr({ family: AF_UNIX, kind: 'path', path: bytes('s') });
      const c = sock(AF_UNIX, SOCK_STREAM);
      assert.strictEqual(c.connect(name, name.length, true, vfs), -ENOENT);
      const l = sock(AF_UNIX, SOCK_STREAM);
      assert.strictEqual(l.bind(name, name.length, vfs), 0);
      assert.ok(fs.existsSync(path.join(cwd, 's')), 'the socket file exists');
      assert.strictEqual(sock(AF_UNIX, SOCK_STREAM).bind(name, name.length, vfs), -EADDRINUSE);
      assert.strictEqual(c.connect(name, name.length, true, vfs), -ECONNREFUSED, 'bound, not listening');
      assert.strictEqual(l.listen(1), 0);
      assert.strictEqual(c.connect(name, name.length, true, vfs), 0);
      assert.strictEqual(c.connect(name, 2, true, vfs), -EINVAL, 'no name at all');
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('files in flight are held, and let go when their message is dropped', () => {
    const [a, b] = pair(SOCK_STREAM);
    const f = new OpenFile('null', 2, '/dev/null');
    f.refs = 1;
    f.refs++; // the in-flight reference
    a.pendingFds = { files: [f], hostClose: () => undefined };
    a.send(bytes('x'), 0, undefined, undefined, true, undefined);
    assert.strictEqual(f.refs, 2);
    b.release(); // unread: the message and its file go
    assert.strictEqual(f.refs, 1);
  });

  it('eventfd: counts, semaphore reads, EAGAIN, no overflow', () => {
    const e = new EventFd((q) => slept.push(q), 0n, false, 1);
    const n = (v: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, v, true); return b; };
    assert.strictEqual(e.read(8, true).ret, -EAGAIN);
    assert.strictEqual(e.write(n(3n), true), 8);
    assert.strictEqual(e.write(n(4n), true), 8);
    assert.strictEqual(new DataView(e.read(8, true).bytes.buffer).getBigUint64(0, true), 7n);
    assert.strictEqual(e.write(n(0xfffffffffffffffen), true), 8);
    assert.strictEqual(e.write(n(1n), true), -EAGAIN);
    assert.strictEqual(e.poll() & POLLOUT, 0);
    const s = new EventFd(() => undefined, 2n, true, 1);
    assert.strictEqual(new DataView(s.read(8, true).bytes.buffer).getBigUint64(0, true), 1n);
    assert.strictEqual(s.count, 1n);
  });
});
