// Assembler expressions: one tree for GAS and NASM, one parser with two dialects, and
// evaluation against a symbol resolver. Values are BigInt (64-bit two's complement when stored);
// this is assembly-time code, never the emulator's hot path.

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^' | '&&' | '||'
  | '==' | '!=' | '<' | '>' | '<=' | '>=';

export type Expr =
  | { kind: 'num'; value: bigint }
  | { kind: 'sym'; name: string }
  /** The current location: GAS `.`, NASM `$`. */
  | { kind: 'dot' }
  /** NASM `$$`: the start of the current section. */
  | { kind: 'sectionStart' }
  | { kind: 'unary'; op: '-' | '~' | '!' | '+'; arg: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr };

export type Dialect = 'gas' | 'nasm';

export class ExprError extends Error {
  /** `pos` is the 0-based offset in the parsed text where the problem is. */
  constructor(message: string, public readonly pos: number) {
    super(message);
  }
}

export const num = (value: bigint | number): Expr => ({ kind: 'num', value: BigInt(value) });

// ---------------------------------------------------------------------------------------------
// Tokens

type Tok =
  | { t: 'num'; value: bigint; pos: number; end: number }
  | { t: 'id'; name: string; pos: number; end: number }
  | { t: 'op'; op: string; pos: number; end: number }
  | { t: 'eof'; pos: number; end: number };

const GAS_ID_START = /[A-Za-z_.$]/;
const GAS_ID = /[A-Za-z0-9_.$@]/;
const NASM_ID_START = /[A-Za-z_.?@]/;
const NASM_ID = /[A-Za-z0-9_.?@$#~]/;
const OPS = ['<<', '>>', '&&', '||', '==', '!=', '<=', '>=', '<>', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')'];

/** Parses a NASM number token (`0x1f`, `1fh`, `0b101`, `101b`, `17q`, `0o17`, `$1f`, `1_000`). */
function nasmNumber(text: string): bigint | undefined {
  const s = text.replace(/_/g, '').toLowerCase();
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(?:0x|0h|\$)([0-9a-f]+)$/))) return BigInt('0x' + m[1]);
  if ((m = s.match(/^([0-9][0-9a-f]*)h$/))) return BigInt('0x' + m[1]);
  if ((m = s.match(/^(?:0b|0y)([01]+)$/))) return BigInt('0b' + m[1]);
  if ((m = s.match(/^([01]+)[by]$/))) return BigInt('0b' + m[1]);
  if ((m = s.match(/^(?:0o|0q)([0-7]+)$/))) return BigInt('0o' + m[1]);
  if ((m = s.match(/^([0-7]+)[oq]$/))) return BigInt('0o' + m[1]);
  if ((m = s.match(/^(?:0d)?([0-9]+)d?$/))) return BigInt(m[1]);
  return undefined;
}

/** Parses a GAS number token (`0x1f`, `0b101`, `017` octal, `42`). */
function gasNumber(text: string): bigint | undefined {
  const s = text.toLowerCase();
  if (/^0x[0-9a-f]+$/.test(s)) return BigInt(s);
  if (/^0b[01]+$/.test(s)) return BigInt(s);
  if (/^0[0-7]+$/.test(s)) return BigInt('0o' + s.slice(1));
  if (/^[0-9]+$/.test(s)) return BigInt(s);
  return undefined;
}

/** Decodes one escape sequence of a GAS or C string at `i` (just after the backslash). */
export function decodeEscape(text: string, i: number): { value: number; next: number } {
  const c = text[i];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, e: 27, '\\': 92, '"': 34, "'": 39, '`': 96, '?': 63 };
  if (c in simple) return { value: simple[c], next: i + 1 };
  if (c === 'x' || c === 'X') {
    let j = i + 1;
    let v = 0;
    while (j < text.length && /[0-9a-fA-F]/.test(text[j])) v = (v * 16 + parseInt(text[j++], 16)) & 0xff;
    if (j === i + 1) throw new ExprError('\\x used with no following hex digits', i - 1);
    return { value: v, next: j };
  }
  if (/[0-7]/.test(c)) {
    let j = i;
    let v = 0;
    while (j < text.length && j < i + 3 && /[0-7]/.test(text[j])) v = v * 8 + parseInt(text[j++], 8);
    return { value: v & 0xff, next: j };
  }
  if (c === undefined) throw new ExprError('backslash at end of string', i - 1);
  return { value: c.charCodeAt(0), next: i + 1 };
}

