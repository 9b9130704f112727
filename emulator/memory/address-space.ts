// A process's sparse paged address space: 4 KiB pages in a Map keyed by page number, found on the
// hot path through small direct-mapped software TLBs (one read and one write TLB per privilege
// mode), so that a hit costs a couple of array reads. Addresses are canonical signed numbers.

import { GuestFault, VEC_GP, VEC_PF, PF_P, PF_W, PF_U, PF_I, isCanonical } from './fault';
import { Page, PAGE_SIZE, PROT_PRESENT, PROT_WRITE, PROT_USER, PROT_EXEC } from './page';

const TLB_SIZE = 256;
const TLB_MASK = TLB_SIZE - 1;

export const enum Access { Read = 0, Write = 1, Exec = 2 }

/** The kinds of data access a watch sees (a mask, as the R/W bits of x86's DR7). */
export const WATCH_READ = 1, WATCH_WRITE = 2;

/** A watched range of guest memory (a debugger's data breakpoint), at canonical signed addresses. */
export interface MemWatch { address: number; size: number; kinds: number }

/** Accesses that touched a watch: the watch's index in the list, the span accessed, which kinds. */
export interface WatchHit { watch: number; address: number; size: number; kinds: number }

class Tlb {
  readonly rTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rPage: Page[] = new Array<Page>(TLB_SIZE);
  readonly wTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wPage: Page[] = new Array<Page>(TLB_SIZE);
  flush(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
  }
}

/**
 * A page table: the user half (page numbers >= 0) is the process's own; the kernel half (negative
 * page numbers, addresses from 0xffff8000_00000000) is one map shared by every address space, as
 * Linux shares the kernel's top-level page table entries among all processes.
 */
export class PageTable {
  private readonly user = new Map<number, Page>();
  constructor(readonly kernel: Map<number, Page> = new Map()) {}
  get(pn: number): Page | undefined { return pn < 0 ? this.kernel.get(pn) : this.user.get(pn); }
  has(pn: number): boolean { return pn < 0 ? this.kernel.has(pn) : this.user.has(pn); }
  set(pn: number, p: Page): void { if (pn < 0) this.kernel.set(pn, p); else this.user.set(pn, p); }
  delete(pn: number): boolean { return pn < 0 ? this.kernel.delete(pn) : this.user.delete(pn); }
  /** Resident user pages (the kernel half is not the process's). */
  get size(): number { return this.user.size; }
  /** User page numbers, then kernel ones. */
  *keys(): IterableIterator<number> { yield* this.user.keys(); yield* this.kernel.keys(); }
  /** The user half's pages (fork copies them). */
  userEntries(): IterableIterator<[number, Page]> { return this.user.entries(); }
}

export class AddressSpace {
  readonly pages: PageTable;
  /** Upper half of the last 64-bit read (read64 returns the lower half). */
  hi = 0;
  /** True while the CPU runs at CPL 3: accesses then need the user bit. */
  private userMode = false;
  private readonly tlbUser = new Tlb();
  private readonly tlbSup = new Tlb();
  /** The current mode's TLB (page number tags and pages); compiled blocks read it inline (jit-mem.ts). */
  rTag: Float64Array;
  rPage: Page[];
  wTag: Float64Array;
  wPage: Page[];
  /** Called when a page holding decoded code is written (self-modifying code); set by the CPU. */
  onCodeWrite: ((pageNumber: number) => void) | null = null;
  /** Supplies a page on the first touch of a page number that has none yet (demand-zero and
   *  file-backed mappings cost nothing until used); set by the kernel's memory manager. */
  demand: ((pageNumber: number) => Page | undefined) | null = null;
  /** Called at each access that touches a watch (the CPU then stops after the instruction). */
  onWatch: (() => void) | null = null;
  /** Called when watching starts or ends (compiled blocks add or drop their stop checks). */
  onWatchingChanged: (() => void) | null = null;
  /** Accesses that touched a watch since the last takeWatchHits(), one entry per watch. */
  watchHits: WatchHit[] = [];
  private watches: MemWatch[] = [];
  /** Page number -> the access kinds watched somewhere in it. Those accesses never enter the TLB,
   *  so each one reaches translate(), which checks the exact range; other pages keep the fast path. */
  private readonly watchPages = new Map<number, number>();

