// Compatibility mode (a 32-bit code segment in long mode): the mode follows CS, the block cache keeps
// 32-bit and 64-bit decodings of the same bytes apart, and the doors between an i386 program and a
// 64-bit kernel: int $0x80 and iretq, sysenter and sysexit, sysretl; syscall is #UD there.

import * as assert from 'assert';
import { AddressSpace, PROT_USER, PROT_WRITE, PROT_EXEC } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';
import { MSR_SYSENTER_CS } from '../../emulator/cpu/state';

const USER = 0x8049000, KERN = -0x7f000000, KSTACK = -0x7eff0000 + 0x1000, IDT = -0x7efe0000, TSS = -0x7efd0000;
const USER32_CS = 0x23, USER_DS = 0x2b, USER_CS = 0x33, KERNEL_CS = 0x10;

function machine(code: number[], cs = USER32_CS): Cpu {
  const m = new AddressSpace();
  m.map(USER, 0x1000, PROT_USER | PROT_WRITE | PROT_EXEC);
  m.map(USER + 0x1000, 0x1000, PROT_USER | PROT_WRITE);
  m.map(KERN, 0x1000, PROT_EXEC);
  m.map(KSTACK - 0x1000, 0x1000, PROT_WRITE);
  m.map(IDT, 0x1000, PROT_WRITE);
  m.map(TSS, 0x1000, PROT_WRITE);
  m.writeBytes(cs & 3 ? USER : KERN, Uint8Array.from(code));
  const c = new Cpu(m);
  c.setReg('cs', BigInt(cs));
  c.setReg('ss', BigInt(cs & 3 ? USER_DS : 0x18));
  c.setRflags(0x202);
  c.rip = cs & 3 ? USER : KERN;
  c.setReg('rsp', BigInt(USER + 0x2000));
  return c;
}

function gate(c: Cpu, vector: number, target: number, dpl: number): void {
  const t = BigInt.asUintN(64, BigInt(target));
  const b = new Uint8Array(16), dv = new DataView(b.buffer);
  dv.setUint16(0, Number(t & 0xffffn), true); dv.setUint16(2, KERNEL_CS, true);
  b[5] = 0x80 | (dpl << 5) | 0xe;
  dv.setUint16(6, Number((t >> 16n) & 0xffffn), true); dv.setUint32(8, Number(t >> 32n), true);
  c.mem.writeBytes(IDT + vector * 16, b);
  c.idtrBase = IDT; c.idtrLimit = 256 * 16 - 1; c.tssBase = TSS;
  c.mem.writeU64(TSS + 4, BigInt.asUintN(64, BigInt(KSTACK)));
}

const reg = (c: Cpu, r: string): number => Number(c.getReg(r));

