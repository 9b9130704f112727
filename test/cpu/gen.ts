// Seeded generator of random instruction sequences (GNU as, AT&T syntax) for the differential test:
// integer ALU of every size, shifts/rotates, mul/div with non-faulting operands, bit ops, setcc/cmovcc,
// jcc, string ops on the scratch buffer; SSE/SSE2 floating point and x87 (gen-float.ts). Memory operands
// address the scratch buffer through %r15, which the generated code never writes; %rsp is never touched
// except by balanced push/pop.

import { Rng } from '../helpers/random';
import { FloatGen } from './gen-float';

const R64 = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14'];
const R32: Record<string, string> = { rax: 'eax', rbx: 'ebx', rcx: 'ecx', rdx: 'edx', rsi: 'esi', rdi: 'edi', rbp: 'ebp' };
const R16: Record<string, string> = { rax: 'ax', rbx: 'bx', rcx: 'cx', rdx: 'dx', rsi: 'si', rdi: 'di', rbp: 'bp' };
const R8: Record<string, string> = { rax: 'al', rbx: 'bl', rcx: 'cl', rdx: 'dl', rsi: 'sil', rdi: 'dil', rbp: 'bpl' };
const SUF = ['b', 'w', 'l', 'q'];
const SIZES = [1, 2, 4, 8];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

export const SCRATCH = 512;

function reg(r: string, size: number): string {
  if (size === 8) return '%' + r;
  if (r.startsWith('r') && /\d/.test(r)) return '%' + r + (size === 4 ? 'd' : size === 2 ? 'w' : 'b');
  return '%' + (size === 4 ? R32[r] : size === 2 ? R16[r] : R8[r]);
}

export class Gen {
  private readonly fl: FloatGen;
  constructor(private rng: Rng) { this.fl = new FloatGen(rng, (size) => this.mem(size), () => this.r(), (r, size) => reg(r, size)); }
  private r(): string { return this.rng.pick(R64); }
  private sz(): number { return this.rng.pick(SIZES); }
  private mem(size: number): string { return `${this.rng.int((SCRATCH - 16) / size) * size}(%r15)`; }
  private imm(size: number): string {
    const v = this.rng.pick([0, 1, -1, 0x7f, 0x80, -0x80, 0x7fff, 0x8000, 0x7fffffff, -0x80000000, this.rng.int(256), this.rng.int(0x100000000) - 0x80000000]);
    if (size === 1) return `$${v & 0xff}`;
    if (size === 2) return `$${v & 0xffff}`;
    return `$${v | 0}`;
  }
  private rm(size: number): string { return this.rng.int(3) === 0 ? this.mem(size) : reg(this.r(), size); }

