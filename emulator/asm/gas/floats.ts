// Floating-point literals of `.float/.single/.double`: GAS spellings (`1.5`, `-2`, `.5`, `1e3`,
// `0f1.5`, `0d2.5`, `inf`, `nan`) to little-endian IEEE-754 bytes.

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses one literal; undefined when it is not a float GAS would accept. */
export function parseFloatLiteral(text: string): { value: number; negative: boolean } | undefined {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  // `0f`, `0d`, `0r`... (any letter, as GNU as reads it: `0x10` is 10.0) only mark a float.
  if (/^0[A-Za-z]/.test(s)) s = s.slice(2);
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -sign;
    s = s.slice(1);
  }
  const lower = s.toLowerCase();
  const negative = sign < 0;
  if (lower === 'inf' || lower === 'infinity') return { value: sign * Infinity, negative };
  if (lower === 'nan') return { value: NaN, negative };
  if (!DECIMAL.test(s)) return undefined;
  return { value: sign * parseFloat(s), negative };
}

/** False when GNU as says it cannot create the number in `width` bytes (overflow, or a non-zero that underflows to 0). */
export function checkRange(v: number, width: 4 | 8, literal: string): boolean {
  if (Number.isNaN(v) || /inf/i.test(literal)) return true;
  if (v === 0) return !/[1-9]/.test(literal.replace(/[eE].*$/, ''));
  const stored = width === 4 ? Math.fround(v) : v;
  return Number.isFinite(stored) && stored !== 0;
}

/** IEEE bytes of `v` in `width` bytes (4 or 8), little-endian. */
export function floatBytes(v: number, width: 4 | 8, negativeNaN = false): Uint8Array {
  const buf = new DataView(new ArrayBuffer(width));
  if (Number.isNaN(v)) {
    // GNU as writes NaN with every mantissa bit set.
    if (width === 4) buf.setUint32(0, negativeNaN ? 0xffffffff : 0x7fffffff, true);
    else buf.setBigUint64(0, negativeNaN ? 0xffffffffffffffffn : 0x7fffffffffffffffn, true);
  } else if (width === 4) buf.setFloat32(0, v, true);
  else buf.setFloat64(0, v, true);
  return new Uint8Array(buf.buffer);
}
