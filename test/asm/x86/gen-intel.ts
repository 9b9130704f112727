// Seeded generator of Intel-syntax instruction lines for the differential tests against NASM and
// GNU as (.intel_syntax noprefix): every GPR size, immediates at encoding boundaries, every memory
// form (rsp/rbp/r12/r13 bases, scaled indexes, rip-relative, absolute), and the common families.

import { Rng } from '../../helpers/random';

export type Dialect = 'gas' | 'nasm';

const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const R8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];
const HIGH8 = ['ah', 'ch', 'dh', 'bh'];
const REGS: Record<number, string[]> = { 8: R8, 16: R16, 32: R32, 64: R64 };
const SIZE_WORD: Record<number, string> = { 8: 'byte', 16: 'word', 32: 'dword', 64: 'qword', 80: 'tword', 128: 'oword' };

// Immediates that sit on the edges of imm8 / imm16 / imm32 encodings, valid for each operand size.
const IMM: Record<number, number[]> = {
  8: [0, 1, -1, 0x7f, -0x80, 0x80, 0xff, 0x12],
  16: [0, 1, -1, 0x7f, 0x80, -0x80, -0x81, 0x7fff, -0x8000, 0xffff, 0x1234],
  32: [0, 1, -1, 0x7f, 0x80, -0x80, -0x81, 0x7fffffff, -0x80000000, 0x12345678, 0xff, 0x100],
  64: [0, 1, -1, 0x7f, 0x80, -0x80, -0x81, 0x7fffffff, -0x80000000, 0x12345678, 0xff],
};
const MOV64 = ['0', '1', '-1', '0x7fffffff', '0x80000000', '0xffffffff', '0x100000000', '-0x80000000', '-0x80000001', '0x123456789abcdef0', '0x7fffffffffffffff'];
const DISPS = [1, 8, -8, 0x7f, 0x80, -0x80, -0x81, 0x1000, 0x12345678, -0x12345678];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g', 'z', 'nz', 'c', 'nc'];

const hex = (v: number): string => (v < 0 ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));

export class IntelGen {
  private readonly r: Rng;
  constructor(seed: number, private readonly d: Dialect) {
    this.r = new Rng(seed);
  }

  lines(count: number): string[] {
    const out: string[] = [];
    const forms = this.forms();
    while (out.length < count) {
      const f = this.r.pick(forms);
      const line = f();
      if (line) out.push(line);
    }
    return out;
  }

  private pick<T>(xs: readonly T[]): T {
    return this.r.pick(xs);
  }
  private reg(size: number): string {
    return this.pick(REGS[size]);
  }
  private size(): number {
    return this.pick([8, 16, 32, 64]);
  }
  private imm(size: number): string {
    return hex(this.pick(IMM[size]));
  }

  /** A size keyword for a memory operand: `dword ` (NASM) or `dword ptr ` (GAS). */
  private kw(size: number): string {
    if (this.d === 'gas') return (size === 80 ? 'tbyte' : size === 128 ? 'xmmword' : SIZE_WORD[size]) + ' ptr ';
    return SIZE_WORD[size] + ' ';
  }

