// Robustness: 1,000,000 random bytes executed as code (in 4 KiB chunks, several entry points each,
// rings 0 and 3, bare mode) never throw out of Cpu.run: the guest only sees exceptions. And random
// code runs the same with every block compiled to JS as with the closures (jit.ts against the interpreter).

import * as assert from 'assert';
import { AddressSpace, PROT_USER, PROT_WRITE, PROT_EXEC } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';
import { Rng } from '../helpers/random';

describe('CPU robustness', function () {
  this.timeout(120_000);
  it('1,000,000 random bytes as code never crash the host', () => {
    const rng = new Rng(7);
    let runs = 0, executed = 0;
    for (let chunk = 0; chunk < 1_000_000 / 4096; chunk++) {
      const m = new AddressSpace();
      m.map(0x10000, 0x1000, PROT_USER | PROT_WRITE | PROT_EXEC);
      m.map(0x20000, 0x4000, PROT_USER | PROT_WRITE);
      m.writeBytes(0x10000, new Uint8Array(4096).map(() => rng.int(256)));
      const c = new Cpu(m);
      for (let k = 0; k < 8; k++) {
        c.setReg('cs', k % 2 ? 0x33n : 0x10n);
        for (let r = 0; r < 16; r++) c.lo[r] = rng.int(2) ? 0x21000 + rng.int(0x2000) : rng.int(0x100000000) | 0, c.hi[r] = 0;
        c.rip = 0x10000 + rng.int(4096);
        c.idtrLimit = 0;
        const stop = c.run(500);
        assert.ok(['budget', 'exception', 'hlt', 'vmcall', 'triple-fault'].includes(stop.kind));
        runs++;
      }
      executed += c.instructions;
    }
    console.log(`      ${runs} runs, ${executed} instructions executed`);
  });

  it('random code: blocks compiled to JS and the closures reach the same state (250,000 bytes)', () => {
    const rng = new Rng(11);
    let runs = 0;
    const state = (c: Cpu, stop: object): string =>
      JSON.stringify({ stop, rip: c.rip, n: c.instructions, cy: c.cycles, f: c.getRflags(), lo: [...c.lo], hi: [...c.hi],
        mem: Buffer.from(c.mem.readBytes(0x10000, 0x5000)).toString('base64') });
    for (let chunk = 0; chunk < 250_000 / 4096; chunk++) {
      const code = new Uint8Array(4096).map(() => rng.int(256));
      const seeds = Array.from({ length: 8 }, () => ({
        regs: Array.from({ length: 16 }, () => (rng.int(2) ? 0x21000 + rng.int(0x2000) : rng.int(0x100000000) | 0)),
        rip: 0x10000 + rng.int(4096),
      }));
      const cpus = [Infinity, 0].map((jit) => {
        const m = new AddressSpace();
        m.map(0x10000, 0x1000, PROT_USER | PROT_WRITE | PROT_EXEC);
        m.map(0x11000, 0x4000, PROT_USER | PROT_WRITE);
        m.writeBytes(0x10000, code);
        const c = new Cpu(m);
        c.jitThreshold = jit;
        return c;
      });
      seeds.forEach((sd, k) => {
        const got = cpus.map((c) => {
          c.setReg('cs', k % 2 ? 0x33n : 0x10n);
          sd.regs.forEach((v, r) => { c.lo[r] = v; c.hi[r] = 0; });
          c.rip = sd.rip;
          c.idtrLimit = 0;
          return state(c, c.run(300));
        });
        assert.strictEqual(got[1], got[0], `chunk ${chunk}, entry ${k}`);
        runs++;
      });
      assert.strictEqual(cpus[1].lastInternalError, null);
    }
    console.log(`      ${runs} runs compared`);
  });
});
