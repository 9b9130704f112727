// Unit tests of the encoder's less common inputs: written REX prefixes, pseudo-prefixes, NASM's
// short/near/strict/[dword ...], far branches, GNU as's default-segment rule, and cache keys that
// must tell apart instructions differing only in those fields (bytes checked against as/nasm).

import * as assert from 'assert';
import { AsmError, Insn } from '../../../emulator/asm/ir';
import { tryConst } from '../../../emulator/asm/expr';
import { parseAttInstruction } from '../../../emulator/asm/x86/att';
import { IntelDialect, parseIntelInstruction } from '../../../emulator/asm/x86/intel';
import { encodeInsn, Encoded, EncodeEnv } from '../../../emulator/asm/x86/encode';

const loc = { file: 't.s', line: 1, col: 1 };
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
const parse = (t: string, d: IntelDialect | 'att'): Insn => (d === 'att' ? parseAttInstruction(t, loc) : parseIntelInstruction(t, loc, d));
const enc = (t: string, d: IntelDialect | 'att' = 'att', over: Partial<EncodeEnv> = {}): Encoded => encodeInsn(parse(t, d), env(over));
const hex = (t: string, d: IntelDialect | 'att' = 'att', over: Partial<EncodeEnv> = {}): string => Buffer.from(enc(t, d, over).bytes).toString('hex');
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof AsmError, `expected AsmError, got ${e}`);
    return e.message;
  }
  return assert.fail('no error thrown');
};

describe('encoder: written prefixes', () => {
  it('merges rex/rex.w/rex.wrxb into the instruction REX, after the legacy prefixes', () => {
    assert.strictEqual(hex('rex.w movsb'), '48a4');
    assert.strictEqual(hex('rex.w rep movsb'), 'f348a4');
    assert.strictEqual(hex('rex.x mov %eax,%r8d'), '4389c0');
    assert.strictEqual(hex('rex.w fs movsb'), '6448a4');
    assert.strictEqual(hex('o64 movsb', 'nasm'), '48a4');
    assert.strictEqual(hex('o64 push rax', 'nasm'), '50');
    assert.strictEqual(hex('o16 push ax', 'nasm'), '6650');
  });
  it('reports GNU as errors for REX prefixes it refuses', () => {
    assert.strictEqual(errorOf(() => enc('rex.b mov %eax,%r8d')), 'same type of prefix used twice');
    assert.strictEqual(errorOf(() => enc('rex.w vmovaps %xmm1,%xmm2')), "REX prefix invalid with `vmovaps'");
    assert.strictEqual(errorOf(() => enc('rex.w movsb', 'att', { bitness: 32 })), "`rex.w' is only supported in 64-bit mode");
  });
  it('follows {load}/{store}, {disp8}/{disp32} and {vex3}', () => {
    assert.strictEqual(hex('{load} mov %eax,%ebx'), '8bd8');
    assert.strictEqual(hex('{store} movaps %xmm1,%xmm2'), '0f29ca');
    assert.strictEqual(hex('{load} vmovaps %xmm8,%xmm1'), 'c4c17828c8');
    assert.strictEqual(hex('vmovaps %xmm8,%xmm1'), 'c57829c1');
    assert.strictEqual(hex('vmovaps xmm1, xmm8', 'nasm'), 'c4c17828c8');
    assert.strictEqual(hex('{store} xchg %eax,%ebx'), '93');
    assert.strictEqual(hex('{load} test %ecx,%ebx'), '85d9');
    assert.strictEqual(hex('{disp32} mov 8(%rbp),%eax'), '8b8508000000');
    assert.strictEqual(hex('{disp8} mov (%rax),%eax'), '8b4000');
    assert.strictEqual(hex('{disp32} mov 0x1000,%eax'), 'a10010000000000000');
    assert.strictEqual(hex('{vex3} vaddps %xmm1,%xmm2,%xmm3'), 'c4e16858d9');
  });
  it('drops a written ds:/ss: equal to the default segment (GNU as), keeps it for NASM', () => {
    assert.strictEqual(hex('mov %ds:(%rax),%eax'), '8b00');
    assert.strictEqual(hex('mov %ss:(%rax),%eax'), '368b00');
    assert.strictEqual(hex('mov %ss:(%rbp),%eax'), '8b4500');
    assert.strictEqual(hex('mov %ss:(%r13),%eax'), '36418b4500');
    assert.strictEqual(hex('mov %ds:8(%rip),%eax'), '8b0508000000');
    assert.strictEqual(hex('ds movsb'), '3ea4');
    assert.strictEqual(hex('mov eax, ds:[rax]', 'gas'), '8b00');
    assert.strictEqual(hex('mov eax, [ds:rax]', 'nasm'), '3e8b00');
    assert.deepStrictEqual(enc('lea %ds:(%rax),%eax').warnings, ["segment override on `lea' is ineffectual"]);
  });
  it('encodes xchg of rax with itself as GNU as (90) and NASM (48 90) do', () => {
    assert.strictEqual(hex('xchg %rax,%rax'), '90');
    assert.strictEqual(hex('xchg rax, rax', 'nasm'), '4890');
    assert.strictEqual(hex('xchg %eax,%eax'), '87c0');
  });
});

