// The assembler's intermediate representation: what a front-end (GAS or NASM syntax) produces
// from source text and what the driver (layout, relaxation, fixups) consumes. Front-ends resolve
// syntax (AT&T operand order, suffixes, macros, local labels); the driver knows no syntax.

import { Expr } from './expr';

/** A place in a source file; line and col are 1-based, as GNU as reports them. */
export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

export interface Diagnostic {
  loc: SourceLoc;
  severity: 'error' | 'warning';
  message: string;
}

/** Formats a diagnostic the way GNU as does: `file:line:col: error: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.severity}: ${d.message}`;
}

/** Thrown inside a front-end or the driver for one statement; caught per line and recorded. */
export class AsmError extends Error {
  constructor(message: string, public readonly loc?: SourceLoc) {
    super(message);
  }
}

/**
 * An operand in Intel order (destination first), whatever the source syntax.
 * Register names are lowercase canonical Intel names: rax eax ax al ah r8 r8d r8w r8b spl
 * xmm0 ymm0 mm0 st0..st7 (`st` alone is st0) cs ds es fs gs ss cr0 dr0 rip.
 */
export type Operand = RegOperand | ImmOperand | MemOperand;

export interface RegOperand {
  kind: 'reg';
  reg: string;
}

/**
 * An immediate, or the target of a direct branch (`jmp label`, `call foo`): for branch
 * mnemonics an `imm` operand is the target address, not a literal.
 */
export interface ImmOperand {
  kind: 'imm';
  expr: Expr;
}

export interface MemOperand {
  kind: 'mem';
  /** Segment override register name, if written. */
  seg?: string;
  base?: string;
  index?: string;
  scale: 1 | 2 | 4 | 8;
  disp?: Expr;
  /** `sym(%rip)`, `[rip + sym]`, NASM `[rel sym]` or `default rel`: disp is the target address. */
  ripRel: boolean;
  /** Size in bits from `dword ptr`, NASM `dword`, or 0 when unspecified. */
  size: number;
}

export interface Insn {
  /** Intel mnemonic, lowercase (`mov`, `movzx`, `cdqe`, `jne`, `movsd`). */
  mnemonic: string;
  /** Prefixes written in the source: lock rep repe repz repne repnz data16 data32 addr32 rex rex.w, segment names. */
  prefixes: string[];
  operands: Operand[];
  /**
   * Operand size in bits implied by an AT&T suffix (`movl` -> 32) when the operands do not imply
   * it; 0 when none. For AT&T `movzbl`-style mnemonics the front-end sets the source operand's
   * `size` instead (memory) and this to the destination size.
   */
  opSize: number;
  /** Source syntax, for the few places where GNU as and NASM choose different encodings. */
  syntax: 'att' | 'intel' | 'nasm';
  /** AT&T `*` before a branch operand: an indirect jump or call. */
  indirect?: boolean;
  /** Far form (`ljmp`, `lcall`, `lret`, `jmp far`). */
  far?: boolean;
}

/** Data item: an expression stored in `width` bytes, or raw bytes (strings). */
export type DataItem = Expr | Uint8Array;

export type Stmt =
  | { kind: 'label'; name: string; loc: SourceLoc }
  | { kind: 'insn'; insn: Insn; loc: SourceLoc }
  /** `.byte .word .long .quad .octa`, `db dw dd dq dt`; floats are already bytes. */
  | { kind: 'data'; width: number; items: DataItem[]; loc: SourceLoc }
  /** `.zero .space .skip`, `resb`: `size` bytes of `fill` (default 0). */
  | { kind: 'space'; size: Expr; fill?: Expr; loc: SourceLoc }
  /** `.fill repeat, size, value`. */
  | { kind: 'fill'; repeat: Expr; size: Expr; value: Expr; loc: SourceLoc }
  /** Align to `align` bytes (already a byte count, not a power), filling with `fill` (default: NOPs in code, 0 elsewhere), skipping at most `max` bytes. */
  | { kind: 'align'; align: Expr; fill?: Expr; max?: Expr; loc: SourceLoc }
  /** Switch section; `flags` as GAS writes them ("ax", "aw", "a", "M"...), `type` "progbits"/"nobits". */
  | { kind: 'section'; name: string; flags?: string; type?: string; loc: SourceLoc }
  /** `.set/.equ/=`, NASM `equ`, `%assign` of a symbol visible to the object. */
  | { kind: 'set'; name: string; expr: Expr; loc: SourceLoc }
  | { kind: 'global'; names: string[]; loc: SourceLoc }
  | { kind: 'local'; names: string[]; loc: SourceLoc }
  | { kind: 'extern'; names: string[]; loc: SourceLoc }
  | { kind: 'weak'; names: string[]; loc: SourceLoc }
  /** `.comm name, size, align` (global) or `.lcomm` (local): space in .bss. */
  | { kind: 'comm'; name: string; size: Expr; align?: Expr; local: boolean; loc: SourceLoc }
  | { kind: 'type'; name: string; type: 'function' | 'object' | 'notype'; loc: SourceLoc }
  | { kind: 'size'; name: string; expr: Expr; loc: SourceLoc }
  /** `.code32/.code64`, NASM `bits`. */
  | { kind: 'bits'; bits: 16 | 32 | 64; loc: SourceLoc }
  /** NASM `times count stmt`: count is evaluated by the driver (it may use `$` and `$$`). */
  | { kind: 'times'; count: Expr; stmt: Stmt; loc: SourceLoc }
  /** `.org`: advance to an offset in the current section. */
  | { kind: 'org'; offset: Expr; fill?: Expr; loc: SourceLoc };

/** What a front-end returns for one source file. */
export interface ParsedSource {
  file: string;
  stmts: Stmt[];
  diagnostics: Diagnostic[];
  /** Files read through `.include` / `%include`, for the line table's file list. */
  includes: string[];
}

/** Lets front-ends read included files without touching the file system themselves (tests, VS Code buffers). */
export interface SourceReader {
  /** Returns the text of `path` resolved against `fromFile`'s folder and the include paths, or undefined. */
  read(path: string, fromFile: string): { path: string; text: string } | undefined;
}
