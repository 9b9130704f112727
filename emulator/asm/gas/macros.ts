// GAS macros and loops as text: `.macro` headers (`a`, `a=default`, `a:req`, `a:vararg`),
// argument lists at a call (commas or spaces, `name=value`, quoted strings), and substitution
// of `\arg`, `\()` and `\@` in body lines. The parser decides when to expand; this only rewrites text.

import { AsmError } from '../ir';
import { StmtLine, skipString } from './scan';

export interface MacroParam {
  name: string;
  def?: string;
  req: boolean;
  vararg: boolean;
}

export interface MacroDef {
  name: string;
  params: MacroParam[];
  body: StmtLine[];
}

/** GAS's scrubber drops blanks next to operators: `1 + 2` is one argument `1+2`, `a b` are two. */
function squeeze(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    if (s[i] === '"') {
      const e = skipString(s, i);
      out += s.slice(i, e);
      i = e;
    } else if (/\s/.test(s[i])) {
      let j = i;
      while (j < s.length && /\s/.test(s[j])) j++;
      const prev = out[out.length - 1] ?? '';
      const next = s[j] ?? '';
      if (prev !== '' && next !== '' && !/[+\-*/%&|^<>=!~,]/.test(prev) && !/[+*/%&|^<>=!~,]/.test(next)) out += ' ';
      i = j;
    } else out += s[i++];
  }
  return out;
}

export interface ArgToken {
  text: string;
  /** The separator that followed it: ',' or ' ' ('' at the end). */
  sep: string;
}

/** Splits call arguments at commas and blanks, outside strings; `a,,b` keeps the empty middle one. */
export function tokenizeArgs(text: string): ArgToken[] {
  const s = squeeze(text.trim());
  const out: ArgToken[] = [];
  if (s === '') return out;
  let cur = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '"') {
      const e = skipString(s, i);
      cur += s.slice(i, e);
      i = e;
    } else if (c === ',' || c === ' ') {
      out.push({ text: cur, sep: c });
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  out.push({ text: cur, sep: '' });
  return out;
}

/** An argument's value: a whole quoted string loses its quotes (and `\"` becomes `"`), as in GAS. */
function argValue(t: string): string {
  if (t.length >= 2 && t[0] === '"' && skipString(t, 0) === t.length && t.endsWith('"')) return t.slice(1, -1).replace(/\\"/g, '"');
  return t;
}

/** Parses the text after `.macro`: the name and its parameters. */
export function parseMacroHeader(text: string): { name: string; params: MacroParam[] } {
  const toks = tokenizeArgs(text.replace(/\s*=\s*/g, '=').replace(/\s*:\s*(req|vararg)\b/g, ':$1'));
  if (toks.length === 0 || toks[0].text === '') throw new AsmError('.macro: missing name');
  const name = toks[0].text;
  if (!/^[A-Za-z_.$][A-Za-z0-9_.$@]*$/.test(name)) throw new AsmError(`.macro: bad name \`${name}'`);
  const params: MacroParam[] = [];
  for (const t of toks.slice(1)) {
    if (t.text === '') continue;
    const m = t.text.match(/^([A-Za-z_.$][A-Za-z0-9_.$]*)(?::(req|vararg))?(?:=(.*))?$/s);
    if (!m) throw new AsmError(`bad formal parameter \`${t.text}' in macro \`${name}'`);
    if (params.some((p) => p.name === m[1])) throw new AsmError(`\`${m[1]}' is already a formal parameter of macro \`${name}'`);
    if (params.length && params[params.length - 1].vararg) throw new AsmError(`vararg parameter \`${params[params.length - 1].name}' must be the last one`);
    params.push({ name: m[1], req: m[2] === 'req', vararg: m[2] === 'vararg', def: m[3] === undefined ? undefined : argValue(m[3]) });
  }
  return { name, params };
}

/** Binds call arguments to a macro's parameters; throws AsmError with GAS's messages. */
export function bindArgs(def: MacroDef, text: string): Map<string, string> {
  const values = new Map<string, string>();
  const toks = tokenizeArgs(text);
  let pos = 0;
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    const kw = t.text.match(/^([A-Za-z_.$][A-Za-z0-9_.$]*)=(.*)$/s);
    if (kw && def.params.some((p) => p.name === kw[1])) {
      values.set(kw[1], argValue(kw[2]));
      continue;
    }
    if (kw && !def.params.some((p) => p.vararg)) throw new AsmError(`Parameter named \`${kw[1]}' does not exist for macro \`${def.name}'`);
    // Positional: skip parameters already given by keyword.
    while (pos < def.params.length && values.has(def.params[pos].name)) pos++;
    const p = def.params[pos];
    if (!p) {
      if (toks.length === 1 && t.text === '') break;
      throw new AsmError(`too many positional arguments`);
    }
    if (p.vararg) {
      // The rest of the line, with its separators, is the last argument.
      let rest = '';
      for (let j = k; j < toks.length; j++) rest += toks[j].text + (j + 1 < toks.length ? toks[j].sep : '');
      values.set(p.name, rest);
      break;
    }
    if (t.text !== '') values.set(p.name, argValue(t.text));
    pos++;
  }
  for (const p of def.params) {
    const v = values.get(p.name);
    if (v === undefined || v === '') {
      if (p.req) throw new AsmError(`Missing value for required parameter \`${p.name}' of macro \`${def.name}'`);
      values.set(p.name, p.def ?? '');
    }
  }
  return values;
}

/** Replaces `\name`, `\()` and `\@` in one body line. Unknown `\word` stays as written. */
export function substitute(text: string, values: Map<string, string>, counter: number): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === "'" && text[i + 1] === '\\') {
      // `'\c` is a character constant (the letter c), never an argument reference: GNU as does the same.
      out += text.slice(i, i + 3);
      i += 3;
      continue;
    }
    if (text[i] !== '\\') {
      out += text[i++];
      continue;
    }
    const rest = text.slice(i + 1);
    if (rest.startsWith('()')) {
      i += 3;
      continue;
    }
    if (rest[0] === '@') {
      out += String(counter);
      i += 2;
      continue;
    }
    const m = rest.match(/^[A-Za-z_.$][A-Za-z0-9_.$]*/);
    if (m && values.has(m[0])) {
      out += values.get(m[0]);
      i += 1 + m[0].length;
      continue;
    }
    // `\\` and escapes like `\n` are copied whole so a later `\` is not misread.
    out += text.slice(i, i + 2);
    i += 2;
  }
  return out;
}

/** The iteration values of `.irp sym, a, b` (one empty iteration when there are none). */
export function irpValues(text: string): string[] {
  const toks = tokenizeArgs(text);
  return toks.length === 0 ? [''] : toks.map((t) => argValue(t.text));
}
