// A small C preprocessor for `.S` files (what `gcc -E -x assembler-with-cpp` does for them):
// #include, #define (object- and function-like, with # and ##), #undef, #if/#ifdef/#ifndef/
// #elif/#else/#endif with defined() and integer expressions. Every output line keeps the file
// and line it came from, so GAS diagnostics and the line table point at the real source.

import { parseWholeExpr, tryConst } from '../expr';
import { Diagnostic, SourceReader } from '../ir';
import { SrcLine, skipString } from './scan';

interface Macro {
  params?: string[];
  variadic?: boolean;
  body: string;
}

interface Cond {
  active: boolean;
  taken: boolean;
  sawElse: boolean;
}

const DIRECTIVES = new Set(['define', 'undef', 'include', 'if', 'ifdef', 'ifndef', 'elif', 'else', 'endif', 'error', 'warning', 'line', 'pragma', 'ident']);
const MAX_INCLUDE_DEPTH = 200;
const MAX_EXPANSION = 1 << 20;

export interface CppResult {
  lines: SrcLine[];
  diagnostics: Diagnostic[];
  includes: string[];
}

export class Preprocessor {
  private readonly macros = new Map<string, Macro>();
  private readonly out: SrcLine[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private readonly includes: string[] = [];
  private file = '';
  private line = 0;

  constructor(private readonly reader: SourceReader, bits: 32 | 64) {
    for (const n of ['__ASSEMBLER__', '__linux__', '__linux', '__ELF__', '__unix__']) this.macros.set(n, { body: '1' });
    for (const n of bits === 64 ? ['__x86_64__', '__x86_64', '__amd64__', '__LP64__'] : ['__i386__', '__i386', 'i386']) this.macros.set(n, { body: '1' });
  }

  run(file: string, text: string): CppResult {
    this.processFile(file, text, 0);
    return { lines: this.out, diagnostics: this.diagnostics, includes: this.includes };
  }

  private error(message: string, col = 1, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ loc: { file: this.file, line: this.line, col }, severity, message });
  }

  private processFile(file: string, text: string, depth: number): void {
    const logical = joinLines(text);
    const conds: Cond[] = [];
    const active = (): boolean => conds.every((c) => c.active);
    for (const { text: raw, line } of logical) {
      this.file = file;
      this.line = line;
      const m = raw.match(/^\s*#\s*([A-Za-z_]\w*)?(.*)$/);
      if (m && (m[1] === undefined || DIRECTIVES.has(m[1]))) {
        const name = m[1] ?? '';
        const rest = m[2].trim();
        const col = raw.indexOf('#') + 1;
        if (name === 'if' || name === 'ifdef' || name === 'ifndef') {
          const parent = active();
          const v = parent && (name === 'if' ? this.evalIf(rest, col) : this.macros.has(firstWord(rest)) === (name === 'ifdef'));
          conds.push({ active: v, taken: v, sawElse: false });
        } else if (name === 'elif' || name === 'else') {
          const c = conds[conds.length - 1];
          if (!c) this.error(`#${name} without #if`, col);
          else if (c.sawElse) this.error(`#${name} after #else`, col);
          else {
            conds.pop();
            const parent = active();
            conds.push(c);
            const v = parent && !c.taken && (name === 'else' || this.evalIf(rest, col));
            c.active = v;
            c.taken ||= v;
            c.sawElse = name === 'else';
          }
        } else if (name === 'endif') {
          if (!conds.pop()) this.error('#endif without #if', col);
        } else if (active()) {
          this.directive(name, rest, col, depth);
        }
        continue;
      }
      // Any other line starting with `#` is an assembler comment.
      if (/^\s*#/.test(raw) || !active()) continue;
      this.out.push({ text: this.expand(raw, new Set(), 0), file, line });
    }
    if (conds.length) {
      this.file = file;
      this.error('unterminated #if');
    }
  }

  private directive(name: string, rest: string, col: number, depth: number): void {
    switch (name) {
      case 'define': {
        const m = rest.match(/^([A-Za-z_]\w*)(\(([^)]*)\))?\s*(.*)$/);
        if (!m) return this.error('macro names must be identifiers', col);
        const macro: Macro = { body: m[4].trim() };
        if (m[2] !== undefined) {
          const ps = m[3].split(',').map((p) => p.trim()).filter((p) => p !== '');
          if (ps.length && ps[ps.length - 1].endsWith('...')) {
            macro.variadic = true;
            const last = ps.pop()!.slice(0, -3).trim();
            ps.push(last === '' ? '__VA_ARGS__' : last);
          }
          macro.params = ps;
        }
        this.macros.set(m[1], macro);
        return;
      }
      case 'undef':
        this.macros.delete(firstWord(rest));
        return;
      case 'include': {
        const expanded = /^["<]/.test(rest) ? rest : this.expand(rest, new Set(), 0).trim();
        const m = expanded.match(/^"([^"]*)"|^<([^>]*)>/);
        if (!m) return this.error('#include expects "FILENAME" or <FILENAME>', col);
        const name = m[1] ?? m[2];
        if (depth >= MAX_INCLUDE_DEPTH) return this.error(`#include nested depth ${depth} exceeds maximum of ${MAX_INCLUDE_DEPTH}`, col);
        const got = this.reader.read(name, this.file);
        if (!got) return this.error(`${name}: No such file or directory`, col);
        if (!this.includes.includes(got.path)) this.includes.push(got.path);
        const [file, line] = [this.file, this.line];
        this.processFile(got.path, got.text, depth + 1);
        [this.file, this.line] = [file, line];
        return;
      }
      case 'error':
        return this.error(`#error ${rest}`, col);
      case 'warning':
        return this.error(`#warning ${rest}`, col, 'warning');
      default:
        return; // #line, #pragma, #ident: nothing to do for an assembler
    }
  }

  private evalIf(text: string, col: number): boolean {
    // `defined X` / `defined(X)` first, before macro expansion can touch X.
    let s = text.replace(/\bdefined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))/g, (_, a, b) => (this.macros.has(a ?? b) ? '1' : '0'));
    s = this.expand(s, new Set(), 0);
    s = s.replace(/\b([A-Za-z_]\w*)\b/g, '0').replace(/\b(0x[0-9a-fA-F]+|\d+)[uUlL]+\b/g, '$1');
    if (s.trim() === '') {
      this.error('#if with no expression', col);
      return false;
    }
    try {
      const v = tryConst(parseWholeExpr(s, 'gas'), () => undefined);
      if (v !== undefined) return v !== 0n;
    } catch {
      // reported below
    }
    this.error(`invalid expression in #if: ${text}`, col);
    return false;
  }

  /** Expands macros in a line of text; `hide` holds the macros being expanded (no recursion). */
  private expand(text: string, hide: Set<string>, depth: number): string {
    if (depth > 100 || text.length > MAX_EXPANSION) return text;
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        const e = skipString(text, i);
        out += text.slice(i, e);
        i = e;
        continue;
      }
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 256));
      if (!m || (i > 0 && /[\w.]/.test(text[i - 1]))) {
        // Digits, `.Lfoo`-style names and operators pass through; identifiers inside numbers too.
        const n = m ? m[0].length : 1;
        out += text.slice(i, i + n);
        i += n;
        continue;
      }
      const name = m[0];
      i += name.length;
      const mac = this.macros.get(name);
      if (name === '__LINE__') out += String(this.line);
      else if (name === '__FILE__') out += JSON.stringify(this.file);
      else if (!mac || hide.has(name)) out += name;
      else if (!mac.params) out += this.expand(mac.body, new Set([...hide, name]), depth + 1);
      else {
        const call = readArgs(text, i);
        if (!call) {
          out += name; // a function-like macro name without `(` is just a name
          continue;
        }
        i = call.end;
        out += this.expand(this.substitute(mac, call.args, hide, depth), new Set([...hide, name]), depth + 1);
      }
    }
    return out;
  }

  private substitute(mac: Macro, args: string[], hide: Set<string>, depth: number): string {
    const params = mac.params!;
    if (mac.variadic && args.length > params.length) {
      args = [...args.slice(0, params.length - 1), args.slice(params.length - 1).join(',')];
    }
    if (args.length === 1 && args[0] === '' && params.length === 0) args = [];
    if (args.length !== params.length && !(mac.variadic && args.length === params.length - 1)) {
      this.error(`macro expects ${params.length} arguments, but ${args.length} given`);
    }
    const raw = (p: string): string => (args[params.indexOf(p)] ?? '').trim();
    const body = mac.body;
    let out = '';
    let i = 0;
    while (i < body.length) {
      const m = /^[A-Za-z_]\w*/.exec(body.slice(i));
      if (!m || (i > 0 && /[\w.]/.test(body[i - 1]))) {
        out += body[i++];
        continue;
      }
      const name = m[0];
      const end = i + name.length;
      if (!params.includes(name)) {
        out += name;
        i = end;
        continue;
      }
      const before = out.replace(/\s+$/, '');
      const pasted = before.endsWith('##') || /^\s*##/.test(body.slice(end));
      if (before.endsWith('#') && !before.endsWith('##')) {
        out = before.slice(0, -1) + JSON.stringify(raw(name));
      } else {
        out += pasted ? raw(name) : this.expand(raw(name), hide, depth + 1);
      }
      i = end;
    }
    return out.replace(/\s*##\s*/g, '');
  }
}