  /** `kernelPages`: the kernel half to share (a new machine's first address space starts it). */
  constructor(kernelPages?: Map<number, Page>) {
    this.pages = new PageTable(kernelPages);
    this.rTag = this.tlbSup.rTag; this.rPage = this.tlbSup.rPage;
    this.wTag = this.tlbSup.wTag; this.wPage = this.tlbSup.wPage;
  }

  get user(): boolean { return this.userMode; }
  set user(u: boolean) {
    if (u === this.userMode) return;
    this.userMode = u;
    const t = u ? this.tlbUser : this.tlbSup;
    this.rTag = t.rTag; this.rPage = t.rPage; this.wTag = t.wTag; this.wPage = t.wPage;
  }

  flushTlb(): void {
    this.tlbUser.flush();
    this.tlbSup.flush();
  }

  // ---- mapping ----

  /** Maps fresh zeroed pages over [addr, addr+length) (page-rounded); existing pages are replaced. */
  map(addr: number, length: number, prot: number): void {
    for (const pn of pageRange(addr, length)) {
      this.dropCode(pn);
      this.pages.set(pn, new Page(prot | PROT_PRESENT));
    }
    this.flushTlb();
  }

  /** Maps an existing page object (shared between address spaces, e.g. the kernel's). */
  mapPage(addr: number, page: Page): void {
    const pn = Math.floor(addr / PAGE_SIZE);
    this.dropCode(pn);
    page.refCount++;
    this.pages.set(pn, page);
    this.flushTlb();
  }

  /** Installs `page` at a page number where a fresh space has none yet (fork's copies: no TLB entry can name it). */
  adoptPage(pn: number, page: Page): void {
    this.pages.set(pn, page);
  }

  /**
   * Shares `page` copy-on-write with the space it comes from (fork). The parent must flush its
   * TLB afterwards, so that its next write to the page comes through breakCow too.
   */
  shareCow(pn: number, page: Page): void {
    page.cow = true;
    page.refCount++;
    this.pages.set(pn, page);
  }

  /** This space's own copy of a copy-on-write page that another space still holds (the write fault's work). */
  private breakCow(pn: number, p: Page): Page {
    if (!p.cow) return p;
    if (p.refCount <= 1) { p.cow = false; return p; }
    this.dropCode(pn);
    const q = new Page(p.prot, p.data.slice());
    p.refCount--;
    this.pages.set(pn, q);
    const i = pn & TLB_MASK;
    for (const t of [this.tlbUser, this.tlbSup]) {
      if (t.rTag[i] === pn) t.rTag[i] = NaN;
      if (t.wTag[i] === pn) t.wTag[i] = NaN;
    }
    return q;
  }

  /** Drops every user page (the process is gone; the kernel half stays). */
  clearUser(): void {
    for (const [pn, p] of [...this.pages.userEntries()]) {
      this.dropCode(pn);
      p.refCount--;
      this.pages.delete(pn);
    }
    this.flushTlb();
  }

  unmap(addr: number, length: number): void {
    for (const pn of this.residentIn(addr, length)) {
      const p = this.pages.get(pn);
      if (!p) continue;
      this.dropCode(pn);
      p.refCount--;
      this.pages.delete(pn);
    }
    this.flushTlb();
  }

  protect(addr: number, length: number, prot: number): void {
    for (const pn of this.residentIn(addr, length)) {
      let p = this.pages.get(pn);
      if (!p) continue;
      p = this.breakCow(pn, p); // the permissions live in the page: another space keeps its own
      this.dropCode(pn);
      p.prot = prot | PROT_PRESENT;
    }
    this.flushTlb();
  }

  /** Sets the permission bits exactly (without forcing PROT_PRESENT: 0 makes PROT_NONE pages). */
  setProt(addr: number, length: number, prot: number): void {
    for (const pn of this.residentIn(addr, length)) {
      let p = this.pages.get(pn);
      if (!p) continue;
      p = this.breakCow(pn, p);
      this.dropCode(pn);
      p.prot = prot;
    }
    this.flushTlb();
  }

