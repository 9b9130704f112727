// Lazy RFLAGS: the last flag-setting operation is recorded (kind, size, operands, result) and the
// six arithmetic flags are computed only when read. OP_EXPLICIT means `fBits` holds them directly.

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400, OF = 0x800;
export const IOPL = 0x3000, NT = 0x4000, RF = 0x10000, AC = 0x40000, ID = 0x200000;
export const ARITH = CF | PF | AF | ZF | SF | OF;

export const OP_EXPLICIT = 0, OP_ADD = 1, OP_ADC = 2, OP_SUB = 3, OP_SBB = 4, OP_LOGIC = 5, OP_INC = 6, OP_DEC = 7;

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) { p ^= b & 1; b >>= 1; }
  PARITY[i] = p ? PF : 0;
}

/** Unsigned a < b for 64-bit values in halves. */
export function ult64(ah: number, al: number, bh: number, bl: number): boolean {
  return ah !== bh ? (ah >>> 0) < (bh >>> 0) : (al >>> 0) < (bl >>> 0);
}

/** The flag record; CpuState extends it. Sizes are in bytes (1, 2, 4, 8). */
export class LazyFlags {
  fOp = OP_EXPLICIT;
  fSize = 4;
  fA = 0; fAh = 0;
  fB = 0; fBh = 0;
  fR = 0; fRh = 0;
  /** Carry in (ADC/SBB) or the preserved CF (INC/DEC). */
  fCin = 0;
  /** The arithmetic flags when fOp === OP_EXPLICIT. */
  fBits = 0;
  /** Every RFLAGS bit that is not arithmetic (bit 1 is always set). */
  sysFlags = 0x2;

  setLazy(op: number, size: number, a: number, ah: number, b: number, bh: number, r: number, rh: number): void {
    this.fOp = op; this.fSize = size;
    this.fA = a; this.fAh = ah; this.fB = b; this.fBh = bh; this.fR = r; this.fRh = rh;
  }

  getCF(): number {
    const s = this.fSize;
    switch (this.fOp) {
      case OP_EXPLICIT: return this.fBits & CF;
      case OP_LOGIC: return 0;
      case OP_INC: case OP_DEC: return this.fCin;
      case OP_ADD: case OP_ADC: {
        let lt: boolean, eq: boolean;
        if (s === 8) { lt = ult64(this.fRh, this.fR, this.fAh, this.fA); eq = this.fR === this.fA && this.fRh === this.fAh; }
        else { const m = mask(s); const r = (this.fR & m) >>> 0, a = (this.fA & m) >>> 0; lt = r < a; eq = r === a; }
        return (lt || (this.fOp === OP_ADC && this.fCin !== 0 && eq)) ? 1 : 0;
      }
      default: { // SUB, SBB: borrow out of a - b - cin
        let lt: boolean, eq: boolean;
        if (s === 8) { lt = ult64(this.fAh, this.fA, this.fBh, this.fB); eq = this.fA === this.fB && this.fAh === this.fBh; }
        else { const m = mask(s); const a = (this.fA & m) >>> 0, b = (this.fB & m) >>> 0; lt = a < b; eq = a === b; }
        return (lt || (this.fOp === OP_SBB && this.fCin !== 0 && eq)) ? 1 : 0;
      }
    }
  }

  getZF(): boolean {
    if (this.fOp === OP_EXPLICIT) return (this.fBits & ZF) !== 0;
    const s = this.fSize;
    return s === 8 ? (this.fR | this.fRh) === 0 : (this.fR & mask(s)) === 0;
  }

  getSF(): boolean {
    if (this.fOp === OP_EXPLICIT) return (this.fBits & SF) !== 0;
    const s = this.fSize;
    return s === 8 ? this.fRh < 0 : ((this.fR >>> (s * 8 - 1)) & 1) !== 0;
  }

  getOF(): boolean {
    const s = this.fSize;
    let x: number;
    switch (this.fOp) {
      case OP_EXPLICIT: return (this.fBits & OF) !== 0;
      case OP_LOGIC: return false;
      case OP_ADD: case OP_ADC: case OP_INC:
        x = s === 8 ? (this.fAh ^ this.fRh) & (this.fBh ^ this.fRh) : (this.fA ^ this.fR) & (this.fB ^ this.fR);
        break;
      default:
        x = s === 8 ? (this.fAh ^ this.fBh) & (this.fAh ^ this.fRh) : (this.fA ^ this.fB) & (this.fA ^ this.fR);
    }
    return s === 8 ? x < 0 : ((x >>> (s * 8 - 1)) & 1) !== 0;
  }

  getPF(): number {
    return this.fOp === OP_EXPLICIT ? this.fBits & PF : PARITY[this.fR & 0xff];
  }

  getAF(): number {
    if (this.fOp === OP_EXPLICIT) return this.fBits & AF;
    if (this.fOp === OP_LOGIC) return 0;
    return (this.fA ^ this.fB ^ this.fR) & AF;
  }

  /** The six arithmetic flags as RFLAGS bits. */
  arithFlags(): number {
    if (this.fOp === OP_EXPLICIT) return this.fBits;
    return this.getCF() | this.getPF() | this.getAF() | (this.getZF() ? ZF : 0) | (this.getSF() ? SF : 0) | (this.getOF() ? OF : 0);
  }

  /** Freezes the arithmetic flags into fBits (before an instruction changes only some of them). */
  materialize(): void {
    if (this.fOp !== OP_EXPLICIT) { this.fBits = this.arithFlags(); this.fOp = OP_EXPLICIT; }
  }

  setArith(bits: number): void {
    this.fOp = OP_EXPLICIT;
    this.fBits = bits & ARITH;
  }

  /** PF|ZF|SF of a result of `size` bytes (low half r, high half rh). */
  static szp(size: number, r: number, rh: number): number {
    const z = size === 8 ? (r | rh) === 0 : (r & mask(size)) === 0;
    const sgn = size === 8 ? rh < 0 : ((r >>> (size * 8 - 1)) & 1) !== 0;
    return PARITY[r & 0xff] | (z ? ZF : 0) | (sgn ? SF : 0);
  }

  /** Condition code 0..15 as in Jcc/SETcc/CMOVcc (O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G). */
  cond(cc: number): boolean {
    let r: boolean;
    switch (cc >> 1) {
      case 0: r = this.getOF(); break;
      case 1: r = this.getCF() !== 0; break;
      case 2: r = this.getZF(); break;
      case 3: r = this.getCF() !== 0 || this.getZF(); break;
      case 4: r = this.getSF(); break;
      case 5: r = this.getPF() !== 0; break;
      case 6: r = this.getSF() !== this.getOF(); break;
      default: r = this.getZF() || this.getSF() !== this.getOF();
    }
    return (cc & 1) ? !r : r;
  }
}

export function mask(size: number): number {
  return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
}

export { PARITY };
