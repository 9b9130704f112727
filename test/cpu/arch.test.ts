// Architecture unit tests: SYSCALL/SYSRET, INT/IRETQ through an IDT built here, #PF error codes and
// CR2, #GP for privileged instructions in ring 3, #UD, breakpoints, self-modifying code.

import * as assert from 'assert';
import { AddressSpace, PROT_USER, PROT_WRITE, PROT_EXEC } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';

const USER = 0x400000, KERN = -0x7f000000, KSTACK = -0x7eff0000 + 0x1000, IDT = -0x7efe0000, TSS = -0x7efd0000;

function machine(code: number[], ring: 0 | 3 = 3): Cpu {
  const m = new AddressSpace();
  m.map(USER, 0x1000, PROT_USER | PROT_WRITE | PROT_EXEC);
  m.map(USER + 0x1000, 0x1000, PROT_USER | PROT_WRITE);
  m.map(KERN, 0x1000, PROT_EXEC);
  m.map(KSTACK - 0x1000, 0x1000, PROT_WRITE);
  m.map(IDT, 0x1000, PROT_WRITE);
  m.map(TSS, 0x1000, PROT_WRITE);
  m.writeBytes(ring === 3 ? USER : KERN, Uint8Array.from(code));
  const c = new Cpu(m);
  c.setReg('cs', ring === 3 ? 0x33n : 0x10n);
  c.setRflags(0x202);
  c.rip = ring === 3 ? USER : KERN;
  c.setReg('rsp', BigInt(USER + 0x2000));
  return c;
}

function gate(c: Cpu, vector: number, target: number, dpl: number): void {
  const t = BigInt.asUintN(64, BigInt(target));
  const b = new Uint8Array(16), dv = new DataView(b.buffer);
  dv.setUint16(0, Number(t & 0xffffn), true); dv.setUint16(2, 0x10, true);
  b[5] = 0x80 | (dpl << 5) | 0xe;
  dv.setUint16(6, Number((t >> 16n) & 0xffffn), true); dv.setUint32(8, Number(t >> 32n), true);
  c.mem.writeBytes(IDT + vector * 16, b);
  c.idtrBase = IDT; c.idtrLimit = 256 * 16 - 1; c.tssBase = TSS;
  c.mem.writeU64(TSS + 4, BigInt.asUintN(64, BigInt(KSTACK)));
}

