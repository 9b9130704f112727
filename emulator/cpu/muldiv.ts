// mul, imul (one, two and three operands), div, idiv. 64x64->128 products use 16-bit limbs in
// doubles (no BigInt); 128/64 division falls back to BigInt when the dividend exceeds 2^53.

import { Mnemonic } from 'iced-x86';
import { CpuState, RAX, RDX } from './state';
import { CF, OF, AF } from './flags';
import { def } from './table';
import { makeGet, makePut, sext } from './operands';
import { GuestFault, VEC_DE } from '../memory/fault';

const limbs = new Float64Array(8);
/** Unsigned 64x64 product; the four 32-bit words (low first) in P[0..3]. */
const P = new Int32Array(4);
function mulU64(al: number, ah: number, bl: number, bh: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, a2 = ah & 0xffff, a3 = ah >>> 16;
  const b0 = bl & 0xffff, b1 = bl >>> 16, b2 = bh & 0xffff, b3 = bh >>> 16;
  const L = limbs;
  L[0] = a0 * b0;
  L[1] = a0 * b1 + a1 * b0;
  L[2] = a0 * b2 + a1 * b1 + a2 * b0;
  L[3] = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  L[4] = a1 * b3 + a2 * b2 + a3 * b1;
  L[5] = a2 * b3 + a3 * b2;
  L[6] = a3 * b3;
  L[7] = 0;
  let carry = 0;
  for (let i = 0; i < 8; i++) {
    const v = L[i] + carry;
    const low = v % 65536;
    L[i] = low;
    carry = (v - low) / 65536;
  }
  P[0] = L[0] | (L[1] << 16); P[1] = L[2] | (L[3] << 16); P[2] = L[4] | (L[5] << 16); P[3] = L[6] | (L[7] << 16);
}
/** Signed 64x64 product into P (two's complement of 128 bits). */
function mulS64(al: number, ah: number, bl: number, bh: number): void {
  mulU64(al, ah, bl, bh);
  // high(signed) = high(unsigned) - (a<0 ? b : 0) - (b<0 ? a : 0)
  if (ah < 0) sub64hi(bl, bh);
  if (bh < 0) sub64hi(al, ah);
}
function sub64hi(l: number, h: number): void {
  const lo = (P[2] - l) | 0;
  const borrow = (P[2] >>> 0) < (l >>> 0) ? 1 : 0;
  P[2] = lo; P[3] = (P[3] - h - borrow) | 0;
}

/** Flags after a multiply: CF=OF=overflow; SF, ZF, AF, PF are kept (as this CPU does, measured). */
function mulFlags(c: CpuState, size: number, rl: number, rh: number, overflow: boolean): void {
  void size; void rl; void rh;
  c.materialize();
  c.fBits = (c.fBits & ~(CF | OF)) | (overflow ? CF | OF : 0);
}

def([Mnemonic.Mul, Mnemonic.Imul], (d) => {
  const signed = d.mnem === Mnemonic.Imul;
  if (d.ops.length >= 2) {
    // imul r, r/m [, imm]: truncated product, CF=OF when it differs from the full product.
    const [o0, o1] = d.ops, s = o0.size;
    const ga = makeGet(d.ops.length === 3 ? o1 : o0, s), gb = makeGet(d.ops.length === 3 ? d.ops[2] : o1, s), p = makePut(o0, s);
    return (c) => {
      const a = ga(c), ah = c.th; const b = gb(c), bh = c.th;
      if (s === 8) {
        mulS64(a, ah, b, bh);
        const lo = P[0], hi = P[1];
        const ovf = P[2] !== (hi >> 31) || P[3] !== (hi >> 31);
        mulFlags(c, 8, lo, hi, ovf); p(c, lo, hi);
      } else if (s === 4) {
        mulS64(a, a >> 31, b, b >> 31);
        const lo = P[0];
        mulFlags(c, 4, lo, 0, P[1] !== (lo >> 31)); p(c, lo, 0);
      } else {
        const r = sext(a, 2) * sext(b, 2);
        mulFlags(c, 2, r, 0, r !== sext(r & 0xffff, 2)); p(c, r, 0);
      }
    };
  }
  const o = d.ops[0], s = o.size, g = makeGet(o);
  return (c) => {
    const b = g(c), bh = c.th;
    const lo = c.lo, hi = c.hi;
    if (s === 1) {
      const r = signed ? sext(lo[RAX] & 255, 1) * sext(b, 1) : (lo[RAX] & 255) * b;
      lo[RAX] = (lo[RAX] & ~0xffff) | (r & 0xffff);
      mulFlags(c, 1, r, 0, signed ? r !== sext(r & 255, 1) : r > 255);
    } else if (s === 2) {
      const r = signed ? sext(lo[RAX] & 0xffff, 2) * sext(b, 2) : (lo[RAX] & 0xffff) * b;
      lo[RAX] = (lo[RAX] & ~0xffff) | (r & 0xffff);
      lo[RDX] = (lo[RDX] & ~0xffff) | ((r >> 16) & 0xffff);
      mulFlags(c, 2, r, 0, signed ? r !== sext(r & 0xffff, 2) : r > 0xffff);
    } else if (s === 4) {
      const a = lo[RAX];
      if (signed) mulS64(a, a >> 31, b, b >> 31); else mulU64(a, 0, b, 0);
      lo[RAX] = P[0]; hi[RAX] = 0; lo[RDX] = P[1]; hi[RDX] = 0;
      mulFlags(c, 4, P[0], 0, signed ? P[1] !== (P[0] >> 31) : P[1] !== 0);
    } else {
      if (signed) mulS64(lo[RAX], hi[RAX], b, bh); else mulU64(lo[RAX], hi[RAX], b, bh);
      lo[RAX] = P[0]; hi[RAX] = P[1]; lo[RDX] = P[2]; hi[RDX] = P[3];
      mulFlags(c, 8, P[0], P[1], signed ? P[2] !== (P[1] >> 31) || P[3] !== (P[1] >> 31) : (P[2] | P[3]) !== 0);
    }
  };
});

