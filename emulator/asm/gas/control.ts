// GAS directives that steer reading rather than emit bytes: conditionals (.if family, .else,
// .elseif, .endif), .macro/.endm/.exitm/.purgem, loops (.rept .irp .irpc/.endr), .include,
// and messages (.err .error .warning .print .end).

import { AsmError } from '../ir';
import type { DirArgs } from './directives';
import { irpValues, parseMacroHeader, substitute } from './macros';
import type { GasParser } from './parser';
import { StmtLine, readString, splitCommas } from './scan';

type Handler = (p: GasParser, a: DirArgs) => void;

const MAX_REPEAT = 1_000_000;

function warn(p: GasParser, a: DirArgs, message: string): void {
  p.diagnostics.push({ loc: p.here(a), severity: 'warning', message });
}

/** Pushes a conditional; evaluation errors are reported after the push so `.endif` still matches. */
function openIf(test: (p: GasParser, a: DirArgs) => boolean): Handler {
  return (p, a) => {
    const loc = p.here(a);
    if (!p.active) {
      p.conds.push({ active: false, taken: true, sawElse: false, loc });
      return;
    }
    let v = false;
    let err: unknown;
    try {
      v = test(p, a);
    } catch (e) {
      err = e;
    }
    p.conds.push({ active: v, taken: v, sawElse: false, loc });
    if (err) throw err;
  };
}

const ifConst = (pred: (v: bigint) => boolean) =>
  openIf((p, a) => pred(p.constant(a, a.text, 0, `non-constant expression in "${a.name}" statement`)));

function symbolArg(p: GasParser, a: DirArgs): string {
  const m = /^[A-Za-z_.$][A-Za-z0-9_.$@]*$/.exec(a.text);
  if (!m) p.fail(a, 0, 'invalid identifier for ".ifdef"');
  return m[0];
}

/** `.ifc` operands: split at the first comma; single quotes may enclose one. */
function ifcOperands(text: string): [string, string] {
  const i = text.indexOf(',');
  const strip = (s: string): string => {
    const t = s.trim();
    return t.length >= 2 && t.startsWith("'") && t.endsWith("'") ? t.slice(1, -1) : t;
  };
  return i < 0 ? [strip(text), ''] : [strip(text.slice(0, i)), strip(text.slice(i + 1))];
}

function ifeqs(p: GasParser, a: DirArgs): boolean {
  const ps = splitCommas(a.text);
  if (ps.length !== 2) p.fail(a, 0, 'expected two strings');
  const str = (i: number): string => {
    try {
      return String.fromCharCode(...readString(ps[i].text, 0).bytes);
    } catch {
      return p.fail(a, ps[i].off, 'expected string');
    }
  };
  return str(0) === str(1);
}

function elseDir(p: GasParser, a: DirArgs): void {
  const c = p.conds[p.conds.length - 1];
  if (!c) p.failHere(a, `"${a.name}" without matching ".if"`);
  if (c.sawElse) p.failHere(a, `"${a.name}" after ".else"`);
  const parentActive = p.conds.length < 2 || p.conds[p.conds.length - 2].active;
  let v = parentActive && !c.taken;
  if (v && a.name === '.elseif') {
    try {
      v = p.constant(a, a.text, 0, 'non-constant expression in ".elseif" statement') !== 0n;
    } finally {
      c.active = false;
    }
  }
  c.active = v;
  c.taken ||= v;
  c.sawElse = a.name === '.else';
}

function endif(p: GasParser, a: DirArgs): void {
  if (!p.conds.pop()) p.failHere(a, '".endif" without ".if"');
}

function macro(p: GasParser, a: DirArgs): void {
  let header: ReturnType<typeof parseMacroHeader> | undefined;
  let err: unknown;
  try {
    header = parseMacroHeader(a.text);
  } catch (e) {
    err = e instanceof AsmError ? new AsmError(e.message, p.locAt(a, 0)) : e;
  }
  // The body is collected even after an error, so it is not run as plain statements.
  p.startCollect('macro', a.st, (body) => {
    if (!header) return;
    const key = header.name.toLowerCase();
    if (p.macros.has(key)) p.diagnostics.push({ loc: p.here(a), severity: 'error', message: `Macro \`${header.name}' was already defined` });
    else p.macros.set(key, { ...header, body });
  });
  if (err) throw err;
}

