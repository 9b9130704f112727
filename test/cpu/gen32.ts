// Seeded generator of random i386 instruction sequences (GNU as --32, AT&T syntax) for the
// compatibility-mode differential test: integer ALU of sizes 1/2/4, shifts, mul/div with operands
// that cannot fault, bit ops, setcc/cmovcc, the 32-bit stack (push/pop of registers, immediates,
// memory and segment registers, pushal/popal, pushfl/popfl, enter/leave), calls and returns (direct,
// indirect, ret $n), loop/jecxz on ECX, jcc, and string instructions on ESI/EDI/ECX.
// Memory operands address the scratch buffer either through %ebp (which the generated code never
// changes, except enter/leave which restore it) or with an absolute 32-bit address (`scratch+N`).

import { Rng } from '../helpers/random';

export const SCRATCH32 = 256;

const R32 = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi'];
const R16: Record<string, string> = { eax: 'ax', ebx: 'bx', ecx: 'cx', edx: 'dx', esi: 'si', edi: 'di' };
const R8 = ['al', 'bl', 'cl', 'dl', 'ah', 'bh', 'ch', 'dh'];
const SUF = ['b', 'w', 'l'];
const SIZES = [1, 2, 4];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

export class Gen32 {
  private label = 0;
  constructor(private rng: Rng) {}

  private r32(): string { return this.rng.pick(R32); }
  private reg(size: number): string {
    if (size === 1) return '%' + this.rng.pick(R8);
    const r = this.r32();
    return '%' + (size === 2 ? R16[r] : r);
  }
  private sz(): number { return this.rng.pick(SIZES); }
  /** A memory operand inside the scratch buffer: base %ebp, or an absolute address. */
  private mem(size: number): string {
    const off = this.rng.int((SCRATCH32 - 16) / size) * size;
    return this.rng.int(3) === 0 ? `scratch+${off}` : `${off}(%ebp)`;
  }
  private rm(size: number): string { return this.rng.int(3) === 0 ? this.mem(size) : this.reg(size); }
  private imm(size: number): string {
    const v = this.rng.pick([0, 1, -1, 0x7f, 0x80, -0x80, 0x7fff, 0x8000, 0x7fffffff, -0x80000000, this.rng.int(256), this.rng.int(0x100000000) - 0x80000000]);
    if (size === 1) return `$${v & 0xff}`;
    if (size === 2) return `$${v & 0xffff}`;
    return `$${v | 0}`;
  }
  /** A fresh local label (numeric labels would clash inside nested idioms). */
  private lab(): string { return `.L${this.label++}_${this.rng.int(1 << 30)}`; }

