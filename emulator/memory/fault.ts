// The exception object thrown by memory accesses and instructions while the CPU executes.
// The CPU catches it, rewinds RIP to the faulting instruction and delivers it through the IDT.

export const VEC_DE = 0, VEC_DB = 1, VEC_BP = 3, VEC_UD = 6, VEC_NM = 7, VEC_DF = 8;
export const VEC_SS = 12, VEC_GP = 13, VEC_PF = 14, VEC_MF = 16, VEC_XM = 19;

/** #PF error code bits, as Intel defines them (SDM vol. 3, 4.7). */
export const PF_P = 1, PF_W = 2, PF_U = 4, PF_I = 16;

export class GuestFault {
  constructor(
    readonly vector: number,
    readonly errorCode: number | undefined = undefined,
    readonly cr2: number | undefined = undefined,
  ) {}
  toString(): string {
    const cr2 = this.cr2 === undefined ? '' : ` cr2=${this.cr2.toString(16)}`;
    return `guest fault vector ${this.vector}${this.errorCode === undefined ? '' : ` err=${this.errorCode}`}${cr2}`;
  }
}

export function isCanonical(addr: number): boolean {
  return addr >= -0x800000000000 && addr < 0x800000000000 && Number.isInteger(addr);
}

/** Converts an unsigned 64-bit address (bigint) to the canonical signed number the emulator uses. */
export function toAddr(a: bigint | number): number {
  if (typeof a === 'number') return a;
  return Number(BigInt.asIntN(64, a));
}

/** The unsigned 64-bit value of a canonical signed address, for display. */
export function addrToU64(a: number): bigint {
  return BigInt.asUintN(64, BigInt(a));
}
