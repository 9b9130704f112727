// NASM macro tables and the two kinds of expansion: single-line macros (%define, expanded
// wherever their name appears, rescanned, never into themselves) and the parameter substitution
// of multi-line macro bodies (%1, %{1}, %0, %00, %%label, %?).

import { Token, tokenize } from './lexer';

/** Thrown for a problem that makes the current line unusable; caught per line by the preprocessor. */
export class PpError extends Error {}

export interface SMacro {
  name: string;
  /** %idefine / %iassign: matched whatever the case. */
  ci: boolean;
  /** Parameter names, or undefined for a macro without parentheses. */
  params?: string[];
  body: string;
}

export interface SrcLine {
  text: string;
  file: string;
  line: number;
}

export interface MMacro {
  name: string;
  ci: boolean;
  min: number;
  /** Largest parameter count accepted (Infinity for `n-*`). */
  max: number;
  /** `n+`: the last parameter takes the rest of the line, commas included. */
  greedy: boolean;
  defaults: string[];
  body: SrcLine[];
  /** %rmacro: may call itself; other macros are not expanded inside their own expansion. */
  recursive?: boolean;
}

/** Tokens one line may expand to: `%define a b b` chains grow exponentially. */
const MAX_EXPANSION = 100000;
const MAX_DEPTH = 100;

export class MacroTable {
  private readonly exact = new Map<string, SMacro[]>();
  private readonly folded = new Map<string, SMacro[]>();
  private readonly multi = new Map<string, MMacro[]>();

  define(m: SMacro): void {
    const map = m.ci ? this.folded : this.exact;
    const key = m.ci ? m.name.toLowerCase() : m.name;
    const list = (map.get(key) ?? []).filter((o) => (o.params?.length ?? -1) !== (m.params?.length ?? -1));
    list.push(m);
    map.set(key, list);
  }

  undef(name: string): void {
    this.exact.delete(name);
    this.folded.delete(name.toLowerCase());
  }

  /** All single-line macros of that name (exact case first, then case-insensitive ones). */
  lookup(name: string): SMacro[] {
    return [...(this.exact.get(name) ?? []), ...(this.folded.get(name.toLowerCase()) ?? [])];
  }

  isDefined(name: string): boolean {
    return this.lookup(name).length > 0;
  }

  defineMulti(m: MMacro): void {
    const key = m.name.toLowerCase();
    const list = (this.multi.get(key) ?? []).filter((o) => !(o.min === m.min && o.max === m.max && o.name === m.name));
    list.push(m);
    this.multi.set(key, list);
  }

  undefMulti(name: string): void {
    this.multi.delete(name.toLowerCase());
  }

  /** Multi-line macros that answer to `name` (case-sensitive unless defined by %imacro). */
  multiNamed(name: string): MMacro[] {
    return (this.multi.get(name.toLowerCase()) ?? []).filter((m) => m.ci || m.name === name);
  }
}

/** Values of built-in macros, by name (`__?LINE?__` and its old spelling `__LINE__`). */
export type Builtins = (name: string) => string | undefined;

/**
 * Expands single-line macros in `text`. Unknown names and macros called with the wrong number of
 * arguments are left as they are (`warn` reports the latter, as NASM does).
 */
export function expandSingle(text: string, table: MacroTable, builtins: Builtins, warn: (msg: string) => void): string {
  const out = expandTokens(tokenize(text), table, builtins, warn, new Set(), 0, { left: MAX_EXPANSION });
  // `%+` pastes its neighbours into one token.
  return out.includes('%+') ? out.replace(/\s*%\+\s*/g, '') : out;
}

