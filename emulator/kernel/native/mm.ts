// The process's memory map: VMAs and the syscalls that change them (brk, mmap, munmap, mprotect,
// mremap, madvise) with Linux's placement (top-down from mmap_base, ASLR off) and errnos. Pages
// are supplied lazily through AddressSpace.demand, so a mapping costs nothing until touched.

import { AddressSpace, Page, PAGE_SIZE, PROT_PRESENT, PROT_USER, PROT_WRITE as PG_W, PROT_EXEC as PG_X } from '../../memory';
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM, EPERM } from './errno';

export const PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
export const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_TYPE = 0xf;
export const MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_GROWSDOWN = 0x100, MAP_FIXED_NOREPLACE = 0x100000;
export const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
export const MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3, MADV_DONTNEED = 4, MADV_FREE = 8;
const KNOWN_MADV = new Set([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 100, 101]);

/** User address space end with 4-level paging (Linux's TASK_SIZE_MAX) and the ASLR-off stack top. */
export const TASK_SIZE = 0x7ffffffff000;
export const STACK_TOP = TASK_SIZE;
/** mmap_base with ASLR off: TASK_SIZE minus the stack gap, which Linux clamps to at least 128 MiB. */
export const MMAP_BASE = TASK_SIZE - 128 * 1024 * 1024;
const MMAP_MIN_ADDR = 0x10000;

export type VmaKind = 'anon' | 'file' | 'brk' | 'stack' | 'special';

export interface Vma {
  start: number;
  end: number;
  prot: number;
  shared: boolean;
  kind: VmaKind;
  /** What /proc/self/maps shows in the last column ('' for none). */
  name: string;
  /** File offset of `start` (file and special mappings). */
  offset: number;
  dev: { major: number; minor: number };
  inode: number;
  /** Bytes a page is filled from on first touch: data[offset + (addr - start)], zero beyond `dataEnd`. */
  data?: Uint8Array;
  /** Virtual address from which the page contents are zero even if `data` has bytes (bss in a file page). */
  zeroFrom?: number;
}

export interface MmOptions {
  /** Most bytes of address space the process may map (virtual); beyond, mmap/brk/mremap fail with ENOMEM. */
  maxMapped?: number;
  /** RLIMIT_STACK soft limit: how far [stack] may grow down on faults. */
  stackLimit?: number;
}

export const pageDown = (a: number): number => Math.floor(a / PAGE_SIZE) * PAGE_SIZE;
export const pageUp = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;

/** Page permission bits (emulator/memory) for Linux PROT_* bits: PROT_NONE pages are not present. */
export function pageProt(prot: number): number {
  if ((prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) === 0) return 0;
  return PROT_PRESENT | PROT_USER | (prot & PROT_WRITE ? PG_W : 0) | (prot & PROT_EXEC ? PG_X : 0);
}

export class Mm {
  /** Sorted by start, non-overlapping. */
  vmas: Vma[] = [];
  startBrk = 0;
  brk = 0;
  readonly maxMapped: number;
  readonly stackLimit: number;
  mmapBase = MMAP_BASE;
  /**
   * The end of user space and the top of the stack: TASK_SIZE and STACK_TOP of a 64-bit process;
   * an i386 one (compat, set by the loader) has IA32_PAGE_OFFSET (0xffffe000) for both, so every
   * mapping, the heap and the growing stack stay below 4 GiB.
   */
  taskSize = TASK_SIZE;
  stackTop = STACK_TOP;
  compat = false;

  constructor(readonly as: AddressSpace, opts: MmOptions = {}) {
    this.maxMapped = opts.maxMapped ?? 4 * 1024 * 1024 * 1024;
    this.stackLimit = opts.stackLimit ?? 8 * 1024 * 1024;
    as.demand = (pn) => this.fault(pn);
  }

