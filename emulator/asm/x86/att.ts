// The AT&T (GAS) instruction parser: one instruction's text (no label, no comment) -> IR Insn
// with the Intel mnemonic and operands in Intel order. Errors use GNU as's wording and point at
// the column of the offending text.

import { AsmError, Insn, MemOperand, Operand, SourceLoc } from '../ir';
import { Expr, ExprError, parseExpr } from '../expr';
import { regInfo } from './registers';
import { resolveAttMnemonic } from './att-mnemonics';

const PREFIXES = new Set(['lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'data16', 'data32', 'addr16', 'addr32', 'rex', 'rex64', 'rex.w', 'notrack',
  'cs', 'ds', 'es', 'fs', 'gs', 'ss']);

/** Mnemonics whose bare-expression operand is a branch target, not a memory reference. */
function isBranch(m: string): boolean {
  return /^(j[a-z]+|call[wlq]?|loop[a-z]*|xbegin|lcall[wl]?|ljmp[wl]?)$/.test(m);
}

class Cursor {
  constructor(readonly text: string, readonly loc: SourceLoc) {}
  err(message: string, at: number): AsmError {
    return new AsmError(message, { ...this.loc, col: this.loc.col + at });
  }
}

/** Parses one AT&T instruction; `loc` is where `text` starts. */
export function parseAttInstruction(text: string, loc: SourceLoc): Insn {
  const cur = new Cursor(text, loc);
  let pos = 0;
  const prefixes: string[] = [];
  let mnemonic = '';
  let mnemonicPos = 0;
  for (;;) {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
    const m = /^(\{[A-Za-z0-9]+\}|[A-Za-z_][A-Za-z0-9_.]*)/.exec(text.slice(pos));
    if (!m) throw cur.err(`no such instruction: \`${text.trim()}'`, pos);
    const word = m[0].toLowerCase();
    const after = pos + m[0].length;
    const rest = text.slice(after).trim();
    const isPrefix = PREFIXES.has(word) || word[0] === '{' || /^rex\.[wrxb]{1,4}$/.test(word);
    if (isPrefix && rest !== '' && !rest.startsWith(',') && !rest.startsWith(':')) {
      prefixes.push(word);
      pos = after;
      continue;
    }
    mnemonic = word;
    mnemonicPos = pos;
    pos = after;
    break;
  }
  const pieces = splitOperands(cur, pos);
  const branch = isBranch(mnemonic);
  let indirect = false;
  const parsed: Operand[] = [];
  for (const piece of pieces) {
    const r = parseOperand(cur, piece.start, piece.end, branch);
    if (r.indirect) indirect = true;
    parsed.push(r.op);
  }
  const vector = parsed.some((o) => o.kind === 'reg' && /^(x|y)?mm\d/.test(o.reg));
  const res = resolveAttMnemonic(mnemonic, vector, parsed.length);
  if (!res) throw cur.err(`no such instruction: \`${text.slice(mnemonicPos).trim()}'`, mnemonicPos);
  // Intel order is AT&T's reversed, except GAS keeps two immediates in written order (enter, ljmp).
  const twoImms = parsed.length === 2 && parsed.every((o) => o.kind === 'imm');
  const operands = twoImms ? parsed : parsed.slice().reverse();
  if (res.srcSize) {
    const src = operands[operands.length - 1];
    if (src && src.kind === 'mem' && src.size === 0) src.size = res.srcSize;
  }
  const insn: Insn = { mnemonic: res.mnemonic, prefixes, operands, opSize: res.opSize, syntax: 'att' };
  if (indirect || (branch && parsed.length === 1 && parsed[0].kind !== 'imm')) insn.indirect = true;
  if (res.far) insn.far = true;
  return insn;
}

/** Splits the operand list at top-level commas; each piece is [start, end) in the text. */
function splitOperands(cur: Cursor, from: number): { start: number; end: number }[] {
  const s = cur.text;
  const out: { start: number; end: number }[] = [];
  let depth = 0;
  let start = from;
  if (s.slice(from).trim() === '') return out;
  for (let i = from; i <= s.length; i++) {
    const c = s[i];
    if (c === "'" && i + 1 < s.length) {
      // A character constant: `'a`, or `'a'` with the optional closing quote (the comma in `'','` is data).
      i += s[i + 1] === '\\' ? 2 : 1;
      if (s[i + 1] === "'") i++;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || i === s.length) {
      if (s.slice(start, i).trim() === '') {
        throw cur.err(i === s.length ? `expecting operand after ','; got nothing` : `expecting operand before ','; got nothing`, i);
      }
      out.push({ start, end: i });
      start = i + 1;
    }
  }
  return out;
}

function skipWs(s: string, i: number, end: number): number {
  while (i < end && /\s/.test(s[i])) i++;
  return i;
}

/** `%name` or `%st(N)` at `i`; returns the canonical name and the end offset. */
function parseRegister(cur: Cursor, i: number, end: number): { name: string; end: number } {
  const s = cur.text;
  const m = /^%([A-Za-z][A-Za-z0-9.]*)/.exec(s.slice(i, end));
  if (!m) throw cur.err(`bad register name \`${s.slice(i, end).trim()}'`, i);
  let name = m[1].toLowerCase();
  let e = i + m[0].length;
  if (name === 'st') {
    const st = /^\s*\(\s*([0-7])\s*\)/.exec(s.slice(e, end));
    if (st) {
      name = `st${st[1]}`;
      e += st[0].length;
    } else name = 'st0';
  }
  if (!regInfo(name)) throw cur.err(`bad register name \`%${m[1]}'`, i);
  return { name, end: e };
}

