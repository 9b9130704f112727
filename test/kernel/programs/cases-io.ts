// System-call cases for descriptors and I/O: read write pread64 pwrite64 readv writev lseek openat
// open close fstat ioctl fcntl dup dup2 dup3, with their success and error paths.

import { AT_FDCWD, FD, FD2, KADDR, NR, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_RDONLY, O_RDWR, O_WRONLY, SAVE, SAVE2, SyscallCase } from './case';

const TCGETS = 0x5401, TIOCGWINSZ = 0x5413;
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3;
const openData = [NR.openat, AT_FDCWD, 'p_data', O_RDONLY] as const;

export const IO_CASES: SyscallCase[] = [
  {
    name: 'write: success, EBADF, EFAULT (NULL, 0x10, kernel address), zero length',
    calls: [[NR.write, 1, 'msg', 6], [NR.write, 99, 'msg', 6], [NR.write, -1, 'msg', 6], [NR.write, 1, 0, 6],
      [NR.write, 1, 0x10, 6], [NR.write, 1, KADDR, 6], [NR.write, 1, 'msg', 0], [NR.write, 99, KADDR, 6], [NR.write, 1, KADDR, 0]],
    // the descriptor is checked before the buffer (EBADF wins); access_ok rejects a kernel buffer even for 0 bytes
    expect: [6, 'EBADF', 'EBADF', 'EFAULT', 'EFAULT', 'EFAULT', 0, 'EBADF', 'EFAULT'],
    stdout: 'hello\n',
    lines: ['write(1, "hello\\n", 6)                  = 6', 'write(99, "hello\\n", 6)                 = -1 EBADF (Bad file descriptor)'],
  },
  {
    name: 'read: from a file, EOF, EBADF, EFAULT, EISDIR, a write-only descriptor',
    calls: [[...openData], SAVE, [NR.read, FD, 0, 4], [NR.read, FD, KADDR, 4], [NR.read, FD, 'buf', 4], [NR.read, FD, 'buf', 100],
      [NR.read, FD, 'buf', 100], [NR.read, 99, 'buf', 4], [NR.read, FD, 0, 4], [NR.read, FD, KADDR, 4], [NR.read, 99, KADDR, 4],
      [NR.openat, AT_FDCWD, 'p_dir', O_RDONLY | O_DIRECTORY], SAVE2, [NR.read, FD2, 'buf', 10],
      [NR.openat, AT_FDCWD, 'p_new', O_WRONLY | O_CREAT, 0o644], SAVE2, [NR.read, FD2, 'buf', 10]],
    // at end of file a NULL buffer reads 0 bytes, but a kernel buffer fails access_ok first: EFAULT
    expect: [3, 'EFAULT', 'EFAULT', 4, 7, 0, 'EBADF', 0, 'EFAULT', 'EBADF', 4, 'EISDIR', 5, 'EBADF'],
    lines: ['openat(AT_FDCWD, "data.txt", O_RDONLY)  = 3', /^read\(3, NULL, 4\) += -1 EFAULT/, /^read/, 'read(3, "0123", 4)                      = 4',
      'read(3, "456789\\n", 100)                = 7'],
  },
  {
    name: 'read from stdin: the bytes given, then end of file',
    calls: [[NR.read, 0, 'buf', 100], [NR.read, 0, 'buf', 100]],
    expect: [3, 0],
    opts: { stdin: 'ab\n' },
  },
  {
    name: 'write to a file, then read it back; EBADF writing to a read-only descriptor',
    calls: [[NR.openat, AT_FDCWD, 'p_new', O_RDWR | O_CREAT | O_EXCL, 0o600], SAVE, [NR.write, FD, 'msg', 6],
      [NR.pread64, FD, 'buf', 100, 0], [NR.openat, AT_FDCWD, 'p_data', O_RDONLY], SAVE2, [NR.write, FD2, 'msg', 6],
      [NR.openat, AT_FDCWD, 'p_new', O_RDWR | O_CREAT | O_EXCL, 0o600]],
    expect: [3, 6, 6, 4, 'EBADF', 'EEXIST'],
  },
  {
    name: 'pread64 / pwrite64: at an offset, EINVAL for a negative offset, EBADF, ESPIPE on stdin',
    calls: [[...openData], SAVE, [NR.pread64, FD, 'buf', 4, 2], [NR.pread64, FD, 'buf', 4, 100], [NR.pread64, FD, 'buf', 4, -1],
      [NR.pread64, 99, 'buf', 4, 0], [NR.pread64, FD, KADDR, 4, 0], [NR.pwrite64, FD, 'msg', 4, 0],
      [NR.openat, AT_FDCWD, 'p_new', O_RDWR | O_CREAT, 0o644], SAVE2, [NR.pwrite64, FD2, 'msg', 6, 10],
      [NR.pwrite64, FD2, 'msg', 6, -5], [NR.pwrite64, FD2, 0, 6, 0], [NR.lseek, FD2, 0, 2]],
    expect: [3, 4, 0, 'EINVAL', 'EBADF', 'EFAULT', 'EBADF', 4, 6, 'EINVAL', 'EFAULT', 16],
    lines: [/^openat/, 'pread64(3, "2345", 4, 2)                = 4'],
  },
  {
    name: 'pread64 on a pipe (stdin): ESPIPE',
    calls: [[NR.pread64, 0, 'buf', 4, 0], [NR.lseek, 0, 0, 0]],
    expect: ['ESPIPE', 'ESPIPE'],
  },
  {
    name: 'writev / readv: two buffers, zero vectors, EINVAL (vlen > 1024, negative), EFAULT (array, base), EBADF',
    calls: [[NR.writev, 1, 'iov', 2], [NR.writev, 1, 'iov', 0], [NR.writev, 1, 'iov', 1025], [NR.writev, 1, 'iov', -1],
      [NR.writev, 1, 0, 1], [NR.writev, 1, KADDR, 1], [NR.writev, 1, 'iov_bad', 1], [NR.writev, 99, 'iov', 2],
      [...openData], SAVE, [NR.readv, FD, 'iov_r', 2], [NR.readv, FD, 0, 2], [NR.readv, 99, 'iov_r', 2]],
    expect: [13, 0, 'EINVAL', 'EINVAL', 'EFAULT', 'EFAULT', 'EFAULT', 'EBADF', 3, 7, 'EFAULT', 'EBADF'],
  },
  {
    name: 'lseek: SEEK_SET/SEEK_CUR/SEEK_END, EINVAL (negative result, bad whence), EBADF',
    calls: [[...openData], SAVE, [NR.lseek, FD, 0, 2], [NR.lseek, FD, 3, 0], [NR.lseek, FD, 2, 1], [NR.lseek, FD, -1, 0],
      [NR.lseek, FD, 0, 7], [NR.lseek, 99, 0, 0], [NR.lseek, FD, 100, 0]],
    expect: [3, 11, 3, 5, 'EINVAL', 'EINVAL', 'EBADF', 100],
    lines: [/^openat/, 'lseek(3, 0, SEEK_END)                   = 11', 'lseek(3, 3, SEEK_SET)                   = 3', 'lseek(3, 2, SEEK_CUR)                   = 5'],
  },
  {
    name: 'openat / open: ENOENT, EFAULT (NULL, 0x10, kernel), empty path, ENAMETOOLONG, ENOTDIR, EISDIR, EBADF dirfd, EEXIST',
    calls: [[NR.open, 'p_data', O_RDONLY], [NR.open, 'p_missing', O_RDONLY], [NR.open, 0, O_RDONLY], [NR.open, 0x10, O_RDONLY],
      [NR.open, KADDR, O_RDONLY], [NR.open, 'p_empty', O_RDONLY], [NR.open, 'p_long', O_RDONLY], [NR.open, 'p_longname', O_RDONLY],
      [NR.open, 'p_notdir', O_RDONLY], [NR.open, 'p_dir', O_WRONLY], [NR.openat, 99, 'p_data', O_RDONLY],
      [NR.openat, 99, 'p_etc', O_RDONLY], [NR.open, 'p_data', O_RDONLY | O_CREAT | O_EXCL, 0o644],
      [NR.open, 'p_data', O_RDONLY | O_DIRECTORY], [NR.openat, AT_FDCWD, 'p_dirfile', O_RDONLY | O_CLOEXEC]],
    expect: [3, 'ENOENT', 'EFAULT', 'EFAULT', 'EFAULT', 'ENOENT', 'ENAMETOOLONG', 'ENAMETOOLONG', 'ENOTDIR', 'EISDIR', 'EBADF',
      4, 'EEXIST', 'ENOTDIR', 5],
  },
  {
    name: 'openat relative to a directory descriptor',
    calls: [[NR.openat, AT_FDCWD, 'p_dir', O_RDONLY | O_DIRECTORY], SAVE, [NR.openat, FD, { raw: 'lea p_dirfile+4(%rip), $REG' }, O_RDONLY],
      [NR.read, 4, 'buf', 10]],
    expect: [3, 4, 2],
  },
  {
    name: 'close: success, EBADF twice and for -1; the lowest free descriptor is reused',
    calls: [[...openData], [NR.close, 3], [NR.close, 3], [NR.close, -1], [...openData], [NR.close, 1], [...openData]],
    expect: [3, 0, 'EBADF', 'EBADF', 3, 0, 1],
  },
  {
    name: 'fstat: a file, stdout, EBADF, EFAULT (NULL, kernel)',
    calls: [[...openData], SAVE, [NR.fstat, FD, 'buf'], [NR.fstat, 99, 'buf'], [NR.fstat, FD, 0], [NR.fstat, FD, KADDR]],
    expect: [3, 0, 'EBADF', 'EFAULT', 'EFAULT'],
    lines: [/^openat/, 'fstat(3, {st_mode=S_IFREG|0644, st_size=11, ...}) = 0'],
  },
  {
    name: 'ioctl: TCGETS and TIOCGWINSZ on a file give ENOTTY; EBADF; on stdin (a pipe here) ENOTTY',
    calls: [[...openData], SAVE, [NR.ioctl, FD, TCGETS, 'buf'], [NR.ioctl, FD, TIOCGWINSZ, 'buf'], [NR.ioctl, 99, TCGETS, 'buf'],
      [NR.ioctl, 0, TCGETS, 'buf']],
    expect: [3, 'ENOTTY', 'ENOTTY', 'EBADF', 'ENOTTY'],
    lines: [/^openat/, /^ioctl\(3, TCGETS, 0x[0-9a-f]+\) += -1 ENOTTY \(Inappropriate ioctl for device\)$/],
  },
  {
    name: 'ioctl on a terminal: TCGETS and TIOCGWINSZ succeed (24x80); EFAULT for a kernel buffer',
    calls: [[NR.ioctl, 1, TCGETS, 'buf'], [NR.ioctl, 1, TIOCGWINSZ, 'buf'], [NR.ioctl, 1, TIOCGWINSZ, KADDR], [NR.ioctl, 1, TCGETS, 0]],
    expect: [0, 0, 'EFAULT', 'EFAULT'],
    native: false,
    opts: { ttys: [0, 1, 2] },
    lines: [/^ioctl\(1, TCGETS, \{/, 'ioctl(1, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0'],
  },
  {
    name: 'fcntl: F_GETFD/F_SETFD, F_GETFL, F_DUPFD, EBADF, EINVAL',
    calls: [[...openData], SAVE, [NR.fcntl, FD, F_GETFD], [NR.fcntl, FD, F_SETFD, 1], [NR.fcntl, FD, F_GETFD], [NR.fcntl, FD, F_GETFL],
      [NR.fcntl, FD, F_DUPFD, 10], [NR.fcntl, 99, F_GETFD], [NR.fcntl, FD, 9999], [NR.fcntl, FD, F_DUPFD, -1]],
    expect: [3, 0, 0, 1, 0x8000, 10, 'EBADF', 'EINVAL', 'EINVAL'],
    lines: [/^openat/, 'fcntl(3, F_GETFD)                       = 0', 'fcntl(3, F_SETFD, FD_CLOEXEC)           = 0', 'fcntl(3, F_GETFD)                       = 0x1 (flags FD_CLOEXEC)',
      'fcntl(3, F_GETFL)                       = 0x8000 (flags O_RDONLY|O_LARGEFILE)'],
  },
  {
    name: 'dup / dup2 / dup3: lowest free, a given number, same fd, EBADF, EINVAL',
    calls: [[...openData], [NR.dup, 3], [NR.dup, 99], [NR.dup2, 3, 10], [NR.dup2, 3, 3], [NR.dup2, 99, 10], [NR.dup2, 99, 99],
      [NR.dup3, 3, 3, 0], [NR.dup3, 3, 11, O_CLOEXEC], [NR.dup3, 3, 12, 1], [NR.dup2, 3, -1], [NR.fcntl, 11, F_GETFD],
      [NR.read, 10, 'buf', 3]],
    expect: [3, 4, 'EBADF', 10, 3, 'EBADF', 'EBADF', 'EINVAL', 11, 'EINVAL', 'EBADF', 1, 3],
    lines: [/^openat/, 'dup(3)                                  = 4', /^dup\(99\) += -1 EBADF/, 'dup2(3, 10)                             = 10'],
  },
];
