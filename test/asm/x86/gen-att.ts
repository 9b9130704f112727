// Deterministic generator of AT&T instruction lines for the differential test against GNU as:
// every mnemonic family x operand forms (register sizes, boundary immediates, addressing modes),
// plus branch blocks with numeric and .L labels at short and long distances.

export interface GenOptions {
  seed: number;
  bitness: 64 | 32;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const R8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];
const R8H = ['ah', 'ch', 'dh', 'bh'];
const IMMS = ['0', '1', '-1', '127', '128', '-128', '-129', '255', '32767', '32768', '-32768', '0x7fffffff', '-0x80000000', '0x1234', '100000', 'sym', 'sym+4'];
const DISPS = ['', '0', '1', '-1', '8', '127', '128', '-128', '-129', '0x7fffffff', '-0x80000000', '0x1000', 'sym', 'sym+8'];
const CCS = ['o', 'no', 'b', 'c', 'nae', 'ae', 'nb', 'nc', 'e', 'z', 'ne', 'nz', 'be', 'na', 'a', 'nbe', 's', 'ns', 'p', 'pe', 'np', 'po', 'l', 'nge', 'ge', 'nl', 'le', 'ng', 'g', 'nle'];
const SFX: Record<number, string> = { 8: 'b', 16: 'w', 32: 'l', 64: 'q' };