  next(): string[] {
    const g = this.rng;
    const s = this.sz(), x = SUF[SIZES.indexOf(s)];
    switch (g.int(24)) {
      case 0: case 1: case 2: {
        const op = g.pick(['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'test']);
        const form = g.int(5);
        if (form === 0) return [`${op}${x} ${this.reg(s)}, ${this.reg(s)}`];
        if (form === 1) return [`${op}${x} ${this.imm(s)}, ${this.reg(s)}`];
        if (form === 2) return [`${op}${x} ${this.mem(s)}, ${this.reg(s)}`];
        if (form === 3) return [`${op}${x} ${this.reg(s)}, ${this.mem(s)}`];
        return [`${op}${x} ${this.imm(s)}, ${this.mem(s)}`];
      }
      // inc/dec of a 32-bit register are the one-byte 0x40-0x4f forms (REX prefixes in 64-bit mode).
      case 3: return [`${g.pick(['inc', 'dec', 'not', 'neg'])}${x} ${this.rm(s)}`];
      case 4: {
        const op = g.pick(['shl', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr']);
        const f = g.int(3);
        if (f === 0) return [`${op}${x} $${g.pick([1, 1, 2, 7, 8, 15, 16, 31, g.int(32)])}, ${this.rm(s)}`];
        if (f === 1) return [`${op}${x} %cl, ${this.rm(s)}`];
        return [`${op}${x} ${this.rm(s)}`];
      }
      case 5: {
        if (s === 1) return [`${g.pick(['mul', 'imul'])}b ${this.rm(1)}`];
        const f = g.int(3);
        if (f === 0) return [`${g.pick(['mul', 'imul'])}${x} ${this.rm(s)}`];
        if (f === 1) return [`imul${x} ${this.rm(s)}, ${this.reg(s)}`];
        return [`imul${x} ${this.imm(s === 2 ? 2 : 4)}, ${this.rm(s)}, ${this.reg(s)}`];
      }
      case 6: {
        // Division that cannot fault: divisor in [2, 32767], dividend high part zero or sign-extended.
        const div = g.int(2) === 0;
        const src = g.pick(['eax', 'ebx', 'edx', 'esi', 'edi']);
        const out = [`movl %${src}, %ecx`, 'andl $0x7fff, %ecx', 'orl $2, %ecx'];
        if (s === 1) out.push(div ? 'movzbl %al, %eax' : 'cbtw');
        else if (div) out.push('xorl %edx, %edx');
        else out.push(s === 2 ? 'cwtd' : 'cltd');
        out.push(`${div ? 'div' : 'idiv'}${x} ${s === 1 ? '%cl' : s === 2 ? '%cx' : '%ecx'}`);
        return out;
      }
      case 7: {
        const t = s === 1 ? 2 : s, xx = SUF[SIZES.indexOf(t)];
        const op = g.pick(['bt', 'bts', 'btr', 'btc', 'bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt']);
        if (op.startsWith('bt')) {
          if (g.int(2)) return [`${op}${xx} $${g.int(32)}, ${this.rm(t)}`];
          return [`${op}${xx} ${this.reg(t)}, ${this.reg(t)}`];
        }
        return [`${op}${xx} ${this.rm(t)}, ${this.reg(t)}`];
      }
      case 8: {
        const cc = g.pick(CC);
        if (g.int(2)) return [`set${cc} ${this.rm(1)}`];
        const t = s === 1 ? 4 : s;
        return [`cmov${cc}${SUF[SIZES.indexOf(t)]} ${this.rm(t)}, ${this.reg(t)}`];
      }
      case 9: {
        const f = g.int(6);
        if (f === 0) return [`movzb${s === 2 ? 'w' : 'l'} ${this.rm(1)}, ${this.reg(s === 2 ? 2 : 4)}`];
        if (f === 1) {
          const k = g.int(3);
          if (k === 0) return [`movsbl ${this.rm(1)}, ${this.reg(4)}`];
          if (k === 1) return [`movswl ${this.rm(2)}, ${this.reg(4)}`];
          return [`movsbw ${this.rm(1)}, ${this.reg(2)}`];
        }
        if (f === 2) {
          const base = g.pick([...R32, 'ebp']), index = g.pick(R32);
          return [`lea${s === 2 ? 'w' : 'l'} ${g.int(0x10000) - 0x8000}(%${base},%${index},${g.pick([1, 2, 4, 8])}), ${this.reg(s === 2 ? 2 : 4)}`];
        }
        if (f === 3) return [`xchg${x} ${this.reg(s)}, ${this.rm(s)}`];
        if (f === 4) return [`bswap %${this.r32()}`];
        return [`movl ${this.mem(4)}, %${this.r32()}`, `mov${x} ${this.reg(s)}, ${this.mem(s)}`];
      }
      case 10: {
        const f = g.int(3);
        if (f === 0) return [`xadd${x} ${this.reg(s)}, ${this.rm(s)}`];
        if (f === 1) return [`cmpxchg${x} ${this.reg(s)}, ${this.rm(s)}`];
        return [g.pick(['cbtw', 'cwtl', 'cwtd', 'cltd', 'clc', 'stc', 'cmc', 'lahf', 'sahf'])];
      }
      // ---- the 32-bit stack ----
      case 11: {
        const f = g.int(8);
        if (f === 0) return [`pushl %${g.pick([...R32, 'ebp', 'esp'])}`, `popl %${this.r32()}`];
        if (f === 1) return [`pushl ${this.imm(4)}`, `popl %${this.r32()}`];
        if (f === 2) return [`pushl $${g.int(256) - 128}`, `popl ${this.mem(4)}`];
        if (f === 3) return [`pushl ${this.mem(4)}`, `popl %${this.r32()}`];
        if (f === 4) return [`pushw %${R16[this.r32()]}`, `popw %${R16[this.r32()]}`];
        if (f === 5) return ['pushfl', `popl %${this.r32()}`];
        if (f === 6) return [`pushl %${this.r32()}`, `pushl %esp`, `popl %${this.r32()}`, `popl %${this.r32()}`];
        return ['pushal', `movl $${g.int(1000)}, %${this.r32()}`, 'popal'];
      }
      case 12: {
        const f = g.int(4);
        if (f === 0) return [`movl %${this.r32()}, %eax`, 'andl $0x8d5, %eax', 'pushl %eax', 'popfl'];
        if (f === 1) return [`enter $${g.pick([0, 4, 12, 64])}, $0`, `movl %esp, %${this.r32()}`, `subl %ebp, %${this.r32()}`, 'leave'];
        if (f === 2) return ['pushl %ds', `popl %es`, `movl %es, %${this.r32()}`];
        return [`movl %ss, %${this.r32()}`, `movw %ds, %${R16[this.r32()]}`];
      }
      case 13: {
        const a = this.lab(), b = this.lab(), r = this.r32();
        const f = g.int(6);
        if (f === 0) return [`call ${a}`, `${a}:`, `popl %${r}`, `subl $${a}, %${r}`];
        if (f === 1) return [`call ${a}`, `jmp ${b}`, `${a}:`, ...this.simple(), 'ret', `${b}:`];
        if (f === 2) return [`pushl %${r}`, `call ${a}`, `jmp ${b}`, `${a}:`, ...this.simple(), 'ret $4', `${b}:`];
        if (f === 3) return [`movl $${a}, %${r}`, `jmp *%${r}`, ...this.simple(), `${a}:`];
        if (f === 4) return [`movl $${a}, 16(%ebp)`, `call *${g.pick(['16(%ebp)', 'scratch+16'])}`, `jmp ${b}`, `${a}:`, ...this.simple(), 'ret', `${b}:`];
        return [`movl $${a}, %${r}`, `call *%${r}`, `jmp ${b}`, `${a}:`, 'ret', `${b}:`];
      }
      case 14: {
        const a = this.lab(), b = this.lab();
        const f = g.int(3);
        const body = this.simple().filter((l) => !/ecx|%cx|%c[lh]/.test(l));
        if (f === 0) return [`movl $${1 + g.int(5)}, %ecx`, `${a}:`, ...body, `loop ${a}`];
        if (f === 1) return [`movl $${g.int(3)}, %ecx`, `jecxz ${b}`, ...body, `${b}:`];
        return [`movl $${1 + g.int(4)}, %ecx`, `${a}:`, `cmpl $${g.int(3)}, %eax`, `${g.pick(['loope', 'loopne'])} ${a}`];
      }
      case 15: case 16: {
        const a = this.lab();
        return [`j${g.pick(CC)} ${a}`, ...this.simple(), `${a}:`];
      }
      case 17: {
        const op = g.pick(['movs', 'stos', 'lods', 'cmps', 'scas']);
        const rep = op === 'lods' ? g.pick(['', 'rep ']) : op === 'cmps' || op === 'scas' ? g.pick(['', 'repe ', 'repne ']) : g.pick(['', 'rep ']);
        const back = g.int(3) === 0;
        return [`leal ${80 + g.int(16) * 4}(%ebp), %esi`, `leal ${80 + g.int(16) * 4}(%ebp), %edi`, `movl $${g.int(17)}, %ecx`,
          back ? 'std' : 'cld', `${rep}${op}${x}`, 'cld'];
      }
      default: return this.simple();
    }
  }

  private simple(): string[] {
    const s = this.sz(), x = SUF[SIZES.indexOf(s)];
    return [`${this.rng.pick(['add', 'sub', 'xor', 'and', 'or'])}${x} ${this.reg(s)}, ${this.reg(s)}`];
  }

  /** A random initial 32-bit value (biased towards edge cases). */
  value(): number {
    const g = this.rng;
    switch (g.int(6)) {
      case 0: return 0;
      case 1: return g.int(256);
      case 2: return (-g.int(256)) >>> 0;
      case 3: return g.pick([0x7fffffff, 0x80000000, 0xffffffff, 0x7fff, 0x8000, 0xffff, 0x7f, 0x80, 0xff]);
      default: return g.int(0x100000000);
    }
  }
}