function expandTokens(toks: Token[], table: MacroTable, builtins: Builtins, warn: (msg: string) => void, active: Set<SMacro>, depth: number, budget: { left: number }): string {
  let out = '';
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (--budget.left < 0) throw new PpError('macro expansion too long');
    if (t.kind === 'pct' && t.text.startsWith('%[')) {
      // `%[...]` expands its contents now, so they can be pasted to neighbouring text.
      out += expandTokens(tokenize(t.text.slice(2, -1)), table, builtins, warn, active, depth + 1, budget);
      continue;
    }
    if (t.kind !== 'id') {
      out += t.text;
      continue;
    }
    const b = builtins(t.text);
    if (b !== undefined) {
      out += b;
      continue;
    }
    const cands = table.lookup(t.text).filter((m) => !active.has(m));
    if (cands.length === 0 || depth >= MAX_DEPTH) {
      out += t.text;
      continue;
    }
    let j = i + 1;
    while (j < toks.length && toks[j].kind === 'space') j++;
    const call = toks[j]?.text === '(' ? readCall(toks, j) : undefined;
    let m: SMacro | undefined;
    let args: string[] = [];
    if (call) {
      m = cands.find((c) => c.params?.length === call.args.length);
      if (m) args = call.args;
      else if (cands.some((c) => c.params)) warn(`single-line macro \`${t.text}' exists, but not taking ${call.args.length} parameters`);
    }
    if (!m) m = cands.find((c) => !c.params);
    if (!m) {
      out += t.text;
      continue;
    }
    if (m.params && call) i = call.end;
    const body = m.params ? substituteParams(m.body, m.params, args) : m.body;
    const inner = new Set(active);
    inner.add(m);
    out += expandTokens(tokenize(body), table, builtins, warn, inner, depth + 1, budget);
  }
  return out;
}

/** Reads `(a, b)` starting at the `(` token; undefined if it is not closed. */
function readCall(toks: Token[], open: number): { args: string[]; end: number } | undefined {
  let depth = 0;
  const args: string[] = [];
  let cur = '';
  for (let k = open; k < toks.length; k++) {
    const x = toks[k].text;
    if (x === '(' || x === '{' || x === '[') {
      depth++;
      if (depth === 1 && x === '(') continue;
    } else if (x === ')' || x === '}' || x === ']') {
      depth--;
      if (depth === 0) {
        args.push(cur.trim());
        return { args: args.length === 1 && args[0] === '' ? [] : args.map(unbrace), end: k };
      }
    } else if (x === ',' && depth === 1) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    cur += x;
  }
  return undefined;
}

const unbrace = (a: string): string => (a.startsWith('{') && a.endsWith('}') ? a.slice(1, -1) : a);

function substituteParams(body: string, params: string[], args: string[]): string {
  return tokenize(body)
    .map((t) => {
      if (t.kind !== 'id') return t.text;
      const k = params.indexOf(t.text);
      return k >= 0 ? args[k] ?? '' : t.text;
    })
    .join('');
}

/** What a multi-line macro body sees of one expansion. */
export interface Invocation {
  macro: MMacro;
  /** Name as written at the call. */
  calledAs: string;
  params: string[];
  label: string;
  /** Unique number of this expansion, for `%%label`. */
  uid: number;
}

/** Replaces %1, %{1}, %0, %00, %%x, %? and %?? in one body line. */
export function substituteBody(text: string, inv: Invocation): string {
  if (!text.includes('%')) return text;
  return tokenize(text)
    .map((t) => {
      if (t.kind !== 'pct') return t.text;
      const s = t.text;
      let m: RegExpMatchArray | null;
      if (s === '%00') return inv.label;
      if ((m = s.match(/^%(?:\{([0-9]+)\}|([0-9]+))$/))) {
        const n = Number(m[1] ?? m[2]);
        return n === 0 ? String(inv.params.length) : inv.params[n - 1] ?? '';
      }
      if (s.startsWith('%%')) return `..@${inv.uid}.${s.slice(2)}`;
      if (s === '%?') return inv.calledAs;
      if (s === '%??') return inv.macro.name;
      return s;
    })
    .join('');
}

/** Whether a body uses `%00` (then the call's label is not defined automatically). */
export function usesLabelParam(m: MMacro): boolean {
  return m.body.some((l) => l.text.includes('%00'));
}