  /** A memory operand, sized when `size` is given (or, when `optional`, sometimes). */
  mem(size = 0, optional = false): string {
    const r = this.r;
    const kw = size && (!optional || r.int(2)) ? this.kw(size) : '';
    const base = this.pick(R64);
    const index = this.pick(R64.filter((x) => x !== 'rsp'));
    const scale = this.pick([1, 2, 4, 8]);
    const disp = this.pick(DISPS);
    const sd = (v: number) => (v < 0 ? `-${hex(-v)}` : `+${hex(v)}`);
    let a: string;
    switch (r.int(13)) {
      case 0: a = `[${base}]`; break;
      case 1: a = `[${base}${sd(disp)}]`; break;
      case 2: a = `[${base}+${index}*${scale}]`; break;
      case 3: a = `[${base}+${index}*${scale}${sd(disp)}]`; break;
      case 4: a = `[${index}*${this.pick([2, 4, 8])}${sd(disp)}]`; break;
      case 5: a = `[${hex(this.pick([0x1000, 0x12345678, 0x40]))}]`; break;
      case 6: {
        const n = this.pick([0, 5, 0x40, -0x40, 0x1000]);
        a = this.d === 'nasm' ? `[rel $${sd(n)}]` : `[rip${sd(n)}]`;
        break;
      }
      case 7: a = `[${this.pick(['rsp', 'rbp', 'r12', 'r13'])}${r.int(2) ? sd(disp) : ''}]`; break;
      case 8: a = `[${this.pick(['rbp', 'r13'])}+${index}*${scale}]`; break;
      case 9: a = `[${this.pick(R32.filter((x) => x !== 'esp'))}${sd(disp)}]`; break;
      // Other written orders: index first, scale first, displacement first.
      case 10: a = `[${this.pick([`${index}*${scale}+${base}`, `${scale}*${index}+${base}`, `${hex(disp)}+${base}`, `${hex(disp)}+${scale}*${index}+${base}`])}]`; break;
      // GAS: displacement outside the brackets and split brackets.
      case 11: a = this.d === 'gas' ? `${hex(disp)}[${base}]` + (r.int(2) ? `[${index}*${scale}]` : '') : `[${base} + ${index} * ${scale} ${sd(disp)}]`; break;
      default: {
        // Segment overrides: fs:[...] (GAS) and [fs:...] (NASM).
        const seg = this.pick(['fs', 'gs', 'es', 'cs', 'ss', 'ds']);
        const inner = this.pick([base, `${base}${sd(disp)}`, hex(disp & 0xfff), `${base}+${index}*${scale}`]);
        a = this.d === 'gas' ? `${seg}:[${inner}]` : `[${seg}:${inner}]`;
        break;
      }
    }
    return kw + a;
  }

  /** x87 stack register: st0 (NASM) or st(0) (GAS). */
  private st(i: number): string {
    return this.d === 'nasm' ? `st${i}` : `st(${i})`;
  }

