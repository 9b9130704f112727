// Unit tests of the Intel-syntax parser (GAS .intel_syntax and NASM) and of nasmRewrite: each
// source form becomes the expected IR, and errors carry GNU as's / NASM's wording and a column.

import * as assert from 'assert';
import { AsmError, Insn, Operand } from '../../../emulator/asm/ir';
import { Expr, num } from '../../../emulator/asm/expr';
import { IntelDialect, IntelInsn, parseIntelInstruction } from '../../../emulator/asm/x86/intel';
import { nasmPrefixOrder, nasmRewrite } from '../../../emulator/asm/x86/nasm-rewrite';

const loc = { file: 'a.s', line: 3, col: 5 };
const sym = (name: string): Expr => ({ kind: 'sym', name });
const add = (left: Expr, right: Expr): Expr => ({ kind: 'binary', op: '+', left, right });
const R = (reg: string): Operand => ({ kind: 'reg', reg });
const I = (e: Expr | number): Operand => ({ kind: 'imm', expr: typeof e === 'number' ? num(e) : e });
const M = (m: Partial<Extract<Operand, { kind: 'mem' }>>): Operand => ({ kind: 'mem', scale: 1, ripRel: false, size: 0, ...m });

function parse(text: string, dialect: IntelDialect = 'nasm', defaultRel = false): IntelInsn {
  return parseIntelInstruction(text, loc, dialect, { defaultRel });
}

function ops(text: string, dialect: IntelDialect = 'nasm', defaultRel = false): Operand[] {
  return parse(text, dialect, defaultRel).operands;
}

function fails(text: string, dialect: IntelDialect, message: string, col: number): void {
  assert.throws(() => parse(text, dialect), (e: unknown) => {
    assert.ok(e instanceof AsmError, String(e));
    assert.strictEqual(e.message, message);
    assert.deepStrictEqual(e.loc, { ...loc, col });
    return true;
  });
}

