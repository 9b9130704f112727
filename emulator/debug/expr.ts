// Debugger expressions: breakpoint conditions (`rax == 1`, `rdi > 2`), the Debug Console and
// hovers. Registers by any name (`%eax`, `rip`, `ZF`), symbols, numbers (0x.., 0b.., decimal),
// C operators, and memory reads `*(u64*)(rsp+8)`, `*(i32*)addr`, `[rsp]`; plus gdb's `x/8xb addr`.

import { DebugMemory, readUnsigned } from './memory';

export interface EvalContext {
  register(name: string): bigint | undefined;
  symbol(name: string): bigint | undefined;
  /** Names the context adds (the Syscall scope's `nr`, `ret`, `args`...). */
  extra?(name: string): bigint | bigint[] | undefined;
  memory: DebugMemory;
  /** Symbol for an address, for `x/` output. */
  symbolize?(address: bigint): string | undefined;
}

export class ExprError extends Error {}

export interface EvalResult {
  value: bigint;
  /** The address read, when the expression is a memory read (for the memory inspector). */
  address?: bigint;
}

const TYPES: Record<string, { size: number; signed: boolean }> = {
  u8: { size: 1, signed: false }, u16: { size: 2, signed: false }, u32: { size: 4, signed: false }, u64: { size: 8, signed: false },
  i8: { size: 1, signed: true }, i16: { size: 2, signed: true }, i32: { size: 4, signed: true }, i64: { size: 8, signed: true },
  uint8_t: { size: 1, signed: false }, uint16_t: { size: 2, signed: false }, uint32_t: { size: 4, signed: false }, uint64_t: { size: 8, signed: false },
  int8_t: { size: 1, signed: true }, int16_t: { size: 2, signed: true }, int32_t: { size: 4, signed: true }, int64_t: { size: 8, signed: true },
  char: { size: 1, signed: true }, short: { size: 2, signed: true }, int: { size: 4, signed: true }, long: { size: 8, signed: true },
  byte: { size: 1, signed: false }, word: { size: 2, signed: false }, dword: { size: 4, signed: false }, qword: { size: 8, signed: false },
};

const TOKEN = /\s*(0x[0-9a-f]+|0b[01]+|\d+|[%$]?[A-Za-z_.][\w.@]*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!()<>[\],])/iy;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new ExprError(`unexpected '${text.slice(pos).trim()[0]}' in expression`);
    out.push(m[1]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

/** Compares as signed 64-bit values when either side is negative, else unsigned. */
function cmp(a: bigint, b: bigint): number {
  if (a < 0n || b < 0n) { a = BigInt.asIntN(64, a); b = BigInt.asIntN(64, b); } else { a = BigInt.asUintN(64, a); b = BigInt.asUintN(64, b); }
  return a < b ? -1 : a > b ? 1 : 0;
}

class Parser {
  private i = 0;
  lastAddress?: bigint;
  constructor(private readonly toks: string[], private readonly ctx: EvalContext) {}

  parse(): bigint {
    const v = this.binary(0);
    if (this.i < this.toks.length) throw new ExprError(`unexpected '${this.toks[this.i]}'`);
    return v;
  }

  private peek(): string | undefined { return this.toks[this.i]; }
  private take(t?: string): string {
    const got = this.toks[this.i];
    if (got === undefined) throw new ExprError(t ? `expected '${t}' at the end` : 'the expression ends too early');
    if (t !== undefined && got !== t) throw new ExprError(`expected '${t}', found '${got}'`);
    this.i++;
    return got;
  }

  private static readonly LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): bigint {
    if (level >= Parser.LEVELS.length) return this.unary();
    let a = this.binary(level + 1);
    for (;;) {
      const op = this.peek();
      if (op === undefined || !Parser.LEVELS[level].includes(op)) return a;
      this.i++;
      const b = this.binary(level + 1);
      a = apply(op, a, b);
    }
  }

  private unary(): bigint {
    const t = this.peek();
    if (t === '-') { this.i++; return -this.unary(); }
    if (t === '+') { this.i++; return this.unary(); }
    if (t === '~') { this.i++; return BigInt.asUintN(64, ~this.unary()); }
    if (t === '!') { this.i++; return this.unary() === 0n ? 1n : 0n; }
    if (t === '*') {
      this.i++;
      // `*(u32*)expr` or `*expr` (8 bytes)
      let type = TYPES.u64;
      if (this.peek() === '(' && TYPES[this.toks[this.i + 1]?.toLowerCase()] && this.toks[this.i + 2] === '*' && this.toks[this.i + 3] === ')') {
        type = TYPES[this.toks[this.i + 1].toLowerCase()];
        this.i += 4;
      }
      return this.deref(this.unary(), type);
    }
    if (t === '[') {
      this.i++;
      const a = this.binary(0);
      this.take(']');
      return this.deref(a, TYPES.u64);
    }
    return this.primary();
  }

  private deref(addr: bigint, type: { size: number; signed: boolean }): bigint {
    const a = BigInt.asUintN(64, addr);
    const v = readUnsigned(this.ctx.memory, a, type.size);
    if (v === undefined) throw new ExprError(`cannot read ${type.size} bytes at 0x${a.toString(16)}`);
    this.lastAddress = a;
    return type.signed ? BigInt.asIntN(type.size * 8, v) : v;
  }

  private primary(): bigint {
    const t = this.take();
    if (t === '(') {
      const v = this.binary(0);
      this.take(')');
      return v;
    }
    if (/^\d/.test(t)) return BigInt(t);
    if (/^[%$]?[A-Za-z_.]/.test(t)) {
      let v: bigint | bigint[] | undefined = this.ctx.register(t);
      if (v === undefined && !/^[%$]/.test(t)) v = this.ctx.extra?.(t) ?? this.ctx.symbol(t);
      if (Array.isArray(v)) {
        this.take('[');
        const k = Number(this.binary(0));
        this.take(']');
        if (!(k >= 0 && k < v.length)) throw new ExprError(`${t}[${k}] is out of range`);
        return v[k];
      }
      if (v === undefined) throw new ExprError(`no register or symbol named '${t}'`);
      return v;
    }
    throw new ExprError(`unexpected '${t}'`);
  }
}

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return BigInt.asUintN(64, a) === BigInt.asUintN(64, b) ? 1n : 0n;
    case '!=': return BigInt.asUintN(64, a) !== BigInt.asUintN(64, b) ? 1n : 0n;
    case '<': return cmp(a, b) < 0 ? 1n : 0n;
    case '>': return cmp(a, b) > 0 ? 1n : 0n;
    case '<=': return cmp(a, b) <= 0 ? 1n : 0n;
    case '>=': return cmp(a, b) >= 0 ? 1n : 0n;
    case '<<': return BigInt.asUintN(64, a << b);
    case '>>': return BigInt.asUintN(64, a) >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': case '%':
      if (b === 0n) throw new ExprError('division by zero');
      return op === '/' ? a / b : a % b;
  }
  throw new ExprError(`unknown operator ${op}`);
}

