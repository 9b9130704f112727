// Shifts and rotates: shl/sal shr sar rol ror rcl rcr shld shrd. Flags are computed eagerly.
// Where Intel leaves a flag undefined (OF for counts > 1, AF), the choice matches this machine's CPU
// as measured by test/cpu (the differential test).

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { LazyFlags, CF, OF, AF } from './flags';
import { def } from './table';
import { makeGet, makePut, sext } from './operands';
import { K_IMM, K_REG } from './decode';

const SHL = 0, SHR = 1, SAR = 2, ROL = 3, ROR = 4, RCL = 5, RCR = 6;

/** Undefined flags of shifts, as this CPU (AMD Zen) does them, measured natively: AF is always set after
 *  a non-zero shift, and OF is computed from the last 1-bit step (so shr by more than 1 clears it). */
const SHIFT_AF = AF;

function bit64(lo: number, hi: number, k: number): number {
  return k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1;
}

function shift(c: CpuState, kind: number, s: number, v: number, vh: number, count: number): boolean {
  const n = count & (s === 8 ? 63 : 31);
  if (n === 0) return false;
  const bits = s * 8;
  let r: number, rh = 0, cf: number, of: number;
  if (kind >= ROL) return rotate(c, kind, s, v, vh, n);
  if (s === 8) {
    if (kind === SHL) {
      cf = bit64(v, vh, 64 - n);
      if (n < 32) { rh = (vh << n) | (v >>> (32 - n)); r = v << n; } else { rh = v << (n - 32); r = 0; }
      of = ((rh >>> 31) ^ cf);
    } else {
      cf = bit64(v, vh, n - 1);
      if (kind === SHR) {
        if (n < 32) { r = (v >>> n) | (vh << (32 - n)); rh = vh >>> n; } else { r = vh >>> (n - 32); rh = 0; }
        of = n === 1 ? vh >>> 31 : 0;
      } else {
        if (n < 32) { r = (v >>> n) | (vh << (32 - n)); rh = vh >> n; } else { r = vh >> (n - 32); rh = vh >> 31; }
        of = 0;
      }
    }
    r |= 0; rh |= 0;
  } else {
    const m = s === 4 ? -1 : (1 << bits) - 1;
    const u = (v & m) >>> 0;
    if (kind === SHL) {
      cf = n <= bits ? (u >>> (bits - n)) & 1 : 0;
      if (bits === 32 && n === 32) cf = u & 1;
      r = (u << n) & m;
      of = ((r >>> (bits - 1)) & 1) ^ cf;
    } else if (kind === SHR) {
      cf = (u >>> (n - 1)) & 1;
      r = u >>> n;
      of = n === 1 ? (u >>> (bits - 1)) & 1 : 0;
    } else {
      const sv = sext(u, s);
      cf = (sv >> (n - 1)) & 1;
      r = (sv >> n) & m;
      of = 0;
    }
  }
  c.setArith(LazyFlags.szp(s, r, rh) | cf | (of ? OF : 0) | SHIFT_AF);
  c.rl = r; c.rh = rh;
  return true;
}

function toBig(v: number, vh: number, s: number): bigint {
  return s === 8 ? (BigInt(vh >>> 0) << 32n) | BigInt(v >>> 0) : BigInt(s === 4 ? v >>> 0 : v & ((1 << (s * 8)) - 1));
}
function fromBig(c: CpuState, x: bigint): void {
  c.rl = Number(x & 0xffffffffn) | 0;
  c.rh = Number((x >> 32n) & 0xffffffffn) | 0;
}

