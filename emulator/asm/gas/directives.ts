// The GAS directive table: sections (.text .data .bss .section .pushsection .popsection
// .previous), symbols (.globl .local .weak .type .size .set .equ .equiv), modes (.code32/64,
// .intel_syntax, .att_syntax) and what compilers emit that changes nothing in our output.
// Data and control directives come from data.ts and control.ts.

import { CONTROL_DIRECTIVES } from './control';
import { DATA_DIRECTIVES, pieces } from './data';
import type { GasParser } from './parser';
import { StmtLine, readString, skipString } from './scan';

/** A directive's arguments: the text after its name, trimmed, at offset `off` of `st.text`. */
export interface DirArgs {
  name: string;
  text: string;
  st: StmtLine;
  off: number;
}

type Handler = (p: GasParser, a: DirArgs) => void;

const SYMBOL = /^[A-Za-z_.$][A-Za-z0-9_.$@]*$/;

function setSection(p: GasParser, a: DirArgs, name: string, flags?: string, type?: string): void {
  p.previous = p.section;
  p.section = name;
  p.emit({ kind: 'section', name, flags, type, loc: p.here(a) });
}

/** `.section name[, "flags"[, @type[, ...]]]` -> its parts; the name may be quoted. */
function sectionArgs(p: GasParser, a: DirArgs): { name: string; flags?: string; type?: string } {
  const s = a.text;
  let name: string;
  let rest: string;
  if (s.startsWith('"')) {
    const e = skipString(s, 0);
    name = s.slice(1, e - 1);
    rest = s.slice(e);
  } else {
    const m = /^[^\s,]+/.exec(s);
    if (!m) p.fail(a, 0, 'missing name');
    name = m[0];
    rest = s.slice(name.length);
  }
  const ps = rest.trim() === '' ? [] : pieces({ ...a, text: rest.trim().replace(/^,\s*/, '') });
  let flags: string | undefined;
  let type: string | undefined;
  if (ps[0] && ps[0].text.startsWith('"')) {
    flags = String.fromCharCode(...readString(ps[0].text, 0).bytes);
    if (!/^[alwxMSGTRoe?d]*$/.test(flags)) p.fail(a, 0, 'bad .section directive: want a,l,w,x,M,S,G,T in string');
    const t = ps[1]?.text.replace(/^[@%"]|"$/g, '');
    if (t) {
      if (!['progbits', 'nobits', 'note', 'init_array', 'fini_array', 'preinit_array', 'unwind'].includes(t)) {
        p.diagnostics.push({ loc: p.locAt(a, 0), severity: 'warning', message: 'unrecognized section type' });
      } else type = t;
    }
  }
  return { name, flags, type };
}

function section(p: GasParser, a: DirArgs): void {
  const s = sectionArgs(p, a);
  // The GNU-stack marker only tells the linker about executable stacks: static images ignore it.
  if (s.name === '.note.GNU-stack') return;
  setSection(p, a, s.name, s.flags, s.type);
}

function pushSection(p: GasParser, a: DirArgs): void {
  const s = sectionArgs(p, a);
  p.sectionStack.push({ section: p.section, previous: p.previous });
  setSection(p, a, s.name, s.flags, s.type);
}

function popSection(p: GasParser, a: DirArgs): void {
  const top = p.sectionStack.pop();
  if (!top) p.failHere(a, '.popsection without corresponding .pushsection; ignored');
  p.section = top.section;
  p.previous = top.previous;
  p.emit({ kind: 'section', name: p.section, loc: p.here(a) });
}

function previous(p: GasParser, a: DirArgs): void {
  [p.section, p.previous] = [p.previous, p.section];
  p.emit({ kind: 'section', name: p.section, loc: p.here(a) });
}

function names(p: GasParser, a: DirArgs): string[] {
  const ps = pieces(a);
  if (ps.length === 0) p.fail(a, 0, 'expected symbol name');
  for (const x of ps) if (!SYMBOL.test(x.text)) p.fail(a, x.off, 'expected symbol name');
  return ps.map((x) => x.text);
}

function symbolList(kind: 'global' | 'local' | 'weak' | 'extern' | null): Handler {
  return (p, a) => {
    const ns = names(p, a);
    if (kind) p.emit({ kind, names: ns, loc: p.here(a) });
  };
}

/** Splits `name, rest` for .type/.size/.set; GNU as's message when the comma is missing. */
function nameAndRest(p: GasParser, a: DirArgs, missing: (name: string) => string): { name: string; rest: string; off: number } {
  const m = /^([A-Za-z_.$][A-Za-z0-9_.$@]*)\s*(,?)\s*/.exec(a.text);
  if (!m) p.fail(a, 0, a.text === '' ? 'missing name' : 'expected symbol name');
  if (m[2] !== ',') p.fail(a, m[0].length, missing(m[1]));
  return { name: m[1], rest: a.text.slice(m[0].length), off: m[0].length };
}

function type(p: GasParser, a: DirArgs): void {
  const { name, rest, off } = nameAndRest(p, a, () => 'expected comma after name in .type directive');
  const t = rest.replace(/^[@%#]|^"|"$/g, '').trim();
  const kinds: Record<string, 'function' | 'object' | 'notype'> = {
    function: 'function', STT_FUNC: 'function', gnu_indirect_function: 'function', STT_GNU_IFUNC: 'function',
    object: 'object', STT_OBJECT: 'object', tls_object: 'object', STT_TLS: 'object', common: 'object', STT_COMMON: 'object',
    notype: 'notype', STT_NOTYPE: 'notype',
  };
  const k = kinds[t];
  if (!k) p.fail(a, off, `unrecognized symbol type "${t}"`);
  p.emit({ kind: 'type', name, type: k, loc: p.here(a) });
}

function size(p: GasParser, a: DirArgs): void {
  const { name, rest, off } = nameAndRest(p, a, (n) => `expected comma after name \`${n}' in .size directive`);
  p.emit({ kind: 'size', name, expr: p.wholeExpr(a, rest, off), loc: p.here(a) });
}

function setDir(equiv: boolean): Handler {
  return (p, a) => {
    const { name, rest, off } = nameAndRest(p, a, (n) => `expected comma after "${n}"`);
    p.setSymbol(name, p.wholeExpr(a, rest, off), { ...a.st, col: a.st.col }, equiv);
  };
}

function syntax(intel: boolean): Handler {
  return (p, a) => {
    const arg = a.text.toLowerCase();
    if (arg !== '' && arg !== 'prefix' && arg !== 'noprefix') p.fail(a, 0, 'bad argument to syntax directive.');
    p.syntax = intel ? 'intel' : 'att';
  };
}

function bits(b: 16 | 32 | 64): Handler {
  return (p, a) => p.emit({ kind: 'bits', bits: b, loc: p.here(a) });
}

const ignore: Handler = () => undefined;

export const DIRECTIVES = new Map<string, Handler>([
  ['.text', (p, a) => setSection(p, a, '.text')],
  ['.data', (p, a) => setSection(p, a, '.data')],
  ['.bss', (p, a) => setSection(p, a, '.bss')],
  ['.section', section],
  ['.pushsection', pushSection],
  ['.popsection', popSection],
  ['.previous', previous],
  ['.globl', symbolList('global')], ['.global', symbolList('global')],
  ['.local', symbolList('local')],
  ['.weak', symbolList('weak')],
  ['.extern', ignore],
  ['.hidden', symbolList(null)], ['.protected', symbolList(null)], ['.internal', symbolList(null)],
  ['.type', type],
  ['.size', size],
  ['.set', setDir(false)], ['.equ', setDir(false)], ['.eqv', setDir(false)], ['.equiv', setDir(true)],
  ['.code16', bits(16)], ['.code16gcc', bits(16)], ['.code32', bits(32)], ['.code64', bits(64)],
  ['.intel_syntax', syntax(true)], ['.att_syntax', syntax(false)],
  // Debug info, notes and tool marks compilers emit: our line table comes from the source itself.
  ['.file', ignore], ['.loc', ignore], ['.ident', ignore], ['.addrsig', ignore], ['.addrsig_sym', ignore],
  ['.loc_mark_labels', ignore],
  ...DATA_DIRECTIVES,
  ...CONTROL_DIRECTIVES,
]);
