// Unit tests of the AT&T parser and the encoder's diagnostics: IR shape for GAS's spellings, and
// each error class with GNU as 2.40's wording (checked against `as --64` on the dev machine).

import * as assert from 'assert';
import { AsmError, Insn } from '../../../emulator/asm/ir';
import { tryConst } from '../../../emulator/asm/expr';
import { parseAttInstruction } from '../../../emulator/asm/x86/att';
import { encodeInsn, Encoded, EncodeEnv } from '../../../emulator/asm/x86/encode';

const loc = { file: 't.s', line: 3, col: 5 };
const parse = (t: string): Insn => parseAttInstruction(t, loc);
const env = (over: Partial<EncodeEnv> = {}): EncodeEnv => ({
  bitness: 64,
  address: 0n,
  longBranch: false,
  resolve: (e) => {
    const c = tryConst(e, () => undefined);
    return c === undefined ? { kind: 'reloc' } : { kind: 'const', value: c };
  },
  ...over,
});
const enc = (t: string, over: Partial<EncodeEnv> = {}): Encoded => encodeInsn(parse(t), env(over));
const hex = (t: string): string => Buffer.from(enc(t).bytes).toString('hex');
const errorOf = (f: () => unknown): AsmError => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof AsmError, `expected AsmError, got ${e}`);
    return e;
  }
  assert.fail('no error thrown');
};

describe('AT&T parser', () => {
  it('gives Intel mnemonic, reversed operands and the suffix size', () => {
    const i = parse('movq $1, %rax');
    assert.strictEqual(i.mnemonic, 'mov');
    assert.strictEqual(i.opSize, 64);
    assert.deepStrictEqual(i.operands.map((o) => o.kind), ['reg', 'imm']);
    assert.strictEqual(i.syntax, 'att');
  });

  it('maps GAS-only names', () => {
    assert.strictEqual(parse('cltq').mnemonic, 'cdqe');
    assert.strictEqual(parse('cqto').mnemonic, 'cqo');
    assert.strictEqual(parse('movslq %eax, %rbx').mnemonic, 'movsxd');
    const z = parse('movzbl (%rsi), %eax');
    assert.strictEqual(z.mnemonic, 'movzx');
    assert.strictEqual(z.opSize, 32);
    assert.strictEqual(z.operands[1].kind === 'mem' && z.operands[1].size, 8);
    assert.strictEqual(parse('fildll 8(%rsp)').opSize, 64);
    assert.strictEqual(parse('movsl').mnemonic, 'movsd');
    assert.strictEqual(parse('movq %xmm0, %rax').mnemonic, 'movq');
  });

  it('parses prefixes, indirect branches, x87 stack registers, segments and rip-relative operands', () => {
    assert.deepStrictEqual(parse('lock addl $1, (%rax)').prefixes, ['lock']);
    assert.deepStrictEqual(parse('rep movsb').prefixes, ['rep']);
    assert.strictEqual(parse('jmp *%rax').indirect, true);
    const c = parse('call *8(%rbx,%rcx,4)');
    assert.strictEqual(c.indirect, true);
    assert.deepStrictEqual(c.operands[0], { kind: 'mem', scale: 4, ripRel: false, size: 0, base: 'rbx', index: 'rcx', disp: { kind: 'num', value: 8n } });
    assert.deepStrictEqual(parse('fadd %st(1), %st').operands, [{ kind: 'reg', reg: 'st0' }, { kind: 'reg', reg: 'st1' }]);
    const fs = parse('movl %fs:0x28, %eax').operands[1];
    assert.ok(fs.kind === 'mem' && fs.seg === 'fs' && !fs.base);
    const rip = parse('leaq msg(%rip), %rsi').operands[1];
    assert.ok(rip.kind === 'mem' && rip.ripRel && rip.disp?.kind === 'sym');
    assert.deepStrictEqual(parse('jne 1b').operands, [{ kind: 'imm', expr: { kind: 'sym', name: '1b' } }]);
  });

  it('encodes the brief examples like GNU as', () => {
    assert.strictEqual(hex('movq $1, %rax'), '48c7c001000000');
    assert.strictEqual(hex('mov %eax, %ebx'), '89c3');
    assert.strictEqual(hex('movl 0x1234, %eax'), '8b042534120000');
    assert.strictEqual(hex('int $0x80'), 'cd80');
    assert.strictEqual(hex('sysretq'), '480f07');
    assert.strictEqual(hex('cvtsi2sdq %rax, %xmm0'), 'f2480f2ac0');
    const lea = enc('leaq msg(%rip), %rsi');
    assert.strictEqual(Buffer.from(lea.bytes).toString('hex'), '488d3500000000');
    assert.deepStrictEqual(lea.fixups.map((f) => [f.offset, f.size, f.pcrel]), [[3, 4, true]]);
    const call = enc('call foo');
    assert.deepStrictEqual(call.fixups.map((f) => [f.offset, f.size, f.pcrel, f.branch]), [[1, 4, true, true]]);
    const imm = enc('movq $sym, %rax');
    assert.deepStrictEqual(imm.fixups.map((f) => [f.offset, f.size, f.signed]), [[3, 4, true]]);
  });

  it('relaxes jumps to local labels and reports the form', () => {
    const near = enc('jmp 1f', { resolve: () => ({ kind: 'local', offset: 100n }) });
    assert.strictEqual(Buffer.from(near.bytes).toString('hex'), 'eb62');
    assert.strictEqual(near.branchForm, 'short');
    const far = enc('jne 1f', { resolve: () => ({ kind: 'local', offset: 1000n }) });
    assert.strictEqual(Buffer.from(far.bytes).toString('hex'), '0f85e2030000');
    assert.strictEqual(far.branchForm, 'long');
    const forced = enc('jmp 1f', { resolve: () => ({ kind: 'local', offset: 10n }), longBranch: true });
    assert.strictEqual(forced.bytes.length, 5);
  });
});

