// NASM assembler directives (the words that are neither instructions nor data): section, global,
// extern, common, bits, default, align/alignb, absolute, and the standard struc/istruc macros,
// which NASM builds on `absolute` and `times` and we turn into `set` and `times` statements.

import { Expr, num, tryConst } from '../expr';
import { AsmError, SourceLoc, Stmt } from '../ir';
import { splitItems } from './data';
import { parseSection } from './sections';
import { skipSpace } from './lexer';
import type { NasmParser } from './statements';

const NOP = 0x90;

/** Directives that need `[...]` or are only accepted (they change nothing we model). */
const ACCEPTED = new Set(['cpu', 'float', 'warning', 'sectalign', 'debug', 'required', 'pragma']);
const BRACKET_ONLY = new Set(['list', 'map']);

const bin = (op: '+' | '-' | '*', left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right });
const sym = (name: string): Expr => ({ kind: 'sym', name });

export class NasmDirectives {
  /** Offset in an `absolute` (or `struc`) block, or undefined in a real section. */
  absolute: bigint | undefined;
  private readonly seen = new Set<string>();
  private struc: { name: string; saved: bigint | undefined } | undefined;
  private readonly istrucs: { name: string; start: string }[] = [];
  private istrucId = 0;
  /** The current section is nobits: fillers there must be zero (they only reserve). */
  private nobits = false;

  constructor(private readonly p: NasmParser) {}

  /** Handles a directive; false if `lw` is not one here (then the word is a label or instruction). */
  handle(lw: string, rest: string, loc: SourceLoc, bracket: boolean): boolean {
    if (!bracket && /^\s*:/.test(rest)) return false;
    const args = rest.trim();
    switch (lw) {
      case 'section':
      case 'segment': {
        const spec = parseSection(args);
        if (!spec) throw new AsmError(`\`${lw}' directive requires a section name`, loc);
        for (const u of spec.unknown) this.p.error(loc, `unknown section attribute '${u}' ignored on declaration of section \`${spec.name}'`, 'warning');
        this.enterSection(spec.name, loc, spec);
        return true;
      }
      case 'global':
      case 'extern':
      case 'static':
        this.symbols(lw, args, loc);
        return true;
      case 'common': {
        const m = args.match(/^(\S+)\s+([^:]+)(?::\s*(.+))?$/);
        if (!m) throw new AsmError('common directive needs a name and a size', loc);
        const name = this.p.symbolName(m[1]);
        const size = this.p.expr(m[2], 0, loc);
        const align = m[3] ? this.p.expr(m[3], 0, loc) : undefined;
        this.p.push({ kind: 'comm', name, size, align, local: false, loc });
        return true;
      }
      case 'bits':
      case 'use16':
      case 'use32':
      case 'use64': {
        const n = lw === 'bits' ? Number(args) : Number(lw.slice(3));
        if (n !== 16 && n !== 32 && n !== 64) throw new AsmError(`\`bits' directive: argument must be 16, 32 or 64`, loc);
        this.p.bits = n;
        this.p.push({ kind: 'bits', bits: n, loc });
        return true;
      }
      case 'default': {
        const w = args.toLowerCase();
        if (w === 'rel') this.p.defaultRel = true;
        else if (w === 'abs') this.p.defaultRel = false;
        else if (w !== 'bnd' && w !== 'nobnd') throw new AsmError(`unknown 'default' parameter: ${args}`, loc);
        return true;
      }
      case 'align':
      case 'alignb':
        this.align(lw === 'alignb', args, loc);
        return true;
      case 'absolute': {
        const v = tryConst(this.p.expr(args, 0, loc), (n) => this.p.consts.get(n));
        if (v === undefined) throw new AsmError('non-constant argument supplied to ABSOLUTE', loc);
        this.absolute = v;
        return true;
      }
      case 'struc':
        this.strucStart(args, loc);
        return true;
      case 'endstruc':
        this.strucEnd(loc);
        return true;
      case 'istruc':
      case 'at':
      case 'iend':
        this.istruc(lw, args, loc);
        return true;
      case 'incbin':
        throw new AsmError('incbin is not supported', loc);
      default:
        if (ACCEPTED.has(lw) || (bracket && BRACKET_ONLY.has(lw))) return true;
        return false;
    }
  }

  /** Switches section; the first time, also sets NASM's default alignment for it. */
  enterSection(name: string, loc: SourceLoc, spec = parseSection(name)!): void {
    this.absolute = undefined;
    this.nobits = spec.type === 'nobits';
    this.p.push({ kind: 'section', name, flags: spec.flags, type: spec.type, loc });
    if (!this.seen.has(name)) {
      this.seen.add(name);
      // At offset 0 this pads nothing; it raises the section's alignment as NASM's ELF output has it.
      if (spec.align > 1) this.p.push({ kind: 'align', align: num(spec.align), fill: num(this.nobits ? 0 : NOP), loc });
    }
  }

