// Where the sections of a static executable go, the way GNU ld's default non-PIE script with
// -z separate-code places them: headers alone in a read-only first page, then text, rodata and
// data+bss each in their own PT_LOAD, every segment on its own 4 KiB page.

import { EHDR_SIZE, PF_R, PF_W, PF_X, PHDR_SIZE } from './types';

export const PAGE = 4096;

export interface OutSection {
  name: string;                 // ".text", ".rodata", ".data", ".bss", or any other
  nobits: boolean;              // .bss-like
  flags: { write: boolean; exec: boolean };   // all given sections are SHF_ALLOC
  align: number;                // power of two, >= 1
  size: number;
  data?: Uint8Array;            // absent for nobits; exactly `size` bytes when present
}

export interface ExecutableLayout {
  /** Virtual address of each input section, same order. */
  addresses: bigint[];
  /**
   * Final size of each section, same order: the size given, except that `.bss` grows to end on a
   * word (8 bytes for ELF64, 4 for ELF32), as ld's default script makes it. Use it for `_end`.
   */
  sizes?: number[];
}

/** One loadable segment and the sections (input indices) it holds, in address order. */
export interface PlannedSegment {
  flags: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
  memsz: number;
  sections: number[];
}

/** The full plan: section addresses and file offsets, segments, where file data ends. */
export interface Plan {
  base: bigint;
  headerSize: number;
  addresses: bigint[];
  sizes: number[];
  offsets: number[];
  /** Input section indices in address order (the order of their section headers). */
  order: number[];
  segments: PlannedSegment[];
  /** First file offset after all loadable data. */
  fileEnd: number;
}

export function baseAddress(elfClass: 32 | 64): bigint {
  return elfClass === 32 ? 0x08048000n : 0x400000n;
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Exec, read-only, writable; inside a group, file-backed sections before nobits ones. */
function groups(sections: OutSection[]): number[][] {
  const g: number[][] = [[], [], []];
  const rank = (s: OutSection): number => (s.flags.exec ? 0 : s.flags.write ? 2 : 1);
  sections.forEach((s, i) => { if (!s.nobits) g[rank(s)].push(i); });
  sections.forEach((s, i) => { if (s.nobits) g[rank(s)].push(i); });
  return g;
}

function checkSections(sections: OutSection[]): void {
  for (const s of sections) {
    if (!(s.align >= 1 && (s.align & (s.align - 1)) === 0)) throw new RangeError(`section ${s.name}: alignment ${s.align} is not a power of two`);
    if (!s.nobits && s.data && s.data.length !== s.size) throw new RangeError(`section ${s.name}: ${s.data.length} bytes of data for size ${s.size}`);
  }
}

export function planExecutable(elfClass: 32 | 64, sections: OutSection[]): Plan {
  checkSections(sections);
  const base = baseAddress(elfClass);
  const g = groups(sections);
  const permissions = [PF_R | PF_X, PF_R, PF_R | PF_W];
  // The header segment plus one per non-empty group: the program header count is known first.
  const used = g.filter((ids) => ids.some((i) => sections[i].size > 0)).length;
  const headerSize = EHDR_SIZE[elfClass] + PHDR_SIZE[elfClass] * (1 + used);

  const addresses: bigint[] = sections.map(() => 0n);
  const offsets: number[] = sections.map(() => 0);
  const sizes: number[] = sections.map((s) => s.size);
  const word = elfClass === 64 ? 8 : 4;

  /** Places one group from address `rel` (relative to the base) and file offset `off`. */
  const place = (k: number, rel: number, off: number): { seg: PlannedSegment; rel: number; off: number } => {
    off += (((rel - off) % PAGE) + PAGE) % PAGE;       // file offset congruent to the address
    const seg: PlannedSegment = { flags: permissions[k], offset: off, vaddr: base + BigInt(rel), filesz: 0, memsz: 0, sections: [] };
    g[k].forEach((i, n) => {
      const s = sections[i];
      const pad = alignUp(rel, s.align) - rel;
      rel += pad;
      off += pad;
      if (n === 0) {
        seg.offset = off;
        seg.vaddr = base + BigInt(rel);
      }
      addresses[i] = base + BigInt(rel);
      offsets[i] = off;
      rel += s.size;
      if (!s.nobits) off += s.size;
      // ld's script ends .bss with `. = ALIGN(. != 0 ? 64 / 8 : 1)` (32 / 8 for ELF32).
      if (s.name === '.bss' && s.nobits && s.size > 0) {
        rel = alignUp(rel, word);
        sizes[i] = rel - Number(addresses[i] - base);
      }
      seg.sections.push(i);
      seg.memsz = rel - Number(seg.vaddr - base);
      if (!s.nobits) seg.filesz = off - seg.offset;
    });
    return { seg, rel, off };
  };

  const segments: PlannedSegment[] = [];
  let rel = headerSize;
  let off = headerSize;
  for (let k = 0; k < 3; k++) {
    let r: ReturnType<typeof place>;
    if (k < 2) {
      r = place(k, alignUp(rel, PAGE), off);  // separate-code: `. = ALIGN(MAXPAGESIZE)`
    } else {
      // DATA_SEGMENT_ALIGN: next page plus the offset inside the page, so the file stays dense;
      // unless starting on the page boundary itself saves a page of memory (ld's lang_size_segment).
      const dense = alignUp(rel, PAGE) + (rel % PAGE);
      r = place(k, dense, off);
      const end = alignUp(r.rel, word);       // `. = ALIGN(64 / 8); _end = .; DATA_SEGMENT_END`
      const first = (PAGE - (dense % PAGE)) % PAGE;
      const last = end % PAGE;
      if (first && last && Math.floor(dense / PAGE) !== Math.floor(end / PAGE) && first + last <= PAGE) {
        r = place(k, alignUp(rel, PAGE), off);
      }
    }
    rel = r.rel;
    off = r.off;
    // A segment with no file bytes: ld gives it the smallest offset congruent to its address.
    if (r.seg.filesz === 0) r.seg.offset = Number(r.seg.vaddr % BigInt(PAGE));
    if (r.seg.memsz > 0) segments.push(r.seg);
  }
  return { base, headerSize, addresses, sizes, offsets, order: g.flat(), segments, fileEnd: off };
}

/**
 * Places sections the way GNU ld's default static, non-PIE script does: ELF32 base 0x08048000,
 * ELF64 base 0x400000; ELF header + program headers in a read-only first page; then one PT_LOAD per
 * run of sections with the same permissions (R+X text, R rodata, R+W data+bss), each segment starting
 * on a new 4 KiB page (file offset congruent to address mod 4096), sections aligned inside.
 * Sections are placed in the order given, grouped by permission in that order: exec, read-only, write.
 */
export function layoutExecutable(elfClass: 32 | 64, sections: OutSection[]): ExecutableLayout {
  const plan = planExecutable(elfClass, sections);
  return { addresses: plan.addresses, sizes: plan.sizes };
}
