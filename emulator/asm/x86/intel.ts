// Intel-syntax instruction parser for both GNU as `.intel_syntax noprefix` and NASM: one line's
// instruction text (labels and comments already removed) -> the IR's Insn, operands in Intel order.
// The two dialects differ in size keywords (`dword ptr` vs `dword`), in what a bare symbol means
// (GAS: a memory operand, NASM: an immediate) and in a few NASM-only keywords (rel, abs, strict).

import { AsmError, ImmOperand, Insn, MemOperand, Operand, SourceLoc } from '../ir';
import { Expr, ExprError, parseExpr, symbolsOf } from '../expr';

export type IntelDialect = 'gas' | 'nasm';

export interface IntelOptions {
  /** NASM `default rel`: absolute-looking memory operands without base or index become rip-relative. */
  defaultRel?: boolean;
  /** GAS: a bare symbol already known as an absolute constant is an immediate, not a memory operand. */
  isConstSymbol?(name: string): boolean;
}

/** An immediate with the size keyword NASM allows on it (`push word 5`, `add eax, strict dword 5`). */
export interface IntelImmOperand extends ImmOperand {
  sizeHint?: number;
  strict?: boolean;
}

/** A memory operand with NASM's displacement-size (`[byte rax+1]`) and `nosplit` hints. */
export interface IntelMemOperand extends MemOperand {
  dispSize?: number;
  nosplit?: boolean;
  /** NASM `abs`: absolute even under `default rel`. */
  abs?: boolean;
}

/** An instruction with the branch-size keyword written in the source (`jmp short x`, `jmp near x`). */
export interface IntelInsn extends Insn {
  branchHint?: 'short' | 'near';
}

// Size keywords in bits; each assembler knows its own spelling (GAS `tbyte ptr`, NASM `tword`).
const SIZE_KEYWORDS: Record<IntelDialect, Record<string, number>> = {
  gas: { byte: 8, word: 16, dword: 32, fword: 48, qword: 64, mmword: 64, tbyte: 80, oword: 128, xmmword: 128, ymmword: 256, zmmword: 512 },
  nasm: { byte: 8, word: 16, dword: 32, qword: 64, tword: 80, oword: 128, yword: 256, zword: 512 },
};

const PREFIXES: Record<string, string> = {
  lock: 'lock', rep: 'rep', repe: 'repe', repz: 'repz', repne: 'repne', repnz: 'repnz',
  data16: 'data16', data32: 'data32', addr16: 'addr16', addr32: 'addr32', rex: 'rex', 'rex.w': 'rex.w', rex64: 'rex.w',
  notrack: 'notrack', bnd: 'bnd', xacquire: 'xacquire', xrelease: 'xrelease',
};
// NASM's operand/address-size prefixes, spelled as the IR's GAS-style names.
const NASM_PREFIXES: Record<string, string> = {
  o16: 'data16', o32: 'data32', o64: 'rex.w', a16: 'addr16', a32: 'addr32', a64: 'addr64',
};
const SEGMENTS = new Set(['cs', 'ds', 'es', 'fs', 'gs', 'ss']);

const BRANCHES = new Set([
  'jmp', 'call', 'loop', 'loope', 'loopz', 'loopne', 'loopnz', 'jcxz', 'jecxz', 'jrcxz', 'xbegin',
  ...['o', 'no', 'b', 'c', 'nae', 'nb', 'nc', 'ae', 'e', 'z', 'ne', 'nz', 'be', 'na', 'nbe', 'a', 's', 'ns',
    'p', 'pe', 'np', 'po', 'l', 'nge', 'nl', 'ge', 'le', 'ng', 'nle', 'g'].map((c) => 'j' + c),
]);

/** Mnemonics whose operation size comes only from their operands: a lone unsized memory operand is ambiguous. */
const NEEDS_SIZE = new Set([
  'mov', 'add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test', 'inc', 'dec', 'neg', 'not',
  'mul', 'div', 'idiv', 'imul', 'rol', 'ror', 'rcl', 'rcr', 'shl', 'sal', 'shr', 'sar', 'bt', 'bts', 'btr', 'btc',
  'movzx', 'movsx', 'fld', 'fst', 'fstp', 'fild', 'fist', 'fistp', 'fisttp', 'fadd', 'fsub', 'fsubr', 'fmul',
  'fdiv', 'fdivr', 'fcom', 'fcomp', 'fiadd', 'fisub', 'fisubr', 'fimul', 'fidiv', 'fidivr', 'ficom', 'ficomp',
]);
// NASM also refuses an unsized `push [mem]` / `pop [mem]`; GNU as takes the default size.
const NASM_NEEDS_SIZE = new Set(['push', 'pop']);

