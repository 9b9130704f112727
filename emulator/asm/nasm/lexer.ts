// NASM source lines and preprocessor tokens: joins `\` continuations, strips `;` comments
// (never inside '...', "..." or `...` strings) and splits a line into tokens that keep their
// exact text, so macro expansion can rebuild the line and columns stay close to the source.

export type TokKind = 'space' | 'id' | 'num' | 'str' | 'pct' | 'op';

export interface Token {
  kind: TokKind;
  text: string;
  /** 0-based offset in the line the token came from. */
  pos: number;
}

/** One physical-or-joined source line: its text without the comment and its 1-based line number. */
export interface RawLine {
  text: string;
  line: number;
  /** Set when a string on the line is not closed (NASM warns, then usually fails to parse). */
  openQuote?: string;
}

const ID_START = /[A-Za-z_.?@$#~]/;
const ID_CHAR = /[A-Za-z0-9_.?@$#~]/;

/** End of the string starting at `i` (offset after the closing quote), or -1 if it is not closed. */
export function stringEnd(s: string, i: number): number {
  const q = s[i];
  let j = i + 1;
  while (j < s.length) {
    if (q === '`' && s[j] === '\\') {
      j += 2;
      continue;
    }
    if (s[j] === q) return j + 1;
    j++;
  }
  return -1;
}

/** Offset of the `;` that starts the comment, or the line length. */
export function commentStart(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ';') return i;
    if (c === '"' || c === "'" || c === '`') {
      const e = stringEnd(s, i);
      if (e < 0) return s.length;
      i = e - 1;
    }
  }
  return s.length;
}

/** Splits a file into lines: continuations joined (before comments, as NASM does), comments removed. */
export function splitLines(text: string): RawLine[] {
  const phys = text.split(/\r?\n/);
  if (phys.length > 0 && phys[phys.length - 1] === '') phys.pop();
  const out: RawLine[] = [];
  for (let i = 0; i < phys.length; i++) {
    const line = i + 1;
    let t = phys[i];
    while (/\\\s*$/.test(t) && i + 1 < phys.length) t = t.replace(/\\\s*$/, '') + phys[++i];
    t = t.replace(/\\\s*$/, '');
    const c = commentStart(t);
    const r: RawLine = { text: t.slice(0, c).replace(/\s+$/, ''), line };
    const q = openQuote(r.text);
    if (q) r.openQuote = q;
    out.push(r);
  }
  return out;
}

/** The quote character of a string that is not closed on this (comment-free) line. */
export function openQuote(s: string): string | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'" || c === '`') {
      const e = stringEnd(s, i);
      if (e < 0) return c;
      i = e - 1;
    }
  }
  return undefined;
}

/** Tokenizes a comment-free line. Never throws: an unclosed string runs to the end of the line. */
export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    const start = i;
    let kind: TokKind;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      while (i < s.length && /[ \t\r\f\v]/.test(s[i])) i++;
      kind = 'space';
    } else if (c === '"' || c === "'" || c === '`') {
      const e = stringEnd(s, i);
      i = e < 0 ? s.length : e;
      kind = 'str';
    } else if (c === '%') {
      i = pctEnd(s, i);
      kind = 'pct';
    } else if (/[0-9]/.test(c)) {
      i++;
      while (i < s.length) {
        if (/[0-9A-Za-z_.]/.test(s[i])) i++;
        // Exponent signs belong to float constants (`1.5e-3`, `0x1p+4`).
        else if ((s[i] === '+' || s[i] === '-') && expSign(s.slice(start, i))) i++;
        else break;
      }
      kind = 'num';
    } else if (ID_START.test(c)) {
      i++;
      while (i < s.length && ID_CHAR.test(s[i])) i++;
      kind = 'id';
    } else {
      i++;
      kind = 'op';
    }
    out.push({ kind, text: s.slice(start, i), pos: start });
  }
  return out;
}

/** A sign after `e` in a decimal number or after `p` in a hex one is an exponent's. */
function expSign(sofar: string): boolean {
  const hex = /^0[xh]/i.test(sofar);
  return hex ? /[pP]$/.test(sofar) : /^[0-9_]*(\.[0-9_]*)?[eE]$/.test(sofar);
}

/** End of a `%` token: `%define`, `%1`, `%-1`, `%%x`, `%$x`, `%{1}`, `%[...]`, `%+`, `%?`, `%??`, `%0`, `%00`. */
function pctEnd(s: string, i: number): number {
  let j = i + 1;
  const c = s[j];
  if (c === undefined) return j;
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    let depth = 0;
    for (; j < s.length; j++) {
      if (s[j] === c) depth++;
      else if (s[j] === close && --depth === 0) return j + 1;
    }
    return s.length;
  }
  if (c === '+' && !/[0-9]/.test(s[j + 1] ?? '')) return j + 1;
  if (c === '?') return s[j + 1] === '?' ? j + 2 : j + 1;
  if (c === '%' || c === '$' || c === '!') {
    j++;
    while (s[j] === '$') j++;
  } else if (c === '-' || c === '+') {
    j++;
  }
  while (j < s.length && ID_CHAR.test(s[j])) j++;
  return j;
}

/** Splits `a, {b, c}, (d, e)` at top-level commas; braces group (and are removed), parentheses nest. */
export function splitArgs(text: string, stripBraces = true): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      const e = stringEnd(text, i);
      const end = e < 0 ? text.length : e;
      cur += text.slice(i, end);
      i = end - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((a) => {
    const t = a.trim();
    return stripBraces && t.startsWith('{') && t.endsWith('}') ? t.slice(1, -1) : t;
  });
}

export function skipSpace(s: string, p: number): number {
  while (p < s.length && (s[p] === ' ' || s[p] === '\t')) p++;
  return p;
}
