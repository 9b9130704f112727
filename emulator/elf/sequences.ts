// Line rows as the assembler hands them over, and their grouping into DWARF sequences: runs of
// ascending addresses inside one section, each closed by an end address (end_sequence).

export interface LineRow {
  address: bigint;
  file: string;        // path as given on the command line
  line: number;        // 1-based
  column: number;      // 1-based, 0 = unknown
  /** True for the first row after which no more code follows in this sequence (end_sequence). */
  endSequence?: boolean;
}

export interface Sequence {
  rows: LineRow[];     // none has endSequence; addresses ascending
  end: bigint;         // first address after the sequence
}

/**
 * Splits rows into sequences: an endSequence row closes one; so do a change of range (section)
 * and a step back in address. A sequence left open ends at its range's end when `ranges` says
 * where that is, else one byte after its last row.
 */
export function toSequences(rows: LineRow[], ranges: { start: bigint; end: bigint }[] = []): Sequence[] {
  const out: Sequence[] = [];
  const rangeOf = (a: bigint): number => ranges.findIndex((r) => a >= r.start && a < r.end);
  let cur: LineRow[] = [];
  let curRange = -1;
  const close = (end?: bigint): void => {
    if (cur.length === 0) return;
    const last = cur[cur.length - 1].address;
    const fallback = curRange >= 0 ? ranges[curRange].end : last + 1n;
    out.push({ rows: cur, end: end !== undefined && end >= last ? end : fallback });
    cur = [];
  };
  for (const r of rows) {
    if (r.endSequence) {
      close(r.address);
      continue;
    }
    const k = rangeOf(r.address);
    if (cur.length > 0 && (k !== curRange || r.address < cur[cur.length - 1].address)) close();
    if (cur.length === 0) curRange = k;
    cur.push({ address: r.address, file: r.file, line: r.line, column: r.column });
  }
  close();
  return out;
}