  /** The page numbers in [addr, addr+length) that have a page, in order. A range larger than the
   *  map (munmap of a whole address space at execve) walks the map instead of every page number. */
  private residentIn(addr: number, length: number): number[] {
    const first = Math.floor(addr / PAGE_SIZE);
    const last = Math.floor((addr + Math.max(length, 1) - 1) / PAGE_SIZE);
    const out: number[] = [];
    if (last - first + 1 > this.pages.size + this.pages.kernel.size) {
      for (const pn of this.pages.keys()) if (pn >= first && pn <= last) out.push(pn);
      out.sort((a, b) => a - b);
    } else {
      for (let pn = first; pn <= last; pn++) if (this.pages.has(pn)) out.push(pn);
    }
    return out;
  }

  /** Moves the resident pages of [from, from+length) to start at `to` (mremap); both page-aligned. */
  movePages(from: number, to: number, length: number): void {
    const n = Math.ceil(length / PAGE_SIZE), f = Math.floor(from / PAGE_SIZE), t = Math.floor(to / PAGE_SIZE);
    const moved: [number, Page][] = [];
    for (let k = 0; k < n; k++) {
      const p = this.pages.get(f + k);
      if (!p) continue;
      this.dropCode(f + k);
      this.pages.delete(f + k);
      moved.push([t + k, p]);
    }
    for (const [pn, p] of moved) { this.dropCode(pn); this.pages.set(pn, p); }
    this.flushTlb();
  }

  /** The page for `pn`, created on demand if a mapping supplies one. */
  private resident(pn: number): Page | undefined {
    const p = this.pages.get(pn);
    if (p !== undefined || this.demand === null) return p;
    const q = this.demand(pn);
    if (q !== undefined) this.pages.set(pn, q);
    return q;
  }

  isMapped(addr: number): boolean {
    return this.pages.has(Math.floor(addr / PAGE_SIZE));
  }

  pageAt(addr: number): Page | undefined {
    return this.pages.get(Math.floor(addr / PAGE_SIZE));
  }

  // ---- code tracking (for the CPU's block cache) ----

  /** A decoded block now depends on page `pn`: its writes must go through the slow path. */
  markCode(pn: number): void {
    const p = this.pages.get(pn);
    if (!p) return;
    p.codeBlocks++;
    const i = pn & TLB_MASK;
    if (this.tlbUser.wTag[i] === pn) this.tlbUser.wTag[i] = NaN;
    if (this.tlbSup.wTag[i] === pn) this.tlbSup.wTag[i] = NaN;
  }

  private dropCode(pn: number): void {
    const p = this.pages.get(pn);
    if (p && p.codeBlocks > 0 && this.onCodeWrite) this.onCodeWrite(pn);
  }

  // ---- watches (data breakpoints: exact ranges, reads and writes, by the CPU at any privilege) ----

  get watching(): boolean {
    return this.watches.length > 0;
  }

  /** Replaces the watch list. Accesses by the debugger and the native services (readBytes,
   *  writeBytes) are not seen: only the CPU's, user and kernel alike. */
  setWatches(list: MemWatch[]): void {
    const was = this.watching;
    this.watches = list.filter((w) => w.size > 0 && w.kinds !== 0).map((w) => ({ ...w }));
    this.watchPages.clear();
    for (const w of this.watches) for (const pn of pageRange(w.address, w.size)) this.watchPages.set(pn, (this.watchPages.get(pn) ?? 0) | w.kinds);
    this.watchHits = [];
    this.flushTlb();
    if (was !== this.watching) this.onWatchingChanged?.();
  }

  /** The hits since the last call (and forgets them). */
  takeWatchHits(): WatchHit[] {
    const h = this.watchHits;
    this.watchHits = [];
    return h;
  }

