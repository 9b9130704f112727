// The NASM preprocessor, pulled one line at a time by the statement parser (so `%if` can see
// `equ` constants defined above it). It keeps a stack of line sources (files, macro expansions,
// %rep blocks), decides conditionals, records macro definitions and expands macros.

import { SourceLoc, SourceReader } from '../ir';
import { splitLines, tokenize } from './lexer';
import { Invocation, MacroTable, PpError, SrcLine, expandSingle, substituteBody, usesLabelParam } from './macros';
import { defineDirective, evalPpExpr, parseMacroHeader, ppStringValue } from './ppdirectives';

export interface PpLine {
  /** The line after expansion; columns refer to it (col 1 = offset 0). */
  text: string;
  loc: SourceLoc;
}

export interface PpHost {
  diag(loc: SourceLoc, severity: 'error' | 'warning', message: string): void;
  /** Value of an absolute symbol (`equ`) defined so far. */
  constant(name: string): bigint | undefined;
  bits(): number;
}

interface Frame {
  kind: 'file' | 'macro' | 'rep';
  lines: SrcLine[];
  i: number;
  /** Repetitions left after the current pass (rep frames). */
  remaining: number;
  /** Conditional stack depth when the frame started: deeper entries must close in it. */
  condBase: number;
  inv?: Invocation;
  /** File frames: the file's path as the reader resolved it. */
  path?: string;
}

type CondState = 'active' | 'seeking' | 'done';

const MAX_MACRO_DEPTH = 100;
const MAX_REP = 1000000;
const MAX_EXPANSIONS = 100000;
/** Total lines a file may expand to, so that nested %rep cannot run for hours. */
const MAX_LINES = 2000000;

export class Preprocessor {
  readonly macros = new MacroTable();
  readonly includes: string[] = [];
  private readonly frames: Frame[] = [];
  private readonly conds: CondState[] = [];
  private uid = 0;
  private expansions = 0;
  private produced = 0;
  private stopped = false;
  private pending: PpLine[] = [];

  constructor(file: string, text: string, private readonly reader: SourceReader, private readonly host: PpHost) {
    this.pushFile(file, text);
  }

  /** The next line for the assembler, or undefined at the end of the input. */
  next(): PpLine | undefined {
    for (;;) {
      const p = this.pending.shift();
      if (p) return p;
      if (this.stopped) return undefined;
      const raw = this.nextRaw();
      if (!raw) return undefined;
      if (++this.produced > MAX_LINES) {
        this.error(raw, 'preprocessor output exceeds 2000000 lines');
        this.stopped = true;
        return undefined;
      }
      try {
        const out = this.process(raw);
        if (out) return out;
      } catch (e) {
        if (!(e instanceof PpError)) throw e;
        this.error(raw, e.message);
      }
    }
  }

  private process(raw: SrcLine): PpLine | undefined {
    const m = raw.text.match(/^\s*(%[A-Za-z]+)\b/);
    if (m && this.directive(m[1].toLowerCase(), raw.text.slice(raw.text.indexOf(m[1]) + m[1].length), raw)) return undefined;
    if (!this.active()) return undefined;
    const text = expandSingle(raw.text, this.macros, (n) => this.builtin(n, raw), (msg) => this.warn(raw, msg));
    if (this.invokeMulti(text, raw)) return undefined;
    return { text, loc: { file: raw.file, line: raw.line, col: 1 } };
  }

  // -------------------------------------------------------------------------------------------
  // Line sources

  private pushFile(file: string, text: string): void {
    const lines = splitLines(text).map((l) => {
      if (l.openQuote) this.host.diag({ file, line: l.line, col: 1 }, 'warning', `unterminated string (missing \`${l.openQuote}')`);
      return { text: l.text, file, line: l.line };
    });
    this.frames.push({ kind: 'file', lines, i: 0, remaining: 0, condBase: this.conds.length, path: file });
  }

  /** The next line from the innermost source, with macro parameters substituted. */
  private nextRaw(): SrcLine | undefined {
    for (;;) {
      const f = this.frames[this.frames.length - 1];
      if (!f) return undefined;
      if (f.i < f.lines.length) {
        const l = f.lines[f.i++];
        const inv = this.invocation();
        return inv ? { ...l, text: substituteBody(l.text, inv) } : l;
      }
      if (f.kind === 'rep' && f.remaining > 0) {
        f.remaining--;
        f.i = 0;
        continue;
      }
      this.popFrame();
    }
  }

