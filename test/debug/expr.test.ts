// Debugger expressions and instruction helpers on a fake CPU and memory: conditions, memory
// reads, gdb's x/ command, register aliases, disassembly with symbols, return-address checks.

import * as assert from 'assert';
import { decodeAt, disassemble, followsCall, startBefore } from '../../emulator/debug/disasm';
import { EvalContext, evaluate, examine, ExprError, interpolate } from '../../emulator/debug/expr';
import { DebugMemory } from '../../emulator/debug/memory';
import { readRegister, writeRegister } from '../../emulator/debug/registers';

const BASE = 0x401000n;
// mov $1,%eax; call +0 (to the next insn); syscall; ret; int $0x80
const CODE = [0xb8, 1, 0, 0, 0, 0xe8, 0, 0, 0, 0, 0x0f, 0x05, 0xc3, 0xcd, 0x80];

function fakeMemory(): DebugMemory {
  const bytes = new Map<bigint, number>();
  CODE.forEach((b, i) => bytes.set(BASE + BigInt(i), b));
  [0x48, 0x65, 0x6c, 0x6c, 0x6f, 0xff].forEach((b, i) => bytes.set(0x402000n + BigInt(i), b));
  return {
    read(addr, len) {
      const out: number[] = [];
      for (let i = 0; i < len && bytes.has(addr + BigInt(i)); i++) out.push(bytes.get(addr + BigInt(i))!);
      return Uint8Array.from(out);
    },
    write(addr, data) {
      data.forEach((b, i) => bytes.set(addr + BigInt(i), b));
      return data.length;
    },
  };
}

function fakeCpu(): { getReg(n: string): bigint; setReg(n: string, v: bigint): void } {
  const regs = new Map<string, bigint>([['rax', 0x1122334455667788n], ['rdi', 3n], ['rsp', 0x402000n], ['rflags', 0x246n]]);
  return { getReg: (n) => regs.get(n) ?? 0n, setReg: (n, v) => regs.set(n, BigInt.asUintN(64, v)) };
}

function context(): EvalContext {
  const cpu = fakeCpu();
  return {
    register: (n) => readRegister(cpu, n),
    symbol: (n) => (n === 'greeting' ? 0x402000n : undefined),
    extra: (n) => (n === 'nr' ? 1n : n === 'args' ? [1n, 0x402000n, 13n] : undefined),
    memory: fakeMemory(),
    symbolize: (a) => (a === 0x402000n ? 'greeting' : undefined),
  };
}

describe('debugger expressions', function () {
  it('evaluates breakpoint conditions over registers and their narrower names', function () {
    const c = context();
    assert.strictEqual(evaluate('rdi > 2', c).value, 1n);
    assert.strictEqual(evaluate('rdi > 3 || rax == 1', c).value, 0n);
    assert.strictEqual(evaluate('%eax', c).value, 0x55667788n);
    assert.strictEqual(evaluate('ah', c).value, 0x77n);
    assert.strictEqual(evaluate('ZF + PF', c).value, 2n);
    assert.strictEqual(evaluate('(rdi << 4) | 1', c).value, 0x31n);
    assert.strictEqual(evaluate('nr == 1 && args[2] == 13', c).value, 1n);
    assert.strictEqual(evaluate('-1 < rdi', c).value, 1n);
  });

  it('reads memory with C casts and brackets, and says where', function () {
    const c = context();
    assert.deepStrictEqual(evaluate('*(u32*)greeting', c), { value: 0x6c6c6548n, address: 0x402000n });
    assert.strictEqual(evaluate('*(i8*)(rsp+5)', c).value, -1n);
    assert.strictEqual(evaluate('*(u16*)(greeting + 1)', c).value, 0x6c65n);
    assert.throws(() => evaluate('[rsp]', c), /cannot read 8 bytes at 0x402000/);
    assert.throws(() => evaluate('nosuch + 1', c), ExprError);
    assert.throws(() => evaluate('rax +', c), ExprError);
  });

  it('x/NFU dumps memory as gdb does', function () {
    const x = examine('x/4xb greeting', context())!;
    assert.strictEqual(x.text, '0x402000 <greeting>:\t0x48\t0x65\t0x6c\t0x6c');
    assert.strictEqual(examine('x/2dh greeting', context())!.text, '0x402000 <greeting>:\t25928\t27756');
    assert.match(examine('x/8xb greeting', context())!.text, /Cannot access memory at address 0x402006/);
    assert.strictEqual(examine('rax + 1', context()), undefined);
  });

  it('logpoint messages interpolate {expressions}', function () {
    assert.strictEqual(interpolate('fd={rdi} n={args[2]} bad={zz}', context()), "fd=0x3 n=0xd bad=<no register or symbol named 'zz'>");
  });

  it('register writes follow the CPU: a 32-bit write clears the upper half, flags by name', function () {
    const cpu = fakeCpu();
    writeRegister(cpu, 'eax', 5n);
    assert.strictEqual(cpu.getReg('rax'), 5n);
    writeRegister(cpu, 'ah', 0x12n);
    assert.strictEqual(cpu.getReg('rax'), 0x1205n);
    writeRegister(cpu, 'CF', 1n);
    assert.strictEqual(cpu.getReg('rflags'), 0x247n);
    assert.strictEqual(writeRegister(cpu, 'nosuch', 1n), false);
  });
});

describe('debugger instruction helpers', function () {
  it('classifies control transfers for stepping', function () {
    const m = fakeMemory();
    const flows = [0n, 5n, 10n, 12n, 13n].map((o) => decodeAt(m, BASE + o)!.flow);
    assert.deepStrictEqual(flows, ['next', 'call', 'syscall', 'ret', 'int']);
    assert.strictEqual(decodeAt(m, BASE + 5n)!.next, BASE + 10n);
  });

  it('disassembles in GAS syntax with symbols on targets', function () {
    const lines = disassemble(fakeMemory(), BASE, 5, (a) => (a === BASE ? '_start' : a === BASE + 10n ? '_start+0xa' : undefined));
    assert.deepStrictEqual(lines.map((l) => l.text), ['mov $0x1,%eax', 'call 0x40100a <_start+0xa>', 'syscall', 'ret', 'int $0x80']);
    assert.strictEqual(lines[0].label, '_start');
    assert.deepStrictEqual([...lines[1].bytes], [0xe8, 0, 0, 0, 0]);
  });

  it('finds instruction boundaries before an address, and return addresses after calls', function () {
    const m = fakeMemory();
    assert.strictEqual(startBefore(m, BASE + 12n, 2, BASE), BASE + 5n);
    assert.strictEqual(followsCall(m, BASE + 10n), true);
    assert.strictEqual(followsCall(m, BASE + 12n), false);
  });
});
