// Exact IEEE-754 binary32/binary64 arithmetic on raw bit patterns (bigint), as x86 does it: the four
// rounding modes, DAZ/FTZ, tininess detected after rounding, SSE NaN rules and the exception flags
// (IE DE ZE OE UE PE, the same bit positions in MXCSR and the x87 status word). Exact rationals via
// BigInt make every rounding mode and flag right without host-FPU tricks; callers keep fast paths.

export interface Fmt { readonly m: number; readonly bits: number; readonly bias: number; readonly emax: number; }
export const F32: Fmt = { m: 23, bits: 32, bias: 127, emax: 255 };
export const F64: Fmt = { m: 52, bits: 64, bias: 1023, emax: 2047 };

export const IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32;
/** Not an exception: the last inexact result was rounded up in magnitude (x87 C1). */
export const ROUNDED_UP = 0x200;
const MX_UM = 1 << 11, MX_DAZ = 0x40, MX_FTZ = 0x8000;

/** Flags raised since the caller last cleared them. */
export const fp = { flags: 0 };

const signBit = (f: Fmt) => 1n << BigInt(f.bits - 1);
const fracMask = (f: Fmt) => (1n << BigInt(f.m)) - 1n;
const expOf = (f: Fmt, x: bigint) => Number((x >> BigInt(f.m)) & BigInt(f.emax));
export const isNaN_ = (f: Fmt, x: bigint) => expOf(f, x) === f.emax && (x & fracMask(f)) !== 0n;
export const isSNaN = (f: Fmt, x: bigint) => isNaN_(f, x) && (x & (1n << BigInt(f.m - 1))) === 0n;
export const quiet = (f: Fmt, x: bigint) => x | (1n << BigInt(f.m - 1));
export const isInf = (f: Fmt, x: bigint) => expOf(f, x) === f.emax && (x & fracMask(f)) === 0n;
export const isDenormal = (f: Fmt, x: bigint) => expOf(f, x) === 0 && (x & fracMask(f)) !== 0n;
export const isZero = (f: Fmt, x: bigint) => (x & (signBit(f) - 1n)) === 0n;
export const neg = (f: Fmt, x: bigint) => x & signBit(f) ? x & (signBit(f) - 1n) : x | signBit(f);
/** The "real indefinite" QNaN returned by invalid operations. */
export const defaultNaN = (f: Fmt) => signBit(f) | (BigInt(f.emax) << BigInt(f.m)) | (1n << BigInt(f.m - 1));
const inf = (f: Fmt, n: boolean) => (n ? signBit(f) : 0n) | (BigInt(f.emax) << BigInt(f.m));
const zero = (f: Fmt, n: boolean) => (n ? signBit(f) : 0n);
const isNeg = (f: Fmt, x: bigint) => (x & signBit(f)) !== 0n;

function bitlen(m: bigint): number { return m.toString(2).length; }

/** DAZ: a denormal source reads as a zero of the same sign; otherwise it raises DE. */
export function prep(f: Fmt, x: bigint, mx: number): bigint {
  if (isDenormal(f, x)) {
    if (mx & MX_DAZ) return x & signBit(f);
    fp.flags |= DE;
  }
  return x;
}

/** SSE NaN rule: an SNaN raises IE; the first operand's NaN wins (quieted), else the second's. */
function nan2(f: Fmt, a: bigint, b: bigint): bigint | null {
  const an = isNaN_(f, a), bn = isNaN_(f, b);
  if (!an && !bn) return null;
  if (isSNaN(f, a) || isSNaN(f, b)) fp.flags |= IE;
  return quiet(f, an ? a : b);
}

/** Finite value as m * 2^e. */
function unpack(f: Fmt, x: bigint): [bigint, number] {
  const ex = expOf(f, x), fr = x & fracMask(f);
  return ex === 0 ? [fr, 1 - f.bias - f.m] : [fr | (1n << BigInt(f.m)), ex - f.bias - f.m];
}

interface Rounded { q: bigint; inexact: boolean; up: boolean; }
/** Rounds m*2^e (plus a sticky bit below) to a multiple of 2^lsb under rounding control rc. */
function roundAt(m: bigint, e: number, sticky: boolean, lsb: number, rc: number, n: boolean): Rounded {
  const sh = lsb - e;
  if (sh <= 0) return { q: m << BigInt(-sh), inexact: sticky, up: false };
  const q0 = m >> BigInt(sh), rem = m & ((1n << BigInt(sh)) - 1n), half = 1n << BigInt(sh - 1);
  const inexact = rem !== 0n || sticky;
  let inc = false;
  if (rc === 0) inc = rem > half || (rem === half && (sticky || (q0 & 1n) === 1n));
  else if (rc === 1) inc = inexact && n;
  else if (rc === 2) inc = inexact && !n;
  return { q: inc ? q0 + 1n : q0, inexact, up: inc };
}