describe('CPU architecture', () => {
  it('syscall enters LSTAR in ring 0 with RCX/R11 saved and FMASK applied; sysretq returns', () => {
    const c = machine([0x0f, 0x05, 0x90]);
    c.mem.writeBytes(KERN, Uint8Array.from([0x48, 0x0f, 0x07]));
    c.lstar = KERN; c.star = (0x23n << 48n) | (0x10n << 32n); c.fmask = 0x200;
    c.setRflags(0x203);
    assert.deepStrictEqual(c.step(), { kind: 'budget' });
    assert.strictEqual(c.rip, KERN);
    assert.strictEqual(c.cs, 0x10); assert.strictEqual(c.ss, 0x18); assert.strictEqual(c.cpl, 0);
    assert.strictEqual(c.getReg('rcx'), BigInt(USER + 2));
    assert.strictEqual(c.getReg('r11'), 0x203n);
    assert.strictEqual(c.getRflags() & 0x200, 0);
    c.step();
    assert.strictEqual(c.rip, USER + 2); assert.strictEqual(c.cs, 0x33); assert.strictEqual(c.ss, 0x2b);
    assert.strictEqual(c.getRflags(), 0x203);
  });

  it('int $0x80 goes through a DPL-3 gate onto TSS.RSP0, iretq returns to ring 3', () => {
    const c = machine([0xcd, 0x80, 0x90]);
    c.mem.writeBytes(KERN, Uint8Array.from([0x48, 0xcf]));
    gate(c, 0x80, KERN, 3);
    c.step();
    assert.strictEqual(c.rip, KERN); assert.strictEqual(c.cpl, 0);
    assert.strictEqual(Number(BigInt.asIntN(64, c.getReg('rsp'))), KSTACK - 40);
    assert.strictEqual(c.mem.readU64(KSTACK - 40), BigInt(USER + 2)); // return RIP
    assert.strictEqual(c.mem.readU64(KSTACK - 32), 0x33n);
    c.step();
    assert.strictEqual(c.rip, USER + 2); assert.strictEqual(c.cpl, 3);
    assert.strictEqual(c.getReg('rsp'), BigInt(USER + 0x2000));
  });

  it('int from ring 3 to a DPL-0 gate is #GP with the IDT error code', () => {
    const c = machine([0xcd, 0x81]);
    gate(c, 0x81, KERN, 0);
    gate(c, 13, KERN + 0x100, 0);
    c.step();
    assert.strictEqual(c.rip, KERN + 0x100);
    assert.strictEqual(c.mem.readU64(KSTACK - 48), BigInt(0x81 * 8 + 2));
    assert.strictEqual(c.mem.readU64(KSTACK - 40), BigInt(USER)); // faults report the instruction itself
  });

  it('#PF error codes and CR2: user read of a supervisor page, write to a read-only page, unmapped fetch', () => {
    let c = machine([0x48, 0x8b, 0x00]); // mov (%rax), %rax
    c.setReg('rax', BigInt.asUintN(64, BigInt(KERN)));
    assert.deepStrictEqual(c.step(), { kind: 'exception', vector: 14, errorCode: 5, cr2: KERN });
    assert.strictEqual(c.cr2, KERN); assert.strictEqual(c.rip, USER);
    c = machine([0x48, 0x89, 0x00]); // mov %rax, (%rax)
    c.mem.protect(USER + 0x1000, 0x1000, PROT_USER);
    c.setReg('rax', BigInt(USER + 0x1008));
    assert.deepStrictEqual(c.step(), { kind: 'exception', vector: 14, errorCode: 7, cr2: USER + 0x1008 });
    c = machine([0xff, 0xe0]); // jmp *%rax
    c.setReg('rax', 0x900000n);
    c.step();
    assert.deepStrictEqual(c.step(), { kind: 'exception', vector: 14, errorCode: 0x14, cr2: 0x900000 });
  });

  for (const [name, bytes] of [['hlt', [0xf4]], ['wrmsr', [0x0f, 0x30]], ['rdmsr', [0x0f, 0x32]], ['cli', [0xfa]], ['swapgs', [0x0f, 0x01, 0xf8]],
    ['mov %cr3,%rax', [0x0f, 0x20, 0xd8]], ['lidt', [0x0f, 0x01, 0x18]], ['in', [0xec]]] as [string, number[]][]) {
    it(`${name} in ring 3 raises #GP(0)`, () => {
      assert.deepStrictEqual(machine(bytes).step(), { kind: 'exception', vector: 13, errorCode: 0 });
    });
  }

  it('vmcall stops with vmcall in ring 0 and is #UD in ring 3; ud2 and invalid opcodes are #UD', () => {
    const k = machine([0x0f, 0x01, 0xc1, 0x90], 0);
    assert.deepStrictEqual(k.run(10), { kind: 'vmcall' });
    assert.strictEqual(k.rip, KERN + 3);
    assert.deepStrictEqual(machine([0x0f, 0x01, 0xc1]).step(), { kind: 'exception', vector: 6 });
    assert.deepStrictEqual(machine([0x0f, 0x0b]).step(), { kind: 'exception', vector: 6 });
    assert.deepStrictEqual(machine([0x06]).step(), { kind: 'exception', vector: 6 }); // push %es: invalid in 64-bit mode
  });

  it('hlt in ring 0 stops with hlt', () => {
    assert.deepStrictEqual(machine([0x90, 0xf4], 0).run(10), { kind: 'hlt' });
  });

  it('a breakpoint stops before the instruction, and run resumes from it', () => {
    const c = machine([0x48, 0xff, 0xc0, 0x48, 0xff, 0xc0, 0x48, 0xff, 0xc0, 0xf4]); // inc %rax x3
    c.breakpoints.add(USER + 6);
    assert.deepStrictEqual(c.run(100), { kind: 'breakpoint', address: USER + 6 });
    assert.strictEqual(c.getReg('rax'), 2n);
    c.run(1);
    assert.strictEqual(c.getReg('rax'), 3n);
  });

  it('self-modifying code: a store into the next instruction is seen', () => {
    // movb $0xc3 -> patch: mov $0x90909090, %eax; movl %eax... simpler: overwrite "inc %rax" with "nop"s
    const code = [0xc7, 0x05, 0x02, 0x00, 0x00, 0x00, 0x90, 0x90, 0x90, 0x90, // movl $0x90909090, 2(%rip) -> patches bytes 12..15
      0x90, 0x90, 0x48, 0xff, 0xc0, 0x90, 0x48, 0xff, 0xc3]; // inc %rax (patched away), inc %rbx
    const c = machine(code);
    c.run(10);
    assert.strictEqual(c.getReg('rax'), 0n);
    assert.strictEqual(c.getReg('rbx'), 1n);
  });

  it('cpuid advertises SSE2 but not AVX, RDRAND or SSE3', () => {
    const c = machine([0x0f, 0xa2]);
    c.setReg('rax', 1n);
    c.step();
    const ecx = Number(c.getReg('rcx')), edx = Number(c.getReg('rdx'));
    assert.ok(edx & (1 << 26));
    assert.strictEqual(ecx & ((1 << 28) | (1 << 30) | 1), 0);
  });
});
