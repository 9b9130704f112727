// Floating-point idioms for the differential test generator: SSE/SSE2 scalar and packed arithmetic,
// compares, conversions and shuffles on values from a table of interesting floats and doubles (zeros,
// denormals, extremes, infinities, QNaN/SNaN, rounding boundaries), ldmxcsr with every rounding mode
// and DAZ/FTZ, and x87 sequences that leave the stack empty (results reach memory and the status word).

import { Rng } from '../helpers/random';

export const DOUBLES = [
  0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff8000000000000n, 0x3fb999999999999an, 0x4008000000000000n,
  0x7e37e43c8800759cn /* 1e300 */, 0x81a56e1fc2f8f359n /* -1e-300 */, 0x0010000000000000n, 0x000fffffffffffffn, 1n,
  0x800000000000000fn, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0x7ff8000000000123n, 0xfff8000000000000n, 0x7ff0000000000001n, 0xfff4000000000000n,
  0x3ff0000000000001n, 0x3fefffffffffffffn, 0x41e0000000000000n, 0x41dfffffffe00000n, 0xc1e0000000000000n,
  0xc1e0000000200000n, 0x43e0000000000000n, 0xc3e0000000000000n, 0x43dfffffffffffffn, 0x3fe0000000000000n,
  0x3ff8000000000000n, 0x4004000000000000n, 0xc004000000000000n, 0x7fe0000000000000n, 0x36a0000000000000n,
  0x47efffffe0000000n, 0x47effffff0000000n, 0x3810000000000000n, 0x380fffffe0000000n, 0x4330000000000001n,
  0x4024000000000000n, 0xc059000000000000n, 0x3e40000000000000n,
];
export const FLOATS = [
  0, 0x80000000, 0x3f800000, 0xbfc00000, 0x3dcccccd, 1, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000,
  0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00000, 0x7f800001, 0xffc00123, 0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001,
  0x3f000000, 0x40200000, 0xc0200000, 0x3f800001, 0x3f7fffff, 0x5f000000, 0xdf000000, 0x4b800001, 0x33800000,
  0x7f000000, 0x0c000000, 0x41200000, 0xc2c80000,
];
/** Moderate values for x87: binary64 and the real 80-bit registers agree on them (no over/underflow). */
export const X87_DOUBLES = [
  0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff8000000000000n, 0x3fb999999999999an, 0x4008000000000000n,
  0x3ff0000000000001n, 0x3fefffffffffffffn, 0x4004000000000000n, 0xc004000000000000n, 0x3fe0000000000000n,
  0x4024000000000000n, 0xc059000000000000n, 0x3e40000000000000n, 0x41e0000000000000n, 0xc1e0000000200000n,
  0x43e0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff8000000000123n,
  0x7ff0000000000001n, 0x4330000000000001n, 0x40c3880000000000n, 0xbfd5555555555555n, 0x4202a05f20000000n,
];

const hex = (v: bigint | number) => '0x' + v.toString(16);

export class FloatGen {
  constructor(private g: Rng, private mem: (size: number) => string, private gpr: () => string, private reg: (r: string, size: number) => string) {}

  private x(): string { return `%xmm${this.g.int(16)}`; }
  private dbl(): bigint { return this.g.pick(DOUBLES); }
  private flt(): bigint { return BigInt(this.g.pick(FLOATS)); }
  /** 64 bits of interesting values: one double or two floats. */
  private q(asFloat: boolean): bigint { return asFloat ? (this.flt() << 32n) | this.flt() : this.dbl(); }

  /** Loads an XMM register with interesting values through an aligned scratch slot (left there too). */
  private load(xr: string, out: string[]): string {
    const asFloat = this.g.int(2) === 0, off = this.g.int(30) * 16, t = this.gpr();
    out.push(`movabs $${hex(this.q(asFloat))}, %${t}`, `mov %${t}, ${off}(%r15)`,
      `movabs $${hex(this.q(asFloat))}, %${t}`, `mov %${t}, ${off + 8}(%r15)`, `movaps ${off}(%r15), ${xr}`);
    return `${off}(%r15)`;
  }