  /**
   * The child's memory at fork: the same areas, and every page already touched shared
   * copy-on-write, as Linux does: the first of the two to write a page gets its own copy. Pages of
   * MAP_SHARED areas, and the [vvar] page the kernel updates, stay one page for both.
   * (Untouched pages are still supplied on demand from the area's data.)
   */
  fork(as: AddressSpace): Mm {
    const c = new Mm(as, { maxMapped: this.maxMapped, stackLimit: this.stackLimit });
    c.vmas = this.vmas.map((v) => ({ ...v }));
    c.startBrk = this.startBrk;
    c.brk = this.brk;
    c.mmapBase = this.mmapBase;
    c.taskSize = this.taskSize;
    c.stackTop = this.stackTop;
    c.compat = this.compat;
    let v: Vma | undefined;
    for (const [pn, p] of this.as.pages.userEntries()) {
      const a = pn * PAGE_SIZE;
      if (!v || a < v.start || a >= v.end) v = this.find(a);
      if (v && (v.shared || v.name === '[vvar]')) {
        p.refCount++;
        as.adoptPage(pn, p);
      } else as.shareCow(pn, p);
    }
    this.as.flushTlb(); // the parent's next write to a shared page must come through the copy
    return c;
  }

  // ---- lookup ----

  find(addr: number): Vma | undefined {
    let lo = 0, hi = this.vmas.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, v = this.vmas[mid];
      if (addr < v.start) hi = mid - 1; else if (addr >= v.end) lo = mid + 1; else return v;
    }
    return undefined;
  }

  totalMapped(): number {
    let n = 0;
    for (const v of this.vmas) n += v.end - v.start;
    return n;
  }

  private overlaps(start: number, end: number): boolean {
    return this.vmas.some(v => v.start < end && v.end > start);
  }

  /** Builds the page for a first touch of `pn` (demand paging), growing [stack] down if needed. */
  private fault(pn: number): Page | undefined {
    const addr = pn * PAGE_SIZE;
    let v = this.find(addr);
    if (!v) {
      // The stack grows down on a fault just below it, within RLIMIT_STACK (Linux's expand_stack).
      const s = this.vmas.find(x => x.kind === 'stack');
      if (!s || addr >= s.start || addr < this.stackTop - this.stackLimit) return undefined;
      const prev = this.vmas.filter(x => x.end <= s.start).pop();
      if (prev && prev.end > addr - 256 * PAGE_SIZE) return undefined;   // stack_guard_gap
      s.start = addr;
      v = s;
    }
    const page = new Page(pageProt(v.prot));
    if (v.data) {
      const off = v.offset + (addr - v.start);
      const lim = v.zeroFrom === undefined ? PAGE_SIZE : Math.max(0, Math.min(PAGE_SIZE, v.zeroFrom - addr));
      const n = Math.max(0, Math.min(lim, v.data.length - off));
      if (n > 0) page.data.set(v.data.subarray(off, off + n));
    }
    return page;
  }

  // ---- VMA bookkeeping ----

  /** Cuts [start, end) out of the map (splitting VMAs) and drops its pages. */
  private carve(start: number, end: number): void {
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { out.push(v); continue; }
      if (v.start < start) out.push({ ...v, end: start });
      if (v.end > end) out.push({ ...v, start: end, offset: v.offset + (end - v.start) });
    }
    this.vmas = out;
    this.as.unmap(start, end - start);
  }

  /** Adds a VMA (its range must be free), merging with compatible neighbours as Linux does. */
  insert(v: Vma): Vma {
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].start < v.start) i++;
    this.vmas.splice(i, 0, v);
    this.mergeAround(i);
    return this.find(v.start) as Vma;
  }

  private mergeable(a: Vma, b: Vma): boolean {
    if (a.end !== b.start || a.prot !== b.prot || a.shared !== b.shared || a.kind !== b.kind || a.name !== b.name) return false;
    if (a.kind === 'stack' || a.kind === 'special') return false;
    if (a.kind === 'file') return a.data === b.data && a.inode === b.inode && a.offset + (a.end - a.start) === b.offset && a.zeroFrom === undefined && b.zeroFrom === undefined;
    return a.data === undefined && b.data === undefined;
  }

  private mergeAround(i: number): void {
    if (i + 1 < this.vmas.length && this.mergeable(this.vmas[i], this.vmas[i + 1])) {
      this.vmas[i] = { ...this.vmas[i], end: this.vmas[i + 1].end };
      this.vmas.splice(i + 1, 1);
    }
    if (i > 0 && this.mergeable(this.vmas[i - 1], this.vmas[i])) {
      this.vmas[i - 1] = { ...this.vmas[i - 1], end: this.vmas[i].end };
      this.vmas.splice(i, 1);
    }
  }

  private mergeAll(): void {
    for (let i = this.vmas.length - 2; i >= 0; i--) this.mergeAround(i);
  }

  /** A free range of `len` bytes: top-down below mmap_base, aligned to `align` (Linux's unmapped_area_topdown). */
  getUnmappedArea(len: number, align = PAGE_SIZE): number | undefined {
    let ceiling = this.mmapBase;
    for (let i = this.vmas.length - 1; i >= -1; i--) {
      const v = i >= 0 ? this.vmas[i] : undefined;
      if (v && v.start >= ceiling) continue;
      const floor = Math.max(v ? v.end : 0, MMAP_MIN_ADDR);
      const cand = Math.floor((ceiling - len) / align) * align;
      if (cand >= floor) return cand;
      if (v) ceiling = Math.min(ceiling, v.start);
    }
    return undefined;
  }

  /** Maps a new VMA at a fixed, already validated range, replacing what was there. */
  mapFixed(start: number, end: number, v: Omit<Vma, 'start' | 'end'>): Vma {
    this.carve(start, end);
    return this.insert({ ...v, start, end });
  }

  /** Fills [addr, addr+bytes.length) now (the loader's eager segment copy), ignoring page permissions. */
  populate(addr: number, bytes: Uint8Array): void {
    this.as.writeBytes(addr, bytes);
  }

  // ---- syscalls ----

  /** brk(2): returns the new break, or the old one when the request cannot be met (Linux never fails). */
  sysBrk(addr: number): number {
    if (addr < this.startBrk || addr > this.taskSize) return this.brk;
    const newEnd = pageUp(addr), oldEnd = pageUp(this.brk);
    if (newEnd === oldEnd) { this.brk = addr; return addr; }
    if (newEnd < oldEnd) {
      this.carve(newEnd, oldEnd);
      this.brk = addr;
      return addr;
    }
    // Growing: the new pages and one guard page must not meet another mapping.
    if (this.overlaps(oldEnd, newEnd + PAGE_SIZE)) return this.brk;
    if (this.totalMapped() + (newEnd - oldEnd) > this.maxMapped) return this.brk;
    const heap = this.vmas.find(v => v.kind === 'brk' && v.end === oldEnd);
    if (heap) heap.end = newEnd;
    else this.insert(anonVma(oldEnd, newEnd, PROT_READ | PROT_WRITE, 'brk', '[heap]'));
    this.brk = addr;
    return addr;
  }

  /**
   * mmap(2). `file` is the open file's bytes (read through the VFS) for a file mapping, with its
   * access mode; the caller resolves the fd (EBADF when bad) and passes null for MAP_ANONYMOUS.
   */
  ksysMmap(addr: number, length: number, prot: number, flags: number, file: MmapFile | null, offset: number): number {
    if (length <= 0) return -EINVAL;
    if (offset % PAGE_SIZE !== 0 || offset < 0) return -EINVAL;
    const type = flags & MAP_TYPE;
    if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    const len = pageUp(length);
    if (len > this.taskSize) return -ENOMEM;
    const anon = (flags & MAP_ANONYMOUS) !== 0;
    if (!anon) {
      if (!file) return -EBADF;
      if (file.isDirectory) return -ENODEV;
      if (!file.readable) return -EACCES;
      if (type !== MAP_PRIVATE && (prot & PROT_WRITE) && !file.writable) return -EACCES;
    }
    if (flags & MAP_FIXED_NOREPLACE) flags |= MAP_FIXED;
    let start: number;
    if (flags & MAP_FIXED) {
      if (addr % PAGE_SIZE !== 0) return -EINVAL;
      if (addr < 0 || addr > this.taskSize - len) return -ENOMEM;
      if (addr < MMAP_MIN_ADDR) return -EPERM;
      if ((flags & MAP_FIXED_NOREPLACE) && this.overlaps(addr, addr + len)) return -EEXIST;
      start = addr;
    } else {
      const hint = pageUp(addr);
      if (addr > 0 && hint >= MMAP_MIN_ADDR && hint <= this.taskSize - len && !this.overlaps(hint, hint + len)) start = hint;
      else {
        const s = this.getUnmappedArea(len);
        if (s === undefined) return -ENOMEM;
        start = s;
      }
    }
    let replaced = 0;
    for (const v of this.vmas) replaced += Math.max(0, Math.min(v.end, start + len) - Math.max(v.start, start));
    if (this.totalMapped() - replaced + len > this.maxMapped) return -ENOMEM;
    const shared = type !== MAP_PRIVATE;
    const base = anon ? anonVma(0, 0, prot, 'anon', '') : {
      start: 0, end: 0, prot, shared, kind: 'file' as const, name: file!.path, offset,
      dev: file!.dev, inode: file!.inode, data: file!.data,
    };
    this.mapFixed(start, start + len, { ...base, prot: prot & 7, shared, name: anon && shared ? '/dev/zero (deleted)' : base.name });
    return start;
  }

  sysMunmap(addr: number, length: number): number {
    if (addr % PAGE_SIZE !== 0 || length <= 0) return -EINVAL;
    const len = pageUp(length);
    if (addr < 0 || len > this.taskSize || addr > this.taskSize - len) return -EINVAL;
    this.carve(addr, addr + len);
    return 0;
  }

  sysMprotect(addr: number, length: number, prot: number): number {
    if (addr % PAGE_SIZE !== 0) return -EINVAL;
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
    if (length === 0) return 0;
    const len = pageUp(length);
    if (length < 0 || addr + len > this.taskSize || addr + len <= addr) return -ENOMEM;
    const end = addr + len;
    // Every page of the range must be mapped, else ENOMEM and nothing changes.
    let cur = addr;
    for (const v of this.vmas) {
      if (v.end <= cur || v.start >= end) continue;
      if (v.start > cur) return -ENOMEM;
      cur = v.end;
      if (cur >= end) break;
    }
    if (cur < end) return -ENOMEM;
    for (const v of this.pieces(addr, end)) v.prot = prot & 7;
    this.as.setProt(addr, len, pageProt(prot & 7));
    this.mergeAll();
    return 0;
  }

  /** Splits VMAs at `start` and `end` and returns the ones inside. */
  private pieces(start: number, end: number): Vma[] {
    const out: Vma[] = [], inside: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { out.push(v); continue; }
      const a = Math.max(v.start, start), b = Math.min(v.end, end);
      if (v.start < a) out.push({ ...v, end: a });
      const mid = { ...v, start: a, end: b, offset: v.offset + (a - v.start) };
      out.push(mid); inside.push(mid);
      if (v.end > b) out.push({ ...v, start: b, offset: v.offset + (b - v.start) });
    }
    this.vmas = out;
    return inside;
  }

  sysMremap(oldAddr: number, oldLength: number, newLength: number, flags: number, newAddr: number): number {
    if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
    if (oldAddr % PAGE_SIZE !== 0) return -EINVAL;
    const oldLen = pageUp(oldLength), newLen = pageUp(newLength);
    if (newLen === 0) return -EINVAL;
    const v = this.find(oldAddr);
    if (!v) return -EFAULT;
    if (oldLen === 0 && !v.shared) return -EINVAL;
    if (oldAddr + oldLen > v.end) return -EFAULT;
    if (flags & MREMAP_FIXED) {
      if (newAddr % PAGE_SIZE !== 0) return -EINVAL;
      if (newAddr < oldAddr + oldLen && newAddr + newLen > oldAddr) return -EINVAL;
      if (newAddr > this.taskSize - newLen) return -EINVAL;
      return this.move(v, oldAddr, oldLen, newLen, newAddr);
    }
    if (newLen <= oldLen) {
      if (newLen < oldLen) this.carve(oldAddr + newLen, oldAddr + oldLen);
      return oldAddr;
    }
    if (this.totalMapped() + (newLen - oldLen) > this.maxMapped) return -ENOMEM;
    // Grow in place when the range ends the VMA and the space after it is free.
    if (oldAddr + oldLen === v.end && oldAddr + newLen <= this.taskSize && !this.overlaps(v.end, oldAddr + newLen)) {
      v.end = oldAddr + newLen;
      this.mergeAll();
      return oldAddr;
    }
    if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
    const dest = this.getUnmappedArea(newLen);
    if (dest === undefined) return -ENOMEM;
    return this.move(v, oldAddr, oldLen, newLen, dest);
  }

  private move(v: Vma, oldAddr: number, oldLen: number, newLen: number, dest: number): number {
    const copy: Vma = { ...v, start: dest, end: dest + newLen, offset: v.offset + (oldAddr - v.start) };
    if (copy.zeroFrom !== undefined) copy.zeroFrom = copy.zeroFrom - oldAddr + dest;
    this.carve(dest, dest + newLen);
    this.as.movePages(oldAddr, dest, Math.min(oldLen, newLen));
    this.carve(oldAddr, oldAddr + oldLen);
    this.insert(copy);
    return dest;
  }

  sysMadvise(addr: number, length: number, advice: number): number {
    if (addr % PAGE_SIZE !== 0 || length < 0) return -EINVAL;
    if (!KNOWN_MADV.has(advice)) return -EINVAL;
    if (length === 0) return 0;
    const end = addr + pageUp(length);
    let cur = addr, unmapped = false;
    for (const v of this.vmas) {
      if (v.end <= cur || v.start >= end) continue;
      if (v.start > cur) unmapped = true;
      if (advice === MADV_DONTNEED || advice === MADV_FREE) {
        // Private pages are discarded: the next touch gives zeroes (anon) or the file's bytes again.
        const a = Math.max(v.start, addr), b = Math.min(v.end, end);
        if (!v.shared) this.as.unmap(a, b - a);
      }
      cur = v.end;
    }
    return unmapped || cur < end ? -ENOMEM : 0;
  }

  // ---- /proc/self/maps ----

  /** The text of /proc/self/maps, in Linux's format (show_map_vma). */
  procMaps(extra: { vsyscall?: boolean } = {}): string {
    let s = '';
    for (const v of this.vmas) {
      let name = v.name;
      if (v.kind === 'brk' || (v.start < this.brk && v.end > this.startBrk && v.kind === 'anon')) name = '[heap]';
      s += mapsLine(v.start, v.end, v.prot, v.shared, v.kind === 'file' ? v.offset : 0, v.dev, v.inode, name);
    }
    // [vsyscall] is a page of 64-bit processes only: an i386 process's maps do not show it.
    if (extra.vsyscall !== false && !this.compat) s += mapsLine(-0xa00000, -0x9ff000, PROT_EXEC, false, 0, { major: 0, minor: 0 }, 0, '[vsyscall]');
    return s;
  }
}

