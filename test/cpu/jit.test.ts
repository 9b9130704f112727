// Blocks compiled to JS (jit.ts) against the closure interpreter: the same programs, run in chunks of
// every budget, must give the same stop reasons, RIP, registers, RFLAGS, instruction and cycle counts
// (loops run in place, faults in the middle of a block, self-modifying code, breakpoints, rep restarts).

import * as assert from 'assert';
import { AddressSpace, PROT_EXEC, PROT_WRITE } from '../../emulator/memory';
import { Cpu, StopReason } from '../../emulator/cpu';

const CODE = 0x400000, DATA = 0x600000;

function machine(code: number[], jit: number, setup?: (c: Cpu) => void): Cpu {
  const m = new AddressSpace();
  m.map(CODE, 0x1000, PROT_EXEC | PROT_WRITE);
  m.map(DATA, 0x20000, PROT_WRITE);
  m.writeBytes(CODE, Uint8Array.from(code));
  const c = new Cpu(m);
  c.jitThreshold = jit;
  c.rip = CODE;
  setup?.(c);
  return c;
}

function snapshot(c: Cpu, stop: StopReason): string {
  const regs = Array.from({ length: 16 }, (_, i) => `${c.hi[i] >>> 0}:${c.lo[i] >>> 0}`).join(' ');
  return JSON.stringify({ stop, rip: c.rip, n: c.instructions, cycles: c.cycles, flags: c.getRflags(), regs });
}

/** Runs `code` with closures only and with every block compiled, `chunk` instructions per run, until a
 *  stop other than the budget; the states after each run must agree. Returns the compiled run's CPU. */
function compareModes(code: number[], chunk: number, setup?: (c: Cpu) => void, limit = 100_000): Cpu {
  const a = machine(code, Infinity, setup), b = machine(code, 0, setup);
  for (let total = 0; total < limit; total += chunk) {
    const ra = a.run(chunk), rb = b.run(chunk);
    assert.strictEqual(snapshot(b, rb), snapshot(a, ra), `chunk ${chunk}, after ${total} instructions`);
    if (ra.kind !== 'budget') {
      assert.strictEqual(b.lastInternalError, null);
      return b;
    }
  }
  throw new Error('program did not stop');
}

// mov $50,%ecx; 1: add %rax,%rbx; add $1,%rdx; dec %rcx; jnz 1b; hlt
const LOOP = [0xb9, 50, 0, 0, 0, 0x48, 0x01, 0xc3, 0x48, 0x83, 0xc2, 0x01, 0x48, 0xff, 0xc9, 0x75, 0xf4, 0xf4];

