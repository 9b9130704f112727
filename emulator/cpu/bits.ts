// Bit instructions (bt bts btr btc bsf bsr tzcnt lzcnt popcnt) and the atomics used by libc
// (xadd cmpxchg cmpxchg8b cmpxchg16b), which need no locking in a single-threaded emulator.

import { Mnemonic } from 'iced-x86';
import { CpuState, RAX, RDX, RBX, RCX } from './state';
import { LazyFlags, CF, ZF, SF, AF, PF, PARITY } from './flags';
import { def } from './table';
import { makeGet, makePut, makeEa } from './operands';
import { K_MEM, K_IMM } from './decode';
import { add, sub } from './alu';
import { GuestFault, VEC_GP } from '../memory/fault';

/** Flags that Intel leaves undefined after bt*, bsf/bsr, tzcnt/lzcnt: this CPU (AMD Zen) keeps them. */
function keepOthers(c: CpuState, set: number, clear: number): void {
  c.materialize();
  c.fBits = (c.fBits & ~clear) | set;
}

const BT = 0, BTS = 1, BTR = 2, BTC = 3;
for (const [mn, kind] of [[Mnemonic.Bt, BT], [Mnemonic.Bts, BTS], [Mnemonic.Btr, BTR], [Mnemonic.Btc, BTC]] as [number, number][]) {
  def(mn, (d) => {
    const [o0, o1] = d.ops, s = o0.size, bits = s * 8;
    const gb = makeGet(o1, o1.k === K_IMM ? 1 : s);
    if (o0.k === K_MEM && o1.k !== K_IMM) {
      // A register bit offset addresses memory beyond the operand (signed, in operand-size units).
      const e = makeEa(o0);
      return (c) => {
        let off: number;
        if (s === 8) { off = c.hi[o1.r] * 4294967296 + (c.lo[o1.r] >>> 0); } else off = gb(c) << (32 - bits) >> (32 - bits);
        const a = e(c) + Math.floor(off / 8) ;
        const bit = ((off % 8) + 8) % 8;
        const m = c.mem;
        const byte = m.read8(a);
        keepOthers(c, (byte >> bit) & 1, CF);
        if (kind !== BT) {
          const nb = kind === BTS ? byte | (1 << bit) : kind === BTR ? byte & ~(1 << bit) : byte ^ (1 << bit);
          m.write8(a, nb);
        }
      };
    }
    const g = makeGet(o0), p = makePut(o0, s, true);
    return (c) => {
      const v = g(c), vh = c.th;
      const n = gb(c) & (bits - 1);
      let lo = v, hi = vh;
      const cf = n < 32 ? (lo >>> n) & 1 : (hi >>> (n - 32)) & 1;
      keepOthers(c, cf, CF);
      if (kind === BT) return;
      const mk = n < 32 ? 1 << n : 0, mh = n >= 32 ? 1 << (n - 32) : 0;
      if (kind === BTS) { lo |= mk; hi |= mh; } else if (kind === BTR) { lo &= ~mk; hi &= ~mh; } else { lo ^= mk; hi ^= mh; }
      p(c, lo, hi);
    };
  });
}

function clz64(lo: number, hi: number, s: number): number {
  if (s === 8) return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
  if (s === 4) return Math.clz32(lo);
  return Math.clz32(lo & 0xffff) - 16;
}
function ctz32(x: number): number { return x === 0 ? 32 : 31 - Math.clz32(x & -x); }
function ctz64(lo: number, hi: number, s: number): number {
  if (s === 8) return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
  if (s === 4) return ctz32(lo);
  return Math.min(ctz32(lo & 0xffff), 16);
}
function popcnt32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

