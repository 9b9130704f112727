// Files: the sandbox (EROFS outside the rw roots, `..` and symlink escapes), the fd table, reads
// and writes, lseek, stat bytes, getdents64, ioctl, special files and /proc/self.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AddressSpace } from '../../../emulator/memory';
import { NativeKernel, BufferHostIO, AT_FDCWD, EBADF, ENOENT, EROFS, EEXIST, EISDIR, ENOTDIR, ENOTTY, ESPIPE, EINVAL, ELOOP, ERANGE } from '../../../emulator/kernel/native';
import { repoRoot, tempDir } from '../../helpers/tools';

const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200, O_APPEND = 0x400;
const O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000, O_CLOEXEC = 0x80000;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => Buffer.from(b).toString();

describe('native vfs', () => {
  let root: string, cwd: string, tmp: string, outside: string, k: NativeKernel, io: BufferHostIO;
  beforeEach(() => {
    root = tempDir('trapdoor-vfs-');
    cwd = path.join(root, 'work'); tmp = path.join(root, 'tmp');
    // Outside every rw root and not under the host's /tmp (which the guest's private /tmp shadows).
    // (A checkout under /tmp, as CI may make, would be shadowed: use the home folder then.)
    const base = path.resolve(repoRoot).startsWith('/tmp/') ? os.homedir() : path.join(repoRoot, 'out');
    outside = fs.mkdtempSync(path.join(base, 'trapdoor-vfs-outside-'));
    for (const d of [cwd, tmp]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(outside, 'secret'), 'ro');
    io = new BufferHostIO(enc('input'), new Set([2]));
    k = new NativeKernel({ as: new AddressSpace(), hostIO: io, cwd, tmpDir: tmp, clockNs: () => 0n });
  });
  afterEach(() => { k.close(); fs.rmSync(root, { recursive: true, force: true }); fs.rmSync(outside, { recursive: true, force: true }); });

  it('creates, writes, seeks, reads, stats and unlinks a file below the working directory', () => {
    const fd = k.doSysOpen(AT_FDCWD, 'file-io.tmp', O_RDWR | O_CREAT | O_TRUNC, 0o644);
    assert.strictEqual(fd, 3);
    assert.strictEqual(k.ksysWrite(fd, enc('line one\n')), 9);
    assert.strictEqual(k.ksysLseek(fd, 0, 0), 0);
    const r = k.ksysRead(fd, 256);
    assert.strictEqual(r.ret, 9); assert.strictEqual(dec(r.bytes), 'line one\n');
    const st = k.vfsFstat(fd);
    const v = new DataView(st.bytes.buffer);
    assert.strictEqual(st.bytes.length, 144);
    assert.strictEqual(v.getUint32(24, true), 0o100644);
    assert.strictEqual(Number(v.getBigInt64(48, true)), 9);
    assert.strictEqual(v.getUint32(28, true), 0, 'owned by the emulated root');
    assert.strictEqual(k.ksysPread64(fd, 4, 5).bytes.length, 4);
    assert.strictEqual(k.ksysLseek(fd, -100, 1), -EINVAL);
    assert.strictEqual(k.ksysLseek(fd, 0, 7), -EINVAL);
    assert.strictEqual(k.sysClose(fd), 0);
    assert.strictEqual(k.sysClose(fd), -EBADF);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, 'file-io.tmp', O_CREAT | O_EXCL | O_WRONLY, 0o644), -EEXIST);
    assert.strictEqual(k.doUnlinkat(AT_FDCWD, 'file-io.tmp', 0), 0);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, 'file-io.tmp', O_RDONLY, 0), -ENOENT);
  });

  it('applies the umask and O_APPEND', () => {
    k.sysUmask(0o077);
    const fd = k.doSysOpen(AT_FDCWD, 'a', O_WRONLY | O_CREAT | O_APPEND, 0o666);
    k.ksysWrite(fd, enc('ab')); k.ksysLseek(fd, 0, 0); k.ksysWrite(fd, enc('cd'));
    assert.strictEqual(fs.readFileSync(path.join(cwd, 'a'), 'utf8'), 'abcd');
    assert.strictEqual(fs.statSync(path.join(cwd, 'a')).mode & 0o777, 0o600);
    assert.strictEqual(k.sysUmask(0o22), 0o077);
  });

  it('sandbox: writes outside the rw roots are EROFS, reads are allowed; `..` and symlinks cannot escape', () => {
    const secret = path.join(outside, 'secret');
    assert.ok(k.doSysOpen(AT_FDCWD, secret, O_RDONLY, 0) >= 3);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, secret, O_WRONLY, 0), -EROFS);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, path.relative(cwd, outside) + '/new', O_WRONLY | O_CREAT, 0o644), -EROFS);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, '/tmp/../' + path.relative('/', outside) + '/new', O_WRONLY | O_CREAT, 0o644), -EROFS);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, '/tmp/../../../../../../etc/passwd-new', O_WRONLY | O_CREAT, 0o644), -EROFS);
    fs.symlinkSync(outside, path.join(cwd, 'link'));
    fs.symlinkSync(secret, path.join(cwd, 'filelink'));
    assert.strictEqual(k.doSysOpen(AT_FDCWD, 'link/new', O_WRONLY | O_CREAT, 0o644), -EROFS);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, 'filelink', O_WRONLY | O_TRUNC, 0), -EROFS);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, 'filelink', O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    assert.strictEqual(k.doUnlinkat(AT_FDCWD, secret, 0), -EROFS);
    assert.strictEqual(k.doMkdirat(AT_FDCWD, path.join(outside, 'd'), 0o755), -EROFS);
    assert.strictEqual(k.doRenameat(AT_FDCWD, secret, AT_FDCWD, 'stolen'), -EROFS);
    assert.strictEqual(k.doFaccessat(AT_FDCWD, secret, 2), -EROFS);
    assert.strictEqual(fs.readFileSync(secret, 'utf8'), 'ro');
    // /tmp is the private directory.
    const fd = k.doSysOpen(AT_FDCWD, '/tmp/x', O_WRONLY | O_CREAT, 0o644);
    assert.ok(fd >= 3);
    assert.ok(fs.existsSync(path.join(tmp, 'x')));
  });

  it('errnos: EISDIR, ENOTDIR, ENOTTY, ESPIPE, EBADF', () => {
    fs.writeFileSync(path.join(cwd, 'f'), 'x');
    assert.strictEqual(k.doSysOpen(AT_FDCWD, '.', O_WRONLY, 0), -EISDIR);
    const dfd = k.doSysOpen(AT_FDCWD, '.', O_RDONLY | O_DIRECTORY, 0);
    assert.strictEqual(k.ksysRead(dfd, 10).ret, -EISDIR);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, 'f', O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, 'f/x', O_RDONLY, 0), -ENOTDIR);
    const ffd = k.doSysOpen(AT_FDCWD, 'f', O_RDONLY, 0);
    assert.strictEqual(k.doSysOpen(ffd, 'x', O_RDONLY, 0), -ENOTDIR);
    assert.strictEqual(k.ksysIoctl(ffd, 0x5413).ret, -ENOTTY);
    assert.strictEqual(k.ksysIoctl(1, 0x5413).ret, -ENOTTY);
    assert.strictEqual(k.ksysIoctl(2, 0x5413).bytes!.length, 8);
    assert.strictEqual(k.ksysIoctl(2, 0x5401).bytes!.length, 36);
    assert.strictEqual(k.ksysLseek(1, 0, 0), -ESPIPE);
    assert.strictEqual(k.ksysWrite(99, enc('nope')), -EBADF);
    assert.strictEqual(k.ksysWrite(ffd, enc('nope')), -EBADF);
    assert.strictEqual(k.ksysRead(99, 1).ret, -EBADF);
    assert.strictEqual(k.vfsFstat(99).ret, -EBADF);
    assert.strictEqual(k.vfsFstatat(AT_FDCWD, 'missing', 0).ret, -ENOENT);
    assert.strictEqual(k.doUnlinkat(AT_FDCWD, '.', 0), -EISDIR);
  });

  it('stdio goes to the HostIO; fd table: lowest free fd, dup2/dup3, fcntl, cloexec', () => {
    assert.strictEqual(k.ksysWrite(1, enc('Hello\n')), 6);
    assert.strictEqual(io.text(1), 'Hello\n');
    assert.strictEqual(dec(k.ksysRead(0, 3).bytes), 'inp');
    assert.strictEqual(k.dup(1), 3);
    assert.strictEqual(k.dup2(1, 10), 10);
    assert.strictEqual(k.dup2(1, 1), 1);
    assert.strictEqual(k.dup3(1, 1, 0), -EINVAL);
    assert.strictEqual(k.dup3(1, 11, 0x1), -EINVAL);
    assert.strictEqual(k.dup2(99, 5), -EBADF);
    assert.strictEqual(k.dup3(1, 11, O_CLOEXEC), 11);
    assert.strictEqual(k.fcntl(11, 1, 0), 1);
    assert.strictEqual(k.fcntl(3, 1, 0), 0);
    assert.strictEqual(k.fcntl(3, 1030, 20), 20);
    assert.strictEqual(k.fcntl(20, 1, 0), 1);
    assert.strictEqual(k.fcntl(1, 3, 0), 0x8001);
    assert.strictEqual(k.sysClose(3), 0);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, '/dev/null', O_RDWR, 0), 3);
    assert.strictEqual(k.fcntl(3, 99, 0), -EINVAL);
    k.ksysWrite(10, enc('x'));
    assert.strictEqual(io.text(1), 'Hello\nx');
  });

  it('getdents64 lists . and .. and the entries; small buffers give EINVAL', () => {
    fs.writeFileSync(path.join(cwd, 'one'), '');
    fs.mkdirSync(path.join(cwd, 'sub'));
    const fd = k.doSysOpen(AT_FDCWD, '.', O_RDONLY | O_DIRECTORY, 0);
    assert.strictEqual(k.ksysGetdents64(fd, 10).ret, -EINVAL);
    const r = k.ksysGetdents64(fd, 4096);
    const names: string[] = [];
    const v = new DataView(r.bytes.buffer);
    for (let o = 0; o < r.ret; o += v.getUint16(o + 16, true)) {
      const end = r.bytes.indexOf(0, o + 19);
      names.push(`${dec(r.bytes.subarray(o + 19, end))}:${r.bytes[o + 18]}`);
    }
    assert.deepStrictEqual(names.slice(0, 2), ['.:4', '..:4']);
    assert.deepStrictEqual(names.slice(2).sort(), ['one:8', 'sub:4']);
    assert.strictEqual(k.ksysGetdents64(fd, 4096).ret, 0);
    assert.strictEqual(k.ksysGetdents64(1, 4096).ret, -ENOTDIR);
  });

  it('getcwd, chdir, mkdir, rename, readlink and /proc/self', () => {
    const real = fs.realpathSync(cwd);
    assert.strictEqual(dec(k.sysGetcwd(4096).bytes), real + '\0');
    assert.strictEqual(k.sysGetcwd(3).ret, -ERANGE);
    assert.strictEqual(k.doMkdirat(AT_FDCWD, 'd', 0o755), 0);
    assert.strictEqual(k.doMkdirat(AT_FDCWD, 'd', 0o755), -EEXIST);
    assert.strictEqual(k.sysChdir('d'), 0);
    assert.strictEqual(dec(k.sysGetcwd(4096).bytes), real + '/d\0');
    assert.strictEqual(k.sysChdir('/tmp'), 0);
    assert.strictEqual(dec(k.sysGetcwd(4096).bytes), '/tmp\0');
    assert.strictEqual(k.sysChdir('/nonexistent-dir'), -ENOENT);
    fs.writeFileSync(path.join(tmp, 'r'), '1');
    assert.strictEqual(k.doRenameat(AT_FDCWD, 'r', AT_FDCWD, 'r2'), 0);
    assert.ok(fs.existsSync(path.join(tmp, 'r2')));
    assert.strictEqual(k.doUnlinkat(AT_FDCWD, real + '/d', 0x200), 0);
    fs.symlinkSync('target-text', path.join(tmp, 'sl'));
    const rl = k.doReadlinkat(AT_FDCWD, '/tmp/sl', 6);
    assert.strictEqual(dec(rl.bytes), 'target'); assert.strictEqual(rl.ret, 6);
    assert.strictEqual(k.doReadlinkat(AT_FDCWD, '/tmp/r2', 100).ret, -EINVAL);
    const corpusExe = path.join(__dirname, '..', '..', '..', '..', 'test', 'corpus', 'hello-gas', 'hello-gas');
    k.exec(corpusExe, new Uint8Array(fs.readFileSync(corpusExe)), { argv: ['./hello-gas'], envp: [] });
    assert.strictEqual(dec(k.doReadlinkat(AT_FDCWD, '/proc/self/exe', 4096).bytes), corpusExe);
    const mfd = k.doSysOpen(AT_FDCWD, '/proc/self/maps', O_RDONLY, 0);
    assert.match(dec(k.ksysRead(mfd, 65536).bytes), /^00400000-00401000 r--p 00000000 [0-9a-f]+:[0-9a-f]+ [1-9][0-9]* +\S*hello-gas\n00401000-00402000 r-xp 00001000 /);
    // /dev/urandom and getrandom are reproducible from the seed.
    const k1 = new NativeKernel({ as: new AddressSpace(), hostIO: io, cwd, tmpDir: tmp, clockNs: () => 0n });
    const u = k1.doSysOpen(AT_FDCWD, '/dev/urandom', O_RDONLY, 0);
    const k2 = new NativeKernel({ as: new AddressSpace(), hostIO: io, cwd, tmpDir: tmp, clockNs: () => 0n });
    const u2 = k2.doSysOpen(AT_FDCWD, '/dev/urandom', O_RDONLY, 0);
    const a = k1.ksysRead(u, 16).bytes;
    assert.deepStrictEqual(a, k2.ksysRead(u2, 16).bytes);
    assert.notDeepStrictEqual(a, new Uint8Array(16));
    k1.close(); k2.close();
  });
});
