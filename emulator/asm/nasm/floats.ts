// NASM floating-point constants in data (`db` 8-bit, `dw` half, `dd` single, `dq` double,
// `dt` 80-bit extended, `do` quad): exact decimal/hex parsing into a rational, then rounding
// to nearest into the format (exact ties down, as NASM does).

interface FloatFormat {
  expBits: number;
  /** Stored fraction bits (the 80-bit format also stores the integer bit, separately). */
  fracBits: number;
  explicitInt: boolean;
}

const FORMATS: Record<number, FloatFormat> = {
  1: { expBits: 4, fracBits: 3, explicitInt: false },
  2: { expBits: 5, fracBits: 10, explicitInt: false },
  4: { expBits: 8, fracBits: 23, explicitInt: false },
  8: { expBits: 11, fracBits: 52, explicitInt: false },
  10: { expBits: 15, fracBits: 63, explicitInt: true },
  16: { expBits: 15, fracBits: 112, explicitInt: false },
};

const DEC = /^([0-9][0-9_]*)?(?:\.([0-9_]*))?(?:[eE]([+-]?[0-9_]+))?$/;
const HEX = /^0[xh]([0-9a-f_]*)(?:\.([0-9a-f_]*))?(?:p([+-]?[0-9_]+))?$/i;
const SPECIAL = /^__\??(Infinity|QNaN|SNaN)\??__$/;

/** Whether a data item is a float constant (possibly signed): `1.5`, `-0.25`, `1e10`, `0x1.8p3`, `__Infinity__`. */
export function isFloatLiteral(item: string): boolean {
  const s = item.replace(/^[+-]\s*/, '');
  if (SPECIAL.test(s)) return true;
  if (HEX.test(s)) return /[.p]/i.test(s) && !/^0h/i.test(s);
  return DEC.test(s) && /^[0-9]/.test(s) && /[.eE]/.test(s) && !/^[0-9]+[eE]$/.test(s);
}

/** Little-endian bytes of the float `item` in a field of `width` bytes. */
export function encodeFloat(item: string, width: number): Uint8Array {
  const fmt = FORMATS[width];
  if (!fmt) throw new Error(`no ${width * 8}-bit floating-point format`);
  let s = item.trim();
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1).trim();
  }
  const special = s.match(SPECIAL);
  let bits: bigint;
  if (special) {
    bits = specialBits(special[1], fmt);
  } else {
    const r = toRational(s);
    bits = r ? roundTo(r.num, r.den, fmt) : infinityBits(fmt);
  }
  const total = width * 8;
  if (neg) bits |= 1n << BigInt(total - 1);
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) out[i] = Number((bits >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Exact value as num/den; undefined for values too large to represent anywhere (infinity). */
function toRational(s: string): { num: bigint; den: bigint } | undefined {
  let m = s.match(HEX);
  let num: bigint;
  let den = 1n;
  let exp2 = 0;
  let exp10 = 0;
  if (m && (m[1] || m[2])) {
    const int = (m[1] ?? '').replace(/_/g, '');
    const frac = (m[2] ?? '').replace(/_/g, '');
    num = BigInt('0x0' + int + frac);
    exp2 = Number((m[3] ?? '0').replace(/_/g, '')) - 4 * frac.length;
  } else {
    m = s.match(DEC);
    if (!m) return { num: 0n, den: 1n };
    const int = (m[1] ?? '').replace(/_/g, '');
    const frac = (m[2] ?? '').replace(/_/g, '');
    num = BigInt('0' + int + frac);
    exp10 = Number((m[3] ?? '0').replace(/_/g, '')) - frac.length;
  }
  if (num === 0n) return { num, den };
  // Beyond these exponents every format overflows or underflows: skip the huge powers.
  if (exp10 > 5000 || exp2 > 20000) return undefined;
  if (exp10 < -5000 || exp2 < -20000) return { num: 0n, den: 1n };
  if (exp10 >= 0) num *= 10n ** BigInt(exp10);
  else den *= 10n ** BigInt(-exp10);
  if (exp2 >= 0) num <<= BigInt(exp2);
  else den <<= BigInt(-exp2);
  return { num, den };
}

const bitLength = (v: bigint): number => v.toString(2).length;

/** Divides and rounds to nearest; an exact tie rounds down, as NASM 2.16 does (not to even). */
function divRound(num: bigint, den: bigint): bigint {
  const q = num / den;
  return (num % den) * 2n > den ? q + 1n : q;
}

function roundTo(num: bigint, den: bigint, fmt: FloatFormat): bigint {
  if (num === 0n) return 0n;
  const bias = (1 << (fmt.expBits - 1)) - 1;
  const maxExp = (1 << fmt.expBits) - 1;
  const p = fmt.fracBits + 1;
  // e = floor(log2(num/den)).
  let e = bitLength(num) - bitLength(den);
  if ((e >= 0 ? num : num << BigInt(-e)) < (e >= 0 ? den << BigInt(e) : den)) e--;
  let biased = e + bias;
  let mant: bigint;
  if (biased >= 1) {
    // NASM 2.16's overflow rule, quirk included: only an exponent beyond the all-ones one
    // overflows to infinity; the all-ones exponent itself is stored (giving NaN patterns).
    if (biased > maxExp) return infinityBits(fmt);
    const shift = p - 1 - e;
    mant = shift >= 0 ? divRound(num << BigInt(shift), den) : divRound(num, den << BigInt(-shift));
    const fracMask = (1n << BigInt(fmt.fracBits)) - 1n;
    if (mant >= 1n << BigInt(p)) {
      mant >>= 1n;
      biased++;
      if (biased > maxExp) return infinityBits(fmt);
    }
    const intBit = fmt.explicitInt ? 1n << BigInt(fmt.fracBits) : 0n;
    return (BigInt(biased) << BigInt(fmt.fracBits + (fmt.explicitInt ? 1 : 0))) | intBit | (mant & fracMask);
  }
  // Subnormal: units of 2^(1 - bias - fracBits); a carry into the exponent field is the right encoding.
  const shift = fmt.fracBits + bias - 1;
  mant = divRound(num << BigInt(shift), den);
  if (fmt.explicitInt && mant >= 1n << BigInt(fmt.fracBits)) return (1n << BigInt(fmt.fracBits + 1)) | mant;
  return mant;
}

function infinityBits(fmt: FloatFormat): bigint {
  return specialBits('Infinity', fmt);
}

function specialBits(kind: string, fmt: FloatFormat): bigint {
  const maxExp = BigInt((1 << fmt.expBits) - 1);
  const fracShift = BigInt(fmt.fracBits + (fmt.explicitInt ? 1 : 0));
  const intBit = fmt.explicitInt ? 1n << BigInt(fmt.fracBits) : 0n;
  const frac = kind === 'QNaN' ? 1n << BigInt(fmt.fracBits - 1) : kind === 'SNaN' ? 1n : 0n;
  return (maxExp << fracShift) | intBit | frac;
}
