// CPU breakpoints that cost nothing until hit: blocks end before breakpoint addresses and are
// re-split when the set changes. Every stop must match a reference that checks before each
// instruction, with closures and with compiled blocks, and breakpoints off the path must not slow a loop.

import * as assert from 'assert';
import { AddressSpace, PROT_EXEC, PROT_WRITE } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';

const CODE = 0x400000;
// mov $50,%ecx; 1: add %rcx,%rbx; add $1,%rdx; dec %rcx; jnz 1b; hlt
const LOOP = [0xb9, 50, 0, 0, 0, 0x48, 0x01, 0xc3, 0x48, 0x83, 0xc2, 0x01, 0x48, 0xff, 0xc9, 0x75, 0xf4, 0xf4];
const INSNS = [0, 5, 8, 12, 15, 17].map((o) => CODE + o);

function machine(code: number[], jit: number): Cpu {
  const m = new AddressSpace();
  m.map(CODE, 0x1000, PROT_EXEC | PROT_WRITE);
  m.writeBytes(CODE, Uint8Array.from(code));
  const c = new Cpu(m);
  c.jitThreshold = jit;
  c.rip = CODE;
  return c;
}

/** The stops of a run: each is [rip, instructions] (continuing after each breakpoint). */
function stops(c: Cpu, plan: (k: number, c: Cpu) => void): [number, number][] {
  const out: [number, number][] = [];
  for (let k = 0; k < 10_000; k++) {
    plan(k, c);
    const r = c.run(1_000_000);
    if (r.kind === 'hlt') return out;
    assert.strictEqual(r.kind, 'breakpoint');
    out.push([c.rip, c.instructions]);
  }
  throw new Error('too many stops');
}

/** The same with a reference: one instruction at a time, checking the set before each (not the first of a run). */
function reference(set: () => Set<number>, plan: (k: number, c: Cpu) => void): [number, number][] {
  const c = machine(LOOP, Infinity);
  const out: [number, number][] = [];
  let k = 0;
  plan(k, c);
  for (let first = true; ; first = false) {
    if (!first && set().has(c.rip)) {
      out.push([c.rip, c.instructions]);
      plan(++k, c);
      first = true;
    }
    if (c.step().kind === 'hlt') return out;
  }
}

describe('CPU breakpoints split blocks', () => {
  it('stops before the instruction, exactly as a per-instruction check, for every single address and pair', () => {
    const sets: number[][] = [];
    for (const a of INSNS) sets.push([a]);
    for (let i = 0; i < INSNS.length; i++) for (let j = i + 1; j < INSNS.length; j++) sets.push([INSNS[i], INSNS[j]]);
    for (const list of sets) {
      const want = reference(() => new Set(list), () => undefined);
      for (const jit of [0, 16, Infinity]) {
        const c = machine(LOOP, jit);
        const got = stops(c, (k, x) => { if (k === 0) for (const a of list) x.breakpoints.add(a); });
        assert.deepStrictEqual(got, want, `breakpoints ${list.map((a) => (a - CODE).toString(16))}, jit ${jit}`);
      }
    }
  });

  it('a breakpoint set or removed while blocks are cached and compiled takes effect at once', () => {
    // Stop 0 at +8 (added after 60 instructions have compiled the loop), then move it to +15, then to the
    // loop head, then clear: the re-split blocks must behave like the reference.
    const moves = [CODE + 8, CODE + 15, CODE + 5];
    const plan = (k: number, c: Cpu): void => {
      c.breakpoints.clear();
      if (k < moves.length) c.breakpoints.add(moves[k]);
    };
    for (const jit of [0, 16]) {
      const c = machine(LOOP, jit);
      c.run(60); // warm: the loop is cached (and compiled) without breakpoints; next is the jnz at +15
      // jnz, add (62nd) then +8; +8, dec then +15 (64); jnz then +5 (65); then no more stops.
      assert.deepStrictEqual(stops(c, plan), [[CODE + 8, 62], [CODE + 15, 64], [CODE + 5, 65]], `jit ${jit}`);
      assert.strictEqual(c.instructions, 202);
    }
  });

  it('breakpoints off the path leave a hot loop nearly as fast (compiled blocks stay whole)', function () {
    // A loop of 4 instructions run 2 million times, with 100 breakpoints on another page vs none.
    const code = [...LOOP];
    code[1] = 0x80; code[2] = 0x84; code[3] = 0x1e; // mov $2000000,%ecx
    const time = (bps: number): number => {
      const c = machine(code, 16);
      for (let i = 0; i < bps; i++) c.breakpoints.add(CODE + 0x800 + i * 4);
      const t0 = process.hrtime.bigint();
      assert.strictEqual(c.run(100_000_000).kind, 'hlt');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    time(0); time(100);
    const none = Math.min(time(0), time(0)), with100 = Math.min(time(100), time(100));
    console.log(`      8M instructions: ${none.toFixed(1)} ms without breakpoints, ${with100.toFixed(1)} ms with 100`);
    assert.ok(with100 < none * 3 + 20, `${with100} ms vs ${none} ms`);
  });
});
