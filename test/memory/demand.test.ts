// AddressSpace extensions for the kernel's mm: demand pages, PROT_NONE (setProt 0), movePages.

import * as assert from 'assert';
import { AddressSpace, GuestFault, Page, PROT_PRESENT, PROT_USER, PROT_WRITE } from '../../emulator/memory';

describe('AddressSpace demand paging', () => {
  it('creates pages on first touch only where the pager supplies one', () => {
    const m = new AddressSpace();
    let calls = 0;
    m.demand = (pn) => { calls++; return pn === 5 ? new Page(PROT_PRESENT | PROT_USER | PROT_WRITE) : undefined; };
    m.user = true;
    assert.strictEqual(m.read8(5 * 4096 + 3), 0);
    m.write8(5 * 4096 + 3, 9);
    assert.strictEqual(m.read8(5 * 4096 + 3), 9);
    assert.strictEqual(calls, 1);
    assert.throws(() => m.read8(6 * 4096), GuestFault);
    assert.strictEqual(m.pages.size, 1);
  });

  it('setProt(0) makes a page fault for every access; movePages keeps the bytes', () => {
    const m = new AddressSpace();
    m.map(0x1000, 0x1000, PROT_USER | PROT_WRITE);
    m.write8(0x1000, 7);
    m.setProt(0x1000, 0x1000, 0);
    assert.throws(() => m.read8(0x1000), (e: unknown) => e instanceof GuestFault && e.vector === 14);
    m.setProt(0x1000, 0x1000, PROT_PRESENT | PROT_USER);
    m.movePages(0x1000, 0x9000, 0x1000);
    assert.strictEqual(m.read8(0x9000), 7);
    assert.ok(!m.isMapped(0x1000));
  });
});
