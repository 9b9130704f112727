// Robustness: 1,000,000 random bytes executed as code (in 4 KiB chunks, several entry points each,
// rings 0 and 3, bare mode) never throw out of Cpu.run: the guest only sees exceptions.

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
});