describe('encoder: NASM size keywords', () => {
  const at = (address: bigint, target: bigint): Partial<EncodeEnv> => ({ address, resolve: () => ({ kind: 'local', offset: target }) });
  it('pins jmp short / near and refuses a short jump out of range', () => {
    assert.strictEqual(hex('jmp short x', 'nasm', at(0n, 0x10n)), 'eb0e');
    assert.strictEqual(hex('jmp near x', 'nasm', at(0n, 0x10n)), 'e90b000000');
    assert.strictEqual(hex('jz near x', 'nasm', at(0n, 0x10n)), '0f840a000000');
    assert.strictEqual(errorOf(() => enc('jmp short x', 'nasm', at(0n, 0x200n))), 'short jump is out of range');
    assert.strictEqual(enc('jmp near x', 'nasm', at(0n, 0x10n)).branchForm, undefined);
  });
  it('keeps strict immediates and [dword ...] displacements at their written size', () => {
    assert.strictEqual(hex('add eax, 5', 'nasm'), '83c005');
    assert.strictEqual(hex('add eax, strict dword 5', 'nasm'), '0505000000');
    assert.strictEqual(hex('add ecx, strict byte 5', 'nasm'), '83c105');
    assert.strictEqual(hex('push strict dword 5', 'nasm'), '6805000000');
    assert.strictEqual(hex('mov eax, [rax+1]', 'nasm'), '8b4001');
    assert.strictEqual(hex('mov eax, [dword rax+1]', 'nasm'), '8b8001000000');
    assert.strictEqual(hex('mov eax, [byte rax]', 'nasm'), '8b4000');
    assert.strictEqual(hex('mov eax, [rax+1]', 'nasm'), '8b4001');
  });
});

describe('encoder: far branches', () => {
  it('encodes far jumps and calls through memory, and far returns', () => {
    assert.strictEqual(hex('ljmp *(%rax)'), 'ff28');
    assert.strictEqual(hex('lcallw *(%rax)'), '66ff18');
    assert.strictEqual(hex('jmp far [rax]', 'nasm'), '48ff28');
    assert.strictEqual(hex('jmp far [eax]', 'nasm', { bitness: 32 }), 'ff28');
    assert.strictEqual(hex('lret $8'), 'ca0800');
    assert.strictEqual(hex('lretq'), '48cb');
    assert.strictEqual(hex('retf', 'nasm'), 'cb');
    assert.ok(enc('lret').warnings?.[0].includes('using default for'));
    assert.strictEqual(enc('lret', 'att', { bitness: 32 }).warnings, undefined);
  });
  it('encodes direct far branches in 32-bit mode with a fixup for a symbolic offset', () => {
    assert.strictEqual(hex('ljmp $0x10, $0x1234', 'att', { bitness: 32 }), 'ea341200001000');
    assert.strictEqual(hex('lcallw $0x10, $0x1234', 'att', { bitness: 32 }), '669a34121000');
    const r = enc('ljmp $0x10, $sym', 'att', { bitness: 32 });
    assert.strictEqual(Buffer.from(r.bytes).toString('hex'), 'ea000000001000');
    assert.deepStrictEqual(r.fixups.map((f) => [f.offset, f.size, f.pcrel]), [[1, 4, false]]);
    assert.strictEqual(errorOf(() => enc('ljmp $0x10, $sym')), "unsupported instruction `ljmp'");
  });
});

describe('encoder caches: keys hold every field that changes the bytes', () => {
  it('tells apart strict, dispSize, branch hints and pseudo-prefixes from the plain forms', () => {
    // Each pair is encoded twice in both orders: a stale cache entry would repeat the first answer.
    const pairs: [string, IntelDialect | 'att', string][] = [
      ['add eax, 5', 'nasm', 'add eax, strict dword 5'],
      ['mov eax, [rax+1]', 'nasm', 'mov eax, [dword rax+1]'],
      ['mov %eax,%ebx', 'att', '{load} mov %eax,%ebx'],
      ['mov (%rax),%eax', 'att', '{disp32} mov (%rax),%eax'],
      ['mov %ds:(%rbp),%eax', 'att', 'mov %ss:(%rbp),%eax'],
      ['movsb', 'att', 'rex.w movsb'],
    ];
    for (const [a, d, b] of pairs) {
      const ha = hex(a, d);
      const hb = hex(b, d);
      assert.notStrictEqual(ha, hb, `${a} / ${b}`);
      assert.strictEqual(hex(a, d), ha);
      assert.strictEqual(hex(b, d), hb);
    }
  });
});
