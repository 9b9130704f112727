// The debugger's decoder for an i386 program's code: the same bytes mean other instructions in
// compatibility mode (0x40-0x4f are inc/dec there, REX prefixes in 64-bit mode), so user code of
// a compat task is decoded as 32-bit and the kernel, always 64-bit, as 64-bit.

import * as assert from 'assert';
import { codeBits, decodeAt, disassemble, followsCall, startBefore } from '../../emulator/debug/disasm';
import { DebugMemory } from '../../emulator/debug/memory';

const BASE = 0x8049000n;
// _start: inc %eax; dec %eax; mov $4,%eax; mov $1,%ebx; int $0x80; call _start
const CODE = Uint8Array.from([0x40, 0x48, 0xb8, 0x04, 0, 0, 0, 0xbb, 0x01, 0, 0, 0, 0xcd, 0x80, 0xe8, 0xed, 0xff, 0xff, 0xff, 0x90]);

const mem: DebugMemory = {
  read(addr, len) {
    const off = Number(addr - BASE);
    return off < 0 || off >= CODE.length ? new Uint8Array(0) : CODE.slice(off, off + len);
  },
  write: () => 0,
};

describe('disassembling i386 user code (compatibility mode)', function () {
  it('codeBits: 32-bit for user addresses of a compat task, 64-bit for the kernel and for 64-bit tasks', function () {
    assert.strictEqual(codeBits(BASE, true), 32);
    assert.strictEqual(codeBits(0xffffffff81000000n, true), 64);
    assert.strictEqual(codeBits(BASE, false), 64);
  });

  it('decodes 0x40 0x48 as inc/dec in 32-bit mode (REX prefixes of a movabs in 64-bit mode)', function () {
    const lines = disassemble(mem, BASE, 6, undefined, 'gas', 32);
    assert.deepStrictEqual(lines.map((l) => l.text), ['inc %eax', 'dec %eax', 'mov $0x4,%eax', 'mov $0x1,%ebx', 'int $0x80', 'call 0x8049000']);
    assert.deepStrictEqual(lines.map((l) => l.flow), ['next', 'next', 'next', 'next', 'int', 'call']);
    // In 64-bit mode the same bytes are REX prefixes of one 10-byte movabs: 11 bytes, another instruction stream.
    const as64 = disassemble(mem, BASE, 1, undefined, 'gas', 64);
    assert.strictEqual(as64[0].length, 11);
    assert.match(as64[0].text, /^movabs \$0x[0-9a-f]+,%rax$/);
  });

  it('steps, unwinds and scrolls back in 32-bit code', function () {
    const int80 = decodeAt(mem, BASE + 12n, 32)!;
    assert.deepStrictEqual([int80.flow, int80.length, int80.next], ['int', 2, BASE + 14n]);
    assert.ok(followsCall(mem, BASE + 19n, 32), 'the return address after call rel32');
    assert.strictEqual(startBefore(mem, BASE + 12n, 2, BASE, 32), BASE + 2n, "two instructions back: the two movs");
  });
});