  private popFrame(): void {
    const f = this.frames.pop()!;
    if (this.conds.length > f.condBase) {
      const last = f.lines[f.lines.length - 1];
      if (f.kind === 'file' && last) this.error(last, "expected `%endif' before end of file");
      this.conds.length = f.condBase;
    }
  }

  private invocation(): Invocation | undefined {
    for (let k = this.frames.length - 1; k >= 0; k--) if (this.frames[k].inv) return this.frames[k].inv;
    return undefined;
  }

  /** Reads a %macro or %rep body from the current source, up to its matching end directive. */
  private collect(open: RegExp, close: RegExp, start: SrcLine, what: string): SrcLine[] | undefined {
    const f = this.frames[this.frames.length - 1];
    const body: SrcLine[] = [];
    let depth = 1;
    while (f.i < f.lines.length) {
      const l = f.lines[f.i++];
      const d = l.text.match(/^\s*(%[A-Za-z]+)\b/)?.[1].toLowerCase() ?? '';
      if (open.test(d)) depth++;
      else if (close.test(d) && --depth === 0) return body;
      body.push(l);
    }
    const last = f.lines[f.lines.length - 1] ?? start;
    this.error(last, what);
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Directives

  private active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1] === 'active';
  }

  /** Handles a preprocessor directive; false if `name` is not one (the line goes on to the parser). */
  private directive(name: string, rest: string, raw: SrcLine): boolean {
    const cond = name.match(/^%(if|elif)(n?)(.*)$/);
    if (cond) return this.conditional(cond[1], cond[2] === 'n', cond[3], rest, raw);
    if (name === '%else' || name === '%endif') {
      if (this.conds.length <= this.frames[this.frames.length - 1].condBase) throw new PpError(`\`${name}': no matching \`%if'`);
      const top = this.conds.length - 1;
      if (name === '%endif') this.conds.pop();
      else this.conds[top] = this.conds[top] === 'seeking' ? 'active' : 'done';
      return true;
    }
    if (!this.active()) {
      return /^%(define|idefine|xdefine|ixdefine|undef|assign|iassign|defstr|idefstr|strlen|substr|macro|imacro|rmacro|endmacro|endm|unmacro|rep|endrep|exitrep|include|error|warning|fatal|line|pragma|use|push|pop|repl|rotate|clear)$/.test(name);
    }
    switch (name) {
      case '%macro':
      case '%imacro':
      case '%rmacro': {
        const header = parseMacroHeader(expandSingle(rest, this.macros, (n) => this.builtin(n, raw), () => {}), name === '%imacro');
        const body = this.collect(/^%[ri]?macro$/, /^%endm(acro)?$/, raw, `end of file while still defining macro \`${header?.name ?? ''}'`);
        if (!header) throw new PpError(`\`${name}' expects a macro name`);
        if (body) this.macros.defineMulti({ ...header, body, recursive: name === '%rmacro' });
        return true;
      }
      case '%endmacro':
      case '%endm':
        throw new PpError(`\`${name}': not defining a macro`);
      case '%unmacro':
        this.macros.undefMulti(rest.trim().split(/\s+/)[0] ?? '');
        return true;
      case '%rep': {
        const n = evalPpExpr(this.expand(rest, raw), this.host.constant, '%rep');
        const body = this.collect(/^%rep$/, /^%endrep$/, raw, 'end of file while still in %rep');
        if (n > BigInt(MAX_REP)) throw new PpError(`\`%rep' count ${n} exceeds limit (currently ${MAX_REP})`);
        if (body && n > 0n && body.length > 0) {
          this.checkDepth();
          this.frames.push({ kind: 'rep', lines: body, i: 0, remaining: Number(n) - 1, condBase: this.conds.length });
        }
        return true;
      }
      case '%endrep':
        throw new PpError("`%endrep': no matching `%rep'");
      case '%exitrep': {
        let k = this.frames.length - 1;
        while (k >= 0 && this.frames[k].kind !== 'rep') k--;
        if (k < 0) throw new PpError("`%exitrep' not within `%rep' block");
        this.conds.length = this.frames[k].condBase;
        this.frames.length = k;
        return true;
      }
      case '%rotate': {
        const inv = this.invocation();
        if (!inv) throw new PpError("`%rotate' invoked outside a macro call");
        const n = Number(evalPpExpr(this.expand(rest, raw), this.host.constant, '%rotate'));
        const len = inv.params.length;
        if (len > 0) {
          const k = ((n % len) + len) % len;
          inv.params = [...inv.params.slice(k), ...inv.params.slice(0, k)];
        }
        return true;
      }
      case '%include': {
        const arg = this.expand(rest, raw).trim();
        const fname = /^(["'`]).*\1$|^<.*>$/.test(arg) ? arg.slice(1, -1) : arg;
        const r = this.reader.read(fname, raw.file);
        if (!r) throw new PpError(`unable to open include file \`${fname}': No such file or directory`);
        // A file including itself (directly or not) would recurse without end (or exponentially).
        if (this.frames.some((f) => f.kind === 'file' && f.path === r.path)) throw new PpError(`recursive %include of \`${fname}'`);
        if (this.frames.filter((f) => f.kind === 'file').length > 50) throw new PpError('include nested too deeply');
        if (!this.includes.includes(r.path)) this.includes.push(r.path);
        this.pushFile(r.path, r.text);
        return true;
      }
      case '%error':
      case '%warning':
      case '%fatal': {
        const msg = ppStringValue(this.expand(rest, raw).trim()) || name;
        if (name === '%warning') this.warn(raw, msg);
        else this.error(raw, msg);
        if (name === '%fatal') this.stopped = true;
        return true;
      }
      case '%line':
      case '%pragma':
      case '%use':
      case '%clear':
        return true;
      default:
        return defineDirective(name, rest, raw, this.macros, {
          expand: (t) => this.expand(t, raw),
          constant: this.host.constant,
        });
    }
  }

  private conditional(kw: string, negate: boolean, kind: string, rest: string, raw: SrcLine): boolean {
    if (!['', 'def', 'macro', 'idn', 'idni', 'num', 'id', 'str', 'empty', 'env', 'ctx', 'token'].includes(kind)) return false;
    const isElif = kw === 'elif';
    if (isElif && this.conds.length <= this.frames[this.frames.length - 1].condBase) throw new PpError("`%elif': no matching `%if'");
    const top = this.conds.length - 1;
    const parentActive = isElif ? true : this.active();
    const needed = isElif ? this.conds[top] === 'seeking' : parentActive;
    let value = false;
    let failure: unknown;
    try {
      if (needed) value = this.testCondition(kind, rest, raw) !== negate;
    } catch (e) {
      // A bad condition is false, and its %if still opens a block for the %endif to close.
      failure = e;
    }
    if (isElif) {
      if (this.conds[top] === 'active') this.conds[top] = 'done';
      else if (this.conds[top] === 'seeking' && value) this.conds[top] = 'active';
    } else {
      this.conds.push(!parentActive ? 'done' : value ? 'active' : 'seeking');
    }
    if (failure) throw failure;
    return true;
  }

  private testCondition(kind: string, rest: string, raw: SrcLine): boolean {
    const arg = rest.trim();
    switch (kind) {
      case '':
        return evalPpExpr(this.expand(arg, raw), this.host.constant, '%if') !== 0n;
      case 'def':
        return this.macros.isDefined(arg);
      case 'macro':
        return this.macros.multiNamed(arg.split(/\s+/)[0]).length > 0;
      case 'idn':
      case 'idni': {
        const [a, b] = this.expand(arg, raw).split(',').map((s) => s.replace(/\s+/g, ''));
        return kind === 'idn' ? a === b : (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
      }
      case 'empty':
        return this.expand(arg, raw).trim() === '';
      case 'env':
      case 'ctx':
        return false;
      default: {
        const toks = tokenize(this.expand(arg, raw)).filter((t) => t.kind !== 'space');
        const want = kind === 'num' ? 'num' : kind === 'id' ? 'id' : kind === 'str' ? 'str' : undefined;
        return toks.length === 1 && (want === undefined || toks[0].kind === want);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Expansion

  private expand(text: string, raw: SrcLine): string {
    return expandSingle(text, this.macros, (n) => this.builtin(n, raw), (msg) => this.warn(raw, msg));
  }

  private builtin(name: string, raw: SrcLine): string | undefined {
    switch (name.replace(/\?/g, '')) {
      case '__LINE__': return String(raw.line);
      case '__FILE__': return `'${raw.file}'`;
      case '__BITS__': return String(this.host.bits());
      case '__NASM_MAJOR__': return '2';
      case '__NASM_MINOR__': return '16';
      case '__OUTPUT_FORMAT__': return this.host.bits() === 64 ? 'elf64' : 'elf32';
      default: return undefined;
    }
  }

  /** Starts a multi-line macro if the line calls one (`name args` or `label: name args`). */
  private invokeMulti(text: string, raw: SrcLine): boolean {
    const m = text.match(/^(\s*)([A-Za-z_.?@$][\w.?@$#~]*)(\s*:)?(?:\s+|$)/);
    if (!m) return false;
    let label = '';
    let name = m[2];
    let after = text.slice(m[0].length);
    if (m[3] !== undefined) {
      const m2 = after.match(/^([A-Za-z_.?@$][\w.?@$#~]*)(?:\s+|$)/);
      if (!m2 || this.macros.multiNamed(m2[1]).length === 0) return false;
      label = m[2];
      name = m2[1];
      after = after.slice(m2[0].length);
    }
    // As in NASM, a macro's own name inside its expansion is not a call (unless %rmacro).
    const cands = this.macros.multiNamed(name).filter((c) => c.recursive || !this.frames.some((f) => f.inv?.macro === c));
    if (cands.length === 0) return false;
    if (++this.expansions > MAX_EXPANSIONS) throw new PpError('too many macro expansions (limit 100000)');
    const given = splitParams(after.trim());
    const macro = cands.find((c) => given.length >= c.min && (given.length <= c.max || c.greedy));
    if (!macro) {
      this.warn(raw, `multi-line macro \`${name}' exists, but not taking ${given.length} parameters`);
      return false;
    }
    let params = given;
    if (macro.greedy && given.length > macro.max) {
      params = [...given.slice(0, macro.max - 1), splitParams(after.trim(), macro.max - 1)[macro.max - 1]];
    }
    for (let k = params.length; k < macro.max && k - macro.min < macro.defaults.length; k++) params.push(macro.defaults[k - macro.min]);
    this.checkDepth();
    const inv: Invocation = { macro, calledAs: name, params, label, uid: ++this.uid };
    if (label && !usesLabelParam(macro)) this.pending.push({ text: `${label}:`, loc: { file: raw.file, line: raw.line, col: 1 } });
    this.frames.push({ kind: 'macro', lines: macro.body, i: 0, remaining: 0, condBase: this.conds.length, inv });
    return true;
  }

  private checkDepth(): void {
    if (this.frames.length > MAX_MACRO_DEPTH) throw new PpError('interminable macro recursion');
  }

  private error(l: SrcLine, msg: string): void {
    this.host.diag({ file: l.file, line: l.line, col: 1 }, 'error', msg);
  }

  private warn(l: SrcLine, msg: string): void {
    this.host.diag({ file: l.file, line: l.line, col: 1 }, 'warning', msg);
  }
}

/** Splits macro call parameters at commas (braces group, and are removed); `keepFrom` keeps the rest as one. */
export function splitParams(text: string, keepFrom = Infinity): string[] {
  if (text === '') return [];
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const e = text.indexOf(c, i + 1);
      if (e > 0) i = e;
      continue;
    }
    if (c === '{' || c === '(') depth++;
    else if (c === '}' || c === ')') depth = Math.max(0, depth - 1);
    if (i === text.length || (c === ',' && depth === 0 && out.length < keepFrom)) {
      const p = text.slice(start, i).trim();
      out.push(p.startsWith('{') && p.endsWith('}') ? p.slice(1, -1) : p);
      start = i + 1;
    }
  }
  return out;
}