/** Rotates (rare enough for BigInt); only CF and OF change. */
function rotate(c: CpuState, kind: number, s: number, v: number, vh: number, n: number): boolean {
  const bits = BigInt(s * 8), m = (1n << bits) - 1n;
  const x = toBig(v, vh, s);
  let r: bigint, cf: number;
  c.materialize();
  if (kind === ROL || kind === ROR) {
    const k = BigInt(n) % bits;
    r = kind === ROL ? ((x << k) | (x >> (bits - k))) & m : ((x >> k) | (x << (bits - k))) & m;
    cf = kind === ROL ? Number(r & 1n) : Number(r >> (bits - 1n));
  } else {
    // Through carry: a (bits+1)-bit rotation of CF:value.
    const w = bits + 1n, k = BigInt(n) % w;
    const y = (BigInt(c.getCF()) << bits) | x;
    const z = kind === RCL ? ((y << k) | (y >> (w - k))) & ((1n << w) - 1n) : ((y >> k) | (y << (w - k))) & ((1n << w) - 1n);
    r = z & m; cf = Number(z >> bits);
  }
  const msb = Number(r >> (bits - 1n)) & 1;
  const of = kind === ROL || kind === RCL ? msb ^ cf : msb ^ (Number(r >> (bits - 2n)) & 1);
  c.fBits = (c.fBits & ~(CF | OF)) | cf | (of ? OF : 0);
  fromBig(c, r);
  return true;
}

const KINDS: [number, number][] = [[Mnemonic.Shl, SHL], [Mnemonic.Sal, SHL], [Mnemonic.Shr, SHR], [Mnemonic.Sar, SAR],
  [Mnemonic.Rol, ROL], [Mnemonic.Ror, ROR], [Mnemonic.Rcl, RCL], [Mnemonic.Rcr, RCR]];
for (const [mn, kind] of KINDS) {
  def(mn, (d) => {
    const [o0, o1] = d.ops, s = o0.size;
    const g = makeGet(o0), p = makePut(o0, s, true);
    // A 32-bit register destination is zero-extended even when the masked count is 0.
    const z = s === 4 && o0.k === K_REG;
    if (o1.k === K_IMM) {
      const n = o1.lo & 255;
      return (c) => { const v = g(c); if (shift(c, kind, s, v, c.th, n)) p(c, c.rl, c.rh); else if (z) p(c, v, 0); };
    }
    return (c) => { const v = g(c); if (shift(c, kind, s, v, c.th, c.lo[1] & 255)) p(c, c.rl, c.rh); else if (z) p(c, v, 0); };
  });
}

def([Mnemonic.Shld, Mnemonic.Shrd], (d) => {
  const left = d.mnem === Mnemonic.Shld;
  const [o0, o1, o2] = d.ops, s = o0.size;
  const g = makeGet(o0), gs = makeGet(o1), p = makePut(o0, s, true);
  const imm = o2.k === K_IMM ? o2.lo & 255 : -1;
  return (c) => {
    const n = (imm >= 0 ? imm : c.lo[1] & 255) & (s === 8 ? 63 : 31);
    const v = g(c), vh = c.th; const w = gs(c), wh = c.th;
    if (n === 0) { if (s === 4 && o0.k === K_REG) p(c, v, 0); return; }
    const bits = BigInt(s * 8), m = (1n << bits) - 1n, k = BigInt(n);
    const x = toBig(v, vh, s), y = toBig(w, wh, s);
    let r: bigint, cf: number;
    if (left) {
      // dst:src shifted left; for 16-bit counts > 16 the bits of src repeat (as this CPU does).
      const wide = (x << (2n * bits)) | (y << bits) | x;
      r = (wide >> (2n * bits - k)) & m;
      cf = Number((wide >> (3n * bits - k)) & 1n);
    } else {
      const wide = (x << (2n * bits)) | (y << bits) | x;
      r = (wide >> k) & m;
      cf = Number((wide >> (k - 1n)) & 1n);
    }
    const of = Number((r ^ x) >> (bits - 1n)) & 1;
    fromBig(c, r);
    c.setArith(LazyFlags.szp(s, c.rl, c.rh) | cf | (of ? OF : 0));
    p(c, c.rl, c.rh);
  };
});