describe('blocks compiled to JS', () => {
  it('a loop running in place stops at every budget with the state of the interpreter', () => {
    for (let chunk = 1; chunk <= 13; chunk++) {
      const c = compareModes(LOOP, chunk, (x) => { x.lo[0] = 7; });
      assert.strictEqual(c.instructions, 50 * 4 + 2);
      assert.strictEqual(c.lo[3], 350);
    }
    const big = compareModes(LOOP, 1_000_000);
    assert.strictEqual(big.rip, CODE + LOOP.length);
  });

  it('flags live across the back edge: adc reads the carry that dec preserved', () => {
    // mov $40,%ecx; 1: adc %rbx,%rax; dec %rcx; jnz 1b; hlt  (rbx near 2^64: most iterations carry)
    const code = [0xb9, 40, 0, 0, 0, 0x48, 0x11, 0xd8, 0x48, 0xff, 0xc9, 0x75, 0xf8, 0xf4];
    for (const chunk of [1, 3, 1000]) {
      const c = compareModes(code, chunk, (x) => { x.lo[3] = -3; x.hi[3] = -1; x.lo[0] = 5; x.setRflags(0x203); });
      assert.strictEqual(c.instructions, 1 + 40 * 3 + 1);
    }
  });

  it('a fault in the middle of a compiled block is precise (RIP, registers, flags, counts)', () => {
    // mov $100,%edx; mov $DATA+0x20000-0x40,%esi
    // 1: add $1,%rax; mov (%rsi),%rcx; add $8,%rsi; dec %rdx; jnz 1b; hlt
    const end = DATA + 0x20000 - 0x40;
    const code = [0xba, 100, 0, 0, 0, 0xbe, end & 255, (end >> 8) & 255, (end >> 16) & 255, 0,
      0x48, 0x83, 0xc0, 0x01, 0x48, 0x8b, 0x0e, 0x48, 0x83, 0xc6, 0x08, 0x48, 0xff, 0xca, 0x75, 0xf0, 0xf4];
    for (const chunk of [1, 2, 5, 7, 1000]) {
      const c = compareModes(code, chunk);
      assert.strictEqual(c.rip, CODE + 14);
      assert.strictEqual(c.lo[0], 9);
      assert.strictEqual(c.instructions, 2 + 8 * 5 + 1);
      assert.strictEqual(c.getRflags() & 0x8d5, 0x4); // as after add $1 giving 9: PF only
    }
  });

  it('a store into the rest of its own block is seen at once (self-modifying code)', () => {
    // mov $5,%ecx; 1: mov %cl,3(%rip) [the imm8 of the next add]; add $0,%rax; dec %rcx; jnz 1b; hlt
    const code = [0xb9, 5, 0, 0, 0, 0x88, 0x0d, 3, 0, 0, 0, 0x48, 0x83, 0xc0, 0x00, 0x48, 0xff, 0xc9, 0x75, 0xf1, 0xf4];
    for (const chunk of [1, 4, 1000]) {
      const c = compareModes(code, chunk);
      assert.strictEqual(c.lo[0], 5 + 4 + 3 + 2 + 1);
    }
  });

  it('rdtsc in the middle of a compiled loop reads the cycles of the instructions before it', () => {
    // mov $30,%ecx; 1: imul %rcx,%rbx [3 cycles]; rdtsc; add %rax,%rsi; dec %rcx; jnz 1b; hlt
    const code = [0xb9, 30, 0, 0, 0, 0x48, 0x0f, 0xaf, 0xd9, 0x0f, 0x31, 0x48, 0x01, 0xc6, 0x48, 0xff, 0xc9, 0x75, 0xf2, 0xf4];
    for (const chunk of [1, 4, 1000]) compareModes(code, chunk, (x) => { x.lo[3] = 3; });
  });

  it('a breakpoint inside a hot compiled loop stops before the instruction', () => {
    const c = machine(LOOP, 0);
    assert.deepStrictEqual(c.run(41), { kind: 'budget' });
    c.breakpoints.add(CODE + 8);
    assert.deepStrictEqual(c.run(1000), { kind: 'breakpoint', address: CODE + 8 });
    assert.strictEqual(c.instructions, 42);
    c.breakpoints.clear();
    assert.deepStrictEqual(c.run(1000), { kind: 'hlt' });
    assert.strictEqual(c.instructions, 202);
  });

  it('a rep instruction that restarts itself in the middle of a block ends the block there', () => {
    // mov $70000,%ecx; mov $DATA,%edi; rep stosb; inc %rbx; hlt
    const code = [0xb9, 0x70, 0x11, 0x01, 0x00, 0xbf, 0, 0, DATA >> 16, 0, 0xf3, 0xaa, 0x48, 0xff, 0xc3, 0xf4];
    for (const chunk of [1, 3, 1000]) {
      const c = compareModes(code, chunk, (x) => { x.lo[0] = 0x5a; });
      assert.strictEqual(c.lo[7], DATA + 70000);
      assert.strictEqual(c.lo[3], 1);
      assert.strictEqual(c.mem.readBytes(DATA + 69999, 1)[0], 0x5a);
    }
  });
});
