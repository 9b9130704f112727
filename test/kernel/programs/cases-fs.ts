// System-call cases for paths and directories: stat lstat newfstatat access faccessat getcwd chdir
// mkdir unlink unlinkat rename renameat getdents64 readlink readlinkat umask, and the sandbox's EROFS.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AT_FDCWD, FD, KADDR, NR, O_CREAT, O_DIRECTORY, O_RDONLY, O_WRONLY, SAVE, SyscallCase } from './case';

const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
const R_OK = 4, W_OK = 2, X_OK = 1;

export const FS_CASES: SyscallCase[] = [
  {
    name: 'stat / lstat: a file, a symlink (followed or not), ENOENT, ENOTDIR, EFAULT (path, buffer)',
    calls: [[NR.stat, 'p_data', 'buf'], [NR.stat, 'p_link', 'buf'], [NR.lstat, 'p_link', 'buf'], [NR.stat, 'p_missing', 'buf'],
      [NR.stat, 'p_notdir', 'buf'], [NR.stat, 0, 'buf'], [NR.stat, KADDR, 'buf'], [NR.stat, 'p_data', KADDR], [NR.lstat, 'p_data', 0x10],
      [NR.stat, 'p_long', 'buf'], [NR.stat, 'p_empty', 'buf']],
    expect: [0, 0, 0, 'ENOENT', 'ENOTDIR', 'EFAULT', 'EFAULT', 'EFAULT', 'EFAULT', 'ENAMETOOLONG', 'ENOENT'],
    lines: ['stat("data.txt", {st_mode=S_IFREG|0644, st_size=11, ...}) = 0', 'stat("link", {st_mode=S_IFREG|0644, st_size=11, ...}) = 0',
      'lstat("link", {st_mode=S_IFLNK|0777, st_size=8, ...}) = 0'],
  },
  {
    name: 'newfstatat: path, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH on a descriptor, EINVAL flags, EBADF, ENOENT, EFAULT',
    calls: [[NR.newfstatat, AT_FDCWD, 'p_data', 'buf', 0], [NR.newfstatat, AT_FDCWD, 'p_link', 'buf', AT_SYMLINK_NOFOLLOW],
      [NR.openat, AT_FDCWD, 'p_dir', O_RDONLY | O_DIRECTORY], SAVE, [NR.newfstatat, FD, 'p_empty', 'buf', AT_EMPTY_PATH],
      [NR.newfstatat, FD, { raw: 'lea p_dirfile+4(%rip), $REG' }, 'buf', 0], [NR.newfstatat, AT_FDCWD, 'p_data', 'buf', 1],
      [NR.newfstatat, 99, 'p_data', 'buf', 0], [NR.newfstatat, AT_FDCWD, 'p_missing', 'buf', 0],
      [NR.newfstatat, AT_FDCWD, 0, 'buf', 0], [NR.newfstatat, AT_FDCWD, 'p_data', 0, 0], [NR.newfstatat, FD, 'p_empty', 'buf', 0]],
    expect: [0, 0, 3, 0, 0, 'EINVAL', 'EBADF', 'ENOENT', 'EFAULT', 'EFAULT', 'ENOENT'],
    lines: ['newfstatat(AT_FDCWD, "data.txt", {st_mode=S_IFREG|0644, st_size=11, ...}, 0) = 0'],
  },
  {
    name: 'access / faccessat: R_OK, F_OK, EINVAL mode, ENOENT, EFAULT, EBADF dirfd, ENOTDIR',
    calls: [[NR.access, 'p_data', R_OK], [NR.access, 'p_dir', R_OK | X_OK], [NR.access, 'p_missing', 0], [NR.access, 'p_data', 8],
      [NR.access, 0, R_OK], [NR.access, KADDR, R_OK], [NR.faccessat, AT_FDCWD, 'p_data', R_OK | W_OK], [NR.faccessat, 99, 'p_data', R_OK],
      [NR.access, 'p_notdir', R_OK], [NR.faccessat2, AT_FDCWD, 'p_data', R_OK, 0xffff], [NR.access, 'p_long', 0]],
    expect: [0, 0, 'ENOENT', 'EINVAL', 'EFAULT', 'EFAULT', 0, 'EBADF', 'ENOTDIR', 'EINVAL', 'ENAMETOOLONG'],
    lines: ['access("data.txt", R_OK)                = 0', 'access("dir", R_OK|X_OK)                = 0'],
  },
  {
    name: 'getcwd: the length with its NUL, ERANGE, EFAULT; chdir: a folder, ENOENT, ENOTDIR, EFAULT',
    calls: [[NR.getcwd, 'buf', 4096], [NR.getcwd, 'buf', 1], [NR.getcwd, 0, 4096], [NR.getcwd, KADDR, 4096],
      [NR.chdir, 'p_data'], [NR.chdir, 'p_dir'], [NR.openat, AT_FDCWD, { raw: 'lea p_dirfile+4(%rip), $REG' }, O_RDONLY],
      [NR.chdir, 'p_missing'], [NR.chdir, 0], [NR.chdir, KADDR]],
    expect: [{ test: (r) => r > 1n, what: 'the length' }, 'ERANGE', 'EFAULT', 'EFAULT', 'ENOTDIR', 0, 3, 'ENOENT', 'EFAULT', 'EFAULT'],
    sameLines: false,
  },
  {
    name: 'mkdir / mkdirat / unlink / unlinkat(AT_REMOVEDIR) / rmdir: success, EEXIST, ENOENT, EISDIR, ENOTDIR, ENOTEMPTY, EINVAL',
    calls: [[NR.mkdir, 'p_newdir', 0o755], [NR.mkdir, 'p_newdir', 0o755], [NR.mkdir, { raw: 'lea p_missing(%rip), $REG' }, 0o755],
      [NR.mkdirat, AT_FDCWD, 'p_new', 0o700], [NR.unlink, 'p_dir'], [NR.unlink, 'p_new2'], [NR.unlink, 'p_notdir'],
      [NR.unlinkat, AT_FDCWD, 'p_newdir', AT_REMOVEDIR], [NR.unlinkat, AT_FDCWD, 'p_dir', AT_REMOVEDIR],
      [NR.unlinkat, AT_FDCWD, 'p_data', 1], [NR.unlink, 'p_data'], [NR.stat, 'p_data', 'buf'], [NR.rmdir, 'p_new'],
      [NR.unlink, 0], [NR.mkdir, KADDR, 0o755]],
    expect: [0, 'EEXIST', 0, 0, 'EISDIR', 'ENOENT', 'ENOTDIR', 0, 'ENOTEMPTY', 'EINVAL', 0, 'ENOENT', 0, 'EFAULT', 'EFAULT'],
    opts: { inspect: (cwd) => assert.ok(!fs.existsSync(path.join(cwd, 'data.txt')) && fs.existsSync(path.join(cwd, 'missing'))) },
  },
  {
    name: 'rename / renameat: success (the file moves), ENOENT, EBADF dirfd, EFAULT, onto a folder EISDIR',
    calls: [[NR.rename, 'p_data', 'p_new'], [NR.stat, 'p_new', 'buf'], [NR.rename, 'p_missing', 'p_new2'],
      [NR.renameat, AT_FDCWD, 'p_new', AT_FDCWD, 'p_new2'], [NR.renameat, 99, 'p_new2', AT_FDCWD, 'p_new'],
      [NR.rename, 0, 'p_new'], [NR.rename, 'p_new2', KADDR], [NR.rename, 'p_new2', 'p_dir']],
    expect: [0, 0, 'ENOENT', 0, 'EBADF', 'EFAULT', 'EFAULT', 'EISDIR'],
    opts: { inspect: (cwd) => assert.ok(fs.existsSync(path.join(cwd, 'new2.txt')) && !fs.existsSync(path.join(cwd, 'data.txt'))) },
  },
  {
    name: 'getdents64: entries then 0 at the end, EINVAL small buffer, ENOTDIR, EBADF, EFAULT',
    calls: [[NR.openat, AT_FDCWD, 'p_dir', O_RDONLY | O_DIRECTORY], SAVE, [NR.getdents64, FD, 'buf', 1], [NR.getdents64, FD, 0, 4096],
      [NR.getdents64, FD, 'buf', 4096], [NR.getdents64, FD, 'buf', 4096], [NR.openat, AT_FDCWD, 'p_data', O_RDONLY],
      [NR.getdents64, 4, 'buf', 4096], [NR.getdents64, 99, 'buf', 4096]],
    // dir holds ".", ".." and "f": 24 + 24 + 24 bytes (reclen rounds 19+namelen+1 up to 8)
    expect: [3, 'EINVAL', 'EFAULT', 72, 0, 4, 'ENOTDIR', 'EBADF'],
    sameLines: false,
  },
  {
    name: 'readlink / readlinkat: the target, a short buffer truncates, EINVAL (not a link, size 0), ENOENT, EFAULT',
    calls: [[NR.readlink, 'p_link', 'buf', 100], [NR.readlink, 'p_link', 'buf', 3], [NR.readlink, 'p_data', 'buf', 100],
      [NR.readlink, 'p_link', 'buf', 0], [NR.readlink, 'p_missing', 'buf', 100], [NR.readlink, 'p_link', KADDR, 100],
      [NR.readlink, 0, 'buf', 100], [NR.readlinkat, AT_FDCWD, 'p_link', 'buf', 100], [NR.readlinkat, 99, 'p_link', 'buf', 100]],
    expect: [8, 3, 'EINVAL', 'EINVAL', 'ENOENT', 'EFAULT', 'EFAULT', 8, 'EBADF'],
    lines: ['readlink("link", "data.txt", 100)       = 8', 'readlink("link", "dat", 3)              = 3'],
  },
  {
    name: 'umask: returns the previous mask; a created file gets mode & ~umask',
    calls: [[NR.umask, 0o77], [NR.umask, 0o22], [NR.umask, 0o27], [NR.openat, AT_FDCWD, 'p_new', O_WRONLY | O_CREAT, 0o666],
      [NR.fstat, 3, 'buf']],
    expect: [0o22, 0o77, 0o22, 3, 0],
    lines: ['umask(077)                              = 022', 'umask(022)                              = 077'],
  },
  {
    name: 'sandbox: writing outside the working directory gives EROFS (open, mkdir, unlink, rename, access W_OK, ../ escape)',
    calls: [[NR.openat, AT_FDCWD, 'p_etcnew', O_WRONLY | O_CREAT, 0o644], [NR.open, 'p_etc', O_WRONLY], [NR.mkdir, 'p_etcdir', 0o755],
      [NR.unlink, 'p_etc'], [NR.rename, 'p_etc', 'p_new'], [NR.rename, 'p_data', 'p_etcnew'], [NR.access, 'p_etc', W_OK],
      [NR.open, 'p_escape', O_WRONLY | O_CREAT, 0o644], [NR.open, 'p_etc', O_RDONLY]],
    expect: ['EROFS', 'EROFS', 'EROFS', 'EROFS', { test: (r) => r === -30n || r === -18n, what: 'EROFS or EXDEV' },
      { test: (r) => r === -30n || r === -18n, what: 'EROFS or EXDEV' }, 'EROFS', 'EROFS', 3],
    native: false,
    opts: { inspect: (cwd) => assert.ok(!fs.existsSync('/etc/trapdoor-test-new') && !fs.existsSync(path.join(cwd, '..', 'trapdoor-escape'))) },
  },
];