describe('Intel-syntax parser', () => {
  it('reads registers and immediates in Intel order', () => {
    const i = parse('mov rax, 1', 'gas');
    assert.deepStrictEqual(i, { mnemonic: 'mov', prefixes: [], operands: [R('rax'), I(1)], opSize: 0, syntax: 'intel' });
    assert.strictEqual(parse('MOV R8D, 0x10').syntax, 'nasm');
    assert.deepStrictEqual(ops('MOV R8D, 0x10'), [R('r8d'), I(16)]);
    assert.deepStrictEqual(ops('cvtsi2sd xmm0, rax'), [R('xmm0'), R('rax')]);
  });

  it('reads GAS `dword ptr` and NASM `dword` memory operands with a size in bits', () => {
    const m = M({ base: 'rbx', index: 'rcx', scale: 4, disp: num(8), size: 32 });
    assert.deepStrictEqual(ops('mov dword ptr [rbx+rcx*4+8], 5', 'gas'), [m, I(5)]);
    assert.deepStrictEqual(ops('mov dword [rbx+rcx*4+8], 5'), [m, I(5)]);
    assert.deepStrictEqual(ops('movzx eax, byte [rsi]'), [R('eax'), M({ base: 'rsi', size: 8 })]);
    assert.deepStrictEqual(ops('movsd xmm0, qword [rax]'), [R('xmm0'), M({ base: 'rax', size: 64 })]);
    assert.deepStrictEqual(ops('fld tbyte ptr [rax]', 'gas'), [M({ base: 'rax', size: 80 })]);
    assert.deepStrictEqual(ops('movaps xmm1, xmmword ptr [rdi]', 'gas'), [R('xmm1'), M({ base: 'rdi', size: 128 })]);
  });

  it('sorts base, index, scale and displacement in any written order', () => {
    assert.deepStrictEqual(ops('lea rax, [rbx + 2*rcx]'), [R('rax'), M({ base: 'rbx', index: 'rcx', scale: 2 })]);
    assert.deepStrictEqual(ops('lea rax, [rcx*8 + rbx]'), [R('rax'), M({ base: 'rbx', index: 'rcx', scale: 8 })]);
    assert.deepStrictEqual(ops('lea rax, [rax + rbx + 4]'), [R('rax'), M({ base: 'rax', index: 'rbx', disp: num(4) })]);
    assert.deepStrictEqual(ops('lea rax, [4 + rax]'), [R('rax'), M({ base: 'rax', disp: num(4) })]);
    assert.deepStrictEqual(ops('lea rax, [label + 8]'), [R('rax'), M({ disp: add(sym('label'), num(8)) })]);
    assert.deepStrictEqual(ops('lea rax, [rax - 8]'), [R('rax'), M({ base: 'rax', disp: { kind: 'unary', op: '-', arg: num(8) } })]);
    // rsp cannot be an index: both assemblers make it the base.
    assert.deepStrictEqual(ops('lea rax, [rax + rsp]'), [R('rax'), M({ base: 'rsp', index: 'rax' })]);
    assert.deepStrictEqual(ops('mov eax, 8[rbx]', 'gas'), [R('eax'), M({ base: 'rbx', disp: num(8) })]);
    assert.deepStrictEqual(ops('mov eax, [rbx][rcx*4]', 'gas'), [R('eax'), M({ base: 'rbx', index: 'rcx', scale: 4 })]);
  });

  it('keeps GAS `[rax*1]` an index but makes NASM `[rax*1]` a base and `[rax*3]` base+index*2', () => {
    assert.deepStrictEqual(ops('lea rax, [rax*1]', 'gas'), [R('rax'), M({ index: 'rax' })]);
    assert.deepStrictEqual(ops('lea rax, [rax*1]'), [R('rax'), M({ base: 'rax' })]);
    assert.deepStrictEqual(ops('lea rax, [rbx*3]'), [R('rax'), M({ base: 'rbx', index: 'rbx', scale: 2 })]);
    assert.deepStrictEqual(ops('lea rax, [1*r15 + r11]'), [R('rax'), M({ base: 'r11', index: 'r15' })]);
    assert.deepStrictEqual(ops('lea rax, [nosplit rbx*1]'), [R('rax'), M({ index: 'rbx', nosplit: true } as object)]);
  });

  it('marks rip-relative operands: [rel x], [rip + x], x[rip] and NASM default rel', () => {
    const rel = [R('rsi'), M({ disp: sym('msg'), ripRel: true })];
    assert.deepStrictEqual(ops('lea rsi, [rel msg]'), rel);
    assert.deepStrictEqual(ops('lea rsi, [rip + msg]', 'gas'), rel);
    assert.deepStrictEqual(ops('lea rsi, msg[rip]', 'gas'), rel);
    assert.deepStrictEqual(ops('mov eax, [msg]', 'nasm', true), [R('eax'), M({ disp: sym('msg'), ripRel: true })]);
    assert.deepStrictEqual(ops('mov eax, [msg]'), [R('eax'), M({ disp: sym('msg') })]);
    assert.deepStrictEqual(ops('mov eax, [abs msg]', 'nasm', true), [R('eax'), M({ disp: sym('msg'), abs: true } as object)]);
    assert.deepStrictEqual(ops('mov eax, [rbx]', 'nasm', true), [R('eax'), M({ base: 'rbx' })]);
    assert.deepStrictEqual(ops('lea rsi, [rel $+5]'), [R('rsi'), M({ disp: add({ kind: 'dot' }, num(5)), ripRel: true })]);
  });

  it('reads segment overrides written outside (GAS) and inside (NASM) the brackets', () => {
    const fs = [R('rax'), M({ seg: 'fs', disp: num(0x28) })];
    assert.deepStrictEqual(ops('mov rax, fs:[0x28]', 'gas'), fs);
    assert.deepStrictEqual(ops('mov rax, fs:0x28', 'gas'), fs);
    assert.deepStrictEqual(ops('mov rax, [fs:0x28]'), fs);
    assert.deepStrictEqual(ops('mov rax, qword ptr fs:[0x28]', 'gas'), [R('rax'), M({ seg: 'fs', disp: num(0x28), size: 64 })]);
  });

  it('reads prefixes, NASM o16/a32/o64, and string instructions', () => {
    assert.deepStrictEqual(parse('rep movsb').prefixes, ['rep']);
    const x = parse('lock xadd [rdi], eax', 'gas');
    assert.deepStrictEqual([x.prefixes, x.mnemonic, x.operands], [['lock'], 'xadd', [M({ base: 'rdi' }), R('eax')]]);
    const o = parse('o16 a32 rep stosb');
    assert.deepStrictEqual([o.prefixes, o.mnemonic], [['data16', 'addr32', 'rep'], 'stosb']);
    assert.deepStrictEqual(parse('o64 movsb').prefixes, ['rex.w']);
    assert.strictEqual(parse('rep').mnemonic, 'rep');
  });

  it('reads branches: targets as immediates, indirect forms, short/near/far', () => {
    assert.deepStrictEqual(ops('jmp rax'), [R('rax')]);
    assert.deepStrictEqual(ops('call qword [rbx]'), [M({ base: 'rbx', size: 64 })]);
    assert.deepStrictEqual(ops('call foo', 'gas'), [I(sym('foo'))]);
    const s = parse('jmp short label');
    assert.deepStrictEqual([s.operands, s.branchHint], [[I(sym('label'))], 'short']);
    assert.strictEqual(parse('jmp near label').branchHint, 'near');
    assert.strictEqual(parse('jmp far [rax]').far, true);
    assert.deepStrictEqual(ops('jmp $'), [I({ kind: 'dot' })]);
    assert.deepStrictEqual(ops('jne $$'), [I({ kind: 'sectionStart' })]);
  });

  it('reads x87 registers as st0..st7 in both spellings', () => {
    assert.deepStrictEqual(ops('fadd st0, st1'), [R('st0'), R('st1')]);
    assert.deepStrictEqual(ops('fadd st, st(1)', 'gas'), [R('st0'), R('st1')]);
    assert.deepStrictEqual(ops('fxch st(7)', 'gas'), [R('st7')]);
  });

  it('tells GAS memory symbols from immediates: `msg` is memory, `offset msg` and numbers are not', () => {
    assert.deepStrictEqual(ops('mov eax, msg', 'gas'), [R('eax'), M({ disp: sym('msg') })]);
    assert.deepStrictEqual(ops('mov eax, offset msg', 'gas'), [R('eax'), I(sym('msg'))]);
    assert.deepStrictEqual(ops('mov eax, OFFSET FLAT:msg', 'gas'), [R('eax'), I(sym('msg'))]);
    assert.deepStrictEqual(ops('mov eax, 2+3', 'gas'), [R('eax'), I(add(num(2), num(3)))]);
    assert.deepStrictEqual(ops('mov eax, msg'), [R('eax'), I(sym('msg'))]);
    const known = parseIntelInstruction('mov eax, K', loc, 'gas', { isConstSymbol: (n) => n === 'K' });
    assert.deepStrictEqual(known.operands, [R('eax'), I(sym('K'))]);
  });

  it('keeps NASM size keywords on immediates (push qword 5, strict dword)', () => {
    assert.deepStrictEqual(ops('push qword 5'), [{ ...I(5), sizeHint: 64 }]);
    assert.deepStrictEqual(ops('add eax, strict dword 5'), [R('eax'), { ...I(5), sizeHint: 32, strict: true }]);
  });

  it('refuses ambiguous operand sizes with each assembler\'s message', () => {
    fails('mov [rax], 5', 'nasm', 'operation size not specified', 5);
    fails('add [rax], 5', 'gas', "ambiguous operand size for `add'", 5);
    fails('  inc [rax]', 'gas', "ambiguous operand size for `inc'", 7);
    fails('push [rax]', 'nasm', 'operation size not specified', 5);
    fails('movzx eax, [rsi]', 'nasm', 'operation size not specified', 5);
    assert.doesNotThrow(() => parse('push [rax]', 'gas'));
    assert.doesNotThrow(() => parse('shl dword [rax], cl'));
    assert.doesNotThrow(() => parse('add [rax], ecx'));
  });

  it('places syntax errors at their column', () => {
    // loc.col 5 is the first character of the text.
    fails('mov eax, [rax + 1 +]', 'nasm', 'missing expression', 5 + 19);
    fails('mov eax, [rax - rbx]', 'nasm', 'invalid effective address', 5 + 10);
    fails('mov eax, [rax*6]', 'nasm', 'scale factor of 6 is invalid', 5 + 10);
    fails('mov eax, [rax', 'nasm', "missing `]'", 5 + 9);
    fails('mov eax, ebx ecx', 'nasm', "junk `ecx' after expression", 5 + 13);
    fails('add eax, ', 'gas', 'missing operand', 5 + 9);
    fails('mov eax, rbx + 1', 'gas', "invalid use of register `rbx'", 5 + 9);
  });
});