class Lexer {
  private toks: Tok[] = [];
  private i = 0;
  constructor(private readonly text: string, private readonly start: number, private readonly dialect: Dialect) {}

  peek(): Tok {
    if (this.i >= this.toks.length) this.toks.push(this.lex(this.i === 0 ? this.start : this.toks[this.i - 1].end));
    return this.toks[this.i];
  }
  next(): Tok {
    const t = this.peek();
    this.i++;
    return t;
  }

  private lex(p: number): Tok {
    const s = this.text;
    while (p < s.length && (s[p] === ' ' || s[p] === '\t')) p++;
    if (p >= s.length) return { t: 'eof', pos: p, end: p };
    const c = s[p];
    const nasm = this.dialect === 'nasm';
    // NASM `$$` and `$`, and `$0abc` hex numbers.
    if (nasm && c === '$') {
      if (s[p + 1] === '$') return { t: 'id', name: '$$', pos: p, end: p + 2 };
      if (/[0-9]/.test(s[p + 1] ?? '')) {
        let e = p + 1;
        while (e < s.length && /[0-9a-fA-F_]/.test(s[e])) e++;
        return { t: 'num', value: nasmNumber(s.slice(p, e))!, pos: p, end: e };
      }
      if (!NASM_ID.test(s[p + 1] ?? '')) return { t: 'id', name: '$', pos: p, end: p + 1 };
      // `$name` escapes an identifier that looks like a keyword.
      let e = p + 1;
      while (e < s.length && NASM_ID.test(s[e])) e++;
      return { t: 'id', name: s.slice(p + 1, e), pos: p, end: e };
    }
    if (/[0-9]/.test(c)) {
      let e = p;
      while (e < s.length && /[0-9A-Za-z_]/.test(s[e])) e++;
      const text = s.slice(p, e);
      // GAS local label references `1f` / `1b` are symbols the front-end renames.
      if (!nasm && /^[0-9]+[fb]$/i.test(text)) return { t: 'id', name: text, pos: p, end: e };
      const v = nasm ? nasmNumber(text) : gasNumber(text);
      if (v === undefined) throw new ExprError(`invalid number \`${text}'`, p);
      // NASM floating constants are handled by the data directives, not here.
      return { t: 'num', value: v, pos: p, end: e };
    }
    if (c === "'" || (nasm && (c === '"' || c === '`'))) {
      return nasm ? this.nasmChars(p) : this.gasChar(p);
    }
    if ((nasm ? NASM_ID_START : GAS_ID_START).test(c)) {
      let e = p + 1;
      const idc = nasm ? NASM_ID : GAS_ID;
      while (e < s.length && idc.test(s[e])) e++;
      return { t: 'id', name: s.slice(p, e), pos: p, end: e };
    }
    for (const op of OPS) {
      if (s.startsWith(op, p)) return { t: 'op', op, pos: p, end: p + op.length };
    }
    throw new ExprError(`junk \`${s.slice(p).trim()}' in expression`, p);
  }

  /** GAS: `'a` (quote closing optional), with escapes. */
  private gasChar(p: number): Tok {
    const s = this.text;
    let i = p + 1;
    if (i >= s.length) throw new ExprError('missing character after quote', p);
    let value: number;
    if (s[i] === '\\') {
      const r = decodeEscape(s, i + 1);
      value = r.value;
      i = r.next;
    } else {
      value = s.charCodeAt(i);
      i++;
    }
    if (s[i] === "'") i++;
    return { t: 'num', value: BigInt(value), pos: p, end: i };
  }

  /** NASM: `'ab'` is a little-endian number of its characters. */
  private nasmChars(p: number): Tok {
    const s = this.text;
    const q = s[p];
    const e = s.indexOf(q, p + 1);
    if (e < 0) throw new ExprError('unterminated string', p);
    const bytes = Buffer.from(s.slice(p + 1, e), 'latin1');
    let v = 0n;
    for (let k = Math.min(bytes.length, 8) - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]);
    return { t: 'num', value: v, pos: p, end: e + 1 };
  }
}

