// .debug_line: the writer (see dwarf-line-write.ts and dwarf-debug.ts, re-exported here) and a
// reader of line-number programs of DWARF versions 2 to 5, 32- and 64-bit, as gcc, clang, GNU as
// and we emit them. The reader decodes every unit into sequences of rows with resolved file paths.

import { ByteReader, ElfFormatError, stringAt } from './bytes';
import {
  DW_FORM_block, DW_FORM_block1, DW_FORM_block2, DW_FORM_block4, DW_FORM_data1, DW_FORM_data16, DW_FORM_data2,
  DW_FORM_data4, DW_FORM_data8, DW_FORM_line_strp, DW_FORM_sdata, DW_FORM_strp, DW_FORM_string, DW_FORM_udata,
  DW_LNCT_directory_index, DW_LNCT_path, DW_LNE_define_file, DW_LNE_end_sequence, DW_LNE_set_address,
  DW_LNS_advance_line, DW_LNS_advance_pc, DW_LNS_const_add_pc, DW_LNS_copy, DW_LNS_fixed_advance_pc,
  DW_LNS_negate_stmt, DW_LNS_set_column, DW_LNS_set_file,
} from './types';

export { writeLineUnit } from './dwarf-line-write';
export { buildDebugSections, DebugSection } from './dwarf-debug';

export interface DecodedRow {
  address: bigint;
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
}
export interface DecodedSequence {
  rows: DecodedRow[];
  end: bigint;
}
export interface LineProgram {
  offset: number;
  version: number;
  /** The compilation directory when the table names it (directory 0 of DWARF 5). */
  compDir?: string;
  sequences: DecodedSequence[];
}

export interface LineSections {
  line: Uint8Array;
  str?: Uint8Array;          // .debug_str, for DW_FORM_strp
  lineStr?: Uint8Array;      // .debug_line_str, for DW_FORM_line_strp
}

/**
 * Decodes every unit of .debug_line. A malformed unit throws ElfFormatError, unless `warnings` is
 * given: then reading stops there, the message goes to `warnings`, and the units before it are kept.
 */
