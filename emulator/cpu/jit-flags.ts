// Flags in generated block code (jit.ts): the last inlined flag-setting instruction of a block is a
// Producer whose operands and result are JS locals. Conditions and carries read those locals directly,
// and the lazy record of flags.ts is written only where the block hands control to other code.

import { OP_ADD, OP_ADC, OP_SUB, OP_LOGIC, OP_INC, OP_DEC } from './flags';

/** A pending flag result: the names (or literals) of its lazy-record values. */
export interface Producer {
  op: number;
  size: number;
  a: string; ah: string; b: string; bh: string; r: string; rh: string;
  /** Carry in (adc/sbb) or preserved CF (inc/dec) as a 0/1 expression; null when the op has none.
   *  For inc/dec it may read the record (c.getCF()) or an earlier producer's locals: it is evaluated
   *  only when needed, which is before the record changes (the record changes only by a commit). */
  cin: string | null;
}

/** Statements writing the producer into the lazy record (as setLazy and fCin would); fCin first,
 *  since its expression may read the record being replaced. */
export function commitCode(p: Producer): string {
  const s = `c.fOp=${p.op};c.fSize=${p.size};c.fA=${p.a};c.fAh=${p.ah};c.fB=${p.b};c.fBh=${p.bh};c.fR=${p.r};c.fRh=${p.rh};`;
  return p.cin !== null ? `c.fCin=${p.cin};${s}` : s;
}

const MASK = [0, '255', '65535', 0, '-1'];
const SIGN = [0, '128', '32768', 0, '-2147483648'];

/** Unsigned value of the low `size` bytes (sizes 1, 2, 4; the low half for 8). */
function u(x: string, size: number): string {
  return size >= 4 ? `(${x}>>>0)` : `(${x}&${MASK[size]})`;
}
function lt(x: string, xh: string, y: string, yh: string, size: number): string {
  if (size === 8) return `(${xh}!==${yh}?(${xh}>>>0)<(${yh}>>>0):(${x}>>>0)<(${y}>>>0))`;
  return `(${u(x, size)}<${u(y, size)})`;
}
function eq(x: string, xh: string, y: string, yh: string, size: number): string {
  if (size === 8) return `(${x}===${y}&&${xh}===${yh})`;
  return `(${u(x, size)}===${u(y, size)})`;
}
function signBit(x: string, size: number): string {
  return size >= 4 ? `(${x}<0)` : `((${x}&${SIGN[size]})!==0)`;
}

export function zf(p: Producer): string {
  if (p.size === 8) return `((${p.r}|${p.rh})===0)`;
  return p.size === 4 ? `(${p.r}===0)` : `((${p.r}&${MASK[p.size]})===0)`;
}
export function sf(p: Producer): string {
  return p.size === 8 ? `(${p.rh}<0)` : signBit(p.r, p.size);
}
export function cf(p: Producer): string {
  const s = p.size;
  switch (p.op) {
    case OP_LOGIC: return 'false';
    case OP_INC: case OP_DEC: return `(${p.cin}!==0)`; // evaluated while the record is unchanged
    case OP_ADD: return lt(p.r, p.rh, p.a, p.ah, s);
    case OP_ADC: return `(${lt(p.r, p.rh, p.a, p.ah, s)}||(${p.cin}!==0&&${eq(p.r, p.rh, p.a, p.ah, s)}))`;
    case OP_SUB: return lt(p.a, p.ah, p.b, p.bh, s);
    default: return `(${lt(p.a, p.ah, p.b, p.bh, s)}||(${p.cin}!==0&&${eq(p.a, p.ah, p.b, p.bh, s)}))`;
  }
}
export function of(p: Producer): string {
  if (p.op === OP_LOGIC) return 'false';
  const s = p.size;
  const [a, b, r] = s === 8 ? [p.ah, p.bh, p.rh] : [p.a, p.b, p.r];
  const x = p.op === OP_ADD || p.op === OP_ADC || p.op === OP_INC ? `((${a}^${r})&(${b}^${r}))` : `((${a}^${b})&(${a}^${r}))`;
  return s === 8 ? `(${x}<0)` : signBit(x, s);
}
export function pf(p: Producer): string {
  return `(PAR[${p.r}&255]!==0)`;
}

/** Signed a < b of a subtraction's operands (SF !== OF for sub/cmp, without computing either). */
function signedLess(p: Producer): string {
  const s = p.size;
  if (s === 8) return `(${p.ah}<${p.bh}||(${p.ah}===${p.bh}&&(${p.a}>>>0)<(${p.b}>>>0)))`;
  if (s === 4) return `((${p.a}|0)<(${p.b}|0))`;
  const sh = s === 1 ? 24 : 16;
  return `((${p.a}<<${sh}>>${sh})<(${p.b}<<${sh}>>${sh}))`;
}

/** Condition code 0..15 (as LazyFlags.cond) of the producer, as a boolean expression. */
export function condOf(p: Producer, cc: number): string {
  let e: string;
  switch (cc >> 1) {
    case 0: e = of(p); break;
    case 1: e = cf(p); break;
    case 2: e = zf(p); break;
    case 3: e = `(${cf(p)}||${zf(p)})`; break;
    case 4: e = sf(p); break;
    case 5: e = pf(p); break;
    case 6: e = p.op === OP_SUB ? signedLess(p) : p.op === OP_LOGIC ? sf(p) : `(${sf(p)}!==${of(p)})`; break;
    default: e = p.op === OP_SUB ? `(${zf(p)}||${signedLess(p)})` : p.op === OP_LOGIC ? `(${zf(p)}||${sf(p)})` : `(${zf(p)}||${sf(p)}!==${of(p)})`;
  }
  return (cc & 1) ? `!${e}` : e;
}
