// System-call cases for the file calls real programs use beyond open/read/write/stat: statx,
// truncate/ftruncate, fsync/fdatasync/syncfs/sync, utimensat, chmod/fchmod/fchmodat(2),
// chown/fchown/lchown/fchownat, symlink(at), link(at), renameat2, fchdir, memfd_create, sendfile,
// copy_file_range, statfs/fstatfs, fadvise64, flock, getgroups, the xattr lookups, /proc/self.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AT_FDCWD, FD, FD2, KADDR, NR, O_CREAT, O_DIRECTORY, O_RDONLY, O_RDWR, O_WRONLY, SAVE, SAVE2, SyscallCase } from './case';

const N = {
  ...NR, fsync: 74, fdatasync: 75, truncate: 76, ftruncate: 77, fchdir: 81, link: 86, symlink: 88, chmod: 90, fchmod: 91,
  chown: 92, fchown: 93, lchown: 94, getgroups: 115, statfs: 137, fstatfs: 138, sync: 162, getxattr: 191, lgetxattr: 192,
  fgetxattr: 193, listxattr: 194, flistxattr: 196, fadvise64: 221, fchownat: 260, linkat: 265, symlinkat: 266, fchmodat: 268,
  utimensat: 280, pipe2: 293, syncfs: 306, renameat2: 316, memfd_create: 319, copy_file_range: 326, statx: 332, fchmodat2: 452,
  flock: 73, sendfile: 40,
} as const;

const AT_SYMLINK_NOFOLLOW = 0x100, AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000;
const STATX_BASIC_STATS = 0x7ff, STATX_SIZE = 0x200;
const O_APPEND = 0o2000;
/** Calls that change owners need root on the real machine (the emulated process is root). */
const root = typeof process.getuid === 'function' && process.getuid() === 0;

const DATA = `
p_l2: .asciz "l2"
p_h: .asciz "hard"
p_self_exe: .asciz "/proc/self/exe"
p_self_status: .asciz "/proc/self/status"
p_self_fd0: .asciz "/proc/self/fd/0"
p_self_fd: .asciz "/proc/self/fd"
p_xname: .asciz "user.trapdoor"
p_memfd: .asciz "trapdoor"
  .balign 8
ts_2020: .quad 1577934245, 5, 0, 0x3fffffff
ts_omit: .quad 0, 0x3ffffffe, 0, 0x3ffffffe
ts_badns: .quad 0, 1000000000, 0, 0
off8: .quad 3
`;