/** Starts a loop body; `iterations` (computed now) says how many and what each one substitutes. */
function loop(p: GasParser, a: DirArgs, iterations: () => { count: number; values?: Map<string, string>[] }): void {
  let it: { count: number; values?: Map<string, string>[] } = { count: 0 };
  let err: unknown;
  try {
    it = iterations();
  } catch (e) {
    err = e;
  }
  p.startCollect('loop', a.st, (body) => {
    p.pushLoop((k) => {
      if (k >= it.count) return undefined;
      const vals = it.values?.[k];
      if (!vals) return body;
      return body.map((l): StmtLine => ({ ...l, text: substitute(l.text, vals, p.macroCounter) }));
    });
  });
  if (err) throw err;
}

function rept(p: GasParser, a: DirArgs): void {
  loop(p, a, () => {
    const n = p.constant(a, a.text, 0, 'bad or irreducible absolute expression');
    if (n < 0n) p.fail(a, 0, 'negative count for REPT - ignored');
    if (n > BigInt(MAX_REPEAT)) p.fail(a, 0, `.rept count ${n} is too large (at most ${MAX_REPEAT})`);
    return { count: Number(n) };
  });
}

function irp(chars: boolean): Handler {
  return (p, a) =>
    loop(p, a, () => {
      const m = /^([A-Za-z_.$][A-Za-z0-9_.$]*)\s*,?\s*/.exec(a.text);
      if (!m) return p.fail(a, 0, 'missing model parameter');
      const rest = a.text.slice(m[0].length);
      let vals: string[];
      if (chars) {
        const t = rest.trim();
        vals = t === '' ? [''] : [...(t.startsWith('"') && t.endsWith('"') && t.length >= 2 ? t.slice(1, -1) : t)];
      } else vals = irpValues(rest);
      return { count: vals.length, values: vals.map((v) => new Map([[m[1], v]])) };
    });
}

function include(p: GasParser, a: DirArgs): void {
  let name: string;
  try {
    name = String.fromCharCode(...readString(a.text, 0).bytes);
  } catch {
    return p.fail(a, 0, 'missing string');
  }
  const got = p.reader.read(name, a.st.file);
  if (!got) p.fail(a, 0, `can't open ${name} for reading: No such file or directory`);
  p.include(got.path, got.text);
}

/** The message of `.error "msg"` / `.warning "msg"`, or the default GNU as prints. */
function message(p: GasParser, a: DirArgs, dflt: string): string {
  if (a.text === '') return dflt;
  try {
    return String.fromCharCode(...readString(a.text, 0).bytes);
  } catch {
    return p.fail(a, 0, `${a.name} argument must be a string`);
  }
}

export const CONTROL_DIRECTIVES: [string, Handler][] = [
  ['.if', ifConst((v) => v !== 0n)], ['.ifne', ifConst((v) => v !== 0n)], ['.ifeq', ifConst((v) => v === 0n)],
  ['.ifge', ifConst((v) => v >= 0n)], ['.ifgt', ifConst((v) => v > 0n)], ['.ifle', ifConst((v) => v <= 0n)], ['.iflt', ifConst((v) => v < 0n)],
  ['.ifdef', openIf((p, a) => p.defined.has(symbolArg(p, a)))],
  ['.ifndef', openIf((p, a) => !p.defined.has(symbolArg(p, a)))], ['.ifnotdef', openIf((p, a) => !p.defined.has(symbolArg(p, a)))],
  ['.ifb', openIf((_p, a) => a.text === '')], ['.ifnb', openIf((_p, a) => a.text !== '')],
  ['.ifc', openIf((_p, a) => { const [x, y] = ifcOperands(a.text); return x === y; })],
  ['.ifnc', openIf((_p, a) => { const [x, y] = ifcOperands(a.text); return x !== y; })],
  ['.ifeqs', openIf(ifeqs)], ['.ifnes', openIf((p, a) => !ifeqs(p, a))],
  ['.else', elseDir], ['.elseif', elseDir], ['.endif', endif],
  ['.macro', macro],
  ['.endm', (p, a) => warn(p, a, '.endm encountered without preceding .macro')],
  ['.endmacro', (p, a) => warn(p, a, '.endm encountered without preceding .macro')],
  ['.exitm', (p) => p.exitMacro()],
  ['.purgem', (p, a) => { if (!p.macros.delete(a.text.toLowerCase())) p.fail(a, 0, `macro \`${a.text}' is not defined`); }],
  ['.rept', rept], ['.irp', irp(false)], ['.irpc', irp(true)],
  ['.endr', (p, a) => warn(p, a, '.endr encountered without preceding .rept, .irp, or .irpc')],
  ['.include', include],
  ['.err', (p, a) => p.failHere(a, '.err encountered')],
  ['.error', (p, a) => p.failHere(a, message(p, a, '.error directive invoked in source file'))],
  ['.warning', (p, a) => warn(p, a, message(p, a, '.warning directive invoked in source file'))],
  ['.print', () => undefined],
  ['.end', (p) => { p.ended = true; }],
];
