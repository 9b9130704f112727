// FPU state save/restore and exceptions that the differential test cannot compare (it never faults and
// does not look at the saved images): fxsave/fxrstor's 512-byte layout, fnsave/frstor and
// fnstenv/fldenv round trips, exact m80 conversions, ldmxcsr #GP, unmasked SSE exceptions (#XM).

import * as assert from 'assert';
import { AddressSpace, PROT_USER, PROT_WRITE, PROT_EXEC } from '../../emulator/memory';
import { Cpu, cpuid } from '../../emulator/cpu';

const CODE = 0x400000, DATA = 0x600000;

function run(code: number[], setup?: (c: Cpu) => void): Cpu {
  const m = new AddressSpace();
  m.map(CODE, 0x1000, PROT_USER | PROT_EXEC);
  m.map(DATA, 0x2000, PROT_USER | PROT_WRITE);
  m.writeBytes(CODE, Uint8Array.from(code));
  const c = new Cpu(m);
  c.setReg('cs', 0x33n);
  c.rip = CODE;
  c.setReg('rax', BigInt(DATA));
  c.setReg('rbx', BigInt(DATA + 0x1000));
  setup?.(c);
  const stop = c.run(1000);
  if (stop.kind !== 'budget' && !(stop.kind === 'exception' && c.rip === CODE + code.length)) {
    (c as Cpu & { lastStop?: unknown }).lastStop = stop;
  }
  return c;
}
const u64 = (c: Cpu, a: number) => c.mem.readU64(a);
const u16 = (c: Cpu, a: number) => Number(c.mem.readU64(a) & 0xffffn);

const FLD1 = [0xd9, 0xe8], FLDPI = [0xd9, 0xeb], FNINIT = [0xdb, 0xe3];
const FXSAVE_RAX = [0x0f, 0xae, 0x00], FXRSTOR_RAX = [0x0f, 0xae, 0x08];
const FSTPL_RBX = [0xdd, 0x1b], FSTPL_RBX8 = [0xdd, 0x5b, 0x08];
const PI = 0x400921fb54442d18n;

describe('x87 and SSE state', () => {
  it('fxsave writes the 512-byte layout and fxrstor brings back x87, MXCSR and XMM state', () => {
    const c = run([...FLD1, ...FLDPI, ...FXSAVE_RAX, ...FNINIT, 0x66, 0x0f, 0xef, 0xc0 /* pxor xmm0 */, ...FXRSTOR_RAX, ...FSTPL_RBX, ...FSTPL_RBX8],
      (c) => { c.setReg('xmm0', 0x0123456789abcdef_fedcba9876543210n); c.mxcsr = 0x3f81; });
    assert.strictEqual(u16(c, DATA), 0x37f);
    assert.strictEqual(u16(c, DATA + 2), 6 << 11); // TOP = 6
    assert.strictEqual(c.mem.readBytes(DATA + 4, 1)[0], 0xc0); // abridged tags: physical 6 and 7 valid
    assert.strictEqual(Number(u64(c, DATA + 24) & 0xffffffffn), 0x3f81);
    assert.strictEqual(u64(c, DATA + 32), 0xc90fdaa22168c000n); // ST0 = pi (binary64) as extended
    assert.strictEqual(u16(c, DATA + 40), 0x4000);
    assert.strictEqual(u64(c, DATA + 48), 0x8000000000000000n); // ST1 = 1.0
    assert.strictEqual(u16(c, DATA + 56), 0x3fff);
    assert.strictEqual(u64(c, DATA + 160), 0xfedcba9876543210n);
    assert.strictEqual(c.getReg('xmm0'), 0x0123456789abcdef_fedcba9876543210n);
    assert.strictEqual(u64(c, DATA + 0x1000), PI);
    assert.strictEqual(u64(c, DATA + 0x1008), 0x3ff0000000000000n);
    assert.strictEqual(c.fpuTop, 0);
  });

  it('fnsave/frstor and fnstenv/fldenv round-trip; fnsave reinitialises, fnstenv masks exceptions', () => {
    const c = run([...FLDPI, 0xdd, 0x30 /* fnsave (%rax) */, 0xdd, 0x20 /* frstor (%rax) */, 0xd9, 0x73, 0x40 /* fnstenv 64(%rbx) */,
      0xd9, 0x63, 0x40 /* fldenv 64(%rbx) */, ...FSTPL_RBX]);
    assert.strictEqual(u16(c, DATA), 0x37f);
    assert.strictEqual(u16(c, DATA + 8) & 0x3, 0x3); // physical 0 empty; 7 valid
    assert.strictEqual((u16(c, DATA + 8) >> 14) & 3, 0);
    assert.strictEqual(u64(c, DATA + 28), 0xc90fdaa22168c000n);
    assert.strictEqual(u64(c, DATA + 0x1000), PI);
    assert.strictEqual(c.fcw & 0x3f, 0x3f);
  });

  it('fstpt/fldt convert exactly: a binary64 denormal survives, a 64-bit significand rounds to nearest', () => {
    const c = run([0xdd, 0x03 /* fldl (%rbx) */, 0xdb, 0x38 /* fstpt (%rax) */, 0xdb, 0x28 /* fldt (%rax) */, 0xdd, 0x5b, 0x10 /* fstpl 16(%rbx) */,
      0xdb, 0x6b, 0x20 /* fldt 32(%rbx) */, 0xdd, 0x5b, 0x30 /* fstpl 48(%rbx) */], (c) => {
      c.mem.writeU64(DATA + 0x1000, 0x000000000000abcdn);
      c.mem.writeU64(DATA + 0x1020, 0x8000000000000401n); c.mem.writeU64(DATA + 0x1028, 0x3fffn); // 1 + 2^-53 + 2^-63
    });
    assert.strictEqual(u64(c, DATA + 0x1010), 0x000000000000abcdn);
    assert.strictEqual(u16(c, DATA + 8), 0x3fff - 1022 - 37); // normalised in the 80-bit format
    assert.strictEqual(u64(c, DATA + 0x1030), 0x3ff0000000000001n);
  });

  it('ldmxcsr with a reserved bit is #GP(0); an unmasked divide by zero is #XM and keeps the destination', () => {
    let c = run([0x0f, 0xae, 0x13 /* ldmxcsr (%rbx) */], (c) => c.mem.writeU64(DATA + 0x1000, 0x10000n));
    assert.deepStrictEqual((c as Cpu & { lastStop?: unknown }).lastStop, { kind: 'exception', vector: 13, errorCode: 0 });
    c = run([0x0f, 0xae, 0x13, 0xf3, 0x0f, 0x5e, 0xc1 /* divss %xmm1, %xmm0 */], (c) => {
      c.mem.writeU64(DATA + 0x1000, BigInt(0x1f80 & ~0x200)); c.setReg('xmm0', 0x3f800000n); c.setReg('xmm1', 0n);
    });
    assert.deepStrictEqual((c as Cpu & { lastStop?: unknown }).lastStop, { kind: 'exception', vector: 19 });
    assert.strictEqual(c.getReg('xmm0'), 0x3f800000n);
    assert.strictEqual(c.mxcsr & 4, 4);
  });

  it('cpuid advertises FPU, FXSR, SSE and SSE2 and nothing from SSE3 on (glibc picks its sse2 variants)', () => {
    const [, , ecx, edx] = cpuid(1, 0);
    for (const bit of [0, 24, 25, 26]) assert.ok(edx & (1 << bit), `edx bit ${bit}`);
    for (const bit of [0, 9, 19, 20, 26, 28]) assert.strictEqual(ecx & (1 << bit), 0, `ecx bit ${bit}`);
  });
});