describe('CPU compatibility mode (i386 code under a 64-bit kernel)', () => {
  it('CS selects the mode: __USER32_CS decodes 32-bit code, __USER_CS 64-bit code', () => {
    assert.strictEqual(machine([0x90]).code32, true);
    assert.strictEqual(machine([0x90], USER_CS).code32, false);
    assert.strictEqual(machine([0x90], KERNEL_CS).code32, false);
  });

  it('0x40 is inc %eax in 32-bit code and a REX prefix in 64-bit code; the cache keeps both apart', () => {
    // 40 89 c3: `inc %eax; mov %eax,%ebx` (i386) or `rex mov %eax,%ebx` (x86-64).
    const c = machine([0x40, 0x89, 0xc3, 0xf4]);
    c.setReg('rax', 5n);
    c.run(2);
    assert.strictEqual(reg(c, 'rax'), 6); assert.strictEqual(reg(c, 'rbx'), 6);
    // The same address again, now in 64-bit mode: a fresh decoding, not the cached 32-bit block.
    c.setReg('cs', BigInt(USER_CS)); c.rip = USER; c.setReg('rax', 5n); c.setReg('rbx', 0n);
    c.run(1);
    assert.strictEqual(reg(c, 'rax'), 5); assert.strictEqual(reg(c, 'rbx'), 5);
    assert.strictEqual(c.rip, USER + 3);
  });

  it('push, call and ret use 4-byte slots on ESP, and a 32-bit address wraps at 4 GiB', () => {
    // push $0x11223344; call 1f; 1: pop %ecx
    const c = machine([0x68, 0x44, 0x33, 0x22, 0x11, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x59]);
    c.run(3);
    assert.strictEqual(reg(c, 'rsp'), USER + 0x2000 - 4);
    assert.deepStrictEqual([...c.mem.readBytes(USER + 0x2000 - 4, 4)], [0x44, 0x33, 0x22, 0x11]);
    assert.strictEqual(reg(c, 'rcx'), USER + 10); // the return address call pushed: 4 bytes
    // mov 0xfffffffc(%ebx),%eax with %ebx = USER+4: the address wraps to USER.
    const d = machine([0x8b, 0x83, 0xfc, 0xff, 0xff, 0xff]);
    d.mem.writeBytes(USER + 0x1000, Uint8Array.from([0x78, 0x56, 0x34, 0x12]));
    d.setReg('rbx', BigInt(USER + 0x1000 + 4) | 0xffffffff00000000n); // upper half ignored: addresses are 32-bit
    d.run(1);
    assert.strictEqual(reg(d, 'rax'), 0x12345678);
  });

  it('int $0x80 from compatibility mode pushes a 64-bit frame with CS = __USER32_CS; iretq returns to 32-bit code', () => {
    const c = machine([0xcd, 0x80, 0x40]);
    c.mem.writeBytes(KERN, Uint8Array.from([0x48, 0xcf]));
    gate(c, 0x80, KERN, 3);
    c.step();
    assert.strictEqual(c.rip, KERN); assert.strictEqual(c.cpl, 0); assert.strictEqual(c.code32, false);
    assert.strictEqual(Number(BigInt.asIntN(64, c.getReg('rsp'))), KSTACK - 40);
    assert.strictEqual(c.mem.readU64(KSTACK - 40), BigInt(USER + 2));      // ip
    assert.strictEqual(c.mem.readU64(KSTACK - 32), BigInt(USER32_CS));     // cs
    assert.strictEqual(c.mem.readU64(KSTACK - 16), BigInt(USER + 0x2000)); // sp
    assert.strictEqual(c.mem.readU64(KSTACK - 8), BigInt(USER_DS));        // ss
    c.step();
    assert.strictEqual(c.rip, USER + 2); assert.strictEqual(c.cs, USER32_CS); assert.strictEqual(c.code32, true);
    c.setReg('rax', 1n);
    c.step(); // 0x40 is inc %eax again
    assert.strictEqual(reg(c, 'rax'), 2);
  });

  it('sysenter enters MSR_IA32_SYSENTER_EIP in 64-bit ring 0 with IF clear; sysexit returns to EDX/ECX in compatibility mode', () => {
    const c = machine([0x0f, 0x34]);
    // The kernel side: sysexit (0f 35, no REX.W: back to compatibility mode).
    c.mem.writeBytes(KERN, Uint8Array.from([0x0f, 0x35]));
    c.sysenterCs = KERNEL_CS; c.sysenterEsp = KSTACK; c.sysenterEip = KERN;
    c.setReg('rcx', 0x1234n); c.setReg('rdx', 0x5678n);
    c.step();
    assert.strictEqual(c.rip, KERN); assert.strictEqual(c.cs, KERNEL_CS); assert.strictEqual(c.ss, KERNEL_CS + 8);
    assert.strictEqual(c.code32, false);
    assert.strictEqual(Number(BigInt.asIntN(64, c.getReg('rsp'))), KSTACK);
    assert.strictEqual(c.getRflags() & 0x200, 0);
    // Nothing was saved: the user's stack and return address are gone.
    assert.strictEqual(reg(c, 'rcx'), 0x1234); assert.strictEqual(reg(c, 'rdx'), 0x5678);
    c.setReg('rdx', BigInt(USER + 0x100)); c.setReg('rcx', BigInt(USER + 0x1800));
    c.step();
    assert.strictEqual(c.rip, USER + 0x100); assert.strictEqual(reg(c, 'rsp'), USER + 0x1800);
    assert.strictEqual(c.cs, USER32_CS); assert.strictEqual(c.ss, USER_DS); assert.strictEqual(c.code32, true);
  });

  it('sysenter with MSR_IA32_SYSENTER_CS = 0 is #GP(0); sysexit in ring 3 is #GP(0)', () => {
    const c = machine([0x0f, 0x34]);
    const r = c.step();
    assert.deepStrictEqual(r, { kind: 'exception', vector: 13, errorCode: 0 });
    const d = machine([0x0f, 0x35]);
    d.sysenterCs = KERNEL_CS;
    assert.deepStrictEqual(d.step(), { kind: 'exception', vector: 13, errorCode: 0 });
    void MSR_SYSENTER_CS;
  });

  it('sysretl returns to compatibility mode with CS = STAR[63:48], EIP = ECX, EFLAGS = R11', () => {
    const c = machine([0x0f, 0x07], KERNEL_CS);
    c.star = (0x23n << 48n) | (0x10n << 32n);
    c.setReg('rcx', BigInt(USER + 0x20)); c.setReg('r11', 0x246n);
    c.step();
    assert.strictEqual(c.rip, USER + 0x20); assert.strictEqual(c.cs, USER32_CS); assert.strictEqual(c.ss, USER_DS);
    assert.strictEqual(c.getRflags(), 0x246); assert.strictEqual(c.code32, true);
  });

  it('loading %gs with a GDT selector takes the segment base from the descriptor (i386 TLS), a bad one is #GP', () => {
    // mov %eax,%gs; mov %gs:0x10,%ecx
    const c = machine([0x8e, 0xe8, 0x65, 0x8b, 0x0d, 0x10, 0x00, 0x00, 0x00]);
    const GDT = IDT + 0x800;
    // GDT entry 12 (selector 0x63): a present DPL-3 writable data segment, base USER + 0x1000 (as set_thread_area writes it).
    const base = USER + 0x1000;
    const lo = ((base & 0xffff) << 16) | 0xffff, hi = ((base >>> 24) << 24) | 0x00cff200 | ((base >>> 16) & 0xff);
    c.mem.writeBytes(GDT + 12 * 8, Uint8Array.from([lo, lo >> 8, lo >> 16, lo >>> 24, hi, hi >> 8, hi >> 16, hi >>> 24].map((b) => b & 255)));
    c.gdtrBase = GDT; c.gdtrLimit = 16 * 8 - 1;
    c.mem.writeBytes(USER + 0x1010, Uint8Array.from([0xef, 0xbe, 0xad, 0xde]));
    c.setReg('rax', 0x63n);
    c.run(2);
    assert.strictEqual(c.gs, 0x63); assert.strictEqual(c.gsBase, base);
    assert.strictEqual(reg(c, 'rcx'), 0xdeadbeef);
    // Entry 13 is empty (not present): #GP with the selector as error code, %gs unchanged.
    const d = machine([0x8e, 0xe8]);
    d.gdtrBase = GDT; d.gdtrLimit = 16 * 8 - 1;
    d.setReg('rax', 0x6bn);
    assert.deepStrictEqual(d.step(), { kind: 'exception', vector: 13, errorCode: 0x68 });
    assert.strictEqual(d.gs, 0);
  });

  it('syscall in compatibility mode is #UD (Intel behaviour: i386 code uses int $0x80 or sysenter)', () => {
    const c = machine([0x0f, 0x05]);
    assert.deepStrictEqual(c.step(), { kind: 'exception', vector: 6 });
  });
});