const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi'];
const REGS = new Set<string>(['rip', 'eip', 'ip', 'ah', 'ch', 'dh', 'bh', 'spl', 'bpl', 'sil', 'dil', ...SEGMENTS]);
for (const r of GPR64) {
  REGS.add(r).add('e' + r.slice(1)).add(r.slice(1));
}
for (const r of ['al', 'cl', 'dl', 'bl']) REGS.add(r);
for (let i = 0; i < 32; i++) {
  if (i < 16 && i >= 8) REGS.add(`r${i}`).add(`r${i}d`).add(`r${i}w`).add(`r${i}b`);
  REGS.add(`xmm${i}`).add(`ymm${i}`).add(`zmm${i}`);
  if (i < 16) REGS.add(`cr${i}`).add(`dr${i}`);
  if (i < 8) REGS.add(`mm${i}`).add(`st${i}`).add(`k${i}`);
  if (i < 4) REGS.add(`bnd${i}`);
}

/** The canonical IR name of an Intel register name, or undefined when `name` is not one. */
export function canonicalRegister(name: string, dialect: IntelDialect): string | undefined {
  const n = name.toLowerCase();
  if (n === 'st') return 'st0';
  const m = n.match(/^r(\d+)l$/); // NASM and GAS both accept r8l for r8b
  if (m && +m[1] >= 8 && +m[1] < 16) return `r${m[1]}b`;
  if (dialect === 'gas' && /^st\d$/.test(n)) return undefined; // GAS spells it st(1)
  return REGS.has(n) ? n : undefined;
}

export function isBranchMnemonic(m: string): boolean {
  return BRANCHES.has(m);
}

/** One operand's text with its offset in the instruction text. */
interface Piece { text: string; at: number; }

/** Splits at commas outside brackets, parentheses and quotes. */
function splitOperands(text: string, at: number): Piece[] {
  const out: Piece[] = [];
  let depth = 0;
  let start = 0;
  let quote = '';
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === text.length) {
      out.push(trimPiece(text.slice(start, i), at + start));
      start = i + 1;
    }
  }
  return out;
}

function trimPiece(text: string, at: number): Piece {
  const lead = text.length - text.trimStart().length;
  return { text: text.trim(), at: at + lead };
}

/** Parses one Intel-syntax instruction; throws AsmError with the column of the offending text. */
export function parseIntelInstruction(text: string, loc: SourceLoc, dialect: IntelDialect, opts: IntelOptions = {}): IntelInsn {
  const fail = (message: string, at: number): never => {
    throw new AsmError(message, { ...loc, col: loc.col + at });
  };
  const p = new Parser(text, dialect, opts, fail);
  try {
    return p.instruction();
  } catch (e) {
    if (e instanceof ExprError) return fail(e.message, e.pos);
    throw e;
  }
}

class Parser {
  private hint: 'short' | 'near' | undefined;
  private far = false;

  constructor(
    private readonly text: string,
    private readonly dialect: IntelDialect,
    private readonly opts: IntelOptions,
    private readonly fail: (message: string, at: number) => never,
  ) {}

