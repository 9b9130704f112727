// Encodes a DWARF 5 .debug_line unit the way GNU as 2.40 does with --gdwarf-5: directory 0 is
// the compilation directory, file 0 and file 1 are both the primary source, other files follow;
// rows become special opcodes where they fit (line_base -5, line_range 14, opcode_base 13).

import { ByteWriter, StringTable } from './bytes';
import { Sequence } from './sequences';
import {
  DW_FORM_line_strp, DW_FORM_udata, DW_LNCT_directory_index, DW_LNCT_path, DW_LNE_end_sequence, DW_LNE_set_address,
  DW_LNS_advance_line, DW_LNS_advance_pc, DW_LNS_const_add_pc, DW_LNS_copy, DW_LNS_set_column, DW_LNS_set_file,
} from './types';

const LINE_BASE = -5;
const LINE_RANGE = 14;
const OPCODE_BASE = 13;
const STD_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];

/** Splits a path as given into the directory part (may be '') and the file name. */
function splitPath(p: string): [string, string] {
  const i = p.lastIndexOf('/');
  return i < 0 ? ['', p] : [p.slice(0, i) || '/', p.slice(i + 1)];
}

export interface LineUnitInput {
  addressSize: 4 | 8;
  compDir: string;
  sequences: Sequence[];
  /** Receives directory and file names (DW_FORM_line_strp). */
  lineStr: StringTable;
}

export function writeLineUnit(o: LineUnitInput): Uint8Array {
  // File table: primary file first (it is both file 0 and file 1), then the others in order of use.
  const files: string[] = [];
  for (const s of o.sequences) for (const r of s.rows) if (!files.includes(r.file)) files.push(r.file);
  const dirs: string[] = [o.compDir];
  const fileEntries: { name: string; dir: number }[] = [];
  for (const f of [files[0] ?? '', ...files]) {
    const [d, name] = splitPath(f);
    let di = d === '' ? 0 : dirs.indexOf(d, 1);
    if (di < 0) di = dirs.push(d) - 1;
    fileEntries.push({ name, dir: di });
  }
  const fileIndex = new Map(files.map((f, i) => [f, i + 1]));

  const w = new ByteWriter();
  w.u32(0);                                  // unit_length, patched below
  w.u16(5);
  w.u8(o.addressSize);
  w.u8(0);                                   // segment_selector_size
  const headerLengthAt = w.length;
  w.u32(0);                                  // header_length, patched below
  w.u8(1);                                   // minimum_instruction_length
  w.u8(1);                                   // maximum_operations_per_instruction
  w.u8(1);                                   // default_is_stmt
  w.u8(LINE_BASE & 0xff);
  w.u8(LINE_RANGE);
  w.u8(OPCODE_BASE);
  for (const n of STD_LENGTHS) w.u8(n);
  w.u8(1);                                   // directory_entry_format_count
  w.uleb(DW_LNCT_path); w.uleb(DW_FORM_line_strp);
  w.uleb(dirs.length);
  for (const d of dirs) w.u32(o.lineStr.add(d));
  w.u8(2);                                   // file_name_entry_format_count
  w.uleb(DW_LNCT_path); w.uleb(DW_FORM_line_strp);
  w.uleb(DW_LNCT_directory_index); w.uleb(DW_FORM_udata);
  w.uleb(fileEntries.length);
  for (const f of fileEntries) {
    w.u32(o.lineStr.add(f.name));
    w.uleb(f.dir);
  }
  w.patch(headerLengthAt, w.length - headerLengthAt - 4, 4);

  for (const s of o.sequences) writeSequence(w, s, fileIndex, o.addressSize);
  w.patch(0, w.length - 4, 4);
  return w.finish();
}

function writeSequence(w: ByteWriter, s: Sequence, fileIndex: Map<string, number>, addressSize: number): void {
  // Registers as they stand at the start of every sequence.
  let address = s.rows[0].address;
  let file = 1;
  let line = 1;
  let column = 0;
  w.u8(0); w.uleb(1 + addressSize); w.u8(DW_LNE_set_address); w.uint(address, addressSize);
  for (const r of s.rows) {
    const fi = fileIndex.get(r.file) ?? 1;
    if (fi !== file) { w.u8(DW_LNS_set_file); w.uleb(fi); file = fi; }
    const col = Math.max(0, r.column | 0);
    if (col !== column) { w.u8(DW_LNS_set_column); w.uleb(col); column = col; }
    let dLine = r.line - line;
    const dAddr = r.address - address;
    if (dLine < LINE_BASE || dLine >= LINE_BASE + LINE_RANGE) {
      w.u8(DW_LNS_advance_line); w.sleb(dLine);
      dLine = 0;
    }
    const special = (a: bigint): number => (dLine - LINE_BASE) + LINE_RANGE * Number(a) + OPCODE_BASE;
    const maxConstAdd = BigInt(Math.floor((255 - OPCODE_BASE) / LINE_RANGE));
    if (dAddr <= 255n && special(dAddr) <= 255) {
      w.u8(special(dAddr));
    } else if (dAddr > maxConstAdd && dAddr - maxConstAdd <= 255n && special(dAddr - maxConstAdd) <= 255) {
      w.u8(DW_LNS_const_add_pc);
      w.u8(special(dAddr - maxConstAdd));
    } else {
      w.u8(DW_LNS_advance_pc); w.uleb(dAddr);
      if (dLine !== 0) w.u8(special(0n));
      else w.u8(DW_LNS_copy);
    }
    address = r.address;
    line = r.line;
  }
  if (s.end > address) { w.u8(DW_LNS_advance_pc); w.uleb(s.end - address); }
  w.u8(0); w.uleb(1); w.u8(DW_LNE_end_sequence);
}
