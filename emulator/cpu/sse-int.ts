// SSE/SSE2 data movement and integer operations on XMM registers (c.xi int32 lanes, c.xb bytes).
// A 128-bit memory operand is read into a scratch slot (register 16) so every op reads registers.

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { def } from './table';
import { makeEa, makeGet, makePut, Exec } from './operands';
import { Desc, Opnd, K_XMM, K_MEM, K_REG } from './decode';
import { GuestFault, VEC_GP } from '../memory/fault';

export const TMP = 16; // scratch XMM slot

/** Loads an XMM-or-memory source into slot TMP (memory) and returns the slot to read. */
export function src128(o: Opnd, align: boolean): (c: CpuState) => number {
  if (o.k === K_XMM) { const r = o.r; return () => r; }
  const e = makeEa(o);
  return (c) => {
    const a = e(c);
    if (align && a % 16 !== 0) throw new GuestFault(VEC_GP, 0);
    const m = c.mem, xi = c.xi;
    xi[64] = m.read64(a); xi[65] = m.hi; xi[66] = m.read64(a + 8); xi[67] = m.hi;
    return TMP;
  };
}
export function store128(o: Opnd, align: boolean): (c: CpuState, from: number) => void {
  if (o.k === K_XMM) { const r = o.r * 4; return (c, f) => { const x = c.xi; f *= 4; x[r] = x[f]; x[r + 1] = x[f + 1]; x[r + 2] = x[f + 2]; x[r + 3] = x[f + 3]; }; }
  const e = makeEa(o);
  return (c, f) => {
    const a = e(c);
    if (align && a % 16 !== 0) throw new GuestFault(VEC_GP, 0);
    const x = c.xi; f *= 4;
    c.mem.read8(a + 15); // fault before writing anything
    c.mem.write64(a, x[f], x[f + 1]); c.mem.write64(a + 8, x[f + 2], x[f + 3]);
  };
}

def([Mnemonic.Movdqa, Mnemonic.Movdqu, Mnemonic.Movaps, Mnemonic.Movups, Mnemonic.Movapd, Mnemonic.Movupd, Mnemonic.Lddqu], (d) => {
  const align = d.mnem === Mnemonic.Movdqa || d.mnem === Mnemonic.Movaps || d.mnem === Mnemonic.Movapd;
  const [o0, o1] = d.ops;
  const s = src128(o1, align), st = store128(o0, align);
  return (c) => st(c, s(c));
});

def([Mnemonic.Movd, Mnemonic.Movq], (d) => {
  const [o0, o1] = d.ops;
  if (o0.k === K_XMM) {
    const r = o0.r * 4;
    if (o1.k === K_XMM) { const q = o1.r * 4; return (c) => { const x = c.xi; x[r] = x[q]; x[r + 1] = x[q + 1]; x[r + 2] = 0; x[r + 3] = 0; }; }
    const size = d.mnem === Mnemonic.Movd ? 4 : 8;
    const g = makeGet(o1, size);
    return (c) => { const x = c.xi; x[r] = g(c); x[r + 1] = size === 8 ? c.th : 0; x[r + 2] = 0; x[r + 3] = 0; };
  }
  if (o1.k === K_XMM && (o0.k === K_REG || o0.k === K_MEM)) {
    const q = o1.r * 4, size = d.mnem === Mnemonic.Movd ? 4 : 8;
    const p = makePut(o0, size);
    return (c) => p(c, c.xi[q], c.xi[q + 1]);
  }
  return null;
});

// ---- integer lane operations, table-driven: each gets (c, dstSlot*16 bytes offset, srcSlot offset) ----

type Lane = (c: CpuState, d: number, s: number) => void;
function binop(f: Lane): (d: Desc) => Exec | null {
  return (d) => {
    const [o0, o1] = d.ops;
    if (o0.k !== K_XMM || d.ops.length !== 2) return null;
    const s = src128(o1, true), r = o0.r;
    return (c) => f(c, r, s(c));
  };
}
const bytesOp = (g: (a: number, b: number) => number): Lane => (c, d, s) => {
  const x = c.xb; d *= 16; s *= 16;
  for (let i = 0; i < 16; i++) x[d + i] = g(x[d + i], x[s + i]);
};
const wordsOp = (g: (a: number, b: number) => number): Lane => (c, d, s) => {
  const x = c.xw; d *= 8; s *= 8;
  for (let i = 0; i < 8; i++) x[d + i] = g(x[d + i], x[s + i]);
};
const dwordsOp = (g: (a: number, b: number) => number): Lane => (c, d, s) => {
  const x = c.xi; d *= 4; s *= 4;
  for (let i = 0; i < 4; i++) x[d + i] = g(x[d + i], x[s + i]);
};
const qwordsOp = (g: (al: number, ah: number, bl: number, bh: number, out: Int32Array, o: number) => void): Lane => (c, d, s) => {
  const x = c.xi; d *= 4; s *= 4;
  for (let i = 0; i < 4; i += 2) g(x[d + i], x[d + i + 1], x[s + i], x[s + i + 1], x, d + i);
};
const s8 = (v: number) => (v << 24) >> 24, s16 = (v: number) => (v << 16) >> 16;

