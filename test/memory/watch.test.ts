// Watched memory ranges (AddressSpace.setWatches, the debugger's data breakpoints): an access that
// touches a watched byte stops the CPU after its instruction (RIP at the next one), exactly by range
// and access kind, in the closure interpreter and in blocks compiled to JS alike; accesses elsewhere
// on the same page do not stop; a write of the value already there is still a write; an instruction
// that faults reports nothing.

import * as assert from 'assert';
import { AddressSpace, PROT_EXEC, PROT_WRITE } from '../../emulator/memory';
import { WATCH_READ, WATCH_WRITE } from '../../emulator/memory/address-space';
import { Cpu } from '../../emulator/cpu';

const CODE = 0x400000, DATA = 0x600000;

// 0x00 mov $0x600000,%esi; 0x05 mov $100,%ecx
// 0x0a 1: mov (%rsi),%rax    (reads DATA..DATA+7)
// 0x0d add %rax,%rbx
// 0x10 mov %rbx,16(%rsi)     (writes DATA+16..DATA+23: zero over zero, every time)
// 0x14 dec %rcx; 0x17 jnz 1b; 0x19 hlt
const LOOP = [0xbe, 0x00, 0x00, 0x60, 0x00, 0xb9, 0x64, 0x00, 0x00, 0x00, 0x48, 0x8b, 0x06, 0x48, 0x01, 0xc3,
  0x48, 0x89, 0x5e, 0x10, 0x48, 0xff, 0xc9, 0x75, 0xf1, 0xf4];
const LOOP_INSNS = 2 + 5 * 100 + 1;
// mov 0x600ffc,%rax (8 bytes across the end of the only data page: #PF); hlt
const SPLIT = [0x48, 0x8b, 0x04, 0x25, 0xfc, 0x0f, 0x60, 0x00, 0xf4];

function cpu(code: number[], jit: number, dataPages = 1): Cpu {
  const m = new AddressSpace();
  m.map(CODE, 0x1000, PROT_EXEC);
  m.map(DATA, 0x1000 * dataPages, PROT_WRITE);
  m.writeBytes(CODE, Uint8Array.from(code));
  const c = new Cpu(m);
  c.jitThreshold = jit;
  c.rip = CODE;
  return c;
}

/** Runs to the hlt, counting the watch stops (and checking where each one is). */
function runCounting(c: Cpu, at: number): { stops: number; insns: number } {
  let stops = 0;
  for (;;) {
    const r = c.run(1_000_000);
    if (r.kind === 'hlt') return { stops, insns: c.instructions };
    assert.strictEqual(r.kind, 'watch', JSON.stringify(r));
    assert.strictEqual(c.rip, CODE + at, 'the stop is right after the accessing instruction');
    assert.strictEqual(c.mem.takeWatchHits().length, 1);
    stops++;
  }
}

describe('memory watches (data breakpoints)', () => {
  for (const [mode, jit] of [['interpreter', Infinity], ['compiled blocks', 0], ['compiled after warm-up', 16]] as const) {
    describe(mode, () => {
      it('a read watch on one byte of a quadword stops after each load that covers it', () => {
        const c = cpu(LOOP, jit);
        c.mem.setWatches([{ address: DATA + 5, size: 1, kinds: WATCH_READ }]);
        const r = c.run(1000);
        assert.strictEqual(r.kind, 'watch');
        assert.strictEqual(c.rip, CODE + 0x0d);
        assert.strictEqual(c.instructions, 3);
        assert.deepStrictEqual(c.mem.takeWatchHits(), [{ watch: 0, address: DATA, size: 8, kinds: WATCH_READ }]);
        c.mem.takeWatchHits();
        const rest = runCounting(c, 0x0d);
        assert.strictEqual(rest.stops, 99);
        assert.strictEqual(rest.insns, LOOP_INSNS);
      });

      it('a write of the same value is a write hit; a read watch there never stops', () => {
        const w = cpu(LOOP, jit);
        w.mem.setWatches([{ address: DATA + 23, size: 4, kinds: WATCH_WRITE }]);
        assert.strictEqual(runCounting(w, 0x14).stops, 100);
        const r = cpu(LOOP, jit);
        r.mem.setWatches([{ address: DATA + 16, size: 8, kinds: WATCH_READ }]);
        assert.deepStrictEqual(runCounting(r, 0), { stops: 0, insns: LOOP_INSNS });
      });

      it('a watch on bytes the loop does not touch (same page, next page) never stops', () => {
        for (const address of [DATA + 8, DATA + 24, DATA + 0x1000]) {
          const c = cpu(LOOP, jit, 2);
          c.mem.setWatches([{ address, size: 8, kinds: WATCH_READ | WATCH_WRITE }]);
          assert.deepStrictEqual(runCounting(c, 0), { stops: 0, insns: LOOP_INSNS }, `watch at ${address.toString(16)}`);
          assert.strictEqual(c.lo[3], 0);
        }
      });

      it('removing the watches runs on without stops', () => {
        const c = cpu(LOOP, jit);
        c.mem.setWatches([{ address: DATA, size: 8, kinds: WATCH_READ }]);
        assert.strictEqual(c.run(1000).kind, 'watch');
        c.mem.setWatches([]);
        assert.strictEqual(c.run(1000).kind, 'hlt');
        assert.strictEqual(c.instructions, LOOP_INSNS);
      });
    });
  }

  it('an instruction that faults reports no hit', () => {
    const c = cpu(SPLIT, Infinity);
    c.mem.setWatches([{ address: DATA + 0xffd, size: 1, kinds: WATCH_READ }]);
    const r = c.run(10);
    assert.strictEqual(r.kind, 'exception');
    assert.strictEqual(c.mem.watchHits.length, 0);
    assert.strictEqual(c.rip, CODE);
  });

  it('a watched page never enters the TLB for the watched kind; other pages do', () => {
    const m = new AddressSpace();
    m.map(DATA, 0x2000, PROT_WRITE);
    m.setWatches([{ address: DATA + 0x800, size: 4, kinds: WATCH_WRITE }]);
    m.read8(DATA);
    m.write8(DATA, 1);
    m.write8(DATA + 0x1000, 1);
    const pn = DATA / 4096;
    assert.strictEqual(m.rTag[pn & 255], pn, 'reads of a write-watched page use the TLB');
    assert.notStrictEqual(m.wTag[pn & 255], pn, 'writes do not');
    assert.strictEqual(m.wTag[(pn + 1) & 255], pn + 1);
    assert.strictEqual(m.watchHits.length, 0);
    m.write32(DATA + 0x7fe, 0);
    assert.deepStrictEqual(m.takeWatchHits(), [{ watch: 0, address: DATA + 0x7fe, size: 4, kinds: WATCH_WRITE }]);
  });
});