  instruction(): IntelInsn {
    const prefixes: string[] = [];
    let pos = 0;
    let mnemonic = '';
    let mnemonicAt = 0;
    // Leading words: prefixes, then the mnemonic.
    for (;;) {
      const m = /^\s*(\{[a-z0-9]+\}|[A-Za-z_.][A-Za-z0-9_.]*)/.exec(this.text.slice(pos));
      if (!m) return this.fail(`expected an instruction, found \`${this.text.slice(pos).trim()}'`, pos);
      const word = m[1].toLowerCase();
      const wordAt = pos + m[0].length - m[1].length;
      pos += m[0].length;
      const rest = this.text.slice(pos).trim();
      const prefix = PREFIXES[word] ?? (/^rex\.[wrxb]{1,4}$/.test(word) ? word : undefined) ?? (this.dialect === 'nasm' ? NASM_PREFIXES[word] : undefined) ??
        (SEGMENTS.has(word) && /^[A-Za-z]/.test(rest) ? word : undefined) ?? (word.startsWith('{') ? word : undefined);
      if (prefix !== undefined && rest !== '') {
        prefixes.push(prefix);
        continue;
      }
      mnemonic = word;
      mnemonicAt = wordAt;
      break;
    }
    const rest = this.text.slice(pos);
    const operands: Operand[] = rest.trim() === '' ? [] : splitOperands(rest, pos).map((pc) => this.operand(pc, mnemonic));
    const insn: IntelInsn = { mnemonic, prefixes, operands, opSize: 0, syntax: this.dialect === 'nasm' ? 'nasm' : 'intel' };
    if (this.far) insn.far = true;
    if (this.hint) insn.branchHint = this.hint;
    this.checkSize(insn, mnemonicAt);
    return insn;
  }

  /** Refuses `inc [rax]` / `mov [rax], 5`: no register and no size keyword say how wide the operation is. */
  private checkSize(insn: IntelInsn, at: number): void {
    const ops = insn.operands;
    const needs = NEEDS_SIZE.has(insn.mnemonic) || (this.dialect === 'nasm' && NASM_NEEDS_SIZE.has(insn.mnemonic));
    if (!needs || !ops.some((o) => o.kind === 'mem' && o.size === 0)) return;
    // `shl [rax], cl`: cl is a count, it gives no size.
    const sizing = ops.some((o, i) => o.kind === 'reg' && !(i > 0 && o.reg === 'cl' && /^(rol|ror|rcl|rcr|shl|sal|shr|sar)$/.test(insn.mnemonic)));
    if (sizing && !/^(movzx|movsx)$/.test(insn.mnemonic)) return;
    if (insn.mnemonic === 'imul' && ops.length > 1) return;
    const msg = this.dialect === 'nasm' ? 'operation size not specified' : `ambiguous operand size for \`${insn.mnemonic}'`;
    this.fail(msg, at);
  }