export function readLinePrograms(s: LineSections, warnings?: string[]): LineProgram[] {
  const out: LineProgram[] = [];
  let at = 0;
  while (at < s.line.length) {
    try {
      const p = readUnit(s, at);
      out.push(p.program);
      at = p.next;
    } catch (e) {
      if (!warnings || !(e instanceof ElfFormatError)) throw e;
      warnings.push(e.message);
      break;
    }
  }
  return out;
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

interface FileEntry { name: string; dir: number }

function readUnit(s: LineSections, start: number): { program: LineProgram; next: number } {
  const r = new ByteReader(s.line, start, s.line.length, `.debug_line unit at 0x${start.toString(16)}`);
  let length = r.u32();
  let offsetSize = 4;
  if (length === 0xffffffff) {
    offsetSize = 8;
    const l = r.u64();
    if (l > BigInt(r.left)) r.fail('unit length runs past the section');
    length = Number(l);
  } else if (length >= 0xfffffff0) {
    r.fail(`reserved unit length 0x${length.toString(16)}`);
  }
  r.need(length);
  const end = r.pos + length;
  const u = new ByteReader(s.line, r.pos, end, `.debug_line unit at 0x${start.toString(16)}`);
  const version = u.u16();
  if (version < 2 || version > 5) u.fail(`unsupported .debug_line version ${version}`);
  let addressSize = 0;
  if (version >= 5) {
    addressSize = u.u8();
    u.u8();                                  // segment_selector_size
  }
  const headerLength = Number(u.uint(offsetSize));
  u.need(headerLength);
  const programStart = u.pos + headerLength;
  const minInst = u.u8();
  if (version >= 4) u.u8();                  // maximum_operations_per_instruction (VLIW only)
  const defaultIsStmt = u.u8() !== 0;
  const lineBase = (u.u8() << 24) >> 24;
  const lineRange = u.u8();
  const opcodeBase = u.u8();
  if (lineRange === 0) u.fail('line_range is 0');
  if (opcodeBase === 0) u.fail('opcode_base is 0');
  const stdLengths: number[] = [];
  for (let i = 1; i < opcodeBase; i++) stdLengths.push(u.u8());

  const h = new ByteReader(s.line, u.pos, programStart, 'line table header');
  let dirs: string[];
  let files: FileEntry[];
  let compDir: string | undefined;
  if (version >= 5) {
    dirs = readEntries(h, s, offsetSize).map((e) => e.name);
    files = readEntries(h, s, offsetSize);
    compDir = dirs[0];
  } else {
    dirs = [''];                             // directory 0 is the compilation directory
    for (;;) {
      const d = h.cstring();
      if (d === '') break;
      dirs.push(d);
    }
    files = [{ name: '', dir: 0 }];          // file numbers start at 1 before DWARF 5
    for (;;) {
      const name = h.cstring();
      if (name === '') break;
      const dir = h.ulebNumber();
      h.uleb(); h.uleb();                    // mtime, length
      files.push({ name, dir });
    }
  }
  // Paths relative to the compilation directory stay relative, as the user wrote them.
  const pathOf = (i: number): string => {
    const f = files[i];
    if (!f) return `<file ${i}>`;
    const dir = f.dir === 0 ? '' : dirs[f.dir] ?? '';
    return joinPath(dir, f.name);
  };

  const p = new ByteReader(s.line, programStart, end, `line program at 0x${programStart.toString(16)}`);
  const sequences: DecodedSequence[] = [];
  let rows: DecodedRow[] = [];
  let address = 0n, file = 1, line = 1, column = 0, isStmt = defaultIsStmt;
  const reset = (): void => { address = 0n; file = 1; line = 1; column = 0; isStmt = defaultIsStmt; };
  const emit = (): void => { rows.push({ address, file: pathOf(file), line, column, isStmt }); };
  const advance = (ops: bigint): void => { address = BigInt.asUintN(64, address + ops * BigInt(minInst)); };
  while (p.left > 0) {
    const op = p.u8();
    if (op >= opcodeBase) {
      const adj = op - opcodeBase;
      advance(BigInt(Math.floor(adj / lineRange)));
      line += lineBase + (adj % lineRange);
      emit();
    } else if (op === 0) {
      const len = p.ulebNumber();
      if (len === 0) continue;
      p.need(len);
      const next = p.pos + len;
      const sub = p.u8();
      if (sub === DW_LNE_end_sequence) {
        if (rows.length > 0) sequences.push({ rows, end: address });
        rows = [];
        reset();
      } else if (sub === DW_LNE_set_address) {
        const size = len - 1;
        address = size === 8 || size === 4 || size === 2 || size === 1 ? p.uint(size) : p.fail(`set_address of ${size} bytes`);
        if (addressSize && size !== addressSize) p.fail(`set_address of ${size} bytes in a table of ${addressSize}-byte addresses`);
      } else if (sub === DW_LNE_define_file) {
        const name = p.cstring();
        const dir = p.ulebNumber();
        files.push({ name, dir });
      }
      p.pos = next;
    } else {
      switch (op) {
        case DW_LNS_copy: emit(); break;
        case DW_LNS_advance_pc: advance(p.uleb()); break;
        case DW_LNS_advance_line: line += Number(p.sleb()); break;
        case DW_LNS_set_file: file = p.ulebNumber(); break;
        case DW_LNS_set_column: column = p.ulebNumber(); break;
        case DW_LNS_negate_stmt: isStmt = !isStmt; break;
        case DW_LNS_const_add_pc: advance(BigInt(Math.floor((255 - opcodeBase) / lineRange))); break;
        case DW_LNS_fixed_advance_pc: address = BigInt.asUintN(64, address + BigInt(p.u16())); break;
        default:
          // Any other standard opcode (basic_block, prologue_end, isa, or unknown): skip its operands.
          for (let i = 0; i < stdLengths[op - 1]; i++) p.uleb();
      }
      if (!Number.isSafeInteger(line)) p.fail('line number out of range');
    }
  }
  return { program: { offset: start, version, compDir, sequences }, next: end };
}

/** DWARF 5 directory or file entries, as described by their entry-format list. */
function readEntries(h: ByteReader, s: LineSections, offsetSize: number): FileEntry[] {
  const formatCount = h.u8();
  const format: [number, number][] = [];
  for (let i = 0; i < formatCount; i++) format.push([h.ulebNumber(), h.ulebNumber()]);
  const count = h.ulebNumber();
  // Every form takes at least one byte, so a count beyond the bytes left is a lie (and a hang).
  if (count > h.left && (format.length > 0 || count > 0x10000)) h.fail(`${count} entries cannot fit in the header`);
  const out: FileEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e: FileEntry = { name: '', dir: 0 };
    for (const [content, form] of format) {
      const v = readForm(h, s, form, offsetSize);
      if (content === DW_LNCT_path && typeof v === 'string') e.name = v;
      else if (content === DW_LNCT_directory_index && typeof v === 'bigint') e.dir = Number(BigInt.asUintN(32, v));
    }
    out.push(e);
  }
  return out;
}

function readForm(h: ByteReader, s: LineSections, form: number, offsetSize: number): string | bigint | undefined {
  switch (form) {
    case DW_FORM_string: return h.cstring();
    case DW_FORM_line_strp: return strAt(s.lineStr, h.uint(offsetSize), '.debug_line_str');
    case DW_FORM_strp: return strAt(s.str, h.uint(offsetSize), '.debug_str');
    case DW_FORM_udata: return h.uleb();
    case DW_FORM_sdata: return h.sleb();
    case DW_FORM_data1: return h.uint(1);
    case DW_FORM_data2: return h.uint(2);
    case DW_FORM_data4: return h.uint(4);
    case DW_FORM_data8: return h.uint(8);
    case DW_FORM_data16: h.skip(16); return undefined;
    case DW_FORM_block: h.skip(h.ulebNumber()); return undefined;
    case DW_FORM_block1: h.skip(h.u8()); return undefined;
    case DW_FORM_block2: h.skip(h.u16()); return undefined;
    case DW_FORM_block4: h.skip(h.u32()); return undefined;
    default: return h.fail(`unsupported form 0x${form.toString(16)} in the line table header`);
  }
}

function strAt(table: Uint8Array | undefined, off: bigint, name: string): string {
  if (!table) throw new ElfFormatError(`line table refers to ${name}, which is missing`);
  if (off > BigInt(table.length)) throw new ElfFormatError(`${name}: offset 0x${off.toString(16)} is outside the section`);
  return stringAt(table, Number(off), name);
}
