// Time travel by re-execution: a machine made at position N is the machine that ran N
// instructions (registers, cycles, memory), across system calls, stdin and files; the recording
// is replayed without host effects; the user's edits are made again; backward steps stop where
// a forward `next` would have started.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram } from '../../emulator/asm/index';
import { debugMemory } from '../../emulator/debug/memory';
import { GPRS } from '../../emulator/debug/registers';
import { Timeline, findBack, stepBackInsn, stepBackLine } from '../../emulator/debug/timetravel';
import { readElf } from '../../emulator/elf/reader';
import { LineMap } from '../../emulator/elf/linemap';
import { LinuxSystem } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';
import { tempDir } from '../helpers/tools';

/** Reads 8 bytes of stdin into buf, appends them to out.txt, prints them, then calls a function and exits with 3. */
const PROGRAM = `
        .bss
buf:    .skip 16
        .section .rodata
name:   .asciz "out.txt"
        .text
        .globl _start
_start:
        xor     %eax, %eax              # read(0, buf, 8)
        xor     %edi, %edi
        lea     buf(%rip), %rsi
        mov     $8, %edx
        syscall
        mov     %rax, %r12              # bytes read
        mov     $2, %eax                # open("out.txt", O_WRONLY|O_CREAT|O_APPEND, 0644)
        lea     name(%rip), %rdi
        mov     $0x441, %esi
        mov     $0644, %edx
        syscall
        mov     %rax, %rdi              # write(fd, buf, n)
        mov     $1, %eax
        lea     buf(%rip), %rsi
        mov     %r12, %rdx
        syscall
        mov     $1, %eax                # write(1, buf, n)
        mov     $1, %edi
        lea     buf(%rip), %rsi
        mov     %r12, %rdx
        syscall
        call    twice
        mov     $60, %eax               # exit(3)
        mov     $3, %edi
        syscall
twice:
        add     %r12, %r12
        ret
`;

const REGS = [...GPRS, 'rip', 'rflags', 'cs', 'ss', 'fs_base', 'gs_base'];

function state(sys: LinuxSystem): string {
  const c = sys.machine.cpu;
  const regs = REGS.map((r) => `${r}=${c.getReg(r).toString(16)}`).join(' ');
  const mem = debugMemory(sys.machine.space);
  const sp = BigInt.asUintN(64, c.getReg('rsp')) & ~0xfffn;
  const stack = Buffer.from(mem.read(sp, 4096)).toString('hex');
  return `${c.instructions} ${c.cycles} ${regs} ${stack}`;
}