  private forms(): (() => string | undefined)[] {
    const p = <T>(xs: readonly T[]) => this.pick(xs);
    const alu = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
    const f: (() => string | undefined)[] = [];
    const weight = (n: number, g: () => string | undefined) => { for (let i = 0; i < n; i++) f.push(g); };
    // Two-operand ALU and mov/test, every size and operand kind.
    weight(6, () => { const s = this.size(); return `${p([...alu, 'mov', 'test'])} ${this.reg(s)}, ${this.reg(s)}`; });
    weight(6, () => { const s = this.size(); return `${p([...alu, 'mov', 'test'])} ${this.reg(s)}, ${this.imm(s)}`; });
    weight(4, () => { const s = this.size(); return `${p([...alu, 'mov', 'test', 'xchg'])} ${this.mem(s, true)}, ${this.reg(s)}`; });
    weight(4, () => { const s = this.size(); return `${p([...alu, 'mov', 'xchg'])} ${this.reg(s)}, ${this.mem(s, true)}`; });
    weight(4, () => { const s = this.size(); return `${p([...alu, 'mov', 'test'])} ${this.mem(s)}, ${this.imm(s)}`; });
    weight(3, () => `mov ${this.reg(64)}, ${p(MOV64)}`);
    weight(1, () => `mov ${p(HIGH8)}, ${p(['al', 'bl', 'ch', '0x12', 'byte [rbx]'.replace('byte ', this.d === 'gas' ? 'byte ptr ' : 'byte ')])}`);
    weight(1, () => { const sz = p([16, 32, 64]); return `xchg ${this.reg(sz)}, ${({ 16: 'ax', 32: 'eax', 64: 'rax' } as Record<number, string>)[sz]}`; });
    // One-operand arithmetic.
    weight(4, () => { const s = this.size(); return `${p(['inc', 'dec', 'neg', 'not', 'mul', 'div', 'idiv', 'imul'])} ${this.r.int(2) ? this.reg(s) : this.mem(s)}`; });
    // Shifts and rotates by 1, imm8 and cl.
    weight(4, () => {
      const s = this.size();
      const dst = this.r.int(2) ? this.reg(s) : this.mem(s);
      return `${p(['rol', 'ror', 'rcl', 'rcr', 'shl', 'sal', 'shr', 'sar'])} ${dst}, ${p(['1', 'cl', '2', '7', '0x1f'])}`;
    });
    weight(2, () => { const s = p([16, 32, 64]); return `${p(['shld', 'shrd'])} ${this.reg(s)}, ${this.reg(s)}, ${p(['1', '4', 'cl'])}`; });
    // imul forms.
    weight(2, () => { const s = p([16, 32, 64]); return `imul ${this.reg(s)}, ${this.r.int(2) ? this.reg(s) : this.mem(s, true)}`; });
    weight(2, () => { const s = p([16, 32, 64]); return `imul ${this.reg(s)}, ${this.r.int(2) ? this.reg(s) : this.mem(s, true)}, ${this.imm(s === 64 ? 64 : s)}`; });
    // Extensions.
    weight(3, () => {
      const [ds, ss] = p([[16, 8], [32, 8], [64, 8], [32, 16], [64, 16]]);
      return `${p(['movzx', 'movsx'])} ${this.reg(ds)}, ${this.r.int(2) ? this.reg(ss) : this.mem(ss)}`;
    });
    weight(1, () => `movsxd ${this.reg(64)}, ${this.r.int(2) ? this.reg(32) : this.mem(32)}`);
    weight(3, () => `lea ${this.reg(p([16, 32, 64]))}, ${this.mem()}`);
    weight(3, () => `set${p(CC)} ${this.r.int(2) ? this.reg(8) : this.mem(8, true)}`);
    weight(3, () => { const s = p([16, 32, 64]); return `cmov${p(CC)} ${this.reg(s)}, ${this.r.int(2) ? this.reg(s) : this.mem(s, true)}`; });
    // Stack.
    weight(3, () => `${p(['push', 'pop'])} ${this.r.int(4) ? this.reg(p([64, 64, 16])) : this.mem(p([64, 16]))}`);
    weight(2, () => `push ${hex(p([0, 5, -1, 0x7f, 0x80, -0x80, -0x81, 0x1234, 0x7fffffff, -0x80000000]))}`);
    // String instructions with and without rep.
    weight(3, () => {
      const op = p(['movs', 'stos', 'lods', 'scas', 'cmps']) + p(['b', 'w', 'd', 'q']);
      const pre = /^(scas|cmps)/.test(op) ? p(['', 'repe ', 'repne ', 'repz ', 'repnz ']) : p(['', 'rep ']);
      return pre + op;
    });
    // Bit operations.
    weight(2, () => { const s = p([16, 32, 64]); return `${p(['bt', 'bts', 'btr', 'btc'])} ${this.r.int(2) ? this.reg(s) : this.mem(s, true)}, ${this.reg(s)}`; });
    weight(2, () => { const s = p([16, 32, 64]); return `${p(['bt', 'bts', 'btr', 'btc'])} ${this.r.int(2) ? this.reg(s) : this.mem(s)}, ${p(['0', '5', '0xf'])}`; });
    weight(2, () => { const s = p([16, 32, 64]); return `${p(['bsf', 'bsr', 'popcnt', 'lzcnt', 'tzcnt'])} ${this.reg(s)}, ${this.r.int(2) ? this.reg(s) : this.mem(s, true)}`; });
    weight(1, () => `bswap ${this.reg(p([32, 64]))}`);
    weight(2, () => { const s = this.size(); return `${p(['lock ', ''])}${p(['xadd', 'cmpxchg'])} ${this.mem(s, true)}, ${this.reg(s)}`; });
    weight(1, () => `lock ${p(['add', 'sub', 'or', 'and', 'xor'])} ${this.mem(32)}, ${this.imm(32)}`);
    // No-operand and system instructions.
    weight(4, () => p(['nop', 'ret', 'leave', 'cdq', 'cqo', 'cdqe', 'cwde', 'cbw', 'cwd', 'clc', 'stc', 'cmc', 'cld', 'std',
      'syscall', 'int3', 'ud2', 'cpuid', 'rdtsc', 'pause', 'mfence', 'lfence', 'sfence', 'hlt', 'pushfq', 'popfq',
      'int 0x80', 'int 3', 'ret 8', 'xlatb', 'sahf', 'lahf']));
    // SSE / SSE2.
    const x = () => `xmm${this.r.int(16)}`;
    weight(6, () => `${p(['movaps', 'movups', 'movapd', 'movupd', 'movdqa', 'movdqu', 'addps', 'addpd', 'subps', 'mulpd', 'divps',
      'sqrtps', 'minps', 'maxpd', 'andps', 'andnps', 'orps', 'xorps', 'xorpd', 'pxor', 'paddd', 'paddq', 'psubb', 'pand',
      'por', 'pcmpeqb', 'punpcklbw', 'unpcklps', 'cvtps2pd', 'cvtdq2ps', 'ucomisd', 'comiss'])} ${x()}, ${this.r.int(2) ? x() : this.mem()}`);
    weight(3, () => `${p(['addss', 'addsd', 'subsd', 'mulss', 'divsd', 'sqrtsd', 'minss', 'maxsd', 'movss', 'movsd', 'cvtss2sd', 'cvtsd2ss'])} ${x()}, ${this.r.int(2) ? x() : this.mem()}`);
    weight(2, () => `${p(['movaps', 'movups', 'movdqa', 'movdqu', 'movss', 'movsd'])} ${this.mem()}, ${x()}`);
    weight(2, () => { const s = p([32, 64]); return `${p(['cvtsi2sd', 'cvtsi2ss'])} ${x()}, ${this.r.int(2) ? this.reg(s) : this.mem(s)}`; });
    weight(2, () => `${p(['cvttsd2si', 'cvtsd2si', 'cvttss2si'])} ${this.reg(p([32, 64]))}, ${x()}`);
    weight(2, () => { const [m, sz] = p([['movd', 32], ['movq', 64]] as const); return this.r.int(2) ? `${m} ${x()}, ${this.reg(sz)}` : `${m} ${this.reg(sz)}, ${x()}`; });
    weight(1, () => `movq ${x()}, ${x()}`);
    weight(2, () => `${p(['pshufd', 'shufps', 'pshuflw'])} ${x()}, ${x()}, ${hex(p([0, 0x1b, 0xff, 0x4e]))}`);
    weight(1, () => `${p(['psllq', 'psrlq', 'pslld', 'psrad', 'psrldq'])} ${x()}, ${p(['1', '8', '0x3f'])}`);
    // AVX.
    const y = () => (this.r.int(2) ? 'x' : 'y') + `mm${this.r.int(16)}`;
    weight(4, () => {
      const w = p(['x', 'y']);
      const v = () => `${w}mm${this.r.int(16)}`;
      return `${p(['vaddps', 'vsubpd', 'vmulps', 'vxorps', 'vandps', 'vpaddd', 'vpxor', 'vmaxps', 'vunpcklps'])} ${v()}, ${v()}, ${this.r.int(2) ? v() : this.mem()}`;
    });
    weight(2, () => { const v = y(); return `${p(['vmovaps', 'vmovups', 'vmovdqa', 'vmovdqu'])} ${v}, ${this.r.int(2) ? v.slice(0, 1) + 'mm' + this.r.int(16) : this.mem()}`; });
    weight(1, () => `${p(['vmovaps', 'vmovdqu'])} ${this.mem()}, ${y()}`);
    weight(1, () => `${p(['vaddsd', 'vmulss', 'vsqrtsd'])} ${x()}, ${x()}, ${x()}`);
    weight(1, () => `${p(['vfmadd231ps', 'vfmadd132pd', 'vfnmadd213ps'])} ${x()}, ${x()}, ${x()}`);
    weight(1, () => p(['vzeroupper', 'vzeroall']));
    // x87.
    weight(2, () => `${p(['fld', 'fstp', 'fst'])} ${this.mem(p([32, 64]))}`);
    weight(1, () => `${p(['fld', 'fstp'])} ${this.mem(80)}`);
    weight(1, () => `${p(['fild', 'fistp'])} ${this.mem(p([16, 32, 64]))}`);
    weight(2, () => `${p(['fadd', 'fmul', 'fsub', 'fsubr', 'fdiv', 'fdivr'])} ${this.st(0)}, ${this.st(1 + this.r.int(7))}`);
    weight(1, () => `${p(['fadd', 'fmul', 'fsub', 'fdiv'])} ${this.st(1 + this.r.int(7))}, ${this.st(0)}`);
    weight(1, () => `${p(['faddp', 'fmulp', 'fxch', 'fld', 'fstp', 'fucomi', 'fcomi', 'fucomip', 'ffree'])} ${this.st(1 + this.r.int(7))}`);
    weight(1, () => `${p(['fadd', 'fmul', 'fcomp', 'fdiv'])} ${this.mem(p([32, 64]))}`);
    weight(1, () => p(['fninit', 'fldz', 'fld1', 'fchs', 'fabs', 'fsqrt', 'fnstsw ax', 'fldpi', 'fxam', 'fwait']));
    weight(1, () => `${p(['fnstcw', 'fldcw'])} ${this.mem(16, true)}`);
    // Branches to nearby addresses (short) and further (near), indirect forms.
    const here = this.d === 'nasm' ? '$' : '.';
    weight(2, () => `${p(['jmp', 'call', ...CC.map((c) => 'j' + c)])} ${here}${p(['+2', '+0x10', '-0x10', '+0x100', '-0x200', '+0x7f', '-0x7e'])}`);
    weight(1, () => `${p(['jmp', 'call'])} ${this.r.int(2) ? this.reg(64) : this.mem(64)}`);
    // The accumulator exchanged with itself (GNU as: 90; NASM: 48 90).
    weight(1, () => `xchg ${p(['rax, rax', 'eax, eax', 'ax, ax', 'rax, r8', 'r8, rax'])}`);
    // Far branches through memory and far returns.
    const far = this.d === 'nasm' ? 'far ' : 'fword ptr ';
    weight(1, () => `${p(['jmp', 'call'])} ${far}${this.mem().replace(/^\w+ (ptr )?/, '')}`);
    weight(1, () => p(['retf', 'retf 8', 'retf 0x10']));
    if (this.d === 'gas') {
      // Written REX prefixes and GNU as's pseudo-prefixes.
      weight(1, () => p(['rex.w movsb', 'rex movsb', 'rex.wrxb movsb', 'rex.w mov eax, ebx', 'rex.x mov r8d, eax', 'rex lock add dword ptr [rax], 1']));
      weight(2, () => `${p(['{load}', '{store}'])} ${p(['mov eax, ebx', 'add ebx, eax', 'test ebx, ecx', 'xchg ebx, ecx', 'movaps xmm2, xmm1', 'movq xmm2, xmm1',
        `vmovaps ${x()}, ${x()}`, `vmovdqu ymm${this.r.int(16)}, ymm${this.r.int(16)}`, `vmovss ${x()}, ${x()}, ${x()}`])}`);
      weight(1, () => `${p(['{disp8}', '{disp32}'])} mov eax, ${this.mem()}`);
      weight(1, () => `{vex3} ${p(['vaddps', 'vxorps', 'vmulpd'])} ${x()}, ${x()}, ${x()}`);
    }
    if (this.d === 'nasm') {
      // short/near pin the branch form; strict keeps the immediate's written size; [dword ...] forces disp32.
      weight(2, () => `${p(['jmp', ...CC.map((c) => 'j' + c)])} ${p(['short', 'near'])} $${p(['+2', '+0x10', '-0x10', '+0x7f', '-0x7e', '+0'])}`);
      weight(1, () => `call near $${p(['+5', '+0x100', '-0x10'])}`);
      weight(2, () => {
        const s = p([16, 32, 64]);
        const kw = p(['byte', SIZE_WORD[s]]);
        const imm = `strict ${kw} ${hex(p([0, 1, -1, 5, 0x7f, -0x80]))}`;
        const op = p([...alu, 'test', 'imul']);
        if (op === 'imul' && this.r.int(2)) return `imul ${this.reg(s)}, ${this.reg(s)}, ${imm}`;
        return op === 'test' && kw === 'byte' ? undefined : `${op} ${this.reg(s)}, ${imm}`;
      });
      weight(1, () => `push strict ${p(['byte', 'dword', 'qword'])} ${hex(p([5, -1, 0x7f]))}`);
      weight(3, () => {
        const base = this.pick(R64);
        const d = this.pick([0, 1, 8, -8, 0x7f, -0x80]);
        const inner = p([base, `${base}${d < 0 ? '-' : '+'}${hex(Math.abs(d))}`, `${base}+${this.pick(R64.filter((r) => r !== 'rsp'))}*${p([1, 2, 4, 8])}`]);
        return `mov ${this.reg(32)}, [${p(['dword', 'byte'])} ${inner}]`;
      });
      weight(1, () => `${p(['o64', 'o16'])} ${p(['retf', 'push rax', 'pop rbx'])}`.replace(/^o16 (push|pop) r/, 'o16 $1 '));
    }
    // NASM: the current address as an immediate (an address: imm64 for mov) and `$-$$` (a constant).
    if (this.d === 'nasm') {
      weight(1, () => `mov ${this.reg(64)}, ${p(['$', '$+0x10', '$-$$', '$$', '($-$$)*2'])}`);
      weight(1, () => `${p(['push', 'mov eax,', 'add rax,'])} ${p(['$', '$-$$', '$$+4'])}`);
      weight(1, () => `${p(['push', 'pop'])} ${p(['word', 'qword'])} ${p(['[rax]', 'fs', 'gs', '5', '0x1234'])}`.replace(/^pop \w+ (?!\[)/, 'push word '));
      weight(1, () => `${p(['o16', 'a32', 'o64'])} ${p(['movsb', 'stosd', 'lodsw', 'rep movsb'])}`);
    }
    return f;
  }
}
