// The file calls of native/vfs-extra.ts and /proc/self (procfs.ts) on a NativeKernel, without the
// CPU: the sandbox's EROFS for each call that changes something, memfd, sendfile into a pipe that
// fills up, and the /proc/self files' contents.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AddressSpace } from '../../../emulator/memory';
import { NativeKernel, BufferHostIO, AT_FDCWD, EBADF, EEXIST, EINVAL, ENOENT, EROFS } from '../../../emulator/kernel/native';
import {
  doFchmodat, doLinkat, doRenameat2, doSendfile, doStatx, doSymlinkat, doTruncate, doUtimes, memfdCreate, vfsFchmod,
} from '../../../emulator/kernel/native/vfs-extra';
import { WOULD_SLEEP } from '../../../emulator/kernel/abi';
import { repoRoot, tempDir } from '../../helpers/tools';

const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('native vfs: more file calls and /proc/self', () => {
  let root: string, cwd: string, tmp: string, outside: string, k: NativeKernel;
  beforeEach(() => {
    root = tempDir('trapdoor-vfsx-');
    cwd = path.join(root, 'work'); tmp = path.join(root, 'tmp');
    const base = path.resolve(repoRoot).startsWith('/tmp/') ? os.homedir() : path.join(repoRoot, 'out');
    outside = fs.mkdtempSync(path.join(base, 'trapdoor-vfsx-outside-'));
    for (const d of [cwd, tmp]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(cwd, 'f'), '0123456789');
    fs.writeFileSync(path.join(outside, 'ro'), 'ro');
    k = new NativeKernel({ as: new AddressSpace(), hostIO: new BufferHostIO(), cwd, tmpDir: tmp, clockNs: () => 0n, realtimeBaseNs: 1_600_000_000_000_000_000n });
  });
  afterEach(() => { k.close(); fs.rmSync(root, { recursive: true, force: true }); fs.rmSync(outside, { recursive: true, force: true }); });

  it('changes nothing outside the writable folders: EROFS for truncate, utimensat, chmod, symlink, link, renameat2', () => {
    const ro = path.join(outside, 'ro');
    const mode = fs.statSync(ro).mode;
    assert.strictEqual(doTruncate(k.vfs, ro, 0), -EROFS);
    assert.strictEqual(doUtimes(k.vfs, AT_FDCWD, ro, null, 0), -EROFS);
    assert.strictEqual(doFchmodat(k.vfs, AT_FDCWD, ro, 0o600, 0), -EROFS);
    assert.strictEqual(doSymlinkat(k.vfs, 'x', AT_FDCWD, path.join(outside, 'l')), -EROFS);
    assert.strictEqual(doLinkat(k.vfs, AT_FDCWD, ro, AT_FDCWD, 'h', 0), -EROFS);
    assert.strictEqual(doRenameat2(k.vfs, AT_FDCWD, 'f', AT_FDCWD, ro, 2), -EROFS);
    const fd = k.doSysOpen(AT_FDCWD, ro, O_RDONLY, 0);
    assert.strictEqual(vfsFchmod(k.vfs, fd, 0o600), -EROFS);
    assert.strictEqual(fs.readFileSync(ro, 'utf8'), 'ro');
    assert.strictEqual(fs.statSync(ro).mode, mode);
    assert.ok(!fs.existsSync(path.join(outside, 'l')));
  });

  it('utimensat "now" is the machine\'s clock, not the host\'s', () => {
    assert.strictEqual(doUtimes(k.vfs, AT_FDCWD, 'f', null, 0), 0);
    assert.strictEqual(Math.floor(fs.statSync(path.join(cwd, 'f')).mtimeMs / 1000), 1_600_000_000);
  });

  it('statx reports btime only when asked, and drops mtime/ctime unless asked (Linux 6.13+)', () => {
    const a = doStatx(k.vfs, AT_FDCWD, 'f', 0, 0x200);
    const b = doStatx(k.vfs, AT_FDCWD, 'f', 0, 0xfff);
    const mask = (r: { bytes: Uint8Array }) => new DataView(r.bytes.buffer).getUint32(0, true);
    assert.strictEqual(mask(a) & 0xc0, 0);
    assert.strictEqual(mask(b) & 0x7ff, 0x7ff);
    assert.strictEqual(Number(new DataView(a.bytes.buffer).getBigUint64(40, true)), 10);
    assert.strictEqual(doStatx(k.vfs, AT_FDCWD, 'nope', 0, 0x200).ret, -ENOENT);
    assert.strictEqual(doStatx(k.vfs, 99, null, 0x1000, 0x200).ret, -EBADF);
  });

  it('symlink, link and renameat2 NOREPLACE / EXCHANGE on the host files', () => {
    assert.strictEqual(doSymlinkat(k.vfs, 'f', AT_FDCWD, 'l'), 0);
    assert.strictEqual(fs.readlinkSync(path.join(cwd, 'l')), 'f');
    assert.strictEqual(doSymlinkat(k.vfs, 'f', AT_FDCWD, 'l'), -EEXIST);
    assert.strictEqual(doLinkat(k.vfs, AT_FDCWD, 'f', AT_FDCWD, 'h', 0), 0);
    assert.strictEqual(fs.statSync(path.join(cwd, 'f')).nlink, 2);
    fs.writeFileSync(path.join(cwd, 'g'), 'g');
    assert.strictEqual(doRenameat2(k.vfs, AT_FDCWD, 'f', AT_FDCWD, 'g', 1), -EEXIST);
    assert.strictEqual(doRenameat2(k.vfs, AT_FDCWD, 'f', AT_FDCWD, 'g', 2), 0);
    assert.strictEqual(fs.readFileSync(path.join(cwd, 'g'), 'utf8'), '0123456789');
    assert.strictEqual(fs.readFileSync(path.join(cwd, 'f'), 'utf8'), 'g');
    assert.strictEqual(doRenameat2(k.vfs, AT_FDCWD, 'f', AT_FDCWD, 'g', 3), -EINVAL);
  });

  it('memfd_create: an unnamed file in the private /tmp, readable back, named /memfd:NAME (deleted)', () => {
    const fd = memfdCreate(k.vfs, 'jit', 1);
    assert.strictEqual(fd, 3);
    assert.deepStrictEqual(fs.readdirSync(tmp), [], 'unlinked at once');
    assert.strictEqual(k.ksysWrite(fd, enc('code')), 4);
    assert.strictEqual(dec(k.ksysPread64(fd, 10, 0).bytes), 'code');
    assert.strictEqual(dec(k.doReadlinkat(AT_FDCWD, `/proc/self/fd/${fd}`, 100).bytes), '/memfd:jit (deleted)');
    assert.strictEqual(k.vfs.fdt.fcntl(fd, 1, 0), 1, 'MFD_CLOEXEC');
    assert.strictEqual(memfdCreate(k.vfs, 'x'.repeat(250), 0), -EINVAL);
  });

  it('sendfile into a pipe takes what fits, then would sleep; the input position moves by what was sent', () => {
    fs.writeFileSync(path.join(cwd, 'big'), Buffer.alloc(100000, 0x61));
    const inFd = k.doSysOpen(AT_FDCWD, 'big', O_RDONLY, 0);
    let slept = 0;
    k.sleepOn = () => { slept++; };
    const p = k.doPipe2(0);
    const w = new DataView(p.bytes.buffer).getInt32(4, true);
    const r1 = doSendfile(k.vfs, w, inFd, null, 100000);
    assert.strictEqual(r1.ret, 65536);
    assert.strictEqual(k.vfs.fdt.get(inFd)!.offset, 65536);
    const r2 = doSendfile(k.vfs, w, inFd, null, 100000);
    assert.strictEqual(r2.ret, WOULD_SLEEP);
    assert.strictEqual(slept, 1);
    assert.strictEqual(doSendfile(k.vfs, w, 99, null, 1).ret, -EBADF);
    const wfd = k.doSysOpen(AT_FDCWD, 'out', O_WRONLY | 0x40 | 0x400, 0o644);
    assert.strictEqual(doSendfile(k.vfs, wfd, inFd, null, 1).ret, -EINVAL, 'O_APPEND output');
  });

  it('/proc/self: status, cmdline and comm describe the process; the fd folder lists its descriptors', () => {
    const exe = path.join(repoRoot, 'test', 'corpus', 'hello-gas', 'hello-gas');
    k.exec(exe, new Uint8Array(fs.readFileSync(exe)), { argv: ['./hello-gas', 'arg one'], envp: ['A=1'] });
    const read = (p: string): string => {
      const fd = k.doSysOpen(AT_FDCWD, p, O_RDONLY, 0);
      assert.ok(fd >= 0, `${p}: ${fd}`);
      const t = dec(k.ksysRead(fd, 65536).bytes);
      k.sysClose(fd);
      return t;
    };
    const status = read('/proc/self/status');
    assert.match(status, /^Name:\thello-gas\nUmask:\t0022\nState:\tR \(running\)\nTgid:\t1000\n/);
    assert.match(status, /\nPPid:\t999\n/);
    assert.match(status, /\nSigBlk:\t0000000000000000\n/);
    assert.strictEqual(read('/proc/self/cmdline'), './hello-gas\0arg one\0');
    assert.strictEqual(read('/proc/self/environ'), 'A=1\0');
    assert.strictEqual(read('/proc/self/comm'), 'hello-gas\n');
    assert.match(read('/proc/self/stat'), /^1000 \(hello-gas\) R 999 /);
    const dfd = k.doSysOpen(AT_FDCWD, '/proc/self/fd', O_RDONLY | 0x10000, 0);
    const ents = k.ksysGetdents64(dfd, 4096);
    const names: string[] = [];
    for (let at = 0; at < ents.ret;) {
      const len = new DataView(ents.bytes.buffer, at + 16, 2).getUint16(0, true);
      names.push(dec(ents.bytes.subarray(at + 19, at + len)).replace(/\0+$/, ''));
      at += len;
    }
    assert.deepStrictEqual(names, ['.', '..', '0', '1', '2', String(dfd)]);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, '/proc/self/status', O_RDWR, 0) < 0, true);
    assert.strictEqual(k.doSysOpen(AT_FDCWD, '/proc/1/status', O_RDONLY, 0), -ENOENT, 'no other process, nor the host\'s');
    // exe and fd/N open the file they point to.
    const efd = k.doSysOpen(AT_FDCWD, '/proc/self/exe', O_RDONLY, 0);
    assert.strictEqual(dec(k.ksysRead(efd, 4).bytes), '\x7fELF');
  });
});