/** After div/idiv this CPU (measured) keeps CF and OF, sets AF and clears SF, ZF, PF. */
function divFlags(c: CpuState): void { c.materialize(); c.fBits = (c.fBits & (CF | OF)) | AF; }

function de(): never { throw new GuestFault(VEC_DE); }

def([Mnemonic.Div, Mnemonic.Idiv], (d) => {
  const signed = d.mnem === Mnemonic.Idiv;
  const o = d.ops[0], s = o.size, g = makeGet(o);
  const bits = BigInt(s * 8);
  return (c) => {
    const vl = g(c), vh = c.th;
    const lo = c.lo, hi = c.hi;
    if (s === 1 || s === 2) {
      const m = s === 1 ? 0xff : 0xffff;
      let n: number, v: number;
      if (s === 1) n = lo[RAX] & 0xffff; else n = (((lo[RDX] & 0xffff) << 16) | (lo[RAX] & 0xffff)) >>> 0;
      if (signed) { n = s === 1 ? sext(n, 2) : n | 0; v = sext(vl, s); } else v = vl & m;
      if (v === 0) de();
      const q = Math.trunc(n / v), r = n - q * v;
      if (signed ? (q !== sext(q & m, s)) : q > m) de();
      if (s === 1) lo[RAX] = (lo[RAX] & ~0xffff) | (q & 255) | ((r & 255) << 8);
      else { lo[RAX] = (lo[RAX] & ~0xffff) | (q & 0xffff); lo[RDX] = (lo[RDX] & ~0xffff) | (r & 0xffff); }
      divFlags(c);
      return;
    }
    // 32 and 64 bits: BigInt (division is rare and slow on hardware too).
    const toB = (l: number, h: number) => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
    let n: bigint, v: bigint;
    if (s === 4) { n = (BigInt(lo[RDX] >>> 0) << 32n) | BigInt(lo[RAX] >>> 0); v = BigInt(vl >>> 0); }
    else { n = (toB(lo[RDX], hi[RDX]) << 64n) | toB(lo[RAX], hi[RAX]); v = toB(vl, vh); }
    if (signed) { n = BigInt.asIntN(Number(bits) * 2, n); v = BigInt.asIntN(Number(bits), v); }
    if (v === 0n) de();
    const q = n / v, r = n % v;
    if (signed ? BigInt.asIntN(Number(bits), q) !== q : q >> bits !== 0n) de();
    const qu = BigInt.asUintN(64, q), ru = BigInt.asUintN(64, r);
    lo[RAX] = Number(qu & 0xffffffffn) | 0; lo[RDX] = Number(ru & 0xffffffffn) | 0;
    hi[RAX] = s === 8 ? Number(qu >> 32n) | 0 : 0; hi[RDX] = s === 8 ? Number(ru >> 32n) | 0 : 0;
    divFlags(c);
  };
});