def([Mnemonic.Pxor, Mnemonic.Xorps, Mnemonic.Xorpd], binop(dwordsOp((a, b) => a ^ b)));
def([Mnemonic.Por, Mnemonic.Orps, Mnemonic.Orpd], binop(dwordsOp((a, b) => a | b)));
def([Mnemonic.Pand, Mnemonic.Andps, Mnemonic.Andpd], binop(dwordsOp((a, b) => a & b)));
def([Mnemonic.Pandn, Mnemonic.Andnps, Mnemonic.Andnpd], binop(dwordsOp((a, b) => ~a & b)));
def(Mnemonic.Pcmpeqb, binop(bytesOp((a, b) => (a === b ? 255 : 0))));
def(Mnemonic.Pcmpeqw, binop(wordsOp((a, b) => (a === b ? 0xffff : 0))));
def(Mnemonic.Pcmpeqd, binop(dwordsOp((a, b) => (a === b ? -1 : 0))));
def(Mnemonic.Pcmpgtb, binop(bytesOp((a, b) => (s8(a) > s8(b) ? 255 : 0))));
def(Mnemonic.Pcmpgtw, binop(wordsOp((a, b) => (s16(a) > s16(b) ? 0xffff : 0))));
def(Mnemonic.Pcmpgtd, binop(dwordsOp((a, b) => (a > b ? -1 : 0))));
def(Mnemonic.Pminub, binop(bytesOp((a, b) => Math.min(a, b))));
def(Mnemonic.Pmaxub, binop(bytesOp((a, b) => Math.max(a, b))));
def(Mnemonic.Pminsw, binop(wordsOp((a, b) => (s16(a) < s16(b) ? a : b))));
def(Mnemonic.Pmaxsw, binop(wordsOp((a, b) => (s16(a) > s16(b) ? a : b))));
def(Mnemonic.Paddb, binop(bytesOp((a, b) => a + b)));
def(Mnemonic.Paddw, binop(wordsOp((a, b) => a + b)));
def(Mnemonic.Paddd, binop(dwordsOp((a, b) => (a + b) | 0)));
def(Mnemonic.Psubb, binop(bytesOp((a, b) => a - b)));
def(Mnemonic.Psubw, binop(wordsOp((a, b) => a - b)));
def(Mnemonic.Psubd, binop(dwordsOp((a, b) => (a - b) | 0)));
def(Mnemonic.Paddq, binop(qwordsOp((al, ah, bl, bh, x, o) => { const l = (al + bl) | 0; x[o] = l; x[o + 1] = (ah + bh + ((l >>> 0) < (al >>> 0) ? 1 : 0)) | 0; })));
def(Mnemonic.Psubq, binop(qwordsOp((al, ah, bl, bh, x, o) => { x[o] = (al - bl) | 0; x[o + 1] = (ah - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; })));
def(Mnemonic.Paddusb, binop(bytesOp((a, b) => Math.min(255, a + b))));
def(Mnemonic.Psubusb, binop(bytesOp((a, b) => Math.max(0, a - b))));
def(Mnemonic.Paddusw, binop(wordsOp((a, b) => Math.min(0xffff, a + b))));
def(Mnemonic.Psubusw, binop(wordsOp((a, b) => Math.max(0, a - b))));
def(Mnemonic.Pmullw, binop(wordsOp((a, b) => Math.imul(a, b))));
def(Mnemonic.Pavgb, binop(bytesOp((a, b) => (a + b + 1) >> 1)));

const tmp = new Int32Array(4);
const tmpB = new Uint8Array(tmp.buffer), tmpW = new Uint16Array(tmp.buffer);
def([Mnemonic.Punpcklbw, Mnemonic.Punpckhbw, Mnemonic.Punpcklwd, Mnemonic.Punpckhwd, Mnemonic.Punpckldq, Mnemonic.Punpckhdq,
  Mnemonic.Punpcklqdq, Mnemonic.Punpckhqdq, Mnemonic.Unpcklps, Mnemonic.Unpckhps, Mnemonic.Unpcklpd, Mnemonic.Unpckhpd], (d) => {
  const m = d.mnem;
  const elem = m === Mnemonic.Punpcklbw || m === Mnemonic.Punpckhbw ? 1 : m === Mnemonic.Punpcklwd || m === Mnemonic.Punpckhwd ? 2 :
    m === Mnemonic.Punpckldq || m === Mnemonic.Punpckhdq || m === Mnemonic.Unpcklps || m === Mnemonic.Unpckhps ? 4 : 8;
  const high = [Mnemonic.Punpckhbw, Mnemonic.Punpckhwd, Mnemonic.Punpckhdq, Mnemonic.Punpckhqdq, Mnemonic.Unpckhps, Mnemonic.Unpckhpd].includes(m);
  return binop((c, dr, sr) => {
    const x = c.xb, base = high ? 8 : 0, n = 8 / elem;
    for (let i = 0; i < n; i++) for (let k = 0; k < elem; k++) {
      tmpB[2 * i * elem + k] = x[dr * 16 + base + i * elem + k];
      tmpB[(2 * i + 1) * elem + k] = x[sr * 16 + base + i * elem + k];
    }
    x.set(tmpB, dr * 16);
  })(d);
});

def(Mnemonic.Pmovmskb, (d) => {
  const [o0, o1] = d.ops, r = o0.r, q = o1.r * 16;
  return (c) => { let v = 0; for (let i = 0; i < 16; i++) v |= (c.xb[q + i] >> 7) << i; c.lo[r] = v; c.hi[r] = 0; };
});

def([Mnemonic.Pshufd, Mnemonic.Pshuflw, Mnemonic.Pshufhw], (d) => {
  const [o0, o1, o2] = d.ops, s = src128(o1, true), r = o0.r, imm = o2.lo & 255, m = d.mnem;
  return (c) => {
    const q = s(c);
    if (m === Mnemonic.Pshufd) { for (let i = 0; i < 4; i++) tmp[i] = c.xi[q * 4 + ((imm >> (2 * i)) & 3)]; }
    else {
      for (let i = 0; i < 8; i++) tmpW[i] = c.xw[q * 8 + i];
      const b = m === Mnemonic.Pshuflw ? 0 : 4;
      for (let i = 0; i < 4; i++) tmpW[b + i] = c.xw[q * 8 + b + ((imm >> (2 * i)) & 3)];
    }
    c.xi.set(tmp, r * 4);
  };
});

def([Mnemonic.Psllq, Mnemonic.Psrlq, Mnemonic.Pslld, Mnemonic.Psrld, Mnemonic.Psllw, Mnemonic.Psrlw, Mnemonic.Psrad, Mnemonic.Psraw], (d) => {
  const [o0, o1] = d.ops, r = o0.r, m = d.mnem;
  const count: (c: CpuState) => number = o1.k === 3 ? (() => { const n = o1.lo & 255; return () => n; })()
    : (() => { const s = src128(o1, true); return (c: CpuState) => { const q = s(c); return c.xi[q * 4 + 1] !== 0 ? 999 : c.xi[q * 4] >>> 0; }; })();
  const w = m === Mnemonic.Psllq || m === Mnemonic.Psrlq ? 64 : m === Mnemonic.Pslld || m === Mnemonic.Psrld || m === Mnemonic.Psrad ? 32 : 16;
  const left = m === Mnemonic.Psllq || m === Mnemonic.Pslld || m === Mnemonic.Psllw, arith = m === Mnemonic.Psrad || m === Mnemonic.Psraw;
  return (c) => {
    let n = count(c);
    const x = c.xi;
    if (w === 64) {
      for (let i = 0; i < 4; i += 2) {
        let v = (BigInt(x[r * 4 + i + 1] >>> 0) << 32n) | BigInt(x[r * 4 + i] >>> 0);
        v = n > 63 ? 0n : left ? (v << BigInt(n)) & 0xffffffffffffffffn : v >> BigInt(n);
        x[r * 4 + i] = Number(v & 0xffffffffn) | 0; x[r * 4 + i + 1] = Number(v >> 32n) | 0;
      }
    } else if (w === 32) {
      for (let i = 0; i < 4; i++) {
        const v = x[r * 4 + i];
        x[r * 4 + i] = arith ? v >> Math.min(n, 31) : n > 31 ? 0 : left ? v << n : v >>> n;
      }
    } else {
      const xw = c.xw;
      if (arith) n = Math.min(n, 15);
      for (let i = 0; i < 8; i++) {
        const v = xw[r * 8 + i];
        xw[r * 8 + i] = arith ? s16(v) >> n : n > 15 ? 0 : left ? v << n : v >>> n;
      }
    }
  };
});

def([Mnemonic.Pslldq, Mnemonic.Psrldq], (d) => {
  const [o0, o1] = d.ops, r = o0.r * 16, n = Math.min(o1.lo & 255, 16), left = d.mnem === Mnemonic.Pslldq;
  return (c) => {
    const x = c.xb;
    for (let i = 0; i < 16; i++) { const k = left ? i - n : i + n; tmpB[i] = k >= 0 && k < 16 ? x[r + k] : 0; }
    x.set(tmpB, r);
  };
});