function expr(cur: Cursor, i: number, end: number): { expr: Expr; end: number } {
  try {
    const r = parseExpr(cur.text.slice(0, end), i, 'gas');
    return { expr: r.expr, end: r.end };
  } catch (e) {
    if (e instanceof ExprError) throw cur.err(e.message, e.pos);
    throw e;
  }
}

function parseOperand(cur: Cursor, start: number, end: number, branch: boolean): { op: Operand; indirect: boolean } {
  const s = cur.text;
  let i = skipWs(s, start, end);
  let indirect = false;
  if (s[i] === '*') {
    indirect = true;
    i = skipWs(s, i + 1, end);
  }
  const trimmedEnd = (() => { let e = end; while (e > i && /\s/.test(s[e - 1])) e--; return e; })();
  if (s[i] === '$') {
    const r = expr(cur, i + 1, trimmedEnd);
    if (r.end < trimmedEnd) throw cur.err(`junk \`${s.slice(r.end, trimmedEnd)}' after expression`, r.end);
    return { op: { kind: 'imm', expr: r.expr }, indirect };
  }
  let seg: string | undefined;
  if (s[i] === '%') {
    const r = parseRegister(cur, i, trimmedEnd);
    const j = skipWs(s, r.end, trimmedEnd);
    if (s[j] === ':' && regInfo(r.name)?.cls === 'seg') {
      seg = r.name;
      i = skipWs(s, j + 1, trimmedEnd);
    } else {
      if (j < trimmedEnd) throw cur.err(`junk \`${s.slice(j, trimmedEnd)}' after register`, j);
      return { op: { kind: 'reg', reg: r.name }, indirect };
    }
  }
  // Memory: [disp] [(base, index, scale)], or a branch target expression.
  const mem: MemOperand = { kind: 'mem', scale: 1, ripRel: false, size: 0 };
  if (seg) mem.seg = seg;
  const paren = findBaseIndex(s, i, trimmedEnd);
  const dispEnd = paren ?? trimmedEnd;
  if (skipWs(s, i, dispEnd) < dispEnd) {
    const r = expr(cur, i, dispEnd);
    if (skipWs(s, r.end, dispEnd) < dispEnd) throw cur.err(`junk \`${s.slice(r.end, dispEnd).trim()}' after expression`, r.end);
    mem.disp = r.expr;
  }
  if (paren === undefined) {
    if (branch && !indirect && !seg && mem.disp) return { op: { kind: 'imm', expr: mem.disp }, indirect };
    if (!mem.disp) throw cur.err(`bad memory operand \`${s.slice(start, end).trim()}'`, start);
    return { op: mem, indirect };
  }
  parseBaseIndex(cur, paren, trimmedEnd, mem);
  return { op: mem, indirect };
}

/** Offset of the `(` that opens a base/index group ending the operand, if any. */
function findBaseIndex(s: string, from: number, end: number): number | undefined {
  if (s[end - 1] !== ')') return undefined;
  let depth = 0;
  for (let i = end - 1; i >= from; i--) {
    if (s[i] === ')') depth++;
    else if (s[i] === '(') {
      depth--;
      if (depth === 0) {
        const inner = s.slice(i + 1, end - 1).trim();
        return inner.startsWith('%') || inner.startsWith(',') ? i : undefined;
      }
    }
  }
  return undefined;
}

function parseBaseIndex(cur: Cursor, open: number, end: number, mem: MemOperand): void {
  const s = cur.text;
  const close = end - 1;
  const parts = s.slice(open + 1, close).split(',');
  const bad = (): AsmError => cur.err(`\`${s.slice(open, end)}' is not a valid base/index expression`, open);
  if (parts.length > 3) throw bad();
  let at = open + 1;
  const regAt = (text: string, off: number): string | undefined => {
    if (text.trim() === '') return undefined;
    const lead = text.length - text.trimStart().length;
    const r = parseRegister(cur, off + lead, off + text.trimEnd().length);
    if (off + lead + (r.end - (off + lead)) !== off + text.trimEnd().length) throw bad();
    return r.name;
  };
  const base = regAt(parts[0], at);
  at += parts[0].length + 1;
  const index = parts.length > 1 ? regAt(parts[1], at) : undefined;
  if (parts.length > 1) at += parts[1].length + 1;
  if (parts.length > 2) {
    const t = parts[2].trim();
    const v = t === '' ? 1 : Number(t);
    if (![1, 2, 4, 8].includes(v)) throw cur.err(`expecting scale factor of 1, 2, 4, or 8: got \`${t}'`, at);
    mem.scale = v as 1 | 2 | 4 | 8;
  }
  if (base) {
    const b = regInfo(base)!;
    if (!(b.cls === 'gpr' && b.bits >= 16) && b.cls !== 'ip') throw bad();
    if (b.cls === 'ip') mem.ripRel = true;
    else mem.base = base;
  }
  if (index) {
    const x = regInfo(index)!;
    const ok = (x.cls === 'gpr' && x.bits >= 16 && x.name !== 'rsp' && x.name !== 'esp' && x.name !== 'sp') || x.cls === 'xmm' || x.cls === 'ymm';
    if (!ok || mem.ripRel) throw bad();
    mem.index = index;
  }
}
