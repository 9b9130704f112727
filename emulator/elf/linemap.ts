// The address <-> source line map the debugger and the disassembly view use: built from an
// executable's .debug_line (any DWARF 2-5 producer) or straight from the assembler's rows.
// Each row covers the addresses up to the next row of its sequence.

import { DecodedSequence, readLinePrograms } from './dwarf-line';
import { ElfFile } from './reader';
import { LineRow, toSequences } from './sequences';
import { SHF_ALLOC, SHT_NOBITS } from './types';

export interface SourcePosition { file: string; line: number; column: number }

interface Span {
  start: bigint;
  end: bigint;
  pos: SourcePosition;
  isStmt: boolean;
  /** First row of a run of rows on the same file and line: where that line "begins". */
  begins: boolean;
}

export class LineMap {
  /** Sorted by start; spans never empty. */
  private readonly spans: Span[];
  private readonly fileList: string[];

  private constructor(sequences: DecodedSequence[], readonly compDir?: string, readonly warnings: string[] = []) {
    const spans: Span[] = [];
    const files = new Set<string>();
    for (const s of sequences) {
      let kept: SourcePosition | undefined;
      for (let i = 0; i < s.rows.length; i++) {
        const r = s.rows[i];
        const end = i + 1 < s.rows.length ? s.rows[i + 1].address : s.end;
        files.add(r.file);
        if (end <= r.address) continue;        // an earlier row at the same address: superseded
        const begins = !kept || kept.file !== r.file || kept.line !== r.line;
        kept = { file: r.file, line: r.line, column: r.column };
        spans.push({ start: r.address, end, pos: kept, isStmt: r.isStmt, begins });
      }
    }
    spans.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    this.spans = spans;
    this.fileList = [...files];
  }

  /** From .debug_line (empty map if none). A damaged unit ends reading; `warnings` says why. */
  static fromElf(elf: ElfFile): LineMap {
    const line = elf.sectionData('.debug_line');
    if (!line) return new LineMap([]);
    const warnings: string[] = [];
    const programs = readLinePrograms({ line, str: elf.sectionData('.debug_str'), lineStr: elf.sectionData('.debug_line_str') }, warnings);
    // Sequences of code the linker discarded keep address 0 and the like: keep those in allocated sections.
    const alloc = elf.sections.filter((s) => (s.flags & BigInt(SHF_ALLOC)) !== 0n && s.type !== SHT_NOBITS && s.size > 0);
    const inImage = (a: bigint): boolean => alloc.length === 0 || alloc.some((s) => a >= s.addr && a < s.addr + BigInt(s.size));
    const sequences = programs.flatMap((p) => p.sequences).filter((s) => inImage(s.rows[0].address));
    return new LineMap(sequences, programs.find((p) => p.compDir !== undefined)?.compDir, warnings);
  }

  static fromRows(rows: LineRow[]): LineMap {
    return new LineMap(toSequences(rows).map((s) => ({ end: s.end, rows: s.rows.map((r) => ({ ...r, isStmt: true })) })));
  }

  /** The row covering `address` (the greatest row address <= address within its sequence). */
  lookup(address: bigint): SourcePosition | undefined {
    let lo = 0, hi = this.spans.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid].start <= address) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    // Overlapping sequences are rare (discarded code); look back a little for one that covers.
    for (let i = found; i >= 0 && i > found - 16; i--) {
      const s = this.spans[i];
      if (address >= s.start && address < s.end) return { ...s.pos };
    }
    return undefined;
  }

  /** Addresses where `line` of `file` begins (is_stmt rows); file matched by exact path or by basename suffix. */
  addressesOf(file: string, line: number): bigint[] {
    const want = normalize(file);
    const exact = (f: string): boolean => {
      const n = normalize(f);
      return n === want || (this.compDir !== undefined && !n.startsWith('/') && normalize(`${this.compDir}/${n}`) === want);
    };
    const suffix = (f: string): boolean => {
      const n = normalize(f);
      return n.endsWith('/' + want) || want.endsWith('/' + n);
    };
    const matches = this.fileList.some(exact) ? exact : suffix;
    const out = new Set<bigint>();
    for (const s of this.spans) if (s.pos.line === line && s.isStmt && s.begins && matches(s.pos.file)) out.add(s.start);
    return [...out].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  files(): string[] {
    return [...this.fileList];
  }
}

/** Drops `./` segments and repeated slashes so the same file compares equal. */
function normalize(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/+/g, '/').replace(/(^|\/)(\.\/)+/g, '$1').replace(/\/\.$/, '');
}
