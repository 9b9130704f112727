// System-call cases for memory: brk mmap munmap mprotect mremap madvise, success and error paths
// (addresses differ from a native run, so only their success is compared there).

import { AT_FDCWD, FD, FD2, FDPLUS, NR, O_RDONLY, SAVE, SAVE2, SyscallCase, Expect } from './case';

const PROT_READ = 1, PROT_WRITE = 2, RW = PROT_READ | PROT_WRITE;
const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANON = 0x20;
const MREMAP_MAYMOVE = 1;
const MADV_DONTNEED = 4;
const addr: Expect = { test: (r) => r > 0x10000n && r < 0x800000000000n && (r & 0xfffn) === 0n, what: 'a page-aligned user address' };
const anon = (len: number | bigint, prot = RW): [number, ...(number | bigint)[]] => [NR.mmap, 0, len, prot, MAP_PRIVATE | MAP_ANON, -1, 0];

export const MM_CASES: SyscallCase[] = [
  {
    name: 'brk: the current break, growing it (the new memory is usable), a too-low request leaves it',
    calls: [[NR.brk, 0], SAVE, [NR.brk, FDPLUS(8192)], 'movb $7, 8000(%r12)', [NR.brk, 1], [NR.brk, FDPLUS(4096)],
      [NR.write, 1, FDPLUS(8000), 1]],
    expect: [{ test: (r) => r > 0x400000n, what: 'the break' }, { test: (r) => r > 0x402000n, what: 'break + 8192' },
      { test: (r) => r > 0x402000n, what: 'unchanged break' }, 'ok', 'EFAULT'],
    sameLines: false,
  },
  {
    name: 'mmap anonymous: usable memory; EINVAL (length 0, no MAP_PRIVATE/SHARED, unaligned MAP_FIXED), EBADF, ENOMEM',
    calls: [anon(8192), SAVE, 'movabs $0x0a34333231303938, %rax', 'mov %rax, 4096(%r12)', [NR.write, 1, FDPLUS(4096), 8], anon(0),
      [NR.mmap, 0, 4096, RW, MAP_ANON, -1, 0], [NR.mmap, 0x10001, 4096, RW, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0],
      [NR.mmap, 0, 4096, PROT_READ, MAP_PRIVATE, 99, 0], anon(1n << 60n)],
    expect: [addr, 8, 'EINVAL', 'EINVAL', 'EINVAL', 'EBADF', 'ENOMEM'],
    sameLines: false,
  },
  {
    name: 'mmap of a file: its bytes; unaligned offset EINVAL; MAP_SHARED|PROT_WRITE on a read-only descriptor EACCES',
    calls: [[NR.openat, AT_FDCWD, 'p_data', O_RDONLY], SAVE2, [NR.mmap, 0, 4096, PROT_READ, MAP_PRIVATE, FD2, 0], SAVE,
      [NR.write, 1, FD, 11], [NR.mmap, 0, 4096, PROT_READ, MAP_PRIVATE, FD2, 100],
      [NR.mmap, 0, 4096, RW, MAP_SHARED, FD2, 0], [NR.mmap, 0, 4096, RW, MAP_PRIVATE, FD2, 0]],
    expect: [3, addr, 11, 'EINVAL', 'EACCES', addr],
    sameLines: false,
  },
  {
    name: 'munmap: success, unmapping again is fine, EINVAL (unaligned, length 0)',
    calls: [anon(8192), SAVE, [NR.munmap, FD, 8192], [NR.munmap, FD, 8192], [NR.munmap, FDPLUS(1), 4096], [NR.munmap, FD, 0]],
    expect: [addr, 0, 0, 'EINVAL', 'EINVAL'],
    sameLines: false,
  },
  {
    name: 'mprotect: success, EINVAL (unaligned, unknown bits), ENOMEM (unmapped); a read-only page still reads',
    calls: [anon(8192), SAVE, 'movb $65, (%r12)', [NR.mprotect, FD, 4096, PROT_READ], [NR.write, 1, FD, 1], [NR.mprotect, FDPLUS(1), 4096, PROT_READ],
      [NR.mprotect, FD, 4096, 0x100], [NR.munmap, FD, 8192], [NR.mprotect, FD, 4096, PROT_READ], [NR.mprotect, FD, 0, PROT_READ]],
    expect: [addr, 0, 1, 'EINVAL', 'EINVAL', 0, 'ENOMEM', 0],
    sameLines: false,
  },
  {
    name: 'mremap: grow with MREMAP_MAYMOVE keeps the contents; EINVAL (flags, unaligned); EFAULT (nothing mapped)',
    calls: [anon(4096), SAVE, 'movb $66, (%r12)', [NR.mremap, FD, 4096, 65536, MREMAP_MAYMOVE], SAVE2, [NR.write, 1, FD2, 1],
      [NR.mremap, FD2, 65536, 4096, 0x80], [NR.mremap, FDPLUS(1), 4096, 8192, MREMAP_MAYMOVE], [NR.mremap, FD2, 65536, 8192, 0],
      [NR.munmap, FD2, 8192], [NR.mremap, FD2, 4096, 8192, MREMAP_MAYMOVE]],
    expect: [addr, addr, 1, 'EINVAL', 'EINVAL', { test: (r) => r > 0n, what: 'the same address (shrink)' }, 0, 'EFAULT'],
    sameLines: false,
  },
  {
    name: 'madvise: MADV_DONTNEED zeroes an anonymous page; EINVAL (unaligned, unknown advice); ENOMEM (unmapped)',
    calls: [anon(4096), SAVE, 'movb $67, (%r12)', [NR.madvise, FD, 4096, MADV_DONTNEED], 'add $48, (%r12)', [NR.write, 1, FD, 1],
      [NR.madvise, FDPLUS(1), 4096, MADV_DONTNEED], [NR.madvise, FD, 4096, 9999], [NR.munmap, FD, 4096], [NR.madvise, FD, 4096, MADV_DONTNEED]],
    expect: [addr, 0, 1, 'EINVAL', 'EINVAL', 0, 'ENOMEM'],
    sameLines: false,
  },
];
