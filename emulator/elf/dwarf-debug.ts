// The debug sections of an executable with line rows: .debug_line plus the minimal compile unit
// GNU as emits for assembly (.debug_info with one DW_TAG_compile_unit, .debug_abbrev,
// .debug_aranges, .debug_str, .debug_line_str), which gdb and objdump -l need to find the lines.

import { ByteWriter, StringTable } from './bytes';
import { writeLineUnit } from './dwarf-line-write';
import { Sequence } from './sequences';
import {
  DW_AT_comp_dir, DW_AT_high_pc, DW_AT_language, DW_AT_low_pc, DW_AT_name, DW_AT_producer, DW_AT_stmt_list,
  DW_CHILDREN_no, DW_FORM_addr, DW_FORM_data2, DW_FORM_sec_offset, DW_FORM_strp, DW_FORM_udata,
  DW_LANG_Mips_Assembler, DW_TAG_compile_unit, DW_UT_compile,
} from './types';

export interface DebugSection {
  name: string;
  data: Uint8Array;
  align: number;
  /** SHF_MERGE|SHF_STRINGS string sections, as GNU as marks them. */
  strings?: boolean;
}

export interface DebugInput {
  elfClass: 32 | 64;
  sequences: Sequence[];
  compDir: string;
  producer: string;
}

export function buildDebugSections(o: DebugInput): DebugSection[] {
  const addressSize = o.elfClass === 64 ? 8 : 4;
  const lineStr = new StringTable();
  const str = new StringTable();
  const line = writeLineUnit({ addressSize, compDir: o.compDir, sequences: o.sequences, lineStr });

  // One compile unit covering every sequence: low_pc is the lowest address, high_pc the length.
  let low = o.sequences[0].rows[0].address;
  let high = o.sequences[0].end;
  for (const s of o.sequences) {
    if (s.rows[0].address < low) low = s.rows[0].address;
    if (s.end > high) high = s.end;
  }

  const abbrev = new ByteWriter();
  abbrev.uleb(1);
  abbrev.uleb(DW_TAG_compile_unit);
  abbrev.u8(DW_CHILDREN_no);
  for (const [at, form] of [
    [DW_AT_stmt_list, DW_FORM_sec_offset], [DW_AT_low_pc, DW_FORM_addr], [DW_AT_high_pc, DW_FORM_udata],
    [DW_AT_name, DW_FORM_strp], [DW_AT_comp_dir, DW_FORM_strp], [DW_AT_producer, DW_FORM_strp],
    [DW_AT_language, DW_FORM_data2],
  ]) {
    abbrev.uleb(at);
    abbrev.uleb(form);
  }
  abbrev.uleb(0); abbrev.uleb(0);
  abbrev.uleb(0);                            // end of the abbreviation table

  const info = new ByteWriter();
  info.u32(0);                               // unit_length, patched below
  info.u16(5);
  info.u8(DW_UT_compile);
  info.u8(addressSize);
  info.u32(0);                               // debug_abbrev_offset
  info.uleb(1);
  info.u32(0);                               // stmt_list: our only line unit
  info.uint(low, addressSize);
  info.uleb(high - low);
  info.u32(str.add(o.sequences[0].rows[0].file));
  info.u32(str.add(o.compDir));
  info.u32(str.add(o.producer));
  info.u16(DW_LANG_Mips_Assembler);
  info.patch(0, info.length - 4, 4);

  // .debug_aranges: header padded so the tuples start on a 2*address_size boundary.
  const ar = new ByteWriter();
  ar.u32(0);
  ar.u16(2);
  ar.u32(0);                                 // debug_info_offset
  ar.u8(addressSize);
  ar.u8(0);                                  // segment_selector_size
  ar.alignTo(2 * addressSize);
  for (const s of o.sequences) {
    ar.uint(s.rows[0].address, addressSize);
    ar.uint(s.end - s.rows[0].address, addressSize);
  }
  ar.uint(0, addressSize);
  ar.uint(0, addressSize);
  ar.patch(0, ar.length - 4, 4);

  return [
    { name: '.debug_aranges', data: ar.finish(), align: 2 * addressSize },
    { name: '.debug_info', data: info.finish(), align: 1 },
    { name: '.debug_abbrev', data: abbrev.finish(), align: 1 },
    { name: '.debug_line', data: line, align: 1 },
    { name: '.debug_str', data: str.finish(), align: 1, strings: true },
    { name: '.debug_line_str', data: lineStr.finish(), align: 1, strings: true },
  ];
}