describe('time travel (re-execution)', function () {
  this.timeout(60000);
  let dir: string, file: string, image: Uint8Array, lines: LineMap;
  beforeEach(() => {
    dir = tempDir('trapdoor-tt-');
    file = path.join(dir, 'prog.s');
    fs.writeFileSync(file, PROGRAM);
    const r = assembleProgram([{ path: file }]);
    assert.ok(r.image, JSON.stringify(r.diagnostics));
    image = r.image!;
    lines = LineMap.fromElf(readElf(image));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const timeline = (io: BufferHostIO): Timeline => new Timeline(file, image, { argv: [file], envp: [], cwd: dir, hostIO: io });

  /** Runs the live machine to its end in uneven slices, keeping its state at some positions. */
  function record(tl: Timeline): { states: Map<number, string>; end: number; sys: LinuxSystem } {
    const sys = tl.boot();
    const states = new Map<number, string>();
    const slices = [1, 7, 100, 3, 37, 2];
    for (let i = 0; ; i++) {
      const r = sys.run(slices[i % slices.length]);
      if (r.kind !== 'budget') break;
      states.set(sys.machine.cpu.instructions, state(sys));
    }
    return { states, end: sys.machine.cpu.instructions, sys };
  }

  it('a machine made at position N is the machine that ran N instructions, and the replay has no host effects', () => {
    const io = new BufferHostIO(new TextEncoder().encode('input!\n'));
    const tl = timeline(io);
    try {
      const { states, sys } = record(tl);
      assert.strictEqual(sys.machine.exit?.code, 3);
      assert.strictEqual(io.text(1), 'input!\n');
      assert.strictEqual(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'input!\n');
      assert.ok(states.size > 20, `${states.size} positions compared`);
      for (const [pos, want] of states) assert.strictEqual(state(tl.at(pos)), want, `position ${pos}`);
      // To the end again: the same exit, nothing printed or written twice.
      const again = tl.boot(false);
      const r = tl.runTo(again, Infinity);
      assert.deepStrictEqual(r, { kind: 'exited', code: 3 });
      assert.strictEqual(io.text(1), 'input!\n');
      assert.strictEqual(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'input!\n');
    } finally {
      tl.dispose();
    }
  });

  it('a machine that travelled back goes live past the recording', () => {
    const io = new BufferHostIO(new TextEncoder().encode('abc'));
    const tl = timeline(io);
    try {
      // The live machine stops at the program's first instruction; one that goes back before it runs on.
      const first = tl.boot();
      const entry = readElf(image).entry;
      while (!((first.machine.cpu.cs & 3) === 3 && BigInt.asUintN(64, first.machine.cpu.getReg('rip')) === entry)) first.run(1);
      assert.strictEqual(io.text(1), '');
      const back = tl.at(first.machine.cpu.instructions - 10);
      const r = tl.runTo(back, Infinity);
      assert.deepStrictEqual(r, { kind: 'exited', code: 3 });
      assert.strictEqual(io.text(1), 'abc', 'printed once, by the machine that went live');
      assert.strictEqual(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8'), 'abc');
    } finally {
      tl.dispose();
    }
  });

  it("makes the user's edits again at their positions", () => {
    const tl = timeline(new BufferHostIO(new TextEncoder().encode('12345678')));
    try {
      const sys = tl.boot();
      const exitSyscall = BigInt(lines.addressesOf(file, lineOf('mov     $3, %edi'))[0]) + 5n; // the exit's syscall
      while (BigInt.asUintN(64, sys.machine.cpu.getReg('rip')) !== exitSyscall) sys.run(1);
      const at = sys.machine.cpu.instructions;
      sys.machine.cpu.setReg('rdi', 42n);
      tl.edit(sys, (m) => m.cpu.setReg('rdi', 42n));
      assert.deepStrictEqual(tl.runTo(sys, Infinity), { kind: 'exited', code: 42 });
      const again = tl.at(at);
      assert.strictEqual(again.machine.cpu.getReg('rdi'), 42n);
      assert.deepStrictEqual(tl.runTo(again, Infinity), { kind: 'exited', code: 42 });
    } finally {
      tl.dispose();
    }
  });

  function lineOf(text: string): number {
    return PROGRAM.split('\n').findIndex((l) => l.includes(text)) + 1;
  }

  it('steps back by instruction over a system call and a call, and by line', () => {
    const tl = timeline(new BufferHostIO(new TextEncoder().encode('xy')));
    try {
      const sys = tl.boot();
      const pcOf = (s: LinuxSystem): bigint => BigInt.asUintN(64, s.machine.cpu.getReg('rip'));
      const lineAt = (pc: bigint) => lines.lookup(pc);
      const addr = (text: string): bigint => BigInt(lines.addressesOf(file, lineOf(text))[0]);
      // Just after the first write's syscall returned.
      const afterWrite = addr('mov     $1, %eax                # write(1, buf, n)');
      while (pcOf(sys) !== afterWrite) sys.run(1);
      const x = sys.machine.cpu.instructions;
      const y = findBack(tl, x, (t) => stepBackInsn(t, x));
      const atSyscall = tl.at(y);
      assert.strictEqual(lineAt(pcOf(atSyscall))?.line, lineOf('mov     %r12, %rdx') + 1, 'back at the syscall line');
      assert.ok(x - y > 20, 'over the whole kernel path');
      assert.strictEqual(atSyscall.machine.cpu.getReg('rax'), 1n, 'rax is the call number again');
      // One instruction back from the kernel's first instruction is the user's syscall.
      const entry = tl.at(y + 1);
      assert.strictEqual((entry.machine.cpu.cs & 3), 0);
      assert.strictEqual(findBack(tl, y + 1, (t) => stepBackInsn(t, y + 1)), y);
      // By line from there: the line before (mov %r12, %rdx).
      const z = findBack(tl, y, (t) => stepBackLine(t, y, lineAt));
      assert.strictEqual(z, y - 1);
      // After the call returned: back to the call, not into the function.
      const afterCall = addr('mov     $60, %eax');
      const s2 = tl.at(x);
      while (pcOf(s2) !== afterCall) s2.run(1);
      const w = s2.machine.cpu.instructions;
      const v = findBack(tl, w, (t) => stepBackLine(t, w, lineAt));
      assert.strictEqual(lineAt(pcOf(tl.at(v)))?.line, lineOf('call    twice'));
      assert.strictEqual(findBack(tl, w, (t) => stepBackInsn(t, w)), v);
      assert.strictEqual(findBack(tl, w - 2, (t) => stepBackInsn(t, w - 2)), v, 'from inside the function: its first instruction steps back to the call');
    } finally {
      tl.dispose();
    }
  });
});
