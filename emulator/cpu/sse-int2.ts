// The rest of SSE2 integer: saturating add/sub of signed bytes/words, pmulhw/pmulhuw/pmuludq/pmaddwd,
// psadbw, pavgw, the pack instructions, pinsrw/pextrw. (sse-int.ts has the common ones.)

import { Mnemonic } from 'iced-x86';
import { CpuState } from './state';
import { def } from './table';
import { makeGet, makePut, Exec } from './operands';
import { Desc, K_XMM } from './decode';
import { src128 } from './sse-int';

type Lane = (c: CpuState, d: number, s: number) => void;
function binop(f: Lane): (d: Desc) => Exec | null {
  return (d) => {
    const [o0, o1] = d.ops;
    if (o0.k !== K_XMM || d.ops.length !== 2) return null;
    const s = src128(o1, true), r = o0.r;
    return (c) => f(c, r, s(c));
  };
}
const s8 = (v: number) => (v << 24) >> 24, s16 = (v: number) => (v << 16) >> 16;
const satB = (v: number) => (v > 127 ? 127 : v < -128 ? -128 : v) & 255;
const satW = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : v) & 0xffff;
const satUB = (v: number) => (v > 255 ? 255 : v < 0 ? 0 : v);
const bytes = (g: (a: number, b: number) => number): Lane => (c, d, s) => {
  const x = c.xb; d *= 16; s *= 16;
  for (let i = 0; i < 16; i++) x[d + i] = g(x[d + i], x[s + i]);
};
const words = (g: (a: number, b: number) => number): Lane => (c, d, s) => {
  const x = c.xw; d *= 8; s *= 8;
  for (let i = 0; i < 8; i++) x[d + i] = g(x[d + i], x[s + i]);
};

def(Mnemonic.Paddsb, binop(bytes((a, b) => satB(s8(a) + s8(b)))));
def(Mnemonic.Psubsb, binop(bytes((a, b) => satB(s8(a) - s8(b)))));
def(Mnemonic.Paddsw, binop(words((a, b) => satW(s16(a) + s16(b)))));
def(Mnemonic.Psubsw, binop(words((a, b) => satW(s16(a) - s16(b)))));
def(Mnemonic.Pmulhw, binop(words((a, b) => (s16(a) * s16(b)) >> 16)));
def(Mnemonic.Pmulhuw, binop(words((a, b) => (a * b) >>> 16)));
def(Mnemonic.Pavgw, binop(words((a, b) => (a + b + 1) >> 1)));

const t = new Int32Array(4), tb = new Uint8Array(t.buffer), tw = new Uint16Array(t.buffer);

def(Mnemonic.Pmuludq, binop((c, d, s) => {
  const x = c.xi;
  for (let i = 0; i < 4; i += 2) {
    const p = BigInt(x[d * 4 + i] >>> 0) * BigInt(x[s * 4 + i] >>> 0);
    x[d * 4 + i] = Number(p & 0xffffffffn) | 0; x[d * 4 + i + 1] = Number(p >> 32n) | 0;
  }
}));

def(Mnemonic.Pmaddwd, binop((c, d, s) => {
  const w = c.xw, x = c.xi;
  for (let i = 0; i < 4; i++) {
    t[i] = (s16(w[d * 8 + 2 * i]) * s16(w[s * 8 + 2 * i]) + s16(w[d * 8 + 2 * i + 1]) * s16(w[s * 8 + 2 * i + 1])) | 0;
  }
  x.set(t, d * 4);
}));

def(Mnemonic.Psadbw, binop((c, d, s) => {
  const b = c.xb, w = c.xw;
  for (let h = 0; h < 2; h++) {
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += Math.abs(b[d * 16 + h * 8 + i] - b[s * 16 + h * 8 + i]);
    w[d * 8 + h * 4] = sum; w[d * 8 + h * 4 + 1] = 0; w[d * 8 + h * 4 + 2] = 0; w[d * 8 + h * 4 + 3] = 0;
  }
}));

// Packs: the destination's elements form the low half of the result, the source's the high half.
def([Mnemonic.Packsswb, Mnemonic.Packuswb], (d) => {
  const us = d.mnem === Mnemonic.Packuswb;
  return binop((c, dr, sr) => {
    const w = c.xw;
    for (let i = 0; i < 8; i++) {
      const a = s16(w[dr * 8 + i]), b = s16(w[sr * 8 + i]);
      tb[i] = us ? satUB(a) : satB(a); tb[8 + i] = us ? satUB(b) : satB(b);
    }
    c.xi.set(t, dr * 4);
  })(d);
});
def(Mnemonic.Packssdw, binop((c, dr, sr) => {
  const x = c.xi;
  for (let i = 0; i < 4; i++) { tw[i] = satW(x[dr * 4 + i]); tw[4 + i] = satW(x[sr * 4 + i]); }
  x.set(t, dr * 4);
}));

def(Mnemonic.Pinsrw, (d) => {
  const [o0, o1, o2] = d.ops;
  if (o0.k !== K_XMM) return null;
  const r = o0.r * 8 + (o2.lo & 7), g = makeGet(o1, 2);
  return (c) => { c.xw[r] = g(c) & 0xffff; };
});
def(Mnemonic.Pextrw, (d) => {
  const [o0, o1, o2] = d.ops;
  if (o1.k !== K_XMM) return null;
  const q = o1.r * 8 + (o2.lo & 7), p = makePut(o0, o0.size === 8 ? 8 : 4);
  return (c) => p(c, c.xw[q], 0);
});