export function generateAtt(opts: GenOptions): string[] {
  const r = rng(opts.seed);
  const b64 = opts.bitness === 64;
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const lim = (a: string[]): string[] => (b64 ? a : a.slice(0, 8));
  const regs: Record<number, string[]> = { 8: b64 ? R8 : ['al', 'cl', 'dl', 'bl', ...R8H], 16: lim(R16), 32: lim(R32), 64: R64 };
  const reg = (bits: number): string => '%' + pick(regs[bits]);
  const sizes = b64 ? [8, 16, 32, 64] : [8, 16, 32];
  const addrRegs = b64 ? (r() < 0.85 ? R64 : R32) : R32.slice(0, 8);
  const mem = (): string => {
    const k = r();
    const d = pick(DISPS);
    const areg = b64 && r() < 0.15 ? R32 : b64 ? R64 : R32.slice(0, 8);
    const base = pick(areg);
    const idxPool = areg.filter((x) => x !== 'rsp' && x !== 'esp');
    const seg = r() < 0.08 ? pick(['%fs:', '%gs:', '%es:', '%cs:', '%ds:', '%ss:']) : '';
    if (k < 0.3) return `${seg}${d}(%${base})`;
    if (k < 0.6) return `${seg}${d}(%${base},%${pick(idxPool)},${pick([1, 2, 4, 8])})`;
    if (k < 0.7) return `${seg}${d || '0'}(,%${pick(idxPool)},${pick([1, 2, 4, 8])})`;
    if (k < 0.8) return `${seg}${pick(['0x1234', 'sym', '-8', '0x7ffffff0', 'sym+0x10'])}`;
    if (k < 0.9 && b64) return `${r() < 0.2 ? pick(['%ds:', '%ss:', '%fs:']) : ''}${pick(['0', '8', '-8', '0x1000', 'sym', 'sym+4'])}(%rip)`;
    return `${seg}${d}(%${pick(['rsp', 'rbp', 'r12', 'r13', 'esp', 'ebp'].filter((x) => b64 || x[0] === 'e'))})`;
  };
  void addrRegs;
  const out: string[] = [];
  const emit = (s: string): void => { out.push(s); };

  // ALU two-operand families.
  for (const op of ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp', 'mov', 'test']) {
    for (let n = 0; n < 40; n++) {
      const s = pick(sizes);
      const f = r();
      const imm = s === 8 ? pick(['0', '1', '-1', '127', '-128', '255', '0x55']) : s === 16 ? pick(['0', '1', '-1', '127', '128', '-129', '32767', '-32768', '0xffff', 'sym']) : pick(IMMS);
      if (f < 0.25) emit(`${op}${SFX[s]} ${reg(s)}, ${reg(s)}`);
      else if (f < 0.5) emit(`${op}${SFX[s]} $${imm}, ${reg(s)}`);
      else if (f < 0.65) emit(`${op}${SFX[s]} $${imm}, ${mem()}`);
      else if (f < 0.8) emit(`${op} ${reg(s)}, ${mem()}`);
      else if (op !== 'test') emit(`${op} ${mem()}, ${reg(s)}`);
      else emit(`${op} ${reg(s)}, ${reg(s)}`);
    }
    for (const s of sizes) emit(`${op} $1, ${{ 8: '%al', 16: '%ax', 32: '%eax', 64: '%rax' }[s]}`);
  }
  if (b64) for (const v of ['1', '-1', '0x7fffffff', '-0x80000000', '0x80000000', '0xffffffff', '0x123456789', '-0x123456789', 'sym']) emit(`movabs $${v}, %${pick(R64)}`);
  if (b64) for (const v of ['0x80000000', '0xffffffff', '0x123456789abcdef0', '-1']) emit(`movq $${v}, %${pick(R64)}`);
  if (b64) for (const a of ['%al', '%ax', '%eax', '%rax']) { emit(`movabs 0x1122334455667788, ${a}`); emit(`movabs ${a}, 0x1122334455667788`); }
  for (let n = 0; n < 12; n++) {
    const h = '%' + pick(R8H);
    const o = '%' + pick(['al', 'cl', 'dl', 'bl', ...R8H]);
    emit(pick([`mov ${h}, ${o}`, `add ${o}, ${h}`, `cmpb $1, ${h}`, `xchg ${h}, ${o}`, `movzbl ${h}, %eax`, `test ${h}, ${h}`, `movb ${h}, (%${b64 ? 'rax' : 'eax'})`]));
  }
  // Unary.
  for (const op of ['inc', 'dec', 'neg', 'not', 'mul', 'div', 'idiv', 'imul']) {
    for (let n = 0; n < 12; n++) {
      const s = pick(sizes);
      emit(r() < 0.6 ? `${op}${SFX[s]} ${reg(s)}` : `${op}${SFX[s]} ${mem()}`);
    }
  }
  // Shifts and rotates.
  for (const op of ['shl', 'shr', 'sar', 'sal', 'rol', 'ror', 'rcl', 'rcr']) {
    for (let n = 0; n < 14; n++) {
      const s = pick(sizes);
      const dst = r() < 0.6 ? reg(s) : mem();
      const f = r();
      if (f < 0.25) emit(`${op}${SFX[s]} $1, ${dst}`);
      else if (f < 0.5) emit(`${op}${SFX[s]} $${pick(['2', '7', '31', '63', '0'])}, ${dst}`);
      else if (f < 0.75) emit(`${op}${SFX[s]} %cl, ${dst}`);
      else emit(`${op}${SFX[s]} ${dst}`);
    }
  }
  for (const op of ['shld', 'shrd']) for (const s of sizes.filter((x) => x > 8)) { emit(`${op}${SFX[s]} $3, ${reg(s)}, ${reg(s)}`); emit(`${op}${SFX[s]} %cl, ${reg(s)}, ${mem()}`); }
  // imul two and three operands.
  for (let n = 0; n < 30; n++) {
    const s = pick(sizes.filter((x) => x > 8));
    const f = r();
    if (f < 0.3) emit(`imul ${reg(s)}, ${reg(s)}`);
    else if (f < 0.5) emit(`imul${SFX[s]} ${mem()}, ${reg(s)}`);
    else if (f < 0.8) emit(`imul $${pick(['3', '-1', '127', '128', '1000', '-129'])}, ${r() < 0.5 ? reg(s) : mem()}, ${reg(s)}`);
    else emit(`imul $${pick(['3', '100', '300'])}, ${reg(s)}`);
  }
  // movzx/movsx.
  for (const [m, from, to] of [['movzbl', 8, 32], ['movzbw', 8, 16], ['movzwl', 16, 32], ['movzbq', 8, 64], ['movzwq', 16, 64],
    ['movsbl', 8, 32], ['movsbw', 8, 16], ['movswl', 16, 32], ['movsbq', 8, 64], ['movswq', 16, 64], ['movslq', 32, 64]] as const) {
    if (to === 64 && !b64) continue;
    for (let n = 0; n < 5; n++) emit(`${m} ${r() < 0.5 ? reg(from) : mem()}, ${reg(to)}`);
  }
  // setcc / cmovcc / jcc with every condition spelling.
  for (const cc of CCS) {
    emit(`set${cc} ${r() < 0.6 ? reg(8) : mem()}`);
    const s = pick(sizes.filter((x) => x > 8));
    emit(`cmov${cc}${r() < 0.3 ? SFX[s] : ''} ${r() < 0.6 ? reg(s) : mem()}, ${reg(s)}`);
  }
  // Bit tests, bswap, xchg, cmpxchg, xadd, bsf/bsr, popcnt etc.
  for (const op of ['bt', 'bts', 'btr', 'btc']) {
    for (const s of sizes.filter((x) => x > 8)) {
      emit(`${op}${SFX[s]} ${reg(s)}, ${reg(s)}`);
      emit(`${op}${SFX[s]} $${pick(['1', '31', '5'])}, ${r() < 0.5 ? reg(s) : mem()}`);
      emit(`${op} ${reg(s)}, ${mem()}`);
    }
  }
  for (const s of sizes.filter((x) => x >= 32)) for (let n = 0; n < 4; n++) emit(`bswap ${reg(s)}`);
  for (let n = 0; n < 30; n++) {
    const s = pick(sizes);
    const op = pick(['xchg', 'cmpxchg', 'xadd']);
    const lock = op !== 'xchg' && r() < 0.4 ? 'lock ' : '';
    emit(r() < 0.5 ? `${op} ${reg(s)}, ${reg(s)}` : `${lock}${op} ${reg(s)}, ${mem()}`);
  }
  for (const a of ['%eax', '%ax', ...(b64 ? ['%rax'] : [])]) emit(`xchg ${a}, %${a === '%ax' ? 'bx' : a === '%eax' ? 'ecx' : 'rdx'}`);
  for (const op of ['bsf', 'bsr', 'popcnt', 'lzcnt', 'tzcnt']) for (const s of sizes.filter((x) => x > 8)) emit(`${op} ${r() < 0.5 ? reg(s) : mem()}, ${reg(s)}`);
  for (let n = 0; n < 8; n++) {
    const op = pick(['addl $1,', 'subq $1,', 'incl', 'decq', 'orb $3,', 'andw $-2,', 'xorl %eax,', 'notl', 'negq']);
    emit(`lock ${b64 ? op : op.replace('q', 'l')} ${mem()}`);
  }
  // lea.
  for (let n = 0; n < 20; n++) { const s = pick(sizes.filter((x) => x > 8)); emit(`lea${SFX[s]} ${mem().replace(/^%[a-z]s:/, '')}, ${reg(s)}`); }
  // push/pop.
  for (let n = 0; n < 20; n++) {
    const s = b64 ? pick([64, 16]) : pick([32, 16]);
    const f = r();
    if (f < 0.4) emit(`push ${reg(s)}`);
    else if (f < 0.6) emit(`pop ${reg(s)}`);
    else if (f < 0.8) emit(`push${SFX[s]} ${mem()}`);
    else emit(`pop${SFX[s]} ${mem()}`);
  }
  for (const v of ['0', '1', '-1', '127', '128', '-128', '-129', '0x7fffffff', 'sym']) emit(`push $${v}`);
  emit('pushw $0x1234');
  for (const s of ['%fs', '%gs']) { emit(`push ${s}`); emit(`pop ${s}`); }
  // Indirect branches.
  for (let n = 0; n < 12; n++) {
    const op = pick(b64 ? ['call', 'jmp', 'callq', 'jmpq'] : ['call', 'jmp', 'calll', 'jmpl']);
    emit(r() < 0.4 ? `${op} *${reg(b64 ? 64 : 32)}` : `${op} *${mem()}`);
  }
  emit('call sym'); emit('jmp sym'); emit('jne sym'); emit('call sym+4');
  // String instructions.
  for (const base of ['movs', 'stos', 'lods', 'scas', 'cmps', 'ins', 'outs']) {
    for (const s of sizes) {
      if (s === 64 && (base === 'ins' || base === 'outs')) continue;
      const pre = base === 'scas' || base === 'cmps' ? pick(['', 'repe ', 'repne ', 'repz ', 'repnz ']) : pick(['', 'rep ']);
      emit(`${pre}${base}${SFX[s]}`);
    }
  }
  emit('movsd'); emit('cmpsd'); emit('rep stosq'.replace('q', b64 ? 'q' : 'l')); emit('xlat'); emit('xlatb');
  // In/out.
  for (const a of ['%al', '%ax', '%eax']) { emit(`in $0x60, ${a}`); emit(`in %dx, ${a}`); emit(`out ${a}, $0x80`); emit(`out ${a}, %dx`); }
  // System and misc.
  const misc = ['syscall', 'sysenter', 'int3', 'ud2', 'hlt', 'cpuid', 'rdtsc', 'rdtscp', 'vmcall', 'wrmsr', 'rdmsr', 'nop', 'cwtl', 'cltd',
    'cbtw', 'cwtd', 'leave', 'ret', 'ret $8', 'clc', 'stc', 'cmc', 'cld', 'std', 'cli', 'sti', 'pause', 'lfence', 'mfence', 'sfence',
    'int $0x80', 'int $3', 'pushf', 'popf', 'sahf', 'lahf', 'xgetbv', 'rdpmc', 'invd', 'wbinvd', 'clts', 'enter $16, $0', 'enter $0x100, $1',
    'lgdt (%eax)', 'lidt (%eax)', 'sgdt (%eax)', 'sidt (%eax)', 'invlpg (%eax)', 'ltr %ax', 'str %ax', 'lldt %ax', 'sldt %ax', 'iret'];
  const misc64 = ['swapgs', 'sysretq', 'sysexitq', 'iretq', 'cltq', 'cqto', 'retq', 'pushfq', 'popfq', 'lgdt (%rax)', 'lidt 8(%rdi)', 'sgdt (%rsp)',
    'mov %cr0, %rax', 'mov %rax, %cr3', 'mov %cr4, %r8', 'mov %rdx, %dr7', 'mov %ds, %eax', 'mov %eax, %ds', 'mov %es, %ax', 'movw %fs, (%rax)', 'mov %ss, %rax',
    'rdfsbase %rax', 'wrgsbase %rbx', 'syscall', 'cmpxchg8b (%rdi)', 'cmpxchg16b (%rdi)', 'rdrand %eax', 'rdseed %rax', 'prefetcht0 (%rax)',
    'prefetchnta 8(%rsi)', 'clflush (%rdi)', 'movnti %eax, (%rdi)', 'xsave (%rdi)', 'xrstor (%rsi)', 'fxsave (%rax)', 'fxrstor (%rax)',
    'ldmxcsr (%rax)', 'stmxcsr -4(%rsp)', 'crc32b %al, %eax', 'crc32w %ax, %eax', 'crc32l %ecx, %eax', 'crc32q %rcx, %rax', 'crc32b (%rax), %eax',
    'crc32l (%rsi), %ecx', 'nopw 0(%rax,%rax,1)', 'nopl (%rax)', 'ud2', 'andn %eax, %ebx, %ecx', 'blsr %rax, %rbx', 'bextr %eax, (%rdi), %ecx',
    'shlx %eax, %ebx, %ecx', 'sarx %rax, %rbx, %rcx', 'rorx $3, %eax, %ebx', 'pdep %rax, %rbx, %rcx', 'mulx %eax, %ebx, %ecx'];
  for (const m of misc) emit(m.replace('(%eax)', b64 ? '(%rax)' : '(%eax)'));
  if (b64) for (const m of misc64) emit(m);
  // x87.
  for (const op of ['fadd', 'fsub', 'fsubr', 'fmul', 'fdiv', 'fdivr', 'fcom', 'fcomp']) {
    emit(`${op}s ${mem()}`); emit(`${op}l ${mem()}`);
    for (const i of [0, 1, 3, 7]) emit(`${op} %st(${i})${op.startsWith('fcom') ? '' : ', %st'}`);
    if (!op.startsWith('fcom')) { emit(`${op} %st, %st(${pick([1, 2, 5])})`); emit(`${op}p %st, %st(${pick([1, 2, 5])})`); emit(`${op}p`); }
  }
  for (const op of ['fld', 'fst', 'fstp']) { emit(`${op}s ${mem()}`); emit(`${op}l ${mem()}`); emit(`${op} %st(${pick([0, 1, 2, 7])})`); }
  emit('fldt (%rax)'.replace('rax', b64 ? 'rax' : 'eax')); emit('fstpt 8(%rsp)'.replace('rsp', b64 ? 'rsp' : 'esp'));
  for (const op of ['fild', 'fist', 'fistp', 'fisttp']) { emit(`${op}s ${mem()}`); emit(`${op}l ${mem()}`); if (op !== 'fist') { emit(`${op}ll ${mem()}`); emit(`${op}q ${mem()}`); } }
  for (const op of ['fiadd', 'fisub', 'fimul', 'fidiv', 'ficom']) { emit(`${op}s ${mem()}`); emit(`${op}l ${mem()}`); }
  for (const m of ['fldz', 'fld1', 'fldpi', 'fchs', 'fabs', 'fsqrt', 'fsin', 'fcos', 'fxch', 'fxch %st(3)', 'fucomi %st(1), %st', 'fucomip %st(2), %st',
    'fcomi %st(1), %st', 'fucom', 'fucomp %st(2)', 'fucompp', 'fninit', 'finit', 'fnclex', 'fwait', 'fnstsw %ax', 'fstsw %ax', 'frndint', 'fscale', 'fprem', 'fyl2x', 'f2xm1', 'ftst', 'fxam', 'fincstp', 'fdecstp',
    'ffree %st(2)', 'fcmovb %st(1), %st', 'fcmovne %st(3), %st']) emit(m);
  for (const m of ['fnstcw', 'fldcw', 'fstcw', 'fnstsw', 'fnstenv', 'fldenv', 'fnsave', 'frstor', 'fbld', 'fbstp']) emit(`${m} ${mem()}`);
  // MMX.
  const mm = (): string => `%mm${Math.floor(r() * 8)}`;
  for (const op of ['paddb', 'paddw', 'paddd', 'paddq', 'psubb', 'psubd', 'pmullw', 'pmulhw', 'pand', 'por', 'pxor', 'pandn', 'pcmpeqb', 'pcmpgtd', 'punpcklbw', 'packsswb', 'pmaddwd']) {
    emit(`${op} ${mm()}, ${mm()}`); emit(`${op} ${mem()}, ${mm()}`);
  }
  emit(`movq ${mm()}, ${mm()}`); emit(`movq ${mem()}, ${mm()}`); emit(`movq ${mm()}, ${mem()}`); emit(`movd %eax, ${mm()}`); emit(`movd ${mm()}, %ecx`); emit(`movd ${mem()}, ${mm()}`);
  for (const op of ['psllw', 'pslld', 'psllq', 'psrlw', 'psrld', 'psrlq', 'psraw', 'psrad']) { emit(`${op} $3, ${mm()}`); emit(`${op} ${mm()}, ${mm()}`); }
  emit('emms');
  // SSE family.
  const xr = (): string => `%xmm${Math.floor(r() * (b64 ? 16 : 8))}`;
  const yr = (): string => `%ymm${Math.floor(r() * (b64 ? 16 : 8))}`;
  const sse2op = ['movaps', 'movups', 'movapd', 'movupd', 'movdqa', 'movdqu', 'addps', 'addpd', 'addss', 'addsd', 'subps', 'subpd', 'subss', 'subsd',
    'mulps', 'mulpd', 'mulss', 'mulsd', 'divps', 'divpd', 'divss', 'divsd', 'sqrtps', 'sqrtsd', 'minps', 'maxsd', 'andps', 'andpd', 'orps', 'xorps', 'xorpd', 'andnps',
    'unpcklps', 'unpckhpd', 'cvtps2pd', 'cvtpd2ps', 'cvtss2sd', 'cvtsd2ss', 'cvtdq2ps', 'cvtps2dq', 'cvttps2dq', 'cvtdq2pd', 'comiss', 'ucomisd', 'comisd', 'ucomiss', 'rcpps', 'rsqrtss',
    'pxor', 'por', 'pand', 'pandn', 'paddb', 'paddw', 'paddd', 'paddq', 'psubb', 'psubw', 'psubd', 'psubq', 'pmullw', 'pmuludq', 'pmulld', 'pmulhuw',
    'pcmpeqb', 'pcmpeqw', 'pcmpeqd', 'pcmpeqq', 'pcmpgtb', 'pcmpgtq', 'pshufb', 'punpcklbw', 'punpckhwd', 'punpckldq', 'punpcklqdq', 'punpckhqdq',
    'packuswb', 'packssdw', 'pminub', 'pmaxsd', 'pavgb', 'psadbw', 'ptest', 'pabsb', 'phaddd', 'pmaddubsw', 'pmovzxbw', 'pmovsxdq', 'haddps', 'movshdup', 'movsldup', 'movddup', 'lddqu',
    'aesenc', 'aesdec', 'pclmulqdq', 'phminposuw', 'packusdw', 'pminsd', 'pmaxud'];
  for (const op of sse2op) {
    if (op === 'lddqu') { emit(`${op} ${mem()}, ${xr()}`); continue; }
    if (op === 'pclmulqdq') { emit(`${op} $0x11, ${xr()}, ${xr()}`); continue; }
    emit(`${op} ${xr()}, ${xr()}`); emit(`${op} ${mem()}, ${xr()}`);
    if (/^mov(ap|up|dq)/.test(op)) emit(`${op} ${xr()}, ${mem()}`);
  }
  for (const op of ['movss', 'movsd', 'movlps', 'movhps', 'movlpd', 'movhpd', 'movntps', 'movntdq', 'movq']) {
    if (!op.startsWith('movnt') && !/mov[lh]p/.test(op)) emit(`${op} ${xr()}, ${xr()}`);
    if (!op.startsWith('movnt')) emit(`${op} ${mem()}, ${xr()}`);
    emit(`${op} ${xr()}, ${mem()}`);
  }
  emit(`movd %eax, ${xr()}`); emit(`movd ${xr()}, %ecx`); emit(`movd ${mem()}, ${xr()}`); emit(`movd ${xr()}, ${mem()}`);
  if (b64) { emit(`movq %rax, ${xr()}`); emit(`movq ${xr()}, %r9`); emit(`movq2dq %mm1, %xmm2`); emit(`movdq2q %xmm3, %mm4`); }
  for (const op of ['psllw', 'pslld', 'psllq', 'psrlw', 'psrld', 'psrlq', 'psraw', 'psrad']) { emit(`${op} $${pick(['1', '7', '31'])}, ${xr()}`); emit(`${op} ${xr()}, ${xr()}`); emit(`${op} ${mem()}, ${xr()}`); }
  emit(`pslldq $4, ${xr()}`); emit(`psrldq $8, ${xr()}`);
  for (const op of ['pshufd', 'pshuflw', 'pshufhw', 'shufps', 'shufpd', 'palignr', 'pblendw', 'blendps', 'blendpd', 'roundsd', 'roundss', 'roundps', 'dpps', 'mpsadbw', 'pcmpistri', 'pcmpistrm', 'pcmpestri', 'insertps', 'cmpps', 'cmpsd', 'cmpss']) {
    emit(`${op} $${pick(['0', '1', '4', '0x1b', '255'])}, ${xr()}, ${xr()}`); emit(`${op} $${pick(['0', '2', '0x10'])}, ${mem()}, ${xr()}`);
  }
  for (const op of ['cmpeqps', 'cmpltsd', 'cmpneqss', 'cmpunordpd']) emit(`${op} ${xr()}, ${xr()}`);
  for (const op of ['blendvps', 'blendvpd', 'pblendvb']) { emit(`${op} %xmm0, ${xr()}, ${xr()}`); emit(`${op} ${mem()}, ${xr()}`); }
  for (const [op, s] of [['cvtsi2ss', 32], ['cvtsi2sd', 32], ['cvtsi2ss', 64], ['cvtsi2sd', 64]] as const) {
    if (s === 64 && !b64) continue;
    emit(`${op}${SFX[s]} ${reg(s)}, ${xr()}`); emit(`${op}${SFX[s]} ${mem()}, ${xr()}`); emit(`${op} ${reg(s)}, ${xr()}`);
  }
  for (const op of ['cvtss2si', 'cvtsd2si', 'cvttss2si', 'cvttsd2si']) { emit(`${op} ${xr()}, ${reg(32)}`); if (b64) emit(`${op} ${xr()}, ${reg(64)}`); emit(`${op} ${mem()}, ${reg(32)}`); }
  for (const op of ['pextrb', 'pextrd', 'pinsrb', 'pinsrd', 'pextrw', 'pinsrw', 'extractps']) {
    if (op.startsWith('pins')) emit(`${op} $1, ${op === 'pinsrw' || op === 'pinsrb' ? '%eax' : '%ecx'}, ${xr()}`);
    else emit(`${op} $1, ${xr()}, %eax`);
  }
  if (b64) { emit(`pextrq $1, %xmm1, %rax`); emit(`pinsrq $1, %rax, %xmm2`); }
  emit(`pmovmskb ${xr()}, %eax`); emit(`movmskps ${xr()}, %ecx`); emit(`maskmovdqu %xmm1, %xmm2`);
  // AVX / AVX2.
  const avx3 = ['vaddps', 'vaddpd', 'vsubps', 'vmulpd', 'vdivps', 'vandps', 'vxorps', 'vorpd', 'vmaxps', 'vminpd', 'vunpcklps', 'vpaddd', 'vpaddq', 'vpsubb', 'vpxor', 'vpor', 'vpand',
    'vpandn', 'vpmulld', 'vpcmpeqb', 'vpcmpgtd', 'vpshufb', 'vpunpcklbw', 'vpmaxsd', 'vpminub', 'vpavgw', 'vpackssdw', 'vhaddps', 'vpsllvd', 'vpsrlvq', 'vpermd', 'vpermps'];
  for (const op of avx3) {
    const y = !['vpermd', 'vpermps'].includes(op) && r() < 0.5 ? xr : yr;
    emit(`${op} ${y()}, ${y()}, ${y()}`); emit(`${op} ${mem()}, ${y()}, ${y()}`);
  }
  for (const op of ['vaddss', 'vaddsd', 'vmulss', 'vsubsd', 'vdivsd', 'vsqrtsd', 'vmaxss']) { emit(`${op} ${xr()}, ${xr()}, ${xr()}`); emit(`${op} ${mem()}, ${xr()}, ${xr()}`); }
  for (const op of ['vmovaps', 'vmovups', 'vmovapd', 'vmovdqa', 'vmovdqu']) for (const y of [xr, yr]) { emit(`${op} ${y()}, ${y()}`); emit(`${op} ${mem()}, ${y()}`); emit(`${op} ${y()}, ${mem()}`); }
  for (const op of ['vmovss', 'vmovsd']) { emit(`${op} ${mem()}, ${xr()}`); emit(`${op} ${xr()}, ${mem()}`); emit(`${op} ${xr()}, ${xr()}, ${xr()}`); }
  emit(`vmovd %eax, ${xr()}`); emit(`vmovd ${xr()}, %ecx`); emit(`vmovq ${mem()}, ${xr()}`); emit(`vmovq ${xr()}, ${xr()}`);
  for (const op of ['vbroadcastss', 'vpbroadcastb', 'vpbroadcastd', 'vpbroadcastq']) { emit(`${op} ${mem()}, ${yr()}`); emit(`${op} %xmm1, ${yr()}`); emit(`${op} %xmm2, ${xr()}`); }
  emit(`vbroadcastsd ${mem()}, ${yr()}`); emit(`vbroadcastf128 ${mem()}, ${yr()}`); emit(`vinserti128 $1, ${xr()}, ${yr()}, ${yr()}`); emit(`vextracti128 $1, ${yr()}, ${xr()}`);
  emit(`vpermq $0x4e, ${yr()}, ${yr()}`); emit(`vpermq $0x1b, ${mem()}, ${yr()}`); emit(`vpermpd $3, ${yr()}, ${yr()}`); emit(`vperm2i128 $0x20, ${yr()}, ${yr()}, ${yr()}`);
  emit(`vpshufd $0x1b, ${yr()}, ${yr()}`); emit(`vpslld $3, ${yr()}, ${yr()}`); emit(`vpsrlq $7, ${xr()}, ${xr()}`); emit(`vpsrad %xmm1, ${yr()}, ${yr()}`);
  emit(`vblendvps ${yr()}, ${yr()}, ${yr()}, ${yr()}`); emit(`vpblendvb ${xr()}, ${mem()}, ${xr()}, ${xr()}`); emit(`vptest ${yr()}, ${yr()}`); emit(`vpmovmskb ${yr()}, %eax`);
  emit(`vfmadd231ps ${yr()}, ${yr()}, ${yr()}`); emit(`vfmadd132sd ${mem()}, ${xr()}, ${xr()}`); emit(`vcvtsi2sdl %eax, ${xr()}, ${xr()}`); emit(`vcvttsd2si ${xr()}, %eax`);
  emit(`vcvtps2pd ${xr()}, ${yr()}`); emit(`vcvtdq2ps ${yr()}, ${yr()}`); emit(`vzeroupper`); emit(`vzeroall`); emit(`vpextrd $1, ${xr()}, %eax`); emit(`vpinsrd $2, %eax, ${xr()}, ${xr()}`);
  emit(`vpcmpistri $0x0c, ${xr()}, ${xr()}`); emit(`vroundsd $1, ${xr()}, ${xr()}, ${xr()}`); emit(`vshufps $0x44, ${yr()}, ${yr()}, ${yr()}`);

  // Branch blocks: numeric local labels and .L labels at short and long distances.
  for (let n = 0; n < 40; n++) {
    const far = r() < 0.35;
    const jmp = pick(['jmp', 'je', 'jne', 'jz', 'jnz', 'jl', 'jge', 'ja', 'jbe', 'js', 'jns', 'jo', 'jp', 'jnp', 'jc', 'jnc', 'jg', 'jle', 'jb', 'jae']);
    const lbl = r() < 0.5 ? `${1 + (n % 9)}` : `.Lb${opts.seed}_${n}`;
    const pad = far ? `.fill ${pick([126, 127, 128, 129, 200, 300])}, 1, 0x90` : `.fill ${pick([0, 1, 50, 120, 125])}, 1, 0x90`;
    if (r() < 0.5) {
      emit(`${jmp} ${lbl}${/^\d/.test(lbl) ? 'f' : ''}`); emit(pad); emit(`${lbl}:`);
    } else {
      emit(`${lbl}:`); emit(pad); emit(`${jmp} ${lbl}${/^\d/.test(lbl) ? 'b' : ''}`);
    }
    if (r() < 0.3) { emit(`loop .Ll${opts.seed}_${n}`); emit('nop'); emit(`.Ll${opts.seed}_${n}:`); emit(`call .Ll${opts.seed}_${n}`); }
  }
  // Written segments equal to the default one (GNU as drops them), string operands, lea.
  const bx = b64 ? 'r' : 'e';
  for (const m of [`mov %ds:(%${bx}bp),%eax`, `mov %ss:(%${bx}bp),%eax`, `mov %ss:(%${bx}sp),%eax`, `mov %ds:(%${bx}sp),%eax`, `mov %ss:(%${bx}ax),%eax`,
    `mov %ss:(%${bx}ax,%${bx}bp),%eax`, `mov %ss:(%${bx}bp,%${bx}ax),%eax`, `mov %ss:(,%${bx}bp,2),%eax`, `mov %ds:0x1234,%al`, `mov %ss:0x1234,%eax`,
    `lodsb %ss:(%${bx}si),%al`, `lodsb %ds:(%${bx}si),%al`, `xlat %ds:(%${bx}bx)`, `lea %ds:(%${bx}ax),%eax`, `lea %ss:(%${bx}bp),%eax`, `lea %ss:(%${bx}ax),%eax`,
    `mov %ds:(%${bx}ax),%ds`, `jmp *%ds:(%${bx}ax)`, `ds movsb`, `ss nop`.replace('ss', b64 ? 'ds' : 'ss')]) emit(m);
  if (b64) for (const m of ['mov %ss:(%r13),%eax', 'mov %ds:(%r13),%eax', 'mov %ss:(%r12),%eax', 'mov %ss:(%ebp),%eax', 'movabs %ds:0x1234,%al', 'movabs %ss:0x1234,%al', 'mov %ss:8(%rip),%eax']) emit(m);
  // xchg of the accumulator with itself.
  emit('xchg %eax,%eax'); emit('xchg %ax,%ax'); if (b64) { emit('xchg %rax,%rax'); emit('xchg %rax,%r8'); }
  // Written REX prefixes (merged into the instruction's REX) and GNU as's pseudo-prefixes.
  if (b64) {
    for (const m of ['rex.w movsb', 'rex movsb', 'rex.wrxb movsb', 'rex64 movsb', 'rex.w rep movsb', 'rex.w mov %eax,%ebx', 'rex.w mov %eax,%r8d',
      'rex mov %eax,%ebx', 'rex.x mov %eax,%r8d', 'rex.r mov %eax,%ebx', 'rex.wb movsb', 'rex mov %al,%bl', 'rex.w addb $1,(%rax)', 'rex lock addl $1,(%rax)',
      'lock rex.w addl $1,(%rax)', 'rex.w fs movsb', 'rex.w data16 movsb', 'rex.w nop', 'rex.w push %rax', 'rex.w ret', 'rex mov %r8d,%eax',
      '{rex} mov %eax,%ebx', '{rex} nop', '{rex} mov %r8d,%eax', '{vex3} vaddps %xmm1,%xmm2,%xmm3', '{vex3} vmovaps %xmm1,%xmm2', '{vex2} vaddps %xmm1,%xmm2,%xmm3',
      '{disp32} mov (%rax),%eax', '{disp32} mov 8(%rbp),%eax', '{disp32} mov (%rbp),%eax', '{disp32} mov (,%rax,2),%eax', '{disp32} mov 0x10(%rip),%eax',
      '{disp8} mov 0x1000(%rax),%eax', '{disp8} mov (%rax),%eax', '{disp8} mov 1(%rax),%eax', '{disp8} mov (%rbp),%eax', '{nooptimize} mov %eax,%ebx',
      // GNU as takes the moffs64 form for an absolute accumulator move under {disp32}.
      '{disp32} mov 0x1000,%eax', '{disp32} mov %eax,0x1000', '{disp32} mov 0x1000,%al', '{disp32} mov 0x1000,%ebx', '{disp32} add 0x1000,%eax',
      '{disp32} mov sym,%eax', '{disp32} mov %fs:0x1000,%eax', '{disp32} mov 0x1000,%rax']) emit(m);
  } else {
    for (const m of ['{disp32} mov 0x1000,%ebx', '{disp32} mov 0x1000,%eax', '{disp32} mov 8(%ebp),%eax', '{disp8} mov (%eax),%eax', '{disp32} mov (%eax,%ebx,2),%ecx']) emit(m);
  }
  for (const ls of ['{load}', '{store}']) {
    for (const m of ['mov %eax,%ebx', 'mov %al,%bl', 'add %eax,%ebx', 'sbb %al,%bl', 'cmp %eax,%ebx', 'test %ecx,%ebx', 'xchg %ecx,%ebx', 'xchg %eax,%ebx',
      'movaps %xmm1,%xmm2', 'movdqa %xmm1,%xmm2', 'movq %xmm1,%xmm2', 'movss %xmm1,%xmm2', 'movsd %xmm1,%xmm2', 'movq %mm1,%mm2', 'vmovq %xmm1,%xmm2',
      'vmovss %xmm1,%xmm2,%xmm3', 'add $1,%eax', 'mov (%eax),%eax', 'mov %es,%eax', 'movd %eax,%xmm1', ...(b64 ? ['vmovaps %xmm8,%xmm1', 'vmovaps %xmm1,%xmm8',
        'vmovdqu %ymm11,%ymm2', 'vmovups %ymm0,%ymm10', 'vmovapd %ymm8,%ymm1', 'mov %cr0,%rax'] : [])]) emit(`${ls} ${b64 ? m.replace('(%eax)', '(%rax)') : m}`);
  }
  // Far branches: through memory (m16:16/m16:32) in both modes, direct ptr16:16/32 in 32-bit mode, far returns.
  for (const m of ['ljmp *(%rax)', 'ljmpl *(%rax)', 'ljmpw *(%rax)', 'lcall *(%rax)', 'lcall *8(%rbx)', 'lcallw *(%rax)', 'lcalll *-8(%rbp,%rsi,4)', 'ljmp *sym',
    'lret', 'lret $8', 'lretw', 'lretl', 'lretl $4', 'lretw $2', 'retf']) emit(b64 ? m : m.replace(/%r/g, '%e'));
  if (b64) { emit('lretq'); emit('lretq $8'); }
  else for (const m of ['ljmp $0x10, $sym', 'lcall $0x10, $sym', 'ljmp $0x10, $0x1234', 'ljmpw $0x10, $0x1234', 'lcallw $0x10, $0x1234', 'lcall $0x23, $sym+8', 'ljmp $0x10, $0xfffffff0']) emit(m);
  // Pad the count with more random ALU/SSE lines to exceed the target.
  return out;
}