/** The file side of a file mapping (the VFS fills it in). */
export interface MmapFile {
  data: Uint8Array;
  path: string;
  dev: { major: number; minor: number };
  inode: number;
  readable: boolean;
  writable: boolean;
  isDirectory: boolean;
}

export function anonVma(start: number, end: number, prot: number, kind: VmaKind, name: string): Vma {
  return { start, end, prot, shared: false, kind, name, offset: 0, dev: { major: 0, minor: 0 }, inode: 0 };
}

const hex = (n: number, w: number): string => {
  const s = (n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n)).toString(16);
  return s.length >= w ? s : '0'.repeat(w - s.length) + s;
};

/** One maps line: "start-end perms offset maj:min inode", padded to column 73 before a name. */
export function mapsLine(start: number, end: number, prot: number, shared: boolean, offset: number,
  dev: { major: number; minor: number }, inode: number, name: string): string {
  const perms = (prot & PROT_READ ? 'r' : '-') + (prot & PROT_WRITE ? 'w' : '-') + (prot & PROT_EXEC ? 'x' : '-') + (shared ? 's' : 'p');
  let line = `${hex(start, 8)}-${hex(end, 8)} ${perms} ${hex(offset, 8)} ${hex(dev.major, 2)}:${hex(dev.minor, 2)} ${inode} `;
  if (name) line = line.padEnd(72, ' ') + ' ' + name;
  return line + '\n';
}