  sse(): string[] {
    const g = this.g, out: string[] = [];
    const a = this.x(), b = this.x();
    const slot = this.load(a, out);
    if (g.int(2)) this.load(b, out);
    const src = (size: number) => (g.int(3) === 0 ? (size === 16 ? slot : this.mem(size)) : g.pick([a, b, this.x()]));
    const n = 1 + g.int(3);
    for (let k = 0; k < n; k++) out.push(this.op(src, g.pick([a, b, this.x()])));
    return out;
  }

  private op(src: (size: number) => string, d: string): string {
    const g = this.g;
    const sd = g.int(2) === 0, sz = sd ? 8 : 4;
    switch (g.int(12)) {
      case 0: case 1: {
        const op = g.pick(['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt']);
        return `${op}${sd ? 'sd' : 'ss'} ${src(sz)}, ${d}`;
      }
      case 2: case 3: {
        const op = g.pick(['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt']);
        return `${op}${sd ? 'pd' : 'ps'} ${src(16)}, ${d}`;
      }
      case 4: {
        const suf = g.pick(['ss', 'sd', 'ps', 'pd']);
        return `cmp${suf} $${g.int(8)}, ${src(suf === 'ss' ? 4 : suf === 'sd' ? 8 : 16)}, ${d}`;
      }
      case 5: return `${g.pick(['comi', 'ucomi'])}${sd ? 'sd' : 'ss'} ${src(sz)}, ${d}`;
      case 6: {
        const w = g.int(2) ? 4 : 8, r = this.reg(this.gpr(), w);
        const f = g.int(3);
        if (f === 0) return `cvtsi2${sd ? 'sd' : 'ss'}${w === 4 ? 'l' : 'q'} ${g.int(2) ? r : this.mem(w)}, ${d}`;
        if (f === 1) return `cvt${g.pick(['', 't'])}${sd ? 'sd' : 'ss'}2si ${src(sz)}, ${r}`;
        return sd ? `cvtsd2ss ${src(8)}, ${d}` : `cvtss2sd ${src(4)}, ${d}`;
      }
      case 7: {
        const op = g.pick(['cvtdq2ps', 'cvtps2dq', 'cvttps2dq', 'cvtdq2pd', 'cvtpd2dq', 'cvttpd2dq', 'cvtps2pd', 'cvtpd2ps']);
        const narrow = op === 'cvtdq2pd' || op === 'cvtps2pd';
        return `${op} ${src(narrow ? 8 : 16)}, ${d}`;
      }
      case 8: {
        const f = g.int(4);
        if (f === 0) return `shuf${sd ? 'pd' : 'ps'} $${g.int(256)}, ${src(16)}, ${d}`;
        if (f === 1) return `unpck${g.pick(['l', 'h'])}${sd ? 'pd' : 'ps'} ${src(16)}, ${d}`;
        if (f === 2) return `${g.pick(['and', 'andn', 'or', 'xor'])}${sd ? 'pd' : 'ps'} ${src(16)}, ${d}`;
        return `${g.pick(['movhlps', 'movlhps'])} ${this.x()}, ${d}`;
      }
      case 9: {
        const f = g.int(4);
        if (f === 0) return `mov${g.pick(['l', 'h'])}${sd ? 'pd' : 'ps'} ${this.mem(8)}, ${d}`;
        if (f === 1) return `mov${g.pick(['l', 'h'])}${sd ? 'pd' : 'ps'} ${d}, ${this.mem(8)}`;
        if (f === 2) return `movmsk${sd ? 'pd' : 'ps'} ${d}, ${this.reg(this.gpr(), g.int(2) ? 4 : 8)}`;
        return `mov${sd ? 'sd' : 'ss'} ${d}, ${this.mem(sz)}`;
      }
      case 10: return g.int(2) ? `mov${sd ? 'sd' : 'ss'} ${this.mem(sz)}, ${d}` : `mov${sd ? 'sd' : 'ss'} ${this.x()}, ${d}`;
      default: return `${g.pick(['movaps', 'movapd', 'movups', 'movupd'])} ${src(16)}, ${d}`;
    }
  }

  /** ldmxcsr with a random rounding mode, DAZ/FTZ and some sticky flags (exceptions stay masked). */
  mxcsr(): string[] {
    const g = this.g;
    const v = 0x1f80 | (g.int(4) << 13) | (g.int(3) === 0 ? 0x40 : 0) | (g.int(3) === 0 ? 0x8000 : 0) | (g.int(4) === 0 ? g.int(64) : 0);
    const off = g.int(60) * 8;
    return [`movl $${hex(v)}, ${off}(%r15)`, `ldmxcsr ${off}(%r15)`, ...(g.int(2) ? [`stmxcsr ${this.mem(4)}`] : [])];
  }