  private checkWatches(addr: number, size: number, kind: number): void {
    for (let k = 0; k < this.watches.length; k++) {
      const w = this.watches[k];
      if ((w.kinds & kind) === 0 || addr + size <= w.address || addr >= w.address + w.size) continue;
      const old = this.watchHits.find((h) => h.watch === k);
      if (old) {
        // One instruction, several accesses (rep movsb, a read-modify-write): their span, their kinds.
        const end = Math.max(old.address + old.size, addr + size);
        old.address = Math.min(old.address, addr);
        old.size = end - old.address;
        old.kinds |= kind;
      } else this.watchHits.push({ watch: k, address: addr, size, kinds: kind });
      this.onWatch?.();
    }
  }

  // ---- translation (slow path: permission checks, TLB fill, faults) ----

  /** The page for an access of `size` bytes at the current privilege, or a #GP/#PF. */
  translate(addr: number, access: Access, size = 1): Page {
    if (!isCanonical(addr)) throw new GuestFault(VEC_GP, 0);
    const pn = Math.floor(addr / PAGE_SIZE);
    let p = this.resident(pn);
    const user = this.userMode;
    let err = (access === Access.Write ? PF_W : 0) | (user ? PF_U : 0) | (access === Access.Exec ? PF_I : 0);
    if (p === undefined) throw new GuestFault(VEC_PF, err, addr);
    const prot = p.prot;
    if (!(prot & PROT_PRESENT)) throw new GuestFault(VEC_PF, err, addr);   // PROT_NONE
    err |= PF_P;
    if ((user && !(prot & PROT_USER)) ||
        (access === Access.Write && !(prot & PROT_WRITE)) ||
        (access === Access.Exec && !(prot & PROT_EXEC))) {
      throw new GuestFault(VEC_PF, err, addr);
    }
    const i = pn & TLB_MASK;
    const watched = this.watchPages.size === 0 || access === Access.Exec ? 0 : this.watchPages.get(pn) ?? 0;
    if (access === Access.Read) {
      if ((watched & WATCH_READ) === 0) { this.rTag[i] = pn; this.rPage[i] = p; }
      else this.checkWatches(addr, size, WATCH_READ);
    } else if (access === Access.Write) {
      if (p.cow) p = this.breakCow(pn, p);
      if (p.codeBlocks > 0 && this.onCodeWrite) this.onCodeWrite(pn);
      if ((watched & WATCH_WRITE) !== 0) this.checkWatches(addr, size, WATCH_WRITE);
      else if (p.codeBlocks === 0) { this.wTag[i] = pn; this.wPage[i] = p; }
    }
    return p;
  }

  // ---- guest accesses at the current privilege (the CPU's hot path) ----
  // The page number is (a - offset) / 4096 (exact, also for negative kernel addresses), and the
  // constants are literals: both keep these small enough for V8 to inline into compiled blocks.

  read8(a: number): number {
    const off = a & 4095;
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.rTag[i] === pn ? this.rPage[i] : this.translate(a, Access.Read);
    return p.data[off];
  }
  read16(a: number): number {
    const off = a & 4095;
    if (off > 4094) return this.readSplit(a, 2);
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.rTag[i] === pn ? this.rPage[i] : this.translate(a, Access.Read, 2);
    return p.view.getUint16(off, true);
  }
  /** Returns the value as a signed int32. */
  read32(a: number): number {
    const off = a & 4095;
    if (off > 4092) return this.readSplit(a, 4) | 0;
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.rTag[i] === pn ? this.rPage[i] : this.translate(a, Access.Read, 4);
    return p.view.getInt32(off, true);
  }
  /** Returns the low half (int32) and leaves the high half in `this.hi`. */
  read64(a: number): number {
    const off = a & 4095;
    if (off > 4088) {
      const lo = this.readSplit(a, 4) | 0;
      this.hi = this.readSplit(a + 4, 4) | 0;
      return lo;
    }
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.rTag[i] === pn ? this.rPage[i] : this.translate(a, Access.Read, 8);
    const v = p.view;
    this.hi = v.getInt32(off + 4, true);
    return v.getInt32(off, true);
  }

