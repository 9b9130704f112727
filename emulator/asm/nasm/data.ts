// NASM data declarations (`db dw dd dq dt do`) and reservations (`resb ... reso`): strings padded
// to a whole number of items, character constants inside expressions, float constants, `?`.

import { AsmError, DataItem } from '../ir';
import { Expr, ExprError, parseExpr } from '../expr';
import { stringEnd } from './lexer';
import { encodeFloat, isFloatLiteral } from './floats';
import { decodeNasmString } from './strings';

export const DATA_WIDTHS: Record<string, number> = { db: 1, dw: 2, dd: 4, dq: 8, dt: 10, do: 16, dy: 32, dz: 64 };
export const RES_WIDTHS: Record<string, number> = { resb: 1, resw: 2, resd: 4, resq: 8, rest: 10, reso: 16, resy: 32, resz: 64 };

/** One comma-separated item with its offset in the operand text. */
interface Piece {
  text: string;
  pos: number;
}

/** Splits at commas outside strings and parentheses, keeping each piece's offset. */
export function splitItems(text: string): Piece[] {
  const out: Piece[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const e = stringEnd(text, i);
      i = (e < 0 ? text.length : e) - 1;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (i === text.length || (c === ',' && depth === 0)) {
      const raw = text.slice(start, i);
      const lead = raw.length - raw.trimStart().length;
      out.push({ text: raw.trim(), pos: start + lead });
      start = i + 1;
    }
  }
  return out;
}

/**
 * Parses the operands of `db`-style directives. `pos` in thrown errors is an offset in `text`.
 * `mapExpr` renames local labels in expressions.
 */
export function parseDataItems(text: string, width: number, mapExpr: (e: Expr) => Expr): DataItem[] {
  const items: DataItem[] = [];
  const pieces = splitItems(text);
  // A trailing comma is accepted silently, as NASM does.
  if (pieces.length > 1 && pieces[pieces.length - 1].text === '') pieces.pop();
  for (const p of pieces) {
    if (p.text === '') throw new ExprError('expression syntax error', p.pos);
    if (p.text === '?') {
      items.push(new Uint8Array(width));
      continue;
    }
    if (/^["'`]/.test(p.text) && stringEnd(p.text, 0) === p.text.length) {
      const bytes = decodeNasmString(p.text);
      const padded = new Uint8Array(Math.ceil(bytes.length / width) * width);
      padded.set(bytes);
      items.push(padded);
      continue;
    }
    if (isFloatLiteral(p.text)) {
      if (width > 16) throw new ExprError(`no ${width * 8}-bit floating-point format`, p.pos);
      items.push(encodeFloat(p.text, width));
      continue;
    }
    if (/^["'`]/.test(p.text) && stringEnd(p.text, 0) < 0) throw new ExprError('expression syntax error', p.pos);
    let r;
    try {
      r = parseExpr(p.text, 0, 'nasm');
    } catch (e) {
      if (e instanceof ExprError) throw new ExprError('expression syntax error', p.pos);
      throw e;
    }
    if (p.text.slice(r.end).trim() !== '') throw new ExprError('expression syntax error', p.pos + r.end);
    if (width === 10) throw new AsmError('integer supplied as 80-bit data');
    items.push(mapExpr(r.expr));
  }
  return items;
}
