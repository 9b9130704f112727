// The assembled form of one source file, before linking: section contents with their fixups and
// line rows, and the file's symbols. Like a relocatable object, but fixups keep their expression
// so the linker can evaluate any expression GNU as would accept, with the file's own symbols.

import { Expr } from './expr';
import { SourceLoc } from './ir';

export interface SectionFlags {
  alloc: boolean;
  write: boolean;
  exec: boolean;
}

export interface ObjFixup {
  /** Offset of the field in the section. */
  offset: number;
  size: 1 | 2 | 4 | 8;
  /** Stored value = value(expr) - address of `pcBase` (the end of the instruction). */
  pcrel: boolean;
  signed: boolean;
  expr: Expr;
  /** Section offset that `.` means inside expr (the statement's start), and for pcrel the base. */
  dot: number;
  pcBase: number;
  loc: SourceLoc;
  /** A branch target: out of range is `relocation truncated`, worded for jumps. */
  branch?: boolean;
}

export interface LineRecord {
  offset: number;
  loc: SourceLoc;
}

export interface ObjSection {
  name: string;
  flags: SectionFlags;
  nobits: boolean;
  align: number;
  size: number;
  /** Contents (absent for nobits). */
  data?: Uint8Array;
  fixups: ObjFixup[];
  lines: LineRecord[];
}

/** A symbol of one object: a label, a `.set` expression, or a name only referenced. */
export type ObjSymbolDef =
  | { kind: 'label'; section: number; offset: number }
  /** `.set name, expr` evaluated where it was written (dot = that section offset). */
  | { kind: 'set'; expr: Expr; section: number; dot: number; value?: bigint };

export interface ObjSymbol {
  name: string;
  def?: ObjSymbolDef;
  global: boolean;
  weak: boolean;
  type: 'notype' | 'object' | 'func';
  size?: Expr;
  loc?: SourceLoc;
}

export interface ObjectFile {
  file: string;
  bits: 32 | 64;
  sections: ObjSection[];
  symbols: Map<string, ObjSymbol>;
}

/** Section flags GNU as gives the well-known names when a `.section` line does not say. */
export function defaultSectionFlags(name: string): { flags: SectionFlags; nobits: boolean } | undefined {
  if (name === '.text' || name.startsWith('.text.') || name === '.init' || name === '.fini') {
    return { flags: { alloc: true, write: false, exec: true }, nobits: false };
  }
  if (name === '.data' || name.startsWith('.data.') || name === '.tdata' || name.startsWith('.init_array') || name.startsWith('.fini_array')) {
    return { flags: { alloc: true, write: true, exec: false }, nobits: false };
  }
  if (name === '.bss' || name.startsWith('.bss.') || name === '.tbss') {
    return { flags: { alloc: true, write: true, exec: false }, nobits: true };
  }
  if (name === '.rodata' || name.startsWith('.rodata.')) {
    return { flags: { alloc: true, write: false, exec: false }, nobits: false };
  }
  return undefined;
}

/** Parses GAS section flags ("awx...") and type (@progbits/@nobits). */
export function parseSectionFlags(flags: string | undefined, type: string | undefined, name: string): { flags: SectionFlags; nobits: boolean } {
  const dflt = defaultSectionFlags(name);
  if (flags === undefined) {
    const d = dflt ?? { flags: { alloc: false, write: false, exec: false }, nobits: false };
    if (type) d.nobits = /nobits/.test(type);
    return d;
  }
  const f = flags.toLowerCase();
  const nobits = type ? /nobits/.test(type) : dflt?.nobits ?? false;
  return { flags: { alloc: f.includes('a'), write: f.includes('w'), exec: f.includes('x') }, nobits };
}
