// rep movsb / rep stosb copy page-sized chunks at once (string.ts): the result must be what the
// byte-by-byte definition gives -- across page boundaries, with overlapping ranges, backwards
// (DF=1), and when a fault stops the copy half-way (RSI/RDI/RCX show where, and it resumes).

import * as assert from 'assert';
import { AddressSpace, GuestFault, PROT_EXEC, PROT_USER, PROT_WRITE } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';

const CODE = 0x400000, BUF = 0x600000;
const REP_MOVSB = [0xf3, 0xa4], REP_STOSB = [0xf3, 0xaa], STD = [0xfd], HLT_UD = [0x0f, 0x0b];

function cpuWith(code: number[], pages = 4): Cpu {
  const m = new AddressSpace();
  m.map(CODE, 0x1000, PROT_USER | PROT_EXEC);
  m.writeBytes(CODE, Uint8Array.from([...code, ...HLT_UD]));
  m.map(BUF, pages * 0x1000, PROT_USER | PROT_WRITE);
  const c = new Cpu(m);
  c.setReg('cs', 0x33n);
  c.setRflags(0x202);
  c.rip = CODE;
  return c;
}

/** The byte-by-byte definition of rep movsb (forward or backward) on a plain array. */
function reference(mem: Uint8Array, src: number, dst: number, n: number, back = false): void {
  for (let i = 0; i < n; i++) {
    const k = back ? -i : i;
    mem[dst + k] = mem[src + k];
  }
}

describe('rep movsb / rep stosb in page-sized chunks', () => {
  const pattern = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 255);

  for (const [what, src, dst, n] of [
    ['across two page boundaries', 0x10, 0xff0, 9000],
    ['destination just ahead of the source (bytes repeat)', 0x100, 0x103, 5000],
    ['destination behind the source', 0x900, 0x100, 6000],
    ['a single byte', 0x5, 0x3005, 1],
  ] as [string, number, number, number][]) {
    it(`forward copy: ${what}`, () => {
      const c = cpuWith(REP_MOVSB);
      const init = pattern(4 * 4096);
      c.mem.writeBytes(BUF, init);
      c.setReg('rsi', BigInt(BUF + src)); c.setReg('rdi', BigInt(BUF + dst)); c.setReg('rcx', BigInt(n));
      c.run(2);
      const want = init.slice();
      reference(want, src, dst, n);
      assert.deepStrictEqual(c.mem.readBytes(BUF, 4 * 4096), want);
      assert.strictEqual(c.getReg('rcx'), 0n);
      assert.strictEqual(c.getReg('rsi'), BigInt(BUF + src + n));
      assert.strictEqual(c.getReg('rdi'), BigInt(BUF + dst + n));
    });
  }

  it('backward copy (DF=1) follows the byte loop', () => {
    const c = cpuWith([...STD, ...REP_MOVSB]);
    const init = pattern(4 * 4096);
    c.mem.writeBytes(BUF, init);
    c.setReg('rsi', BigInt(BUF + 0x2000)); c.setReg('rdi', BigInt(BUF + 0x2003)); c.setReg('rcx', 5000n);
    c.run(3);
    const want = init.slice();
    reference(want, 0x2000, 0x2003, 5000, true);
    assert.deepStrictEqual(c.mem.readBytes(BUF, 4 * 4096), want);
  });

  it('rep stosb fills across pages', () => {
    const c = cpuWith(REP_STOSB);
    c.setReg('rax', 0x1a5n); c.setReg('rdi', BigInt(BUF + 0x800)); c.setReg('rcx', 10000n);
    c.run(2);
    const got = c.mem.readBytes(BUF, 4 * 4096);
    for (let i = 0; i < 4 * 4096; i++) assert.strictEqual(got[i], i >= 0x800 && i < 0x800 + 10000 ? 0xa5 : 0, `byte ${i}`);
  });

  it('a fault half-way leaves RSI/RDI/RCX at the faulting byte; the copy resumes after the page is mapped', () => {
    const c = cpuWith(REP_MOVSB, 2); // BUF+0x2000 is not mapped
    c.idtrLimit = 0; // bare mode: the fault is returned, not delivered
    c.mem.writeBytes(BUF, pattern(0x2000));
    c.setReg('rsi', BigInt(BUF)); c.setReg('rdi', BigInt(BUF + 0x1800)); c.setReg('rcx', 0x1000n);
    const r = c.run(2);
    assert.strictEqual(r.kind, 'exception');
    assert.strictEqual(c.rip, CODE, 'the rep instruction is restarted');
    assert.strictEqual(c.getReg('rdi'), BigInt(BUF + 0x2000));
    assert.strictEqual(c.getReg('rcx'), 0x800n);
    c.mem.map(BUF + 0x2000, 0x1000, PROT_USER | PROT_WRITE);
    c.run(2);
    assert.strictEqual(c.getReg('rcx'), 0n);
    assert.deepStrictEqual(c.mem.readBytes(BUF + 0x1800, 0x1000), pattern(0x2000).subarray(0, 0x1000));
  });
});

describe('copy-on-write pages after fork', () => {
  it('a write by either space gives it its own copy; the other keeps the old bytes', () => {
    const parent = new AddressSpace();
    parent.map(BUF, 0x1000, PROT_USER | PROT_WRITE);
    parent.writeBytes(BUF, Uint8Array.from([1, 2, 3]));
    const child = new AddressSpace(parent.pages.kernel);
    child.shareCow(BUF / 4096, parent.pageAt(BUF)!);
    parent.flushTlb();
    assert.strictEqual(parent.pageAt(BUF), child.pageAt(BUF), 'shared until a write');
    parent.user = true; child.user = true;
    child.write8(BUF, 9);
    assert.notStrictEqual(parent.pageAt(BUF), child.pageAt(BUF));
    assert.strictEqual(parent.read8(BUF), 1);
    assert.strictEqual(child.read8(BUF), 9);
    parent.write8(BUF + 1, 8); // the last holder writes in place
    assert.strictEqual(parent.read8(BUF + 1), 8);
    assert.strictEqual(child.read8(BUF + 1), 2);
    assert.throws(() => child.write8(-0x1000, 1), GuestFault, 'the kernel half is still supervisor-only');
  });
});