def([Mnemonic.Bsf, Mnemonic.Bsr, Mnemonic.Tzcnt, Mnemonic.Lzcnt, Mnemonic.Popcnt], (d) => {
  const [o0, o1] = d.ops, s = o0.size, g = makeGet(o1, s), p = makePut(o0, s);
  const mn = d.mnem;
  const m = s === 2 ? 0xffff : -1;
  return (c) => {
    const v = g(c) & m, vh = s === 8 ? c.th : 0;
    const zero = (v | vh) === 0;
    let r: number;
    switch (mn) {
      case Mnemonic.Bsf: case Mnemonic.Bsr:
        // Source zero: ZF=1 and the destination is left unchanged (AMD documents this).
        // This CPU (measured): ZF for a zero source, PF of the result, every other flag cleared.
        if (zero) { c.setArith(ZF | PF); return; }
        r = mn === Mnemonic.Bsf ? ctz64(v, vh, s) : s * 8 - 1 - clz64(v, vh, s);
        c.setArith(PARITY[r]);
        break;
      case Mnemonic.Tzcnt: case Mnemonic.Lzcnt:
        r = mn === Mnemonic.Tzcnt ? ctz64(v, vh, s) : clz64(v, vh, s);
        // This CPU (measured): OF kept, SF/AF/PF cleared.
        keepOthers(c, (zero ? CF : 0) | (r === 0 ? ZF : 0), CF | ZF | SF | AF | PF);
        break;
      default:
        r = popcnt32(v) + (s === 8 ? popcnt32(vh) : 0);
        c.setArith(zero ? ZF : 0);
    }
    p(c, r, 0);
  };
});

def(Mnemonic.Xadd, (d) => {
  const [o0, o1] = d.ops, s = o0.size;
  const g0 = makeGet(o0), p0 = makePut(o0, s, true), g1 = makeGet(o1), p1 = makePut(o1, s);
  return (c) => {
    const a = g0(c), ah = c.th, ea = c.ea; const b = g1(c), bh = c.th;
    add(c, s, a, ah, b, bh);
    const rl = c.rl, rh = c.rh;
    p1(c, a, ah); c.ea = ea; p0(c, rl, rh);
  };
});

def(Mnemonic.Cmpxchg, (d) => {
  const [o0, o1] = d.ops, s = o0.size;
  const g0 = makeGet(o0), p0 = makePut(o0, s, true), g1 = makeGet(o1), pa = makePut({ ...o1, k: 1, r: RAX, h8: false }, s);
  const ga = makeGet({ ...o1, k: 1, r: RAX, h8: false }, s);
  const memDst = o0.k === K_MEM;
  return (c) => {
    const a = g0(c), ah = c.th;
    const acc = ga(c), acch = c.th;
    sub(c, s, acc, acch, a, ah);
    if (c.getZF()) { const v = g1(c); p0(c, v, c.th); }
    else { if (memDst) p0(c, a, ah); pa(c, a, ah); } // memory is always written back (a locked RMW); a register is not
  };
});

def([Mnemonic.Cmpxchg8b, Mnemonic.Cmpxchg16b], (d) => {
  const o = d.ops[0], e = makeEa(o), wide = d.mnem === Mnemonic.Cmpxchg16b;
  return (c) => {
    const a = e(c), m = c.mem;
    if (wide) {
      if (a % 16 !== 0) throw new GuestFault(VEC_GP, 0);
      const l0 = m.read64(a), h0 = m.hi, l1 = m.read64(a + 8), h1 = m.hi;
      const eq = l0 === c.lo[RAX] && h0 === c.hi[RAX] && l1 === c.lo[RDX] && h1 === c.hi[RDX];
      keepOthers(c, eq ? ZF : 0, ZF);
      if (eq) { m.write64(a, c.lo[RBX], c.hi[RBX]); m.write64(a + 8, c.lo[RCX], c.hi[RCX]); }
      else { m.write64(a, l0, h0); m.write64(a + 8, l1, h1); c.lo[RAX] = l0; c.hi[RAX] = h0; c.lo[RDX] = l1; c.hi[RDX] = h1; }
    } else {
      const l0 = m.read32(a), h0 = m.read32(a + 4);
      const eq = l0 === c.lo[RAX] && h0 === c.lo[RDX];
      keepOthers(c, eq ? ZF : 0, ZF);
      if (eq) { m.write32(a, c.lo[RBX]); m.write32(a + 4, c.lo[RCX]); }
      else { c.lo[RAX] = l0; c.hi[RAX] = 0; c.lo[RDX] = h0; c.hi[RDX] = 0; }
    }
  };
});

void LazyFlags;