  private operand(pc: Piece, mnemonic: string): Operand {
    if (pc.text === '') return this.fail('missing operand', pc.at);
    let s = pc.text;
    let at = pc.at;
    let size = 0;
    let strict = false;
    let offset = false;
    // Keywords before the operand proper.
    for (;;) {
      const m = /^([A-Za-z]+)(\s+|(?=[[(]))/.exec(s);
      if (!m) break;
      const w = m[1].toLowerCase();
      if (w in SIZE_KEYWORDS[this.dialect]) size = SIZE_KEYWORDS[this.dialect][w];
      else if (w === 'ptr' && this.dialect === 'gas' && size) {
        /* `dword ptr` */
      } else if (w === 'strict' && this.dialect === 'nasm') strict = true;
      else if (w === 'short' || w === 'near') this.hint = w;
      else if (w === 'far') this.far = true;
      else if (w === 'offset' && this.dialect === 'gas') offset = true;
      else break;
      s = s.slice(m[0].length);
      at += m[0].length;
    }
    if (s === '') return this.fail('missing operand', at);
    if (offset) s = s.replace(/^flat:/i, (f) => ' '.repeat(f.length));
    const reg = this.register(s, at);
    // NASM allows `dword eax`; a size that disagrees is left to the encoder to refuse.
    if (reg) return { kind: 'reg', reg };
    const segm = /^([A-Za-z]{2})\s*:/.exec(s);
    const hasSeg = !!segm && SEGMENTS.has(segm[1].toLowerCase());
    if (s.includes('[') || (hasSeg && !offset)) return this.memory(s, at, size);
    const expr = this.wholeExpr(s, at);
    const gasMem = this.dialect === 'gas' && !offset && !BRANCHES.has(mnemonic) && this.isSymbolic(expr);
    if (gasMem) {
      const mem: IntelMemOperand = { kind: 'mem', scale: 1, disp: expr, ripRel: false, size };
      return mem;
    }
    const imm: IntelImmOperand = { kind: 'imm', expr };
    if (size) imm.sizeHint = size;
    if (strict) imm.strict = true;
    return imm;
  }

  /** True when a GAS operand names a symbol that is not a known constant (so it is a memory reference). */
  private isSymbolic(e: Expr): boolean {
    const known = this.opts.isConstSymbol;
    return symbolsOf(e).some((n) => !known || !known(n));
  }

  /** A whole operand that is a register: `eax`, `st(1)` (GAS), `st`. */
  private register(s: string, at: number): string | undefined {
    const st = /^st\s*\(\s*([0-7])\s*\)$/i.exec(s);
    if (st) return `st${st[1]}`;
    if (/^st\s*\(/i.test(s)) return this.fail(`bad register name \`${s}'`, at);
    if (!/^[A-Za-z][A-Za-z0-9.]*$/.test(s)) return undefined;
    return canonicalRegister(s, this.dialect);
  }

  /** parseExpr on an operand's text, with errors placed at their column in the instruction. */
  private parse(s: string, at: number): { expr: Expr; end: number } {
    try {
      return parseExpr(s, 0, this.dialect);
    } catch (e) {
      if (e instanceof ExprError) return this.fail(e.message, at + e.pos);
      throw e;
    }
  }

  private wholeExpr(s: string, at: number): Expr {
    const r = this.parse(s, at);
    if (s.slice(r.end).trim() !== '') this.fail(`junk \`${s.slice(r.end).trim()}' after expression`, at + r.end);
    this.noRegisters(r.expr, at);
    return r.expr;
  }

  private noRegisters(e: Expr, at: number): void {
    const r = symbolsOf(e).find((n) => canonicalRegister(n, this.dialect));
    if (r) this.fail(`invalid use of register \`${r}'`, at);
  }

  /**
   * A memory operand: `[base + index*scale + disp]`, with an optional segment (`fs:[...]` GAS,
   * `[fs:...]` NASM), GAS `disp[base]` and `[a][b]`, NASM `rel`/`abs`/`byte`/`nosplit` inside.
   */
  private memory(s: string, at: number, size: number): Operand {
    const mem: IntelMemOperand = { kind: 'mem', scale: 1, ripRel: false, size };
    const terms: Term[] = [];
    let rel = false;
    let i = 0;
    const skipWs = () => { while (s[i] === ' ' || s[i] === '\t') i++; };
    const takeSeg = () => {
      const m = /^([A-Za-z]{2})\s*:/.exec(s.slice(i));
      if (m && SEGMENTS.has(m[1].toLowerCase())) {
        mem.seg = m[1].toLowerCase();
        i += m[0].length;
        skipWs();
      }
    };
    takeSeg();
    while (i < s.length) {
      if (s[i] === '[') {
        const close = s.indexOf(']', i);
        if (close < 0) this.fail("missing `]'", at + i);
        let j = i + 1;
        // NASM keywords inside the brackets, in any order, and the segment.
        for (;;) {
          const m = /^\s*([A-Za-z]+)(\s+|\s*:)/.exec(s.slice(j, close));
          if (!m) break;
          const w = m[1].toLowerCase();
          if (m[2].includes(':') && SEGMENTS.has(w)) mem.seg = w;
          else if (this.dialect !== 'nasm' || m[2].includes(':')) break;
          else if (w === 'rel') rel = true;
          else if (w === 'abs') mem.abs = true;
          else if (w === 'nosplit') mem.nosplit = true;
          else if (w in SIZE_KEYWORDS.nasm) mem.dispSize = SIZE_KEYWORDS.nasm[w];
          else break;
          j += m[0].length;
        }
        const inner = s.slice(j, close);
        if (inner.trim() === '') this.fail('missing expression', at + j);
        this.collect(this.exprIn(inner, at + j), 1, terms, at + j);
        i = close + 1;
      } else {
        // GAS `8[rbx]`, `msg[rip]`, `fs:0x28`: an expression outside the brackets.
        let close = s.indexOf('[', i);
        if (close < 0) close = s.length;
        this.collect(this.exprIn(s.slice(i, close), at + i), 1, terms, at + i);
        i = close;
      }
      skipWs();
    }
    this.assign(mem, terms, at);
    if (mem.base === 'rip' || mem.base === 'eip') {
      if (mem.index) this.fail('invalid effective address', at);
      delete mem.base;
      mem.ripRel = true;
    } else if (rel || (this.opts.defaultRel && !mem.abs)) {
      // NASM ignores `rel` on an address with registers.
      if (!mem.base && !mem.index) mem.ripRel = true;
    }
    return mem;
  }

  private exprIn(s: string, at: number): Expr {
    const r = this.parse(s, at);
    if (s.slice(r.end).trim() !== '') this.fail(`junk \`${s.slice(r.end).trim()}' in memory operand`, at + r.end);
    return r.expr;
  }

  /** Splits a sum into register terms (with scale) and displacement terms (with sign). */
  private collect(e: Expr, sign: 1 | -1, out: Term[], at: number): void {
    if (e.kind === 'binary' && (e.op === '+' || e.op === '-')) {
      this.collect(e.left, sign, out, at);
      this.collect(e.right, e.op === '-' ? (-sign as 1 | -1) : sign, out, at);
      return;
    }
    if (e.kind === 'unary' && (e.op === '-' || e.op === '+')) {
      this.collect(e.arg, e.op === '-' ? (-sign as 1 | -1) : sign, out, at);
      return;
    }
    const reg = e.kind === 'sym' ? canonicalRegister(e.name, this.dialect) : undefined;
    if (reg) {
      if (sign < 0) this.fail('invalid effective address', at);
      out.push({ reg, scale: 1, explicit: false, at });
      return;
    }
    if (e.kind === 'binary' && e.op === '*') {
      for (const [r, k] of [[e.left, e.right], [e.right, e.left]]) {
        const name = r.kind === 'sym' ? canonicalRegister(r.name, this.dialect) : undefined;
        if (!name) continue;
        const scale = k.kind === 'num' ? k.value : undefined;
        if (scale === undefined || sign < 0) this.fail('invalid effective address', at);
        out.push({ reg: name, scale: Number(scale), explicit: true, at });
        return;
      }
    }
    this.noRegisters(e, at);
    out.push({ disp: e, sign });
  }

  private assign(mem: IntelMemOperand, terms: Term[], at: number): void {
    let disp: Expr | undefined;
    for (const t of terms) {
      if (t.disp) {
        const d = t.sign < 0 ? { kind: 'unary' as const, op: '-' as const, arg: t.disp } : t.disp;
        disp = disp === undefined ? d : { kind: 'binary', op: t.sign < 0 ? '-' : '+', left: disp, right: t.disp };
        continue;
      }
      let scale = t.scale;
      const reg = t.reg;
      // NASM `[rax*3]`, `[rax*5]`, `[rax*9]` are rax + rax*2/4/8.
      if (this.dialect === 'nasm' && (scale === 3 || scale === 5 || scale === 9) && !mem.base) {
        mem.base = reg;
        scale -= 1;
      }
      if (![1, 2, 4, 8].includes(scale)) this.fail(`scale factor of ${scale} is invalid`, t.at);
      if (!t.explicit && !mem.base) mem.base = reg;
      else if (!mem.index) {
        mem.index = reg;
        mem.scale = scale as 1 | 2 | 4 | 8;
      } else if (!mem.base && scale === 1) {
        mem.base = reg; // `[rax*2 + rbx]`: the scaled index came first
      } else {
        this.fail('invalid effective address', t.at);
      }
    }
    // A lone `[rax*1]`: GNU as keeps the index (SIB, no base); NASM makes it the base unless `nosplit`.
    if (this.dialect === 'nasm' && mem.index && !mem.base && mem.scale === 1 && !mem.nosplit) {
      mem.base = mem.index;
      delete mem.index;
    }
    // `[rax + rsp]`: rsp cannot be an index, so it becomes the base (both assemblers do this).
    if (mem.index && /^(rsp|esp)$/.test(mem.index) && mem.scale === 1 && mem.base && !/^(rsp|esp)$/.test(mem.base)) {
      [mem.base, mem.index] = [mem.index, mem.base];
    }
    if (disp !== undefined) mem.disp = disp;
  }
}

type Term = { reg: string; scale: number; explicit: boolean; at: number; disp?: undefined } | { disp: Expr; sign: 1 | -1; reg?: undefined };