describe('AT&T diagnostics (GNU as wording)', () => {
  it('unknown mnemonic', () => {
    const e = errorOf(() => parse('foo %eax'));
    assert.strictEqual(e.message, "no such instruction: `foo %eax'");
    assert.deepStrictEqual(e.loc, loc);
  });
  it('operand type mismatch', () => {
    assert.strictEqual(errorOf(() => enc('mov %al, %rbx')).message, "operand type mismatch for `mov'");
  });
  it('bad register name, with its column', () => {
    const e = errorOf(() => parse('mov %foo, %eax'));
    assert.strictEqual(e.message, "bad register name `%foo'");
    assert.strictEqual(e.loc?.col, loc.col + 4);
  });
  it('suffix contradicting a register', () => {
    assert.strictEqual(errorOf(() => enc('addq %eax, %ebx')).message, "incorrect register `%ebx' used with `q' suffix");
    assert.strictEqual(errorOf(() => enc('addl $1, %rax')).message, "incorrect register `%rax' used with `l' suffix");
    assert.strictEqual(errorOf(() => enc('addl %al, %bl')).message, "`%bl' not allowed with `addl'");
  });
  it('missing operand', () => {
    assert.strictEqual(errorOf(() => enc('mov %eax')).message, "number of operands mismatch for `mov'");
    assert.strictEqual(errorOf(() => parse('movl %eax, %ebx,')).message, "expecting operand after ','; got nothing");
  });
  it('junk after an expression or a register', () => {
    const e = errorOf(() => parse('mov $1 2, %eax'));
    assert.strictEqual(e.message, "junk `2' after expression");
    assert.strictEqual(errorOf(() => parse('movl 1(%rax), %eax junk')).message, "junk `junk' after register");
  });
  it('immediates: GNU as truncates byte immediates with a warning, rejects int $300', () => {
    const r = enc('movb $300, %al');
    assert.strictEqual(Buffer.from(r.bytes).toString('hex'), 'b02c');
    assert.deepStrictEqual(r.warnings, ['0x12c shortened to 0x2c']);
    assert.strictEqual(enc('mov $-129, %al').warnings, undefined);
    assert.strictEqual(errorOf(() => enc('int $300')).message, "operand size mismatch for `int'");
  });
  it('unsized memory operand: default size with a warning', () => {
    const r = enc('add $1, (%rax)');
    assert.strictEqual(Buffer.from(r.bytes).toString('hex'), '830001');
    assert.deepStrictEqual(r.warnings, ["no instruction mnemonic suffix given and no register operands; using default for `add'"]);
    assert.strictEqual(enc('push (%rax)').warnings, undefined);
  });
  it('bad scale, bad base/index, high byte register with REX', () => {
    assert.strictEqual(errorOf(() => parse('lea (%rax,%rbx,3), %eax')).message, "expecting scale factor of 1, 2, 4, or 8: got `3'");
    assert.strictEqual(errorOf(() => parse('mov (%rax,%rsp), %eax')).message, "`(%rax,%rsp)' is not a valid base/index expression");
    assert.strictEqual(errorOf(() => enc('mov %ah, %r8b')).message, "can't encode register '%ah' in an instruction requiring REX prefix.");
  });
  it('loop out of range', () => {
    const e = errorOf(() => enc('loop 1b', { address: 1000n, resolve: () => ({ kind: 'local', offset: 0n }) }));
    assert.strictEqual(e.message, 'value of -1002 too large for field of 1 byte');
  });
});

describe('encoder caches', () => {
  it('two memory operands that differ only in scale encode differently', () => {
    const e = env();
    const a = Buffer.from(encodeInsn(parse('movb (%r13,%rbx,2), %al'), e).bytes).toString('hex');
    const b = Buffer.from(encodeInsn(parse('movb (%r13,%rbx,8), %al'), e).bytes).toString('hex');
    assert.strictEqual(a, '418a445d00');
    assert.strictEqual(b, '418a44dd00');
  });
});