  /** An x87 sequence: set FCW (53-bit precision, random rounding), push 1-3 values, operate, store
   *  everything back to memory so the stack ends empty. */
  x87(): string[] {
    const g = this.g, out: string[] = [];
    const t = this.gpr();
    const slot = () => g.int(60) * 8;
    const cw = 0x27f | (g.int(4) << 10);
    const c = slot();
    out.push(`movw $${hex(cw)}, ${c}(%r15)`, `fldcw ${c}(%r15)`);
    let depth = 0;
    const push = () => {
      const f = g.int(8), o = slot();
      if (f === 0) out.push(g.pick(['fld1', 'fldz'])); // fldpi etc. hold 64-bit significands: inexact as binary64
      else if (f === 1) { out.push(`movl $${g.pick([0, 1, -1, 7, 100, -32768, 65535, 0x7fffffff, -0x80000000])}, ${o}(%r15)`, `fild${g.pick(['l', 's'])} ${o}(%r15)`); }
      else if (f === 2) { out.push(`movl $${hex(g.pick(FLOATS.filter((x) => (x & 0x7f800000) !== 0 || (x & 0x7fffff) === 0)))}, ${o}(%r15)`, `flds ${o}(%r15)`); }
      else { out.push(`movabs $${hex(g.pick(X87_DOUBLES))}, %${t}`, `mov %${t}, ${o}(%r15)`, `fldl ${o}(%r15)`); }
      depth++;
    };
    push();
    if (g.int(3)) push();
    if (depth === 2 && g.int(2)) push();
    const n = 1 + g.int(3);
    for (let k = 0; k < n; k++) {
      const f = g.int(10);
      if (f <= 2 && depth >= 2) {
        const p = g.pick(['p', '']);
        out.push(`${g.pick(['fadd', 'fsub', 'fsubr', 'fmul', 'fdiv', 'fdivr'])}${p} %st, %st(1)`);
        if (p) depth--;
      } else if (f === 3 && depth >= 2) out.push(`${g.pick(['fadd', 'fsub', 'fsubr', 'fmul', 'fdiv', 'fdivr'])} %st(1), %st`);
      else if (f === 4) {
        const o = slot();
        out.push(`movabs $${hex(g.pick(X87_DOUBLES))}, %${t}`, `mov %${t}, ${o}(%r15)`,
          `${g.pick(['fadd', 'fsub', 'fsubr', 'fmul', 'fdiv', 'fdivr'])}l ${o}(%r15)`);
      } else if (f === 5) out.push(g.pick(['fchs', 'fabs', 'fsqrt', 'frndint', 'ftst', 'fxam']));
      else if (f === 6 && depth >= 2) {
        const op = g.pick(['fcomi', 'fucomi', 'fcom', 'fucom', 'fxch']);
        out.push(op.endsWith('i') ? `${op} %st(1), %st` : `${op} %st(1)`);
      } else if (f === 7 && depth >= 2) { out.push(g.pick(['fcomip', 'fucomip']) + ' %st(1), %st'); depth--; }
      else if (f === 8 && depth >= 2) { out.push(g.pick(['fcompp', 'fucompp'])); depth -= 2; }
      else if (f === 9 && depth < 7) push();
      if (depth === 0) push();
    }
    while (depth > 0) {
      const o = slot(), f = g.int(7);
      if (f <= 2) out.push(`fstpl ${o}(%r15)`);
      else if (f === 3) out.push(`fstps ${o}(%r15)`);
      else if (f === 4) out.push(`${g.pick(['fistpl', 'fistpll', 'fisttpl', 'fisttpll', 'fistps'])} ${o}(%r15)`);
      else if (f === 5 && o <= 400) out.push(`fstpt ${o}(%r15)`, `fldt ${o}(%r15)`, `fstpl ${o + 16}(%r15)`);
      else out.push(`fnstsw %ax`, `fstpl ${o}(%r15)`);
      depth--;
    }
    return out;
  }
}
