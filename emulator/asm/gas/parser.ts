// The GAS front-end: one .s/.S file -> ParsedSource. It reads statements from a stack of frames
// (the file, included files, macro expansions, loop iterations), decides conditionals, collects
// macro and loop bodies, takes labels off each statement and hands the rest to a directive
// handler (directives.ts, data.ts) or an instruction parser. Errors are recorded per statement.

import { Expr, ExprError, mapSymbols, parseExpr, tryConst } from '../expr';
import { AsmError, Diagnostic, Insn, ParsedSource, SourceLoc, SourceReader, Stmt } from '../ir';
import { preprocess } from './cpp';
import { DIRECTIVES, DirArgs } from './directives';
import { parseAtt, parseIntel } from './insn';
import { MacroDef, bindArgs, substitute } from './macros';
import { SrcLine, StmtLine, StringError, splitStatements, stripComments } from './scan';

interface Frame {
  lines: StmtLine[];
  i: number;
  /** Next iteration of a loop, or undefined when done. */
  next?: () => StmtLine[] | undefined;
  kind: 'file' | 'macro' | 'loop';
  /** Conditional depth when the frame started: `.exitm` and frame ends drop deeper ones. */
  condDepth: number;
}

interface Cond {
  active: boolean;
  taken: boolean;
  sawElse: boolean;
  loc: SourceLoc;
}

interface Collect {
  kind: 'macro' | 'loop';
  depth: number;
  body: StmtLine[];
  start: StmtLine;
  done: (body: StmtLine[]) => void;
}

const MAX_MACRO_DEPTH = 100;
const MAX_INCLUDE_DEPTH = 100;
/** Statements one file may expand to (macros and loops included): a bound, never an infinite loop. */
const MAX_STATEMENTS = 2_000_000;
/** Characters all macro expansions of one file may produce (runaway recursion that doubles, say). */
const MAX_EXPANSION_CHARS = 8_000_000;
/** Errors after which reading stops: runaway expansions repeat one error without end. */
const MAX_ERRORS = 200;
const OPENERS_LOOP = new Set(['.rept', '.irp', '.irpc']);
const COND_OPEN = new Set(['.if', '.ifdef', '.ifndef', '.ifnotdef', '.ifeq', '.ifne', '.ifb', '.ifnb', '.ifc', '.ifnc', '.ifeqs', '.ifnes', '.ifge', '.ifgt', '.ifle', '.iflt']);
const PREFIX_ONLY = /^(?:(?:rep|repe|repz|repne|repnz|lock|data16|data32|addr16|addr32|rex64|rex\.?w?|notrack|xacquire|xrelease)\s*)+$/i;
const LABEL = /^([A-Za-z_.$][A-Za-z0-9_.$@]*|[0-9]+):/;

export interface GasOptions {
  bits?: 32 | 64;
}

