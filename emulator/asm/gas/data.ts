// GAS directives that put bytes or space in a section: integers (.byte ... .octa), strings
// (.ascii .asciz .string), floats (.float .double), .zero/.space/.skip, .fill, alignment
// (.align .balign .p2align), .org, .comm/.lcomm, .uleb128/.sleb128 of constants.

import { Expr, num, tryConst } from '../expr';
import { DataItem } from '../ir';
import type { DirArgs } from './directives';
import { checkRange, floatBytes, parseFloatLiteral } from './floats';
import type { GasParser } from './parser';
import { Piece, StringError, readString, splitCommas } from './scan';

type Handler = (p: GasParser, a: DirArgs) => void;

/** Comma-separated arguments; none when the text is empty. */
export function pieces(a: DirArgs): Piece[] {
  return a.text === '' ? [] : splitCommas(a.text);
}

function intData(width: number): Handler {
  return (p, a) => {
    const items: DataItem[] = pieces(a).map((x) => p.wholeExpr(a, x.text, x.off));
    if (items.length) p.emit({ kind: 'data', width, items, loc: p.here(a) });
  };
}

function stringData(zero: boolean): Handler {
  return (p, a) => {
    const s = a.text;
    const items: DataItem[] = [];
    let i = 0;
    while (i < s.length) {
      try {
        const r = readString(s, i);
        if (zero) r.bytes.push(0);
        items.push(Uint8Array.from(r.bytes));
        i = r.end;
      } catch (e) {
        if (!(e instanceof StringError)) throw e;
        if (e.message === 'expected string') p.fail(a, i, `junk at end of line, first unrecognized character is \`${s[i]}'`);
        p.fail(a, e.offset, e.message);
      }
      while (s[i] === ' ' || s[i] === '\t') i++;
      if (s[i] === ',') {
        i++;
        while (s[i] === ' ' || s[i] === '\t') i++;
      }
    }
    if (items.length) p.emit({ kind: 'data', width: 1, items, loc: p.here(a) });
  };
}

function floatData(width: 4 | 8): Handler {
  return (p, a) => {
    const items: DataItem[] = [];
    for (const x of pieces(a)) {
      const f = parseFloatLiteral(x.text);
      if (!f) return p.fail(a, x.off, `bad floating-point constant \`${x.text}'`);
      if (!checkRange(f.value, width, x.text)) p.fail(a, x.off, 'cannot create floating-point number');
      items.push(floatBytes(f.value, width, f.negative));
    }
    if (items.length) p.emit({ kind: 'data', width: 1, items, loc: p.here(a) });
  };
}

/** Arguments at fixed positions; an empty or missing one is undefined (`.align 16,,7`). */
function optArgs(p: GasParser, a: DirArgs, min: number, max: number): (Expr | undefined)[] {
  const ps = pieces(a);
  if (min > 0 && (ps.length === 0 || ps[0].text === '')) p.fail(a, 0, 'missing expression');
  if (ps.length > max) p.fail(a, ps[max].off - 1, `junk at end of line, first unrecognized character is \`,'`);
  return ps.map((x) => (x.text === '' ? undefined : p.wholeExpr(a, x.text, x.off)));
}

function space(p: GasParser, a: DirArgs): void {
  const [size, fill] = optArgs(p, a, 1, 2);
  if (!size) p.fail(a, 0, 'missing expression');
  p.emit({ kind: 'space', size, fill, loc: p.here(a) });
}

function zero(p: GasParser, a: DirArgs): void {
  const [size] = optArgs(p, a, 1, 1);
  if (!size) p.fail(a, 0, 'missing expression');
  p.emit({ kind: 'space', size, loc: p.here(a) });
}

function fill(p: GasParser, a: DirArgs): void {
  const [repeat, size, value] = optArgs(p, a, 1, 3);
  if (!repeat) p.fail(a, 0, 'missing expression');
  p.emit({ kind: 'fill', repeat, size: size ?? num(1), value: value ?? num(0), loc: p.here(a) });
}