  private symbols(lw: string, args: string, loc: SourceLoc): void {
    const names: string[] = [];
    const extra: Stmt[] = [];
    for (const piece of splitItems(args)) {
      if (piece.text === '') continue;
      const m = piece.text.match(/^\$?([^\s:]+)\s*(?::\s*(\w+)\s*(.*))?$/);
      if (!m) throw new AsmError('expression syntax error', loc);
      const name = this.p.symbolName(m[1]);
      names.push(name);
      const type = m[2]?.toLowerCase();
      if (lw === 'global' && type && ['function', 'data', 'object', 'notype'].includes(type)) {
        extra.push({ kind: 'type', name, type: type === 'function' ? 'function' : type === 'notype' ? 'notype' : 'object', loc });
        const size = (m[3] ?? '').replace(/^(default|internal|hidden|protected)\b/i, '').trim();
        if (size !== '') extra.push({ kind: 'size', name, expr: this.p.expr(size, 0, loc), loc });
      }
    }
    if (names.length === 0) return;
    const kind = lw === 'global' ? 'global' : lw === 'extern' ? 'extern' : 'local';
    this.p.push({ kind, names, loc });
    for (const st of extra) this.p.push(st);
  }

  /** NASM's `align` is `times` of a filler (default `nop`, 0x90, even in data); `alignb` reserves. */
  private align(b: boolean, args: string, loc: SourceLoc): void {
    const [n, filler] = splitItems(args).map((x) => x.text);
    if (!n) throw new AsmError('expression syntax error', loc);
    const align = this.p.expr(n, 0, loc);
    if (this.absolute !== undefined) {
      const a = tryConst(align, (x) => this.p.consts.get(x));
      if (a === undefined || a <= 0n) throw new AsmError('non-constant alignment in absolute section', loc);
      this.absolute = ((this.absolute + a - 1n) / a) * a;
      return;
    }
    let fill: Expr = num(b || this.nobits ? 0 : NOP);
    if (filler !== undefined) {
      const f = filler.toLowerCase().replace(/\s+/g, ' ');
      const db = filler.match(/^db\s+(.+)$/i);
      if (f === 'nop') fill = num(this.nobits ? 0 : NOP);
      else if (/^resb 1$/.test(f)) fill = num(0);
      else if (db) fill = this.p.expr(db[1], 0, loc);
      else throw new AsmError(`unsupported alignment filler \`${filler}'`, loc);
    }
    this.p.push({ kind: 'align', align, fill, loc });
  }

  /** In an absolute block, reservations move the offset; anything else is ignored with a warning. */
  advanceAbsolute(st: Stmt): void {
    const c = (e: Expr): bigint | undefined => tryConst(e, (n) => this.p.consts.get(n));
    let size: bigint | undefined;
    if (st.kind === 'space') size = c(st.size);
    else if (st.kind === 'times' && st.stmt.kind === 'space') {
      const n = c(st.count);
      const one = c(st.stmt.size);
      if (n !== undefined && one !== undefined) size = n * one;
    } else {
      this.p.error(st.loc, "attempt to initialize memory in BSS section `[ABS]': ignored", 'warning');
      return;
    }
    if (size === undefined) throw new AsmError('non-constant size in absolute section', st.loc);
    this.absolute = this.absolute! + size;
  }

  private strucStart(args: string, loc: SourceLoc): void {
    const [name, off] = splitItems(args).map((x) => x.text);
    if (!name) throw new AsmError('`struc\' expects a structure name', loc);
    const start = off ? tryConst(this.p.expr(off, 0, loc), (n) => this.p.consts.get(n)) : 0n;
    if (start === undefined) throw new AsmError('non-constant argument supplied to ABSOLUTE', loc);
    this.struc = { name, saved: this.absolute };
    this.absolute = start;
    this.p.defineLabel(name, loc);
  }

  private strucEnd(loc: SourceLoc): void {
    if (!this.struc || this.absolute === undefined) throw new AsmError('`endstruc\' without `struc\'', loc);
    const name = this.p.symbolName(this.struc.name) + '_size';
    this.p.push({ kind: 'set', name, expr: num(this.absolute), loc });
    this.p.consts.set(name, this.absolute);
    this.absolute = this.struc.saved;
    this.struc = undefined;
  }

  /** `istruc T` / `at T.field, data` / `iend`: pads with zeros up to each field, then to T_size. */
  private istruc(lw: string, args: string, loc: SourceLoc): void {
    if (lw === 'istruc') {
      const start = `.L\u0002istruc${++this.istrucId}`;
      this.istrucs.push({ name: args, start });
      this.p.push({ kind: 'label', name: start, loc });
      return;
    }
    const cur = this.istrucs[this.istrucs.length - 1];
    if (!cur) throw new AsmError(`\`${lw}' outside \`istruc'`, loc);
    const here = bin('-', { kind: 'dot' }, sym(cur.start));
    if (lw === 'iend') {
      this.istrucs.pop();
      this.pad(bin('-', sym(this.p.symbolName(cur.name + '_size')), here), loc);
      return;
    }
    const comma = splitItems(args);
    const field = this.p.expr(comma[0]?.text ?? '', 0, loc);
    this.pad(bin('-', bin('-', field, sym(this.p.symbolName(cur.name))), here), loc);
    const rest = args.slice(args.indexOf(',') + 1);
    if (comma.length > 1) {
      const st = this.p.bodyStmt(rest, skipSpace(rest, 0), loc, false);
      if (st) this.p.push(st);
    }
  }

  private pad(count: Expr, loc: SourceLoc): void {
    this.p.push({ kind: 'times', count, stmt: { kind: 'data', width: 1, items: [num(0)], loc }, loc });
  }
}
