// The NASM statement parser: preprocessed lines -> Stmts. Labels (with or without colon, local
// `.x` under the last non-local label), `equ`, `times`, data and reservations, assembler
// directives; instruction text goes to the Intel parser given in `InsnHooks` (tests may stub it).

import { Expr, ExprError, mapSymbols, num, parseExpr, tryConst } from '../expr';
import { AsmError, Diagnostic, Insn, ParsedSource, SourceLoc, SourceReader, Stmt } from '../ir';
import { DATA_WIDTHS, RES_WIDTHS, parseDataItems } from './data';
import { NasmDirectives } from './directives';
import { PpError } from './macros';
import { skipSpace } from './lexer';
import { Preprocessor } from './preproc';

export interface InsnHooks {
  parseInsn(text: string, loc: SourceLoc, opts: { defaultRel: boolean }): Insn;
  isMnemonic(name: string): boolean;
}

export interface NasmOptions {
  bits?: 32 | 64;
  defines?: Record<string, string>;
}

const PREFIXES = new Set(['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'xacquire', 'xrelease', 'bnd', 'nobnd', 'o16', 'o32', 'o64', 'a16', 'a32', 'a64', 'cs', 'ds', 'es', 'fs', 'gs', 'ss', 'rex', 'wait']);
const ID = /^\$?[A-Za-z_.?@][\w.?@$#~]*/;

/** Parses one NASM source file with the given instruction parser. */
export function parseNasmWith(hooks: InsnHooks, file: string, text: string, reader: SourceReader, opts: NasmOptions = {}): ParsedSource {
  return new NasmParser(hooks, file, text, reader, opts).run();
}

export class NasmParser {
  readonly stmts: Stmt[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Absolute values known while reading (`equ` constants), for `%if`, `%assign`, `absolute`. */
  readonly consts = new Map<string, bigint>();
  bits: 16 | 32 | 64;
  defaultRel = false;
  /** Last non-local label: the prefix of `.x` labels. */
  base = '';
  private readonly pp: Preprocessor;
  private readonly dirs: NasmDirectives;

  constructor(private readonly hooks: InsnHooks, private readonly file: string, text: string, reader: SourceReader, opts: NasmOptions) {
    this.bits = opts.bits ?? 64;
    this.pp = new Preprocessor(file, text, reader, {
      diag: (loc, severity, message) => this.diagnostics.push({ loc, severity, message }),
      constant: (n) => this.consts.get(n),
      bits: () => this.bits,
    });
    for (const [k, v] of Object.entries(opts.defines ?? {})) this.pp.macros.define({ name: k, ci: false, body: v });
    this.dirs = new NasmDirectives(this);
  }

  run(): ParsedSource {
    const start = { file: this.file, line: 1, col: 1 };
    this.dirs.enterSection('.text', start);
    for (let l = this.next(); l; l = this.next()) {
      try {
        this.statement(l.text, l.loc);
      } catch (e) {
        this.report(e, l.loc);
      }
    }
    return { file: this.file, stmts: this.stmts, diagnostics: this.diagnostics, includes: this.pp.includes };
  }

  private next(): { text: string; loc: SourceLoc } | undefined {
    for (;;) {
      try {
        return this.pp.next();
      } catch (e) {
        // The preprocessor reports its own errors; anything else is a bug we record, not throw.
        this.diagnostics.push({ loc: { file: this.file, line: 0, col: 0 }, severity: 'error', message: `internal error: ${(e as Error).message}` });
        return undefined;
      }
    }
  }

  /** Records an error thrown while parsing a statement (`pos` of ExprError is relative to `loc.col`). */
  report(e: unknown, loc: SourceLoc): void {
    if (e instanceof AsmError) this.error(e.loc ?? loc, e.message);
    else if (e instanceof ExprError) this.error({ ...loc, col: loc.col + Math.max(0, e.pos) }, e.message);
    else if (e instanceof PpError) this.error(loc, e.message);
    else this.error(loc, `internal error: ${(e as Error).message}`);
  }

  error(loc: SourceLoc, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ loc, severity, message });
  }

  push(st: Stmt): void {
    this.stmts.push(st);
  }

  // -------------------------------------------------------------------------------------------
  // Names

  /** The symbol a name written in the source stands for. */
  symbolName(name: string): string {
    if (/^\.\.@[0-9]+\./.test(name)) return '.L\u0002' + name.slice(3);
    if (name.startsWith('.') && !name.startsWith('..')) return this.base + name;
    return name;
  }

  mapExpr = (e: Expr): Expr => mapSymbols(e, (n) => ({ kind: 'sym', name: this.symbolName(n) }));

  defineLabel(name: string, loc: SourceLoc): void {
    const full = this.symbolName(name);
    if (!name.startsWith('.')) this.base = name;
    if (this.dirs.absolute !== undefined) {
      this.push({ kind: 'set', name: full, expr: num(this.dirs.absolute), loc });
      this.consts.set(full, this.dirs.absolute);
      return;
    }
    this.push({ kind: 'label', name: full, loc });
  }

  // -------------------------------------------------------------------------------------------
  // Lines

  private statement(line: string, lineLoc: SourceLoc): void {
    const loc = (p: number): SourceLoc => ({ ...lineLoc, col: p + 1 });
    let p = skipSpace(line, 0);
    if (p >= line.length) return;
    if (line[p] === '[') {
      const close = line.lastIndexOf(']');
      const inner = line.slice(p + 1, close < 0 ? line.length : close);
      const w = inner.trim().match(ID)?.[0] ?? '';
      if (!this.dirs.handle(w.toLowerCase(), inner.slice(inner.indexOf(w) + w.length), loc(p + 1 + inner.indexOf(w)), true)) {
        this.error(loc(p), `unrecognised directive [${w}]`);
      }
      return;
    }
    const m = line.slice(p).match(ID);
    if (!m) throw new AsmError('label or instruction expected at start of line', loc(p));
    const word = m[0];
    const escaped = word.startsWith('$');
    const name = escaped ? word.slice(1) : word;
    const lw = name.toLowerCase();
    const after = p + word.length;
    if (!escaped && this.dirs.handle(lw, line.slice(after), loc(p), false)) return;
    let q = skipSpace(line, after);
    if (lw === 'equ' && !escaped) throw new AsmError('EQU not preceded by label', loc(p));
    if (line[q] === ':') {
      q = skipSpace(line, q + 1);
      if (/^equ\b/i.test(line.slice(q))) return this.equ(name, line, q + 3, lineLoc, loc(p));
      this.defineLabel(name, loc(p));
      if (q < line.length) this.body(line, q, lineLoc, true);
      return;
    }
    if (!escaped && this.isInsnStart(lw)) {
      this.body(line, p, lineLoc, false);
      return;
    }
    if (/^equ\b/i.test(line.slice(q))) return this.equ(name, line, q + 3, lineLoc, loc(p));
    this.defineLabel(name, loc(p));
    if (q >= line.length) {
      this.error(loc(p), 'label alone on a line without a colon might be in error', 'warning');
      return;
    }
    this.body(line, q, lineLoc, true);
  }

  isInsnStart(lw: string): boolean {
    return lw in DATA_WIDTHS || lw in RES_WIDTHS || lw === 'times' || PREFIXES.has(lw) || this.hooks.isMnemonic(lw);
  }

  private equ(name: string, line: string, p: number, lineLoc: SourceLoc, loc: SourceLoc): void {
    const text = line.slice(p);
    if (text.trim() === '') throw new AsmError('bad syntax for EQU', loc);
    const e = this.expr(line, p, lineLoc);
    const full = this.symbolName(name);
    this.push({ kind: 'set', name: full, expr: e, loc });
    const v = tryConst(e, (n) => this.consts.get(n));
    if (v !== undefined) this.consts.set(full, v);
  }

  /** Parses an expression that must fill the rest of `line` from `p`; `loc.col` is where `line` starts. */
  expr(line: string, p: number, loc: SourceLoc): Expr {
    try {
      const r = parseExpr(line, p, 'nasm');
      if (line.slice(r.end).trim() !== '') throw new ExprError('expression syntax error', r.end);
      return this.mapExpr(r.expr);
    } catch (e) {
      if (e instanceof ExprError) throw new AsmError('expression syntax error', { ...loc, col: loc.col + Math.max(e.pos, p) });
      throw e;
    }
  }

  /** What follows a label: an instruction, data, a reservation, `times`, or an in-line directive. */
  private body(line: string, p: number, lineLoc: SourceLoc, afterLabel: boolean): void {
    const st = this.bodyStmt(line, p, lineLoc, afterLabel);
    if (!st) return;
    if (this.dirs.absolute !== undefined) {
      this.dirs.advanceAbsolute(st);
      return;
    }
    this.push(st);
  }

  bodyStmt(line: string, p: number, lineLoc: SourceLoc, afterLabel: boolean): Stmt | undefined {
    const loc: SourceLoc = { ...lineLoc, col: p + 1 };
    const m = line.slice(p).match(ID);
    const lw = m ? m[0].toLowerCase() : '';
    const after = p + lw.length;
    if (lw === 'times') {
      const r = this.exprPrefix(line, after, lineLoc);
      const q = skipSpace(line, r.end);
      if (q >= line.length) throw new AsmError('parser: instruction expected', { ...lineLoc, col: q + 1 });
      const inner = this.bodyStmt(line, q, lineLoc, true);
      return inner && { kind: 'times', count: r.expr, stmt: inner, loc };
    }
    if (lw in DATA_WIDTHS) {
      const width = DATA_WIDTHS[lw];
      const text = line.slice(after);
      if (text.trim() === '') {
        this.error(loc, 'no operand for data declaration', 'warning');
        return undefined;
      }
      try {
        return { kind: 'data', width, items: parseDataItems(text, width, this.mapExpr), loc };
      } catch (e) {
        if (e instanceof ExprError) throw new AsmError(e.message, { ...lineLoc, col: after + e.pos + 1 });
        throw e;
      }
    }
    if (lw in RES_WIDTHS) {
      const count = this.expr(line, after, lineLoc);
      const width = RES_WIDTHS[lw];
      const size: Expr = width === 1 ? count : { kind: 'binary', op: '*', left: count, right: num(width) };
      return { kind: 'space', size, loc };
    }
    if (lw === 'equ') throw new AsmError('EQU not preceded by label', loc);
    if (!m || !(PREFIXES.has(lw) || this.hooks.isMnemonic(lw))) {
      // A directive after a label (`lbl: align 8`) is NASM-legal for the macro-like ones.
      if (afterLabel && m && this.dirs.handle(lw, line.slice(after), { ...lineLoc, col: after + 1 }, false)) return undefined;
      throw new AsmError('parser: instruction expected', loc);
    }
    const insn = this.hooks.parseInsn(line.slice(p), loc, { defaultRel: this.defaultRel });
    return { kind: 'insn', insn: this.mapInsn(insn), loc };
  }

  /** Parses an expression at `p` that may be followed by more text (`times N ...`). */
  exprPrefix(line: string, p: number, lineLoc: SourceLoc): { expr: Expr; end: number } {
    try {
      const r = parseExpr(line, p, 'nasm');
      return { expr: this.mapExpr(r.expr), end: r.end };
    } catch (e) {
      if (e instanceof ExprError) throw new AsmError('expression syntax error', { ...lineLoc, col: Math.max(e.pos, p) + 1 });
      throw e;
    }
  }

  private mapInsn(insn: Insn): Insn {
    return {
      ...insn,
      operands: insn.operands.map((o) => {
        if (o.kind === 'imm') return { ...o, expr: this.mapExpr(o.expr) };
        if (o.kind === 'mem' && o.disp) return { ...o, disp: this.mapExpr(o.disp) };
        return o;
      }),
    };
  }
}