export class GasParser {
  readonly stmts: Stmt[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly includes: string[] = [];
  readonly macros = new Map<string, MacroDef>();
  /** Values of symbols set to constants so far (`.set`, `.equ`, `=`), for `.if` and `.rept`. */
  readonly abs = new Map<string, bigint>();
  /** Names defined so far (labels and assignments), for `.ifdef` and `.equiv`. */
  readonly defined = new Set<string>();
  readonly conds: Cond[] = [];
  syntax: 'att' | 'intel' = 'att';
  /** Section state for `.previous`, `.pushsection`, `.popsection`. */
  section = '.text';
  previous = '.text';
  readonly sectionStack: { section: string; previous: string }[] = [];
  macroCounter = 0;
  ended = false;
  private readonly frames: Frame[] = [];
  private collect?: Collect;
  private pendingPrefix?: { words: string[]; loc: SourceLoc };
  private readonly fbCount = new Map<string, number>();
  private readonly fbForward: { name: string; n: string; k: number; loc: SourceLoc }[] = [];
  private readonly fbDefined = new Set<string>();
  private budget = MAX_STATEMENTS;
  private expansionChars = 0;
  private errors = 0;
  /** Reading stopped early (a bound was hit): unterminated blocks are not worth reporting then. */
  private stopped = false;
  private macroDepth = 0;
  /** The statement being processed, for locations of errors without one. */
  current: StmtLine = { text: '', file: '', line: 0, col: 1 };

  constructor(readonly file: string, readonly reader: SourceReader, readonly bits: 32 | 64) {}

  run(text: string): ParsedSource {
    let lines: SrcLine[];
    if (/\.S$/.test(this.file)) {
      const r = preprocess(this.file, text, this.reader, this.bits);
      this.diagnostics.push(...r.diagnostics);
      this.includes.push(...r.includes);
      lines = r.lines;
    } else {
      lines = text.split(/\r?\n/).map((t, i) => ({ text: t, file: this.file, line: i + 1 }));
    }
    this.pushLines(lines, 'file');
    this.loop();
    this.finish();
    return { file: this.file, stmts: this.stmts, diagnostics: this.diagnostics, includes: this.includes };
  }

  // -------------------------------------------------------------------------------------------
  // Frames

  pushLines(lines: SrcLine[], kind: 'file'): void {
    this.frames.push({ lines: stripComments(lines).flatMap(splitStatements), i: 0, kind, condDepth: this.conds.length });
  }

  /** Runs `.include`d text as if it were written here. */
  include(path: string, text: string): void {
    if (this.frames.filter((f) => f.kind === 'file').length > MAX_INCLUDE_DEPTH) throw new AsmError('includes nested too deeply');
    if (!this.includes.includes(path)) this.includes.push(path);
    this.pushLines(text.split(/\r?\n/).map((t, i) => ({ text: t, file: path, line: i + 1 })), 'file');
  }

  /** Runs a loop body: `iteration(k)` gives the lines of iteration k, undefined when done. */
  pushLoop(iteration: (k: number) => StmtLine[] | undefined): void {
    let k = 0;
    const first = iteration(k++);
    if (!first) return;
    this.frames.push({ lines: first, i: 0, kind: 'loop', condDepth: this.conds.length, next: () => iteration(k++) });
  }

  /** `.exitm`: leave the innermost macro expansion (and loops inside it). */
  exitMacro(): void {
    for (let j = this.frames.length - 1; j >= 0; j--) {
      if (this.frames[j].kind === 'macro') {
        this.conds.length = Math.min(this.conds.length, this.frames[j].condDepth);
        this.frames.length = j;
        this.macroDepth--;
        return;
      }
      if (this.frames[j].kind === 'file') break;
    }
    throw new AsmError('.exitm not in a macro');
  }

  /** Starts collecting a `.macro` or loop body; `done` gets it at the matching `.endm`/`.endr`. */
  startCollect(kind: 'macro' | 'loop', start: StmtLine, done: (body: StmtLine[]) => void): void {
    this.collect = { kind, depth: 0, body: [], start, done };
  }

  private loop(): void {
    while (this.frames.length && !this.ended) {
      const f = this.frames[this.frames.length - 1];
      if (f.i >= f.lines.length) {
        const more = f.next?.();
        if (more) {
          f.lines = more;
          f.i = 0;
          continue;
        }
        this.frames.pop();
        if (f.kind === 'macro') {
          this.macroDepth--;
          if (this.conds.length > f.condDepth) this.conds.length = f.condDepth;
        }
        continue;
      }
      const st = f.lines[f.i++];
      if (--this.budget < 0) {
        this.diagnostics.push({ loc: locOf(st), severity: 'error', message: 'too many statements (macro or loop expansion does not end)' });
        this.stopped = true;
        return;
      }
      this.current = st;
      try {
        this.statement(st);
      } catch (e) {
        this.record(e, st);
        if (++this.errors >= MAX_ERRORS) {
          this.diagnostics.push({ loc: locOf(st), severity: 'error', message: `too many errors (${MAX_ERRORS}); stopped reading` });
          this.stopped = true;
          return;
        }
      }
    }
  }

  record(e: unknown, st: StmtLine): void {
    if (e instanceof AsmError) {
      this.diagnostics.push({ loc: e.loc ?? locOf(st), severity: 'error', message: e.message });
    } else if (e instanceof ExprError) {
      this.diagnostics.push({ loc: locOf(st), severity: 'error', message: e.message });
    } else if (e instanceof Error) {
      // A bug in a parser must not lose the rest of the file: report it on this line.
      this.diagnostics.push({ loc: locOf(st), severity: 'error', message: `internal error: ${e.message}` });
    } else throw e;
  }

  private finish(): void {
    this.flushPrefix();
    if (this.stopped) return;
    if (this.collect) {
      const what = this.collect.kind === 'macro' ? '.endm' : '.endr';
      this.diagnostics.push({ loc: locOf(this.collect.start), severity: 'error', message: `missing ${what}` });
    }
    if (this.conds.length && !this.ended) {
      this.diagnostics.push({ loc: this.conds[this.conds.length - 1].loc, severity: 'error', message: 'end of file inside conditional' });
    }
    for (const r of this.fbForward) {
      if (!this.fbDefined.has(r.name)) {
        this.diagnostics.push({ loc: r.loc, severity: 'error', message: `local label \`"${r.n}" (instance number ${r.k} of a fb label)' is not defined` });
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // One statement

  get active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1].active;
  }

  private statement(st: StmtLine): void {
    if (this.collect) return this.collectLine(st);
    let text = st.text;
    let off = 0;
    if (!this.active) {
      // Skipped text: only conditionals are looked at, to find the matching `.endif`.
      const d = directiveName(text);
      if (d && (COND_OPEN.has(d) || d === '.else' || d === '.elseif' || d === '.endif')) this.directive(d, st, text.indexOf(d) + d.length);
      return;
    }
    for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
      this.label(m[1], { file: st.file, line: st.line, col: st.col + off });
      const rest = text.slice(m[0].length);
      const lead = rest.length - rest.trimStart().length;
      off += m[0].length + lead;
      text = rest.trimStart();
    }
    if (text === '') return;
    const at: StmtLine = { ...st, text, col: st.col + off };
    // `name = expr` is `.set`; `name == expr` is `.eqv` (also a set for us: the driver evaluates lazily).
    const assign = /^([A-Za-z_.$][A-Za-z0-9_.$@]*)\s*==?(?!=)\s*/.exec(text);
    if (assign) return this.assign(assign[1], at, assign[0].length);
    const word = /^[A-Za-z_.$][A-Za-z0-9_.$@]*/.exec(text)?.[0];
    if (word !== undefined) {
      const macro = this.macros.get(word.toLowerCase());
      if (macro) return this.expandMacro(macro, at, word.length);
      if (word.startsWith('.')) return this.directive(word.toLowerCase(), at, word.length);
    }
    this.instruction(at);
  }

  private collectLine(st: StmtLine): void {
    const c = this.collect!;
    const d = directiveName(st.text.replace(LABEL, '').trimStart());
    const opens = c.kind === 'macro' ? d === '.macro' : d !== undefined && OPENERS_LOOP.has(d);
    const closes = c.kind === 'macro' ? d === '.endm' || d === '.endmacro' : d === '.endr';
    if (opens) c.depth++;
    if (closes && c.depth-- === 0) {
      this.collect = undefined;
      c.done(c.body);
      return;
    }
    c.body.push(st);
  }

  private directive(name: string, st: StmtLine, nameLen: number): void {
    if (this.active) this.flushPrefix();
    const handler = DIRECTIVES.get(name);
    if (!handler) {
      if (name.startsWith('.cfi_')) return;
      throw new AsmError(`unknown pseudo-op: \`${name}'`, locOf(st));
    }
    const rest = st.text.slice(nameLen);
    const lead = rest.length - rest.trimStart().length;
    const args: DirArgs = { name, text: rest.trim(), st, off: nameLen + lead };
    handler(this, args);
  }

  private label(name: string, loc: SourceLoc): void {
    this.flushPrefix();
    if (/^[0-9]+$/.test(name)) {
      const k = (this.fbCount.get(name) ?? 0) + 1;
      this.fbCount.set(name, k);
      name = fbName(name, k);
      this.fbDefined.add(name);
    }
    this.defined.add(name);
    this.abs.delete(name);
    this.emit({ kind: 'label', name, loc });
  }

  private assign(name: string, at: StmtLine, exprOff: number): void {
    const args: DirArgs = { name: '=', text: at.text.slice(exprOff), st: at, off: exprOff };
    this.setSymbol(name, this.wholeExpr(args, args.text, 0), at, false);
  }

  /** `.set`, `.equ`, `=`, `.equiv`: records the constant value when there is one. */
  setSymbol(name: string, expr: Expr, at: StmtLine, equiv: boolean): void {
    if (equiv && this.defined.has(name)) throw new AsmError(`symbol \`${name}' is already defined`, locOf(at));
    const v = tryConst(expr, (n) => this.abs.get(n));
    if (v === undefined) this.abs.delete(name);
    else this.abs.set(name, v);
    this.defined.add(name);
    this.emit({ kind: 'set', name, expr, loc: locOf(at) });
  }

  private expandMacro(def: MacroDef, at: StmtLine, nameLen: number): void {
    if (this.macroDepth >= MAX_MACRO_DEPTH) throw new AsmError('macros nested too deeply', locOf(at));
    const values = bindArgs(def, at.text.slice(nameLen));
    const counter = this.macroCounter++;
    const lines = def.body.map((l) => ({ ...l, text: substitute(l.text, values, counter) }));
    for (const l of lines) this.expansionChars += l.text.length;
    if (this.expansionChars > MAX_EXPANSION_CHARS) {
      this.ended = this.stopped = true;
      throw new AsmError('macro expansion too large (runaway recursion?); stopped reading', locOf(at));
    }
    this.macroDepth++;
    // A substituted line may hold several statements again (an argument with `;` in it).
    const split = lines.flatMap((l) => splitStatements({ text: ' '.repeat(l.col - 1) + l.text, file: l.file, line: l.line }));
    this.frames.push({ lines: split, i: 0, kind: 'macro', condDepth: this.conds.length });
  }

  private instruction(at: StmtLine): void {
    let loc = locOf(at);
    // A prefix alone (`rep` then `movsb` on the next line, `rep; movsb`) joins the next instruction:
    // the same bytes GNU as emits for a lone prefix byte followed by that instruction.
    if (PREFIX_ONLY.test(at.text)) {
      if (this.pendingPrefix) this.flushPrefix();
      this.pendingPrefix = { words: at.text.toLowerCase().split(/\s+/), loc };
      return;
    }
    const pending = this.pendingPrefix;
    this.pendingPrefix = undefined;
    let insn: Insn;
    try {
      insn = this.syntax === 'att' ? parseAtt(at.text, loc) : parseIntel(at.text, loc);
    } catch (e) {
      if (e instanceof AsmError && !e.loc) throw new AsmError(e.message, loc);
      if (e instanceof ExprError) throw new AsmError(e.message, { ...loc, col: loc.col + e.pos });
      throw e;
    }
    insn.operands = insn.operands.map((o) => {
      if (o.kind === 'imm') return { ...o, expr: this.renameLocals(o.expr, loc) };
      if (o.kind === 'mem' && o.disp) return { ...o, disp: this.renameLocals(o.disp, loc) };
      return o;
    });
    if (pending) {
      insn.prefixes = [...pending.words, ...insn.prefixes];
      loc = pending.loc;
    }
    this.emit({ kind: 'insn', insn, loc });
  }

  /** A lone prefix followed by something other than an instruction: we cannot emit a bare prefix byte. */
  flushPrefix(): void {
    const p = this.pendingPrefix;
    if (!p) return;
    this.pendingPrefix = undefined;
    this.diagnostics.push({ loc: p.loc, severity: 'error', message: `prefix \`${p.words.join(' ')}' must be followed by an instruction` });
  }

  // -------------------------------------------------------------------------------------------
  // Helpers for directive handlers

  emit(s: Stmt): void {
    this.stmts.push(s);
  }

  /** Location of the statement a directive is in (for the statements it emits). */
  here(a: DirArgs): SourceLoc {
    return locOf(a.st);
  }

  /** Location of offset `i` of a directive's argument text. */
  locAt(a: DirArgs, i: number): SourceLoc {
    return { file: a.st.file, line: a.st.line, col: a.st.col + a.off + i };
  }

  /** Error about a directive as a whole, at its start. */
  failHere(a: DirArgs, message: string): never {
    throw new AsmError(message, locOf(a.st));
  }

  /** Error at offset `i` of a directive's arguments. */
  fail(a: DirArgs, i: number, message: string): never {
    throw new AsmError(message, this.locAt(a, i));
  }

  /** Parses an expression at `start` of `text` (a piece of a.text at `base`); local labels renamed. */
  expr(a: DirArgs, text: string, base: number, start = 0): { expr: Expr; end: number } {
    try {
      const r = parseExpr(text, start, 'gas');
      return { expr: this.renameLocals(r.expr, this.locAt(a, base + start)), end: r.end };
    } catch (e) {
      if (e instanceof ExprError) this.fail(a, base + e.pos, e.message);
      if (e instanceof StringError) this.fail(a, base + e.offset, e.message);
      throw e;
    }
  }

  /** Parses text that must be one expression, with GAS's message for what follows it. */
  wholeExpr(a: DirArgs, text: string, base: number): Expr {
    if (text.trim() === '') this.fail(a, base, 'missing expression');
    const r = this.expr(a, text, base);
    const rest = text.slice(r.end);
    if (rest.trim() !== '') this.fail(a, base + r.end, `junk at end of line, first unrecognized character is \`${rest.trim()[0]}'`);
    return r.expr;
  }

  /** A constant needed now (`.if`, `.rept`), from the constants defined so far. */
  constant(a: DirArgs, text: string, base: number, what: string): bigint {
    const e = this.wholeExpr(a, text, base);
    const v = tryConst(e, (n) => this.abs.get(n));
    if (v === undefined) this.fail(a, base, what);
    return v;
  }

  /** `1f`/`1b` -> the unique `.L` names of numeric local labels. */
  renameLocals(e: Expr, loc: SourceLoc): Expr {
    return mapSymbols(e, (name) => {
      const m = /^([0-9]+)([fb])$/i.exec(name);
      if (!m) return { kind: 'sym', name };
      const n = String(BigInt(m[1]));
      const k = this.fbCount.get(n) ?? 0;
      if (m[2].toLowerCase() === 'b') {
        if (k === 0) throw new AsmError(`backward ref to unknown label "${n}:"`, loc);
        return { kind: 'sym', name: fbName(n, k) };
      }
      const fname = fbName(n, k + 1);
      this.fbForward.push({ name: fname, n, k: k + 1, loc });
      return { kind: 'sym', name: fname };
    });
  }
}

/** The unique name of instance k of numeric label n. */
function fbName(n: string, k: number): string {
  return `.L${n}\u0002${k}`;
}

function directiveName(text: string): string | undefined {
  const m = /^\.[A-Za-z_][A-Za-z0-9_.$]*/.exec(text);
  return m ? m[0].toLowerCase() : undefined;
}

export function locOf(st: StmtLine): SourceLoc {
  return { file: st.file, line: st.line, col: st.col };
}

/** Parses one GAS source file (`.s`, or `.S` through the C preprocessor) into statements. */
export function parseGas(file: string, text: string, reader: SourceReader, opts: GasOptions = {}): ParsedSource {
  return new GasParser(file, reader, opts.bits ?? 64).run(text);
}
