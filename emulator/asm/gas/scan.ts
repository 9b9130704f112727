// Lexical helpers of the GAS front-end: comment removal (`#`, `/* */` across lines), splitting a
// line into `;`-separated statements, splitting operands at top-level commas, and reading GAS
// strings with their escapes. Columns are preserved: removed comments never shift later text.

import { decodeEscape } from '../expr';
import { AsmError } from '../ir';

/** One physical line of a file (after the C preprocessor for .S files). */
export interface SrcLine {
  text: string;
  file: string;
  line: number;
}

/** One statement: its text and where its first character is (col 1-based). */
export interface StmtLine {
  text: string;
  file: string;
  line: number;
  col: number;
}

/** Skips a GAS character constant `'c`, `'\n`, `'c'` starting at the quote; returns the index after it. */
function skipCharConst(s: string, i: number): number {
  i++;
  if (s[i] === '\\') i += 2;
  else i++;
  if (s[i] === "'") i++;
  return Math.min(i, s.length);
}

/** Index just after the string that starts at the `"` at `i` (or the end of line if unterminated). */
export function skipString(s: string, i: number): number {
  i++;
  while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, s.length);
}

/**
 * Removes comments: `#` to end of line outside strings and `/* ... *\/` (possibly spanning lines).
 * Block comments inside a line become spaces so columns keep their meaning.
 */
export function stripComments(lines: SrcLine[]): SrcLine[] {
  let inBlock = false;
  return lines.map((l) => {
    const s = l.text;
    let out = '';
    let i = 0;
    while (i < s.length) {
      if (inBlock) {
        const e = s.indexOf('*/', i);
        if (e < 0) {
          out += ' '.repeat(s.length - i);
          i = s.length;
        } else {
          out += ' '.repeat(e + 2 - i);
          i = e + 2;
          inBlock = false;
        }
        continue;
      }
      const c = s[i];
      if (c === '"') {
        const e = skipString(s, i);
        out += s.slice(i, e);
        i = e;
      } else if (c === "'") {
        const e = skipCharConst(s, i);
        out += s.slice(i, e);
        i = e;
      } else if (c === '#') {
        break;
      } else if (c === '/' && s[i + 1] === '*') {
        inBlock = true;
        out += '  ';
        i += 2;
      } else {
        out += c;
        i++;
      }
    }
    return { ...l, text: out.replace(/\s+$/, '') };
  });
}

/** Splits a (comment-free) line into statements at `;` outside strings and character constants. */
export function splitStatements(l: SrcLine): StmtLine[] {
  const out: StmtLine[] = [];
  const s = l.text;
  let start = 0;
  let i = 0;
  const push = (end: number): void => {
    const part = s.slice(start, end);
    const lead = part.length - part.trimStart().length;
    const text = part.trim();
    if (text !== '') out.push({ text, file: l.file, line: l.line, col: start + lead + 1 });
  };
  while (i < s.length) {
    const c = s[i];
    if (c === '"') i = skipString(s, i);
    else if (c === "'") i = skipCharConst(s, i);
    else if (c === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(s.length);
  return out;
}

export interface Piece {
  text: string;
  /** Offset of the trimmed text in the string that was split. */
  off: number;
}

/** Splits at top-level commas (outside strings, character constants and parentheses/brackets). */
export function splitCommas(s: string, base = 0): Piece[] {
  const out: Piece[] = [];
  let depth = 0;
  let start = 0;
  const push = (end: number): void => {
    const part = s.slice(start, end);
    const lead = part.length - part.trimStart().length;
    out.push({ text: part.trim(), off: base + start + lead });
  };
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '"') {
      i = skipString(s, i);
      continue;
    }
    if (c === "'") {
      i = skipCharConst(s, i);
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      push(i);
      start = i + 1;
    }
    i++;
  }
  push(s.length);
  return out;
}

export const IDENT = /^[A-Za-z_.$][A-Za-z0-9_.$@]*/;

/**
 * Reads a GAS string starting at the `"` at `pos`; returns its bytes and the index after it.
 * Throws AsmError with `offset` (index in s) when it is not a string or is unterminated.
 */
export function readString(s: string, pos: number): { bytes: number[]; end: number } {
  if (s[pos] !== '"') throw new StringError('expected string', pos);
  const bytes: number[] = [];
  let i = pos + 1;
  for (;;) {
    if (i >= s.length) throw new StringError('unterminated string', pos);
    const c = s[i];
    if (c === '"') return { bytes, end: i + 1 };
    if (c === '\\') {
      if (i + 1 >= s.length) throw new StringError('unterminated string', pos);
      try {
        const r = decodeEscape(s, i + 1);
        bytes.push(r.value);
        i = r.next;
      } catch {
        throw new StringError('bad escape in string', i);
      }
      continue;
    }
    const code = s.charCodeAt(i);
    // Sources are read as latin1, so every char is one byte; anything wider goes out as UTF-8.
    if (code < 256) bytes.push(code);
    else bytes.push(...Buffer.from(c, 'utf8'));
    i++;
  }
}

/** A string problem at an offset of the text being read; the caller turns it into a located AsmError. */
export class StringError extends AsmError {
  constructor(message: string, public readonly offset: number) {
    super(message);
  }
}