export const FILE_CASES: SyscallCase[] = [
  {
    name: 'statx: a file, a symlink (NOFOLLOW), a descriptor (AT_EMPTY_PATH, and a NULL path), EINVAL flags/mask/sync type, ENOENT, EFAULT, EBADF',
    calls: [[N.statx, AT_FDCWD, 'p_data', 0, STATX_BASIC_STATS, 'buf'], [N.statx, AT_FDCWD, 'p_link', AT_SYMLINK_NOFOLLOW, STATX_SIZE, 'buf'],
      [N.openat, AT_FDCWD, 'p_data', O_RDONLY], SAVE, [N.statx, FD, 'p_empty', AT_EMPTY_PATH, STATX_SIZE, 'buf'],
      [N.statx, FD, 0, AT_EMPTY_PATH, STATX_BASIC_STATS, 'buf'], [N.statx, AT_FDCWD, 'p_data', 0x1, STATX_SIZE, 'buf'],
      [N.statx, AT_FDCWD, 'p_data', 0, 0x80000000, 'buf'], [N.statx, AT_FDCWD, 'p_data', 0x6000, STATX_SIZE, 'buf'],
      [N.statx, AT_FDCWD, 'p_missing', 0, STATX_SIZE, 'buf'], [N.statx, AT_FDCWD, 'p_data', 0, STATX_SIZE, KADDR],
      [N.statx, 99, 'p_data', 0, STATX_SIZE, 'buf']],
    expect: [0, 0, 3, 0, 0, 'EINVAL', 'EINVAL', 'EINVAL', 'ENOENT', 'EFAULT', 'EBADF'],
    lines: ['statx(AT_FDCWD, "data.txt", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=11, ...}) = 0'],
    data: DATA,
  },
  {
    name: 'truncate / ftruncate: shorter and longer, EINVAL (negative, read-only fd, a pipe), EISDIR, ENOENT, EBADF',
    calls: [[N.truncate, 'p_data', 4], [N.stat, 'p_data', 'buf'], [N.openat, AT_FDCWD, 'p_data', O_WRONLY], SAVE, [N.ftruncate, FD, 100],
      [N.ftruncate, FD, -1], [N.truncate, 'p_data', -1], [N.openat, AT_FDCWD, 'p_data', O_RDONLY], [N.ftruncate, 4, 1],
      [N.truncate, 'p_dir', 0], [N.truncate, 'p_missing', 0], [N.ftruncate, 99, 0], [N.pipe2, 'buf', 0], [N.ftruncate, 6, 0]],
    expect: [0, 0, 3, 0, 'EINVAL', 'EINVAL', 4, 'EINVAL', 'EISDIR', 'ENOENT', 'EBADF', 0, 'EINVAL'],
    opts: { inspect: (cwd) => assert.strictEqual(fs.statSync(path.join(cwd, 'data.txt')).size, 100) },
  },
  {
    name: 'fsync / fdatasync / syncfs / sync: a file, EBADF, EINVAL on a pipe',
    calls: [[N.openat, AT_FDCWD, 'p_data', O_RDWR], [N.fsync, 3], [N.fdatasync, 3], [N.syncfs, 3], [N.sync], [N.fsync, 99],
      [N.pipe2, 'buf', 0], [N.fsync, 4], [N.fdatasync, 5]],
    expect: [3, 0, 0, 0, 0, 'EBADF', 0, 'EINVAL', 'EINVAL'],
  },
  {
    name: 'utimensat: now, given times with UTIME_NOW, both UTIME_OMIT, a descriptor (NULL path), NOFOLLOW, EINVAL, ENOENT, EFAULT, EBADF',
    calls: [[N.utimensat, AT_FDCWD, 'p_data', 0, 0], [N.utimensat, AT_FDCWD, 'p_data', 'ts_2020', 0], [N.newfstatat, AT_FDCWD, 'p_data', 'buf', 0],
      'mov buf+72(%rip), %rbx', [N.utimensat, AT_FDCWD, 'p_data', 'ts_omit', 0],
      [N.openat, AT_FDCWD, 'p_data', O_RDONLY], [N.utimensat, 3, 0, 'ts_2020', 0], [N.utimensat, AT_FDCWD, 'p_link', 'ts_2020', AT_SYMLINK_NOFOLLOW],
      [N.utimensat, AT_FDCWD, 'p_data', 'ts_badns', 0], [N.utimensat, AT_FDCWD, 'p_data', 0, 0x2], [N.utimensat, AT_FDCWD, 'p_missing', 0, 0],
      [N.utimensat, AT_FDCWD, 'p_data', KADDR, 0], [N.utimensat, 99, 0, 0, 0], [N.utimensat, 3, 0, 0, AT_SYMLINK_NOFOLLOW],
      'cmp $1577934245, %rbx', 'je 1f', 'ud2', '1:'],
    expect: [0, 0, 0, 0, 3, 0, 0, 'EINVAL', 'EINVAL', 'ENOENT', 'EFAULT', 'EBADF', 'EINVAL'],
    opts: { inspect: (cwd) => assert.strictEqual(Math.floor(fs.statSync(path.join(cwd, 'data.txt')).atimeMs / 1000), 1577934245) },
    data: DATA,
  },
  {
    name: 'chmod / fchmod / fchmodat / fchmodat2: the mode changes, EOPNOTSUPP on a symlink with NOFOLLOW, EINVAL flags, ENOENT, EBADF',
    calls: [[N.chmod, 'p_data', 0o600], [N.stat, 'p_data', 'buf'], [N.openat, AT_FDCWD, 'p_data', O_RDONLY], [N.fchmod, 3, 0o640],
      [N.fchmodat, AT_FDCWD, 'p_data', 0o4755], [N.fchmodat2, AT_FDCWD, 'p_link', 0o644, AT_SYMLINK_NOFOLLOW],
      [N.fchmodat2, AT_FDCWD, 'p_data', 0o644, 0x1], [N.chmod, 'p_missing', 0o644], [N.fchmod, 99, 0o644], [N.chmod, KADDR, 0o644]],
    expect: [0, 0, 3, 0, 0, 'EOPNOTSUPP', 'EINVAL', 'ENOENT', 'EBADF', 'EFAULT'],
    lines: [/^chmod\("data.txt", 0600\) += 0$/, /^stat\("data.txt", \{st_mode=S_IFREG\|0600, st_size=11, \.\.\.\}\) += 0$/],
    opts: { inspect: (cwd) => assert.strictEqual(fs.statSync(path.join(cwd, 'data.txt')).mode & 0o7777, 0o4755) },
    sameLines: false, // strace 6.1 does not know fchmodat2 (syscall_0x1c4)
    data: DATA,
  },
  {
    name: 'chown / fchown / lchown / fchownat: root may (nothing changes in the sandbox), -1 keeps, ENOENT, EBADF, EINVAL flags',
    calls: [[N.chown, 'p_data', 0, 0], [N.lchown, 'p_link', -1, -1], [N.openat, AT_FDCWD, 'p_data', O_RDONLY], [N.fchown, 3, -1, 0],
      [N.fchownat, AT_FDCWD, 'p_data', 0, -1, AT_SYMLINK_NOFOLLOW], [N.fchownat, 3, 'p_empty', 0, 0, AT_EMPTY_PATH],
      [N.chown, 'p_missing', 0, 0], [N.fchown, 99, 0, 0], [N.fchownat, AT_FDCWD, 'p_data', 0, 0, 0x1]],
    expect: [0, 0, 3, 0, 0, 0, 'ENOENT', 'EBADF', 'EINVAL'],
    native: root,
  },
  {
    name: 'symlink / symlinkat / readlink: the link holds its text, EEXIST, ENOENT (no parent, empty target), EFAULT',
    calls: [[N.symlink, 'p_data', 'p_l2'], [N.readlink, 'p_l2', 'buf', 100], [N.symlinkat, 'p_missing', AT_FDCWD, 'p_new'],
      [N.lstat, 'p_new', 'buf'], [N.stat, 'p_new', 'buf'], [N.symlink, 'p_data', 'p_link'], [N.symlink, 'p_data', 'p_notdir'],
      [N.symlink, 'p_empty', 'p_new2'], [N.symlink, KADDR, 'p_new2']],
    expect: [0, 8, 0, 0, 'ENOENT', 'EEXIST', 'ENOTDIR', 'ENOENT', 'EFAULT'],
    data: DATA,
  },
  {
    name: 'link / linkat: a second name (nlink 2), AT_SYMLINK_FOLLOW, EEXIST, ENOENT, EPERM for a folder, EINVAL flags',
    calls: [[N.link, 'p_data', 'p_h'], [N.stat, 'p_data', 'buf'], 'mov buf+16(%rip), %rbx', [N.linkat, AT_FDCWD, 'p_link', AT_FDCWD, 'p_new', AT_SYMLINK_FOLLOW],
      [N.lstat, 'p_new', 'buf'], [N.link, 'p_data', 'p_h'], [N.link, 'p_missing', 'p_new2'], [N.link, 'p_dir', 'p_new2'],
      [N.linkat, AT_FDCWD, 'p_data', AT_FDCWD, 'p_new2', 0x1], 'cmp $2, %rbx', 'je 1f', 'ud2', '1:'],
    expect: [0, 0, 0, 0, 'EEXIST', 'ENOENT', 'EPERM', 'EINVAL'],
    data: DATA,
  },
  {
    name: 'renameat2: NOREPLACE onto a name (EEXIST) and a new one, EXCHANGE swaps, ENOENT, EINVAL flags',
    calls: [[N.renameat2, AT_FDCWD, 'p_data', AT_FDCWD, 'p_dirfile', 1], [N.renameat2, AT_FDCWD, 'p_data', AT_FDCWD, 'p_new', 1],
      [N.renameat2, AT_FDCWD, 'p_new', AT_FDCWD, 'p_dirfile', 2], [N.renameat2, AT_FDCWD, 'p_new', AT_FDCWD, 'p_missing', 2],
      [N.renameat2, AT_FDCWD, 'p_new', AT_FDCWD, 'p_new2', 3], [N.renameat2, AT_FDCWD, 'p_new', AT_FDCWD, 'p_new2', 8],
      [N.renameat2, AT_FDCWD, 'p_new', AT_FDCWD, 'p_new2', 0]],
    expect: ['EEXIST', 0, 0, 'ENOENT', 'EINVAL', 'EINVAL', 0],
    opts: { inspect: (cwd) => { assert.strictEqual(fs.readFileSync(path.join(cwd, 'dir/f'), 'utf8'), '0123456789\n'); assert.strictEqual(fs.readFileSync(path.join(cwd, 'new2.txt'), 'utf8'), 'f\n'); } },
  },
  {
    name: 'fchdir: into a folder by descriptor (getcwd shows it), ENOTDIR, EBADF',
    calls: [[N.openat, AT_FDCWD, 'p_dir', O_RDONLY | O_DIRECTORY], [N.fchdir, 3], [N.stat, { raw: 'lea p_dirfile+4(%rip), $REG' }, 'buf'],
      [N.openat, AT_FDCWD, { raw: 'lea p_dirfile+4(%rip), $REG' }, O_RDONLY], [N.fchdir, 4], [N.fchdir, 99]],
    expect: [3, 0, 0, 4, 'ENOTDIR', 'EBADF'],
  },
  {
    name: 'memfd_create: a file with no name: write, seek, read back, fstat; EINVAL flags, EFAULT',
    calls: [[N.memfd_create, 'p_memfd', 1], SAVE, [N.write, FD, 'msg', 6], [N.lseek, FD, 0, 0], [N.read, FD, 'buf', 100],
      [N.ftruncate, FD, 2], [N.fstat, FD, 'buf'], [N.memfd_create, 'p_memfd', 0x100], [N.memfd_create, KADDR, 0]],
    expect: [3, 6, 0, 6, 0, 0, 'EINVAL', 'EFAULT'],
    lines: [/^memfd_create\("trapdoor", MFD_CLOEXEC\) += 3$/],
    sameLines: false,
    data: DATA,
  },
  {
    name: 'sendfile: file to file (its position moves), at an offset ([3] => [8]), EINVAL to O_APPEND, EBADF; copy_file_range',
    calls: [[N.openat, AT_FDCWD, 'p_data', O_RDONLY], SAVE, [N.openat, AT_FDCWD, 'p_new', O_WRONLY | O_CREAT, 0o644], SAVE2,
      [N.sendfile, FD2, FD, 0, 4], [N.sendfile, FD2, FD, 'off8', 5], [N.lseek, FD, 0, 1], [N.sendfile, FD2, FD, 0, 100], [N.sendfile, FD2, FD, 0, 100],
      [N.openat, AT_FDCWD, 'p_new2', O_WRONLY | O_CREAT | O_APPEND, 0o644], [N.sendfile, 5, FD, 0, 1], [N.sendfile, 99, FD, 0, 1],
      [N.lseek, FD, 0, 0], [N.copy_file_range, FD, 0, FD2, 0, 100, 0], [N.copy_file_range, FD, 0, FD2, 0, 1, 1]],
    expect: [3, 4, 4, 5, 4, 7, 0, 5, 'EINVAL', 'EBADF', 0, 11, 'EINVAL'],
    lines: [/^openat/, /^openat/, 'sendfile(4, 3, NULL, 4)                 = 4', 'sendfile(4, 3, [3] => [8], 5)           = 5'],
    opts: { inspect: (cwd) => assert.strictEqual(fs.readFileSync(path.join(cwd, 'new.txt'), 'utf8'), '012334567456789\n0123456789\n') },
    data: DATA,
  },
  {
    name: 'statfs / fstatfs: the folder\'s file system, ENOENT, EFAULT, EBADF',
    calls: [[N.statfs, 'p_dot', 'buf'], [N.openat, AT_FDCWD, 'p_data', O_RDONLY], [N.fstatfs, 3, 'buf'], [N.statfs, 'p_missing', 'buf'],
      [N.statfs, 'p_dot', KADDR], [N.fstatfs, 99, 'buf']],
    expect: [0, 3, 0, 'ENOENT', 'EFAULT', 'EBADF'],
    sameLines: false, // the free block counts change between the runs
  },
  {
    name: 'fadvise64 / flock: accepted, EINVAL advice or operation, ESPIPE on a pipe, EBADF',
    calls: [[N.openat, AT_FDCWD, 'p_data', O_RDONLY], [N.fadvise64, 3, 0, 0, 2], [N.fadvise64, 3, 0, 0, 99], [N.flock, 3, 2 | 4],
      [N.flock, 3, 8], [N.flock, 3, 0], [N.fadvise64, 99, 0, 0, 0], [N.pipe2, 'buf', 0], [N.fadvise64, 4, 0, 0, 0]],
    expect: [3, 0, 'EINVAL', 0, 0, 'EINVAL', 'EBADF', 0, 'ESPIPE'],
  },
  {
    name: 'getgroups: no supplementary groups, EINVAL for a negative size; the xattr lookups: ENODATA, an empty list, ENOENT',
    calls: [[N.getgroups, 4, 'buf'], [N.getgroups, 0, 0], [N.getgroups, -1, 'buf'], [N.getxattr, 'p_data', 'p_xname', 'buf', 64],
      [N.lgetxattr, 'p_link', 'p_xname', 'buf', 64], [N.listxattr, 'p_data', 'buf', 64], [N.getxattr, 'p_missing', 'p_xname', 'buf', 64],
      [N.openat, AT_FDCWD, 'p_data', O_RDONLY], [N.fgetxattr, 3, 'p_xname', 'buf', 64], [N.flistxattr, 3, 0, 0]],
    expect: [0, 0, 'EINVAL', 'ENODATA', 'ENODATA', 0, 'ENOENT', 3, 'ENODATA', 0],
    native: root,   // a non-root host's getgroups lists its groups
    data: DATA,
  },
  {
    name: '/proc/self: exe and fd/N are links, status and the fd folder read, lstat sees the links',
    calls: [[N.readlink, 'p_self_exe', 'buf', 4096], [N.openat, AT_FDCWD, 'p_self_status', O_RDONLY], [N.read, 3, 'buf', 4096],
      [N.readlink, 'p_self_fd0', 'buf', 100], [N.lstat, 'p_self_fd0', 'buf'], [N.lstat, 'p_self_exe', 'buf'],
      [N.openat, AT_FDCWD, 'p_self_fd', O_RDONLY | O_DIRECTORY], [N.getdents64, 4, 'buf', 4096]],
    expect: [{ test: (r) => r > 0n, what: 'the path' }, 3, { test: (r) => r > 100n, what: 'the text' }, { test: (r) => r > 0n, what: 'the link' },
      0, 0, 4, { test: (r) => r > 5n * 24n, what: 'five entries' }],
    sameLines: false,
    data: DATA,
  },
];