  /** One instruction or a short idiom (returns lines). */
  next(): string[] {
    const g = this.rng;
    const s = this.sz(), x = SUF[SIZES.indexOf(s)];
    const k = g.int(22);
    if (k >= 16) return k < 20 ? this.fl.sse() : k < 21 ? this.fl.mxcsr() : this.fl.x87();
    switch (k) {
      case 0: case 1: case 2: {
        const op = g.pick(['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test']);
        const form = g.int(5);
        if (form === 0) return [`${op}${x} ${reg(this.r(), s)}, ${reg(this.r(), s)}`];
        if (form === 1) return [`${op}${x} ${this.imm(s)}, ${reg(this.r(), s)}`];
        if (form === 2) return [`${op}${x} ${this.mem(s)}, ${reg(this.r(), s)}`];
        if (form === 3) return [`${op}${x} ${reg(this.r(), s)}, ${this.mem(s)}`];
        return [`${op}${x} ${this.imm(s)}, ${this.mem(s)}`];
      }
      case 3: return [`${g.pick(['inc', 'dec', 'not', 'neg'])}${x} ${this.rm(s)}`];
      case 4: case 5: {
        const op = g.pick(['shl', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr']);
        const f = g.int(3);
        if (f === 0) return [`${op}${x} $${g.pick([1, 1, 2, 7, 8, 15, 16, 31, 32, 63, g.int(64)])}, ${this.rm(s)}`];
        if (f === 1) return [`${op}${x} %cl, ${this.rm(s)}`];
        return [`${op}${x} ${this.rm(s)}`];
      }
      case 6: {
        if (s === 1) return [`${g.pick(['mul', 'imul'])}b ${this.rm(1)}`];
        const f = g.int(3);
        if (f === 0) return [`${g.pick(['mul', 'imul'])}${x} ${this.rm(s)}`];
        if (f === 1) return [`imul${x} ${this.rm(s)}, ${reg(this.r(), s)}`];
        return [`imul${x} ${this.imm(s === 2 ? 2 : 4)}, ${this.rm(s)}, ${reg(this.r(), s)}`];
      }
      case 7: {
        // Division with operands that cannot fault: divisor in [2, 32767], dividend high part zero
        // (div) or the sign extension of the low part (idiv).
        const src = this.r();
        const div = g.int(2) === 0;
        const out = [`movl ${reg(src === 'rcx' ? 'rbx' : src, 4)}, %ecx`, 'andl $0x7fff, %ecx', 'orl $2, %ecx'];
        if (s === 1) out.push(div ? 'movzbl %al, %eax' : 'cbtw');
        else if (div) out.push('xorl %edx, %edx');
        else out.push(s === 2 ? 'cwtd' : s === 4 ? 'cltd' : 'cqto');
        out.push(`${div ? 'div' : 'idiv'}${x} ${reg('rcx', s)}`);
        return out;
      }
      case 8: {
        const t = s === 1 ? 2 : s;
        const xx = SUF[SIZES.indexOf(t)];
        const op = g.pick(['bt', 'bts', 'btr', 'btc', 'bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt']);
        if (op.startsWith('bt')) {
          if (g.int(2)) return [`${op}${xx} $${g.int(64)}, ${this.rm(t)}`];
          return [`${op}${xx} ${reg(this.r(), t)}, ${reg(this.r(), t)}`];
        }
        return [`${op}${xx} ${this.rm(t)}, ${reg(this.r(), t)}`];
      }
      case 9: {
        const cc = g.pick(CC);
        if (g.int(2)) return [`set${cc} ${this.rm(1)}`];
        const t = s === 1 ? 4 : s;
        return [`cmov${cc}${SUF[SIZES.indexOf(t)]} ${this.rm(t)}, ${reg(this.r(), t)}`];
      }
      case 10: {
        const f = g.int(6);
        if (f === 0) return [`movzb${SUF[SIZES.indexOf(s === 1 ? 4 : s)]} ${this.rm(1)}, ${reg(this.r(), s === 1 ? 4 : s)}`];
        if (f === 1) {
          const ss = g.int(2) ? 1 : 2, ds = g.int(2) ? 4 : 8;
          return [`movs${ss === 1 ? 'b' : 'w'}${ds === 4 ? 'l' : 'q'} ${this.rm(ss)}, ${reg(this.r(), ds)}`];
        }
        if (f === 2) return [`movslq ${this.rm(4)}, ${reg(this.r(), 8)}`];
        if (f === 3) return [`lea${x === 'b' ? 'q' : x} ${g.int(0x10000) - 0x8000}(${reg(this.r(), 8)},${reg(this.r(), 8)},${g.pick([1, 2, 4, 8])}), ${reg(this.r(), s === 1 ? 8 : s)}`];
        if (f === 4) return [`xchg${x} ${reg(this.r(), s)}, ${this.rm(s)}`];
        return [`bswap ${reg(this.r(), g.int(2) ? 4 : 8)}`];
      }
      case 11: {
        const f = g.int(4);
        if (f === 0) return [`xadd${x} ${reg(this.r(), s)}, ${this.rm(s)}`];
        if (f === 1) return [`cmpxchg${x} ${reg(this.r(), s)}, ${this.rm(s)}`];
        if (f === 2) return [g.pick(['cbtw', 'cwtl', 'cltq', 'cwtd', 'cltd', 'cqto', 'clc', 'stc', 'cmc', 'lahf', 'sahf'])];
        return [`push ${reg(this.r(), 8)}`, `pop ${reg(this.r(), 8)}`];
      }
      case 12: {
        const lines = [`j${g.pick(CC)} 1f`];
        lines.push(...this.simple());
        lines.push('1:');
        return lines;
      }
      case 13: {
        // String instruction on the middle of the scratch buffer, forward or backward.
        const op = g.pick(['movs', 'stos', 'lods', 'cmps', 'scas']);
        const rep = op === 'lods' ? g.pick(['', 'rep ']) : op === 'cmps' || op === 'scas' ? g.pick(['', 'repe ', 'repne ']) : g.pick(['', 'rep ']);
        const back = g.int(3) === 0;
        return [`lea ${160 + g.int(32) * 8}(%r15), %rsi`, `lea ${160 + g.int(32) * 8}(%r15), %rdi`, `movl $${g.int(17)}, %ecx`,
          back ? 'std' : 'cld', `${rep}${op}${x}`, 'cld'];
      }
      case 14: return [`pushfq`, `popq ${reg(this.r(), 8)}`];
      default: return this.simple();
    }
  }

  private simple(): string[] {
    const s = this.sz(), x = SUF[SIZES.indexOf(s)];
    return [`${this.rng.pick(['add', 'sub', 'xor', 'and', 'or'])}${x} ${reg(this.r(), s)}, ${reg(this.r(), s)}`];
  }

  /** A random initial 64-bit value (biased towards edge cases). */
  value(): bigint {
    const g = this.rng;
    const small = () => BigInt(g.int(256));
    const rnd32 = () => BigInt(g.int(0x100000000));
    switch (g.int(8)) {
      case 0: return 0n;
      case 1: return small();
      case 2: return BigInt.asUintN(64, -small());
      case 3: return BigInt(g.pick([0x7fffffff, 0x80000000, 0xffffffff, 0x7fff, 0x8000, 0xffff, 0x7f, 0x80, 0xff]));
      case 4: return BigInt(g.pick(['0x7fffffffffffffff', '0x8000000000000000', '0xffffffff00000000']));
      default: return (rnd32() << 32n) | rnd32();
    }
  }
}