/** Rounds the exact nonzero value (-1)^n * m * 2^e (sticky: more nonzero bits below) into format f. */
export function round(f: Fmt, n: boolean, m: bigint, e: number, sticky: boolean, mx: number): bigint {
  const p = f.m + 1, rc = (mx >> 13) & 3, emin = 1 - f.bias;
  const E = e + bitlen(m) - 1;
  let tiny = false;
  if (E < emin) {
    // x86 detects tininess after rounding to p bits with an unbounded exponent.
    const r = roundAt(m, e, sticky, E - p + 1, rc, n);
    tiny = bitlen(r.q) - 1 + E - p + 1 < emin;
  }
  const lsb = Math.max(E - p + 1, emin - p + 1);
  let { q, inexact, up } = roundAt(m, e, sticky, lsb, rc, n);
  if (tiny && (mx & MX_UM)) {
    if (mx & MX_FTZ) { fp.flags |= UE | PE; return zero(f, n); }
    if (inexact) fp.flags |= UE;
  } else if (tiny) fp.flags |= UE;
  let l = lsb;
  if (bitlen(q) > p) { q >>= 1n; l++; }
  const hidden = 1n << BigInt(f.m);
  const bexp = q >= hidden ? l + f.m + f.bias : 0;
  if (bexp >= f.emax) {
    fp.flags |= OE | PE;
    const toInf = rc === 0 || (rc === 1 && n) || (rc === 2 && !n);
    if (toInf) { fp.flags |= ROUNDED_UP; return inf(f, n); }
    return zero(f, n) | (BigInt(f.emax - 1) << BigInt(f.m)) | fracMask(f);
  }
  if (inexact) fp.flags |= PE | (up ? ROUNDED_UP : 0);
  return zero(f, n) | (BigInt(bexp) << BigInt(f.m)) | (q & fracMask(f));
}

export function add(f: Fmt, a: bigint, b: bigint, mx: number, subtract = false): bigint {
  const nn = nan2(f, a, b);
  if (nn !== null) return nn;
  a = prep(f, a, mx); b = prep(f, b, mx);
  if (subtract) b = neg(f, b);
  const na = isNeg(f, a), nb = isNeg(f, b);
  if (isInf(f, a) || isInf(f, b)) {
    if (isInf(f, a) && isInf(f, b) && na !== nb) { fp.flags |= IE; return defaultNaN(f); }
    return isInf(f, a) ? a : b;
  }
  const [ma, ea] = unpack(f, a), [mb, eb] = unpack(f, b);
  const e = Math.min(ea, eb);
  const sa = (na ? -ma : ma) << BigInt(ea - e), sb = (nb ? -mb : mb) << BigInt(eb - e);
  const s = sa + sb;
  if (s === 0n) return zero(f, na && nb ? true : na !== nb ? ((mx >> 13) & 3) === 1 : false);
  return round(f, s < 0n, s < 0n ? -s : s, e, false, mx);
}

export function mul(f: Fmt, a: bigint, b: bigint, mx: number): bigint {
  const nn = nan2(f, a, b);
  if (nn !== null) return nn;
  a = prep(f, a, mx); b = prep(f, b, mx);
  const n = isNeg(f, a) !== isNeg(f, b);
  if (isInf(f, a) || isInf(f, b)) {
    if (isZero(f, a) || isZero(f, b)) { fp.flags |= IE; return defaultNaN(f); }
    return inf(f, n);
  }
  if (isZero(f, a) || isZero(f, b)) return zero(f, n);
  const [ma, ea] = unpack(f, a), [mb, eb] = unpack(f, b);
  return round(f, n, ma * mb, ea + eb, false, mx);
}

export function div(f: Fmt, a: bigint, b: bigint, mx: number): bigint {
  const nn = nan2(f, a, b);
  if (nn !== null) return nn;
  const n = isNeg(f, a) !== isNeg(f, b);
  if (isInf(f, a)) { if (isInf(f, b)) { fp.flags |= IE; return defaultNaN(f); } prep(f, b, mx); return inf(f, n); }
  if (isInf(f, b)) { prep(f, a, mx); return zero(f, n); }
  b = prep(f, b, mx);
  if (isZero(f, b)) {
    // x/0 is ZE before a denormal x would be DE; with DAZ a denormal x makes it 0/0.
    if (isZero(f, a) || (isDenormal(f, a) && (mx & MX_DAZ))) { fp.flags |= IE; return defaultNaN(f); }
    fp.flags |= ZE; return inf(f, n);
  }
  a = prep(f, a, mx);
  if (isZero(f, a)) return zero(f, n);
  const [ma, ea] = unpack(f, a), [mb, eb] = unpack(f, b);
  const k = Math.max(0, f.m + 4 + bitlen(mb) - bitlen(ma));
  const num = ma << BigInt(k), q = num / mb;
  return round(f, n, q, ea - eb - k, q * mb !== num, mx);
}

function isqrt(v: bigint): bigint {
  if (v < 2n) return v;
  let x = 1n << BigInt(Math.ceil(bitlen(v) / 2));
  for (;;) { const y = (x + v / x) >> 1n; if (y >= x) return x; x = y; }
}