export function evaluate(text: string, ctx: EvalContext): EvalResult {
  const p = new Parser(tokenize(text), ctx);
  const value = p.parse();
  return { value, address: p.lastAddress };
}

/** Evaluates a breakpoint condition: true when non-zero. */
export function isTrue(text: string, ctx: EvalContext): boolean {
  return evaluate(text, ctx).value !== 0n;
}

/** Replaces each `{expr}` of a logpoint message with the value, in hex (`{rax}` -> `0x1`). */
export function interpolate(message: string, ctx: EvalContext): string {
  return message.replace(/\{([^{}]+)\}/g, (_, e: string) => {
    try {
      return '0x' + BigInt.asUintN(64, evaluate(e, ctx).value).toString(16);
    } catch (err) {
      return `<${(err as Error).message}>`;
    }
  });
}

const X_SIZES: Record<string, number> = { b: 1, h: 2, w: 4, g: 8 };

/** gdb's `x/NFU addr` (formats x d u o t c, units b h w g): the dump as text, and the address. */
export function examine(command: string, ctx: EvalContext): { text: string; address: bigint } | undefined {
  const m = /^\s*x(?:\/(\d*)([xduotc]?)([bhwg]?)([xduotc]?))?\s+(.+)$/.exec(command);
  if (!m) return undefined;
  const count = m[1] ? Number(m[1]) : 1;
  const fmt = m[2] || m[4] || 'x';
  const size = fmt === 'c' && !m[3] ? 1 : X_SIZES[m[3] || 'w'];
  const address = BigInt.asUintN(64, evaluate(m[5], ctx).value);
  if (count > 4096) throw new ExprError('x/: at most 4096 units');
  const bytes = ctx.memory.read(address, count * size);
  const perLine = size === 1 ? 8 : size === 8 ? 2 : 4;
  const lines: string[] = [];
  for (let k = 0; k * size < bytes.length; k += perLine) {
    const at = address + BigInt(k * size);
    const sym = ctx.symbolize?.(at);
    const items: string[] = [];
    for (let j = k; j < Math.min(k + perLine, count) && (j + 1) * size <= bytes.length; j++) {
      let v = 0n;
      for (let q = size - 1; q >= 0; q--) v = (v << 8n) | BigInt(bytes[j * size + q]);
      items.push(formatUnit(v, fmt, size));
    }
    lines.push(`0x${at.toString(16)}${sym ? ` <${sym}>` : ''}:\t${items.join('\t')}`);
  }
  if (bytes.length < count * size) lines.push(`Cannot access memory at address 0x${(address + BigInt(bytes.length)).toString(16)}`);
  return { text: lines.join('\n'), address };
}

function formatUnit(v: bigint, fmt: string, size: number): string {
  switch (fmt) {
    case 'd': return BigInt.asIntN(size * 8, v).toString();
    case 'u': return v.toString();
    case 'o': return '0' + v.toString(8);
    case 't': return v.toString(2).padStart(size * 8, '0');
    case 'c': {
      const c = Number(v & 0xffn);
      return `${BigInt.asIntN(8, v & 0xffn)} '${c >= 32 && c < 127 ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0')}'`;
    }
    default: return '0x' + v.toString(16).padStart(size * 2, '0');
  }
}
