// The NASM preprocessor directives that only touch the macro table (%define and its family,
// %assign, %strlen, %substr, %defstr, %undef), %macro headers, and the preprocessor's own
// expression evaluation (%if, %assign, %rep), which knows constants but no addresses.

import { ExprError, parseWholeExpr, symbolsOf, tryConst } from '../expr';
import { stringEnd } from './lexer';
import { MMacro, MacroTable, PpError, SrcLine } from './macros';
import { decodeNasmString } from './strings';

export interface DefineEnv {
  expand(text: string): string;
  constant(name: string): bigint | undefined;
}

const NAME = /^\s*([A-Za-z_.?@$][\w.?@$#~]*)/;

/** Handles %define-like directives; false when `name` is none of them. */
export function defineDirective(name: string, rest: string, raw: SrcLine, table: MacroTable, env: DefineEnv): boolean {
  const d = name.slice(1);
  const m = rest.match(NAME);
  const needName = (): string => {
    if (!m) throw new PpError(`\`${name}' expects a macro identifier`);
    return m[1];
  };
  const after = m ? rest.slice(m[0].length) : '';
  switch (d) {
    case 'define':
    case 'idefine':
    case 'xdefine':
    case 'ixdefine': {
      const id = needName();
      let params: string[] | undefined;
      let body = after;
      // Parameters only when `(` follows the name directly: `%define f(x)`, not `%define f (x)`.
      if (after.startsWith('(')) {
        const close = after.indexOf(')');
        if (close < 0) throw new PpError(`parameter identifier expected`);
        params = after.slice(1, close).split(',').map((p) => p.trim()).filter((p) => p !== '');
        body = after.slice(close + 1);
      }
      body = body.trim();
      if (d.endsWith('xdefine')) body = env.expand(body);
      table.define({ name: id, ci: d.startsWith('i'), params, body });
      return true;
    }
    case 'undef':
      table.undef(needName());
      return true;
    case 'assign':
    case 'iassign': {
      const id = needName();
      const v = evalPpExpr(env.expand(after), env.constant, name);
      table.define({ name: id, ci: d === 'iassign', body: String(v) });
      return true;
    }
    case 'defstr':
    case 'idefstr': {
      const id = needName();
      table.define({ name: id, ci: d === 'idefstr', body: quote(env.expand(after).trim()) });
      return true;
    }
    case 'strlen': {
      const id = needName();
      const s = stringArg(env.expand(after).trim(), name);
      table.define({ name: id, ci: false, body: String(s.length) });
      return true;
    }
    case 'substr': {
      const id = needName();
      const text = env.expand(after).trim();
      const e = /^["'`]/.test(text) ? stringEnd(text, 0) : -1;
      if (e < 0) throw new PpError(`\`%substr' requires a string as second parameter`);
      const s = stringArg(text.slice(0, e), name);
      const nums = text.slice(e).split(',').filter((x) => x.trim() !== '').map((x) => Number(evalPpExpr(x, env.constant, name)));
      const start = (nums[0] ?? 1) - 1;
      const len = nums[1] === undefined ? 1 : nums[1] < 0 ? s.length - start + nums[1] + 1 : nums[1];
      table.define({ name: id, ci: false, body: quote(s.slice(Math.max(0, start), Math.max(0, start) + Math.max(0, len))) });
      return true;
    }
    case 'push':
    case 'pop':
    case 'repl':
    case 'arg':
    case 'local':
    case 'stacksize':
      // Context-stack directives are accepted; `%$name` locals are not supported yet.
      void raw;
      return true;
    default:
      return false;
  }
}

function stringArg(text: string, directive: string): string {
  if (!/^["'`]/.test(text) || stringEnd(text, 0) !== text.length) throw new PpError(`\`${directive}' requires string as second parameter`);
  return String.fromCharCode(...decodeNasmString(text));
}

function quote(s: string): string {
  if (!s.includes("'")) return `'${s}'`;
  if (!s.includes('"')) return `"${s}"`;
  return '`' + s.replace(/[\\`]/g, (c) => '\\' + c) + '`';
}

/** The text of a `%error` message: a lone string loses its quotes. */
export function ppStringValue(text: string): string {
  if (/^["'`]/.test(text) && stringEnd(text, 0) === text.length) return String.fromCharCode(...decodeNasmString(text));
  return text;
}

/** Evaluates a preprocessor expression to a constant; `=` means `==` there, as in NASM. */
export function evalPpExpr(text: string, constant: (n: string) => bigint | undefined, directive: string): bigint {
  const t = text.replace(/([^=!<>])=(?!=)/g, '$1==').replace(/\^\^/g, '!=').replace(/\/\//g, '/');
  if (t.trim() === '') throw new PpError(`\`${directive}': expression expected`);
  let e;
  try {
    e = parseWholeExpr(t, 'nasm');
  } catch (err) {
    if (err instanceof ExprError) throw new PpError('expression syntax error');
    throw err;
  }
  const v = tryConst(e, constant);
  if (v !== undefined) return v;
  const unknown = symbolsOf(e).find((n) => constant(n) === undefined);
  if (unknown) throw new PpError(`symbol \`${unknown}' not defined before use`);
  throw new PpError(`non-constant value given to \`${directive}'`);
}

/** Parses `name n`, `name n-m`, `name n-*`, `name n+`, `.nolist`, then default parameters. */
export function parseMacroHeader(text: string, ci: boolean): Omit<MMacro, 'body'> | undefined {
  const m = text.match(/^\s*([A-Za-z_.?@$][\w.?@$#~]*)\s+([0-9]+)(?:\s*-\s*([0-9]+|\*))?(\+)?(?:\s*\.nolist)?\s*(.*)$/i);
  if (!m) {
    const bare = text.match(/^\s*([A-Za-z_.?@$][\w.?@$#~]*)\s*$/);
    return bare ? { name: bare[1], ci, min: 0, max: 0, greedy: false, defaults: [] } : undefined;
  }
  const min = Number(m[2]);
  const max = m[3] === undefined ? min : m[3] === '*' ? Infinity : Math.max(min, Number(m[3]));
  const defaults = m[5].trim() === '' ? [] : m[5].split(',').map((s) => s.trim());
  return { name: m[1], ci, min, max, greedy: m[4] === '+', defaults };
}
