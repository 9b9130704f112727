// NASM string constants: '...' and "..." are taken literally; `...` (backquotes) understands
// C-style escapes, \xHH, octal, and \u / \U code points stored as UTF-8.

/** Bytes of a quoted NASM string, quotes included in `text`; an unclosed string runs to the end. */
export function decodeNasmString(text: string): number[] {
  const q = text[0];
  const closed = text.length >= 2 && text[text.length - 1] === q && !(q === '`' && escapedEnd(text));
  const body = closed ? text.slice(1, -1) : text.slice(1);
  if (q !== '`') return latin1(body);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out.push(...latin1(c));
      continue;
    }
    const e = body[++i];
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, e: 27, '\\': 92, '"': 34, "'": 39, '`': 96, '?': 63, '0': 0 };
    if (/[0-7]/.test(e)) {
      let j = i;
      let v = 0;
      while (j < body.length && j < i + 3 && /[0-7]/.test(body[j])) v = v * 8 + Number(body[j++]);
      out.push(v & 0xff);
      i = j - 1;
    } else if (e === 'x') {
      let j = i + 1;
      let v = 0;
      while (j < body.length && j < i + 3 && /[0-9a-fA-F]/.test(body[j])) v = v * 16 + parseInt(body[j++], 16);
      out.push(v);
      i = j - 1;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (/^[0-9a-fA-F]+$/.test(hex) && hex.length === n) {
        out.push(...Buffer.from(String.fromCodePoint(Math.min(parseInt(hex, 16), 0x10ffff)), 'utf8'));
        i += n;
      } else {
        out.push(e.charCodeAt(0));
      }
    } else if (e in simple) {
      out.push(simple[e]);
    } else {
      out.push(...latin1(e));
    }
  }
  return out;
}

/** Whether the final backquote of `text` is escaped (then the string is not closed). */
function escapedEnd(text: string): boolean {
  let n = 0;
  for (let i = text.length - 2; i > 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** Source text is read as Latin-1 by the driver, so each char is one byte. */
function latin1(s: string): number[] {
  return [...Buffer.from(s, 'latin1')];
}