// Precedence, loosest first (C's, which NASM follows; GAS differs only in corners).
const LEVELS: string[][] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!=', '<>'],
  ['<', '>', '<=', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

export interface ParseResult {
  expr: Expr;
  /** Offset just after the expression in the text. */
  end: number;
}

/**
 * Parses one expression starting at `start` and stops at the first token that cannot continue
 * it (a comma, a parenthesis that closes an enclosing construct, end of text).
 */
export function parseExpr(text: string, start: number, dialect: Dialect): ParseResult {
  const lx = new Lexer(text, start, dialect);
  const expr = parseLevel(lx, 0, dialect);
  return { expr, end: lx.peek().pos };
}

/** Parses text that must be exactly one expression. */
export function parseWholeExpr(text: string, dialect: Dialect): Expr {
  const r = parseExpr(text, 0, dialect);
  if (text.slice(r.end).trim() !== '') throw new ExprError(`junk \`${text.slice(r.end).trim()}' after expression`, r.end);
  return r.expr;
}

function parseLevel(lx: Lexer, level: number, dialect: Dialect): Expr {
  if (level >= LEVELS.length) return parseUnary(lx, dialect);
  let left = parseLevel(lx, level + 1, dialect);
  for (;;) {
    const t = lx.peek();
    if (t.t !== 'op' || !LEVELS[level].includes(t.op)) return left;
    lx.next();
    const right = parseLevel(lx, level + 1, dialect);
    const op = (t.op === '<>' ? '!=' : t.op) as BinaryOp;
    left = { kind: 'binary', op, left, right };
  }
}

function parseUnary(lx: Lexer, dialect: Dialect): Expr {
  const t = lx.next();
  if (t.t === 'op') {
    if (t.op === '-' || t.op === '~' || t.op === '!' || t.op === '+') {
      return { kind: 'unary', op: t.op, arg: parseUnary(lx, dialect) };
    }
    if (t.op === '(') {
      const e = parseLevel(lx, 0, dialect);
      const c = lx.next();
      if (c.t !== 'op' || c.op !== ')') throw new ExprError("missing ')'", c.pos);
      return e;
    }
    throw new ExprError(`unexpected \`${t.op}' in expression`, t.pos);
  }
  if (t.t === 'num') return { kind: 'num', value: t.value };
  if (t.t === 'id') {
    if (dialect === 'gas' && t.name === '.') return { kind: 'dot' };
    if (dialect === 'nasm' && t.name === '$') return { kind: 'dot' };
    if (dialect === 'nasm' && t.name === '$$') return { kind: 'sectionStart' };
    return { kind: 'sym', name: t.name };
  }
  throw new ExprError('missing expression', t.pos);
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/**
 * A value during evaluation: a constant (`base` undefined) or an offset relative to a base
 * (a section or an undefined symbol), as an object file would relocate it.
 */
export interface Value {
  value: bigint;
  /** Relocatable base: a section name (`sec:.text`) or a symbol name; undefined for a constant. */
  base?: string;
}

export interface EvalEnv {
  /** Value of a symbol, or undefined if it is not (yet) known. */
  symbol(name: string): Value | undefined;
  /** Value of `.` / `$` (the current location). */
  dot?(): Value;
  /** Value of NASM's `$$`. */
  sectionStart?(): Value;
}

export class UnknownSymbol extends Error {
  constructor(public readonly symbolName: string) {
    super(`undefined symbol \`${symbolName}'`);
  }
}

const MASK64 = (1n << 64n) - 1n;
/** Wraps to a signed 64-bit value, as GNU as's expression arithmetic does. */
export const wrap64 = (v: bigint): bigint => BigInt.asIntN(64, v & MASK64);

/** Evaluates an expression to a constant or base+offset; throws UnknownSymbol or ExprError. */
export function evaluate(e: Expr, env: EvalEnv): Value {
  switch (e.kind) {
    case 'num':
      return { value: e.value };
    case 'sym': {
      const v = env.symbol(e.name);
      if (!v) throw new UnknownSymbol(e.name);
      return v;
    }
    case 'dot':
      if (!env.dot) throw new ExprError('`.` is not allowed here', 0);
      return env.dot();
    case 'sectionStart':
      if (!env.sectionStart) throw new ExprError('`$$` is not allowed here', 0);
      return env.sectionStart();
    case 'unary': {
      const a = evaluate(e.arg, env);
      if (e.op === '+') return a;
      if (a.base !== undefined) throw new ExprError(`invalid operand for unary \`${e.op}' (not a constant)`, 0);
      const v = e.op === '-' ? -a.value : e.op === '~' ? ~a.value : a.value === 0n ? 1n : 0n;
      return { value: wrap64(v) };
    }
    case 'binary': {
      const a = evaluate(e.left, env);
      const b = evaluate(e.right, env);
      return binary(e.op, a, b);
    }
  }
}

function binary(op: BinaryOp, a: Value, b: Value): Value {
  if (op === '+') {
    if (a.base !== undefined && b.base !== undefined) throw new ExprError('cannot add two relocatable values', 0);
    return { value: wrap64(a.value + b.value), base: a.base ?? b.base };
  }
  if (op === '-') {
    if (b.base !== undefined) {
      if (a.base !== b.base) throw new ExprError(`cannot subtract values relative to different sections or symbols`, 0);
      return { value: wrap64(a.value - b.value) };
    }
    return { value: wrap64(a.value - b.value), base: a.base };
  }
  if (a.base !== undefined || b.base !== undefined) {
    // Comparisons of two addresses in one section are constants too.
    if (a.base === b.base && ['==', '!=', '<', '>', '<=', '>='].includes(op)) {
      return binary(op, { value: a.value }, { value: b.value });
    }
    throw new ExprError(`operator \`${op}' needs constant operands`, 0);
  }
  const x = a.value;
  const y = b.value;
  const bool = (c: boolean): Value => ({ value: c ? 1n : 0n });
  switch (op) {
    case '*': return { value: wrap64(x * y) };
    case '/': if (y === 0n) throw new ExprError('division by zero', 0); return { value: wrap64(x / y) };
    case '%': if (y === 0n) throw new ExprError('division by zero', 0); return { value: wrap64(x % y) };
    case '<<': return { value: y >= 64n || y < 0n ? 0n : wrap64(x << y) };
    case '>>': return { value: y >= 64n || y < 0n ? (x < 0n ? -1n : 0n) : x >> y };
    case '&': return { value: wrap64(x & y) };
    case '|': return { value: wrap64(x | y) };
    case '^': return { value: wrap64(x ^ y) };
    case '&&': return bool(x !== 0n && y !== 0n);
    case '||': return bool(x !== 0n || y !== 0n);
    // GNU as yields -1 for true comparisons; NASM yields 1. Front-ends that care fold themselves.
    case '==': return bool(x === y);
    case '!=': return bool(x !== y);
    case '<': return bool(x < y);
    case '>': return bool(x > y);
    case '<=': return bool(x <= y);
    case '>=': return bool(x >= y);
  }
}

/** Evaluates an expression that must be a constant with the given symbols; undefined if it is not. */
export function tryConst(e: Expr, symbol: (name: string) => bigint | undefined): bigint | undefined {
  try {
    const v = evaluate(e, {
      symbol: (n) => {
        const s = symbol(n);
        return s === undefined ? undefined : { value: s };
      },
    });
    return v.base === undefined ? v.value : undefined;
  } catch {
    return undefined;
  }
}

/** Names of the symbols an expression uses. */
export function symbolsOf(e: Expr, out: string[] = []): string[] {
  switch (e.kind) {
    case 'sym': out.push(e.name); break;
    case 'unary': symbolsOf(e.arg, out); break;
    case 'binary': symbolsOf(e.left, out); symbolsOf(e.right, out); break;
    default: break;
  }
  return out;
}

/** Rewrites every symbol name in an expression (local label renaming, NASM `.local` scoping). */
export function mapSymbols(e: Expr, f: (name: string) => Expr): Expr {
  switch (e.kind) {
    case 'sym': return f(e.name);
    case 'unary': return { ...e, arg: mapSymbols(e.arg, f) };
    case 'binary': return { ...e, left: mapSymbols(e.left, f), right: mapSymbols(e.right, f) };
    default: return e;
  }
}