  write8(a: number, v: number): void {
    const off = a & 4095;
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.wTag[i] === pn ? this.wPage[i] : this.translate(a, Access.Write);
    p.data[off] = v;
  }
  write16(a: number, v: number): void {
    const off = a & 4095;
    if (off > 4094) return this.writeSplit(a, 2, v);
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.wTag[i] === pn ? this.wPage[i] : this.translate(a, Access.Write, 2);
    p.view.setUint16(off, v, true);
  }
  write32(a: number, v: number): void {
    const off = a & 4095;
    if (off > 4092) return this.writeSplit(a, 4, v);
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.wTag[i] === pn ? this.wPage[i] : this.translate(a, Access.Write, 4);
    p.view.setInt32(off, v, true);
  }
  write64(a: number, lo: number, hi: number): void {
    const off = a & 4095;
    if (off > 4088) {
      // Check both pages before writing anything, so a fault leaves memory unchanged.
      this.translate(a, Access.Write); this.translate(a + 7, Access.Write);
      this.writeSplit(a, 4, lo); this.writeSplit(a + 4, 4, hi);
      return;
    }
    const pn = (a - off) / 4096;
    const i = pn & 255;
    const p = this.wTag[i] === pn ? this.wPage[i] : this.translate(a, Access.Write, 8);
    const v = p.view;
    v.setInt32(off, lo, true);
    v.setInt32(off + 4, hi, true);
  }

  /** An access that straddles two pages, little-endian, checked byte by byte. Returns unsigned. */
  private readSplit(a: number, n: number): number {
    this.translate(a, Access.Read); this.translate(a + n - 1, Access.Read);
    let v = 0;
    for (let k = n - 1; k >= 0; k--) v = v * 256 + this.translate(a + k, Access.Read).data[(a + k) & 4095];
    return v;
  }
  private writeSplit(a: number, n: number, v: number): void {
    this.translate(a, Access.Write); this.translate(a + n - 1, Access.Write);
    for (let k = 0; k < n; k++) this.translate(a + k, Access.Write).data[(a + k) & 4095] = (v >>> (8 * k)) & 255;
  }

  /** Bytes for instruction fetch: up to `n` bytes, stopping early at an unfetchable page
   *  (the first byte must be fetchable, or this faults with the I/D bit). */
  fetch(a: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      let p: Page;
      try { p = this.translate(a + got, Access.Exec); } catch (e) { if (got === 0) throw e; break; }
      const off = (a + got) & 4095;
      const k = Math.min(n - got, PAGE_SIZE - off);
      out.set(p.data.subarray(off, off + k), got);
      got += k;
    }
    return got === n ? out : out.subarray(0, got);
  }

  // ---- supervisor accesses for the kernel services and debugger (no permission checks) ----

  readBytes(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const a = addr + done;
      const p = this.resident(Math.floor(a / PAGE_SIZE));
      if (!p) throw new GuestFault(VEC_PF, 0, a);
      const off = a & 4095;
      const k = Math.min(length - done, PAGE_SIZE - off);
      out.set(p.data.subarray(off, off + k), done);
      done += k;
    }
    return out;
  }

  writeBytes(addr: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const a = addr + done;
      const pn = Math.floor(a / PAGE_SIZE);
      let p = this.resident(pn);
      if (!p) throw new GuestFault(VEC_PF, PF_W, a);
      if (p.cow) p = this.breakCow(pn, p);
      if (p.codeBlocks > 0 && this.onCodeWrite) this.onCodeWrite(pn);
      const off = a & 4095;
      const k = Math.min(bytes.length - done, PAGE_SIZE - off);
      p.data.set(bytes.subarray(done, done + k), off);
      done += k;
    }
  }

  readU64(addr: number): bigint {
    const b = this.readBytes(addr, 8);
    return new DataView(b.buffer).getBigUint64(0, true);
  }
  writeU64(addr: number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.writeBytes(addr, b);
  }
}

function* pageRange(addr: number, length: number): Generator<number> {
  const first = Math.floor(addr / PAGE_SIZE);
  const last = Math.floor((addr + Math.max(length, 1) - 1) / PAGE_SIZE);
  for (let pn = first; pn <= last; pn++) yield pn;
}

export { PROT_PRESENT, PROT_WRITE, PROT_USER, PROT_EXEC };