describe('nasmRewrite (NASM -Ox encoding choices)', () => {
  const rw = (text: string, defaultRel = false): Insn => nasmRewrite(parse(text, 'nasm', defaultRel), 64);

  it('shortens mov r64, imm to mov r32 when the value fits 32 bits unsigned', () => {
    assert.deepStrictEqual(rw('mov rax, 0x80000000').operands, [R('eax'), I(0x80000000)]);
    assert.deepStrictEqual(rw('mov r9, 1').operands, [R('r9d'), I(1)]);
    assert.deepStrictEqual(rw('mov rax, -1').operands, [R('rax'), I({ kind: 'unary', op: '-', arg: num(1) })]);
    assert.strictEqual(rw('mov rax, 0x100000000').mnemonic, 'mov');
  });

  it('uses the imm64 form (movabs) for an address and for strict qword', () => {
    assert.strictEqual(rw('mov rax, label').mnemonic, 'movabs');
    assert.strictEqual(rw('mov rax, strict qword 5').mnemonic, 'movabs');
    const viaResolver = nasmRewrite(parse('mov rax, K'), 64, () => ({ kind: 'const', value: 7n }));
    assert.deepStrictEqual([viaResolver.mnemonic, viaResolver.operands[0]], ['mov', R('eax')]);
  });

  it('splits [rax*2] into [rax+rax] unless nosplit', () => {
    assert.deepStrictEqual(rw('lea rax, [rbx*2]').operands[1], M({ base: 'rbx', index: 'rbx' }));
    assert.deepStrictEqual(rw('lea rax, [nosplit rbx*2]').operands[1], M({ index: 'rbx', scale: 2, nosplit: true } as object));
  });

  it('keeps numeric addresses absolute under rel, and drops no-op size prefixes', () => {
    assert.strictEqual((rw('mov rax, [0x28]', true).operands[1] as { ripRel: boolean }).ripRel, false);
    assert.strictEqual((rw('mov rax, [msg]', true).operands[1] as { ripRel: boolean }).ripRel, true);
    assert.deepStrictEqual(rw('o32 a64 o16 movsb').prefixes, ['data16']);
    assert.strictEqual(rw('push word 5').opSize, 16);
    assert.deepStrictEqual([rw('o64 stosd').mnemonic, rw('o64 stosd').prefixes], ['stosq', []]);
    assert.deepStrictEqual([rw('o16 lodsw').mnemonic, rw('o16 lodsw').prefixes], ['lodsw', []]);
    assert.deepStrictEqual(rw('o16 movsb').prefixes, ['data16']);
  });

  it('adds {load} to VEX register moves and puts prefixes in NASM order', () => {
    assert.deepStrictEqual(rw('vmovaps xmm4, xmm10').prefixes, ['{load}']);
    assert.deepStrictEqual(rw('vmovaps xmm4, [rax]').prefixes, []);
    const hex = (b: number[]) => Buffer.from(nasmPrefixOrder(Uint8Array.from(b), 64)).toString('hex');
    assert.strictEqual(hex([0x64, 0x67, 0x66, 0xf0, 0x83, 0x03, 0x01]), 'f06466678303' + '01');
    assert.strictEqual(hex([0x66, 0xf3, 0xab]), 'f366ab'); // rep stosw
    assert.strictEqual(hex([0x67, 0x66, 0xf3, 0x0f, 0xb8, 0x00]), '6667f30fb800'); // popcnt ax, [eax]: f3 is mandatory
    assert.strictEqual(hex([0x64, 0x67, 0x66, 0x0f, 0x58, 0x00]), '6467660f5800'); // addpd: 66 is mandatory
  });
});