export function sqrt(f: Fmt, a: bigint, mx: number): bigint {
  if (isNaN_(f, a)) { if (isSNaN(f, a)) fp.flags |= IE; return quiet(f, a); }
  // A negative operand is invalid before it is denormal (IE without DE), unless DAZ makes it -0.
  if (isNeg(f, a) && !isZero(f, a) && !(isDenormal(f, a) && (mx & MX_DAZ))) { fp.flags |= IE; return defaultNaN(f); }
  a = prep(f, a, mx);
  if (isZero(f, a)) return a;
  if (isInf(f, a)) return a;
  let [m, e] = unpack(f, a);
  let k = Math.max(0, 2 * (f.m + 4) - bitlen(m));
  if ((e - k) & 1) k++;
  m <<= BigInt(k); e -= k;
  const r = isqrt(m);
  return round(f, false, r, e / 2, r * r !== m, mx);
}

/** Orders two non-NaN values: -1, 0, 1 (zeros of either sign are equal). */
export function order(f: Fmt, a: bigint, b: bigint): number {
  const key = (x: bigint) => { const mag = x & (signBit(f) - 1n); return isNeg(f, x) ? -mag : mag; };
  const ka = key(a), kb = key(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** MINSS/MAXSS: any NaN (IE) or two zeros return the second operand (DAZ still flushes it). */
export function minmax(f: Fmt, a: bigint, b: bigint, mx: number, max: boolean): bigint {
  if (isNaN_(f, a) || isNaN_(f, b)) { fp.flags |= IE; return (mx & MX_DAZ) && isDenormal(f, b) ? b & signBit(f) : b; }
  const pa = prep(f, a, mx), pb = prep(f, b, mx);
  const o = order(f, pa, pb);
  return (max ? o > 0 : o < 0) ? pa : pb;
}

/** CMPccSS predicates 0-7 (EQ LT LE UNORD NEQ NLT NLE ORD); LT/LE/NLT/NLE signal on QNaN too. */
export function cmp(f: Fmt, a: bigint, b: bigint, mx: number, pred: number): boolean {
  if (isNaN_(f, a) || isNaN_(f, b)) {
    if (isSNaN(f, a) || isSNaN(f, b) || (pred & 3) === 1 || (pred & 3) === 2) fp.flags |= IE;
    return pred >= 3 && pred <= 6;
  }
  const o = order(f, prep(f, a, mx), prep(f, b, mx));
  switch (pred) {
    case 0: return o === 0; case 1: return o < 0; case 2: return o <= 0; case 3: return false;
    case 4: return o !== 0; case 5: return o >= 0; case 6: return o > 0; default: return true;
  }
}

/** (U)COMIS: -1 less, 0 equal, 1 greater, 2 unordered. COMIS signals on QNaN, UCOMIS only on SNaN. */
export function compare(f: Fmt, a: bigint, b: bigint, mx: number, signalQNaN: boolean): number {
  if (isNaN_(f, a) || isNaN_(f, b)) {
    if (signalQNaN || isSNaN(f, a) || isSNaN(f, b)) fp.flags |= IE;
    return 2;
  }
  return order(f, prep(f, a, mx), prep(f, b, mx));
}

/** Float-to-float conversion (cvtss2sd, cvtsd2ss): NaN payloads keep their top bits. */
export function convert(from: Fmt, to: Fmt, x: bigint, mx: number): bigint {
  const n = isNeg(from, x);
  if (isNaN_(from, x)) {
    if (isSNaN(from, x)) fp.flags |= IE;
    const fr = x & fracMask(from);
    const pay = to.m >= from.m ? fr << BigInt(to.m - from.m) : fr >> BigInt(from.m - to.m);
    return quiet(to, inf(to, n) | pay);
  }
  if (isInf(from, x)) return inf(to, n);
  x = prep(from, x, mx);
  if (isZero(from, x)) return zero(to, n);
  const [m, e] = unpack(from, x);
  return round(to, n, m, e, false, mx);
}

/** Signed integer to float (cvtsi2ss, cvtdq2ps ...). */
export function fromInt(f: Fmt, v: bigint, mx: number): bigint {
  if (v === 0n) return 0n;
  return round(f, v < 0n, v < 0n ? -v : v, 0, false, mx);
}

/** Float to signed integer of `width` bits (two's complement, unsigned bigint); out of range or NaN
 *  gives the integer indefinite 0x80...0 with IE. `trunc` forces round-toward-zero (cvtt*). */
export function toInt(f: Fmt, x: bigint, width: number, trunc: boolean, mx: number): bigint {
  const indefinite = 1n << BigInt(width - 1);
  if (isNaN_(f, x) || isInf(f, x)) { fp.flags |= IE; return indefinite; }
  if (isDenormal(f, x) && (mx & MX_DAZ)) x &= signBit(f);
  if (isZero(f, x)) return 0n;
  const n = isNeg(f, x);
  const [m, e] = unpack(f, x);
  const r = roundAt(m, e, false, 0, trunc ? 3 : (mx >> 13) & 3, n);
  const v = n ? -r.q : r.q;
  if (v < -indefinite || v >= indefinite) { fp.flags |= IE; return indefinite; }
  if (r.inexact) fp.flags |= PE | (r.up ? ROUNDED_UP : 0);
  return BigInt.asUintN(width, v);
}
