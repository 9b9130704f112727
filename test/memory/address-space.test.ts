// AddressSpace: mapping, permissions by privilege, fault error codes, page-straddling accesses.

import * as assert from 'assert';
import { AddressSpace, GuestFault, PROT_USER, PROT_WRITE } from '../../emulator/memory';

function fault(f: () => unknown): GuestFault {
  try { f(); } catch (e) { if (e instanceof GuestFault) return e; throw e; }
  throw new Error('no fault');
}

describe('AddressSpace', () => {
  it('reads and writes all sizes, little-endian, across a page boundary', () => {
    const m = new AddressSpace();
    m.map(0x1000, 0x2000, PROT_USER | PROT_WRITE);
    m.write64(0x1ffc, 0x11223344, 0x55667788 | 0);
    assert.strictEqual(m.read32(0x1ffc), 0x11223344);
    assert.strictEqual(m.read64(0x1ffd) >>> 0, 0x88112233);
    assert.strictEqual(m.read16(0x1fff), 0x8811);
    assert.deepStrictEqual(Array.from(m.readBytes(0x1ffc, 8)), [0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55]);
  });

  it('kernel addresses are canonical negative numbers; non-canonical ones are #GP', () => {
    const m = new AddressSpace();
    m.map(-0x7f000000, 0x1000, PROT_WRITE);
    m.write32(-0x7f000000, 42);
    assert.strictEqual(m.readU64(-0x7f000000), 42n);
    assert.strictEqual(fault(() => m.read8(0x800000000000)).vector, 13);
  });

  it('user accesses to supervisor pages fault with P|U, writes to read-only pages with P|W', () => {
    const m = new AddressSpace();
    m.map(0x1000, 0x1000, PROT_WRITE);
    m.map(0x2000, 0x1000, PROT_USER);
    m.user = true;
    const f = fault(() => m.read8(0x1004));
    assert.deepStrictEqual([f.vector, f.errorCode, f.cr2], [14, 5, 0x1004]);
    assert.strictEqual(fault(() => m.write8(0x2000, 1)).errorCode, 7);
    assert.strictEqual(fault(() => m.read8(0x5000)).errorCode, 4);
    m.user = false;
    assert.strictEqual(m.read8(0x1004), 0);
    assert.strictEqual(fault(() => m.write8(0x2000, 1)).errorCode, 3); // CR0.WP: ring 0 cannot write read-only pages
  });

  it('unmap and protect take effect through the TLB', () => {
    const m = new AddressSpace();
    m.map(0x1000, 0x1000, PROT_USER | PROT_WRITE);
    m.write8(0x1000, 1);
    m.protect(0x1000, 0x1000, PROT_USER);
    assert.strictEqual(fault(() => m.write8(0x1000, 2)).errorCode, 3);
    m.unmap(0x1000, 0x1000);
    assert.strictEqual(fault(() => m.read8(0x1000)).errorCode, 0);
  });

  it('unmap and protect of the whole user half touch only the resident pages (execve clears 128 TiB)', () => {
    const m = new AddressSpace();
    m.map(0x400000, 0x2000, PROT_USER | PROT_WRITE);
    m.map(0x7fff0000, 0x1000, PROT_USER | PROT_WRITE);
    m.map(-0x7f000000, 0x1000, PROT_WRITE); // a kernel page, outside the range
    m.protect(0, 2 ** 47, PROT_USER);
    assert.strictEqual(fault(() => m.write8(0x400000, 1)).errorCode, 3);
    m.unmap(0, 2 ** 47);
    assert.strictEqual(m.pages.size, 0, 'no user page is left');
    assert.ok(m.isMapped(-0x7f000000));
    assert.strictEqual(fault(() => m.read8(0x7fff0000)).errorCode, 0);
  });
});