function align(power: boolean): Handler {
  return (p, a) => {
    const [n, fillv, max] = optArgs(p, a, 1, 3);
    if (!n) return p.fail(a, 0, 'missing expression');
    const c = tryConst(n, (s) => p.abs.get(s));
    let alignExpr: Expr;
    if (power) alignExpr = c !== undefined ? num(c >= 0n && c < 64n ? 1n << c : -1n) : { kind: 'binary', op: '<<', left: num(1), right: n };
    else alignExpr = c === 0n ? num(1) : n;
    // Alignment to 1 byte does nothing; GNU as emits nothing either.
    if (tryConst(alignExpr, () => undefined) === 1n) return;
    p.emit({ kind: 'align', align: alignExpr, fill: fillv, max, loc: p.here(a) });
  };
}

function org(p: GasParser, a: DirArgs): void {
  const [offset, fillv] = optArgs(p, a, 1, 2);
  if (!offset) p.fail(a, 0, 'missing expression');
  p.emit({ kind: 'org', offset, fill: fillv, loc: p.here(a) });
}

function comm(local: boolean): Handler {
  return (p, a) => {
    const ps = pieces(a);
    const name = ps[0]?.text ?? '';
    if (!/^[A-Za-z_.$][A-Za-z0-9_.$@]*$/.test(name)) p.fail(a, 0, 'expected symbol name');
    if (ps.length < 2) p.fail(a, a.text.length, 'expected comma after symbol-name');
    if (ps.length > 3) p.fail(a, ps[3].off - 1, `junk at end of line, first unrecognized character is \`,'`);
    const size = p.wholeExpr(a, ps[1].text, ps[1].off);
    const alignExpr = ps[2] && ps[2].text !== '' ? p.wholeExpr(a, ps[2].text, ps[2].off) : undefined;
    p.defined.add(name);
    p.emit({ kind: 'comm', name, size, align: alignExpr, local, loc: p.here(a) });
  };
}

/** `.uleb128/.sleb128` of constants (debug info compilers emit); a label difference would need layout. */
function leb128(signed: boolean): Handler {
  return (p, a) => {
    const bytes: number[] = [];
    for (const x of pieces(a)) {
      let v = tryConst(p.wholeExpr(a, x.text, x.off), (s) => p.abs.get(s));
      if (v === undefined) return p.fail(a, x.off, `${a.name} of a non-constant expression is not supported`);
      if (!signed) v = BigInt.asUintN(64, v);
      for (;;) {
        const byte = Number(v & 0x7fn);
        v >>= 7n;
        const done = signed ? (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0) : v === 0n;
        bytes.push(done ? byte : byte | 0x80);
        if (done) break;
      }
    }
    if (bytes.length) p.emit({ kind: 'data', width: 1, items: [Uint8Array.from(bytes)], loc: p.here(a) });
  };
}

export const DATA_DIRECTIVES: [string, Handler][] = [
  ['.byte', intData(1)],
  ['.word', intData(2)], ['.short', intData(2)], ['.hword', intData(2)], ['.2byte', intData(2)], ['.value', intData(2)],
  ['.long', intData(4)], ['.int', intData(4)], ['.4byte', intData(4)],
  ['.quad', intData(8)], ['.8byte', intData(8)],
  ['.octa', intData(16)],
  ['.ascii', stringData(false)], ['.asciz', stringData(true)], ['.string', stringData(true)],
  ['.float', floatData(4)], ['.single', floatData(4)], ['.double', floatData(8)],
  ['.zero', zero], ['.space', space], ['.skip', space],
  ['.fill', fill],
  ['.align', align(false)], ['.balign', align(false)], ['.p2align', align(true)],
  ['.org', org],
  ['.uleb128', leb128(false)], ['.sleb128', leb128(true)],
  ['.comm', comm(false)], ['.lcomm', comm(true)],
];