/** Reads `(a, b)` after a function-like macro name; undefined when no `(` follows. */
function readArgs(text: string, i: number): { args: string[]; end: number } | undefined {
  let j = i;
  while (text[j] === ' ' || text[j] === '\t') j++;
  if (text[j] !== '(') return undefined;
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (j++; j < text.length; j++) {
    const c = text[j];
    if (c === '"') {
      const e = skipString(text, j);
      cur += text.slice(j, e);
      j = e - 1;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && depth-- === 0) {
      args.push(cur);
      return { args, end: j + 1 };
    }
    if (c === ',' && depth === 0) {
      args.push(cur);
      cur = '';
    } else cur += c;
  }
  return undefined;
}

function firstWord(s: string): string {
  return s.match(/^[A-Za-z_]\w*/)?.[0] ?? '';
}

/**
 * Splits text into logical lines: backslash-newline joins lines, and C comments (`/* *\/`, `//`)
 * become spaces, as cpp does before reading directives. Each logical line keeps its first line number.
 */
function joinLines(text: string): { text: string; line: number }[] {
  const phys = text.split(/\r?\n/);
  const out: { text: string; line: number }[] = [];
  let inBlock = false;
  for (let n = 0; n < phys.length; n++) {
    const start = n;
    let s = phys[n];
    while (s.endsWith('\\') && n + 1 < phys.length) s = s.slice(0, -1) + phys[++n];
    let t = '';
    for (let i = 0; i < s.length; ) {
      if (inBlock) {
        const e = s.indexOf('*/', i);
        if (e < 0) i = s.length;
        else {
          t += ' ';
          i = e + 2;
          inBlock = false;
        }
      } else if (s[i] === '"') {
        const e = skipString(s, i);
        t += s.slice(i, e);
        i = e;
      } else if (s[i] === '/' && s[i + 1] === '*') {
        inBlock = true;
        i += 2;
      } else if (s[i] === '/' && s[i + 1] === '/') {
        break;
      } else t += s[i++];
    }
    out.push({ text: t, line: start + 1 });
  }
  return out;
}

export function preprocess(file: string, text: string, reader: SourceReader, bits: 32 | 64): CppResult {
  return new Preprocessor(reader, bits).run(file, text);
}
