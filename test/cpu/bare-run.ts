// Test-only bare-metal runner: loads a static ELF, builds a minimal Linux initial stack (argc, argv,
// envp, auxv with AT_PAGESZ/AT_RANDOM) and services the few system calls small static programs make
// (write, writev, ioctl -> ENOTTY, arch_prctl SET_FS, set_tid_address, brk, anonymous mmap, mprotect,
// clock_gettime from the instruction count, nanosleep, exit). LSTAR points at a `hlt`
// in a ring-0 page, so each syscall stops the run loop and is answered here: a test, not the kernel.

import * as fs from 'fs';
import { AddressSpace, PROT_EXEC, PROT_USER, PROT_WRITE } from '../../emulator/memory';
import { Cpu } from '../../emulator/cpu';
import { loadElf } from './elf-loader';

const KTEXT = -0x7f000000, STACK = 0x7ff0000, STACK_SIZE = 0x10000;

export interface BareResult { stdout: Buffer; exit: number; cpu: Cpu; syscalls: number[]; }

export function runBare(exe: string, budget = 20_000_000): BareResult {
  const mem = new AddressSpace();
  const elf = loadElf(mem, new Uint8Array(fs.readFileSync(exe)));
  mem.map(KTEXT, 0x1000, PROT_EXEC);
  mem.writeBytes(KTEXT, Uint8Array.from([0xf4]));
  mem.map(STACK, STACK_SIZE, PROT_USER | PROT_WRITE);
  // Initial stack: strings and AT_RANDOM bytes at the top, then auxv, envp, argv, argc.
  const top = STACK + STACK_SIZE - 256;
  mem.writeBytes(top, Buffer.from('./prog\0'));
  mem.writeBytes(top + 16, Uint8Array.from({ length: 16 }, (_, i) => i * 17));
  const words = [1n, BigInt(top), 0n, 0n, 6n, 4096n, 25n, BigInt(top + 16), 0n, 0n];
  const sp = top - 256;
  words.forEach((w, i) => mem.writeU64(sp + i * 8, w));
  const cpu = new Cpu(mem);
  cpu.setReg('cs', 0x33n); cpu.setReg('ss', 0x2bn);
  cpu.setRflags(0x202);
  cpu.setReg('rsp', BigInt(sp));
  cpu.lstar = KTEXT; cpu.star = (0x23n << 48n) | (0x10n << 32n);
  cpu.rip = elf.entry;
  const chunks: Buffer[] = [], syscalls: number[] = [];
  const arg = (r: string) => Number(BigInt.asIntN(64, cpu.getReg(r)));
  const BRK = 0x10000000;
  let brk = BRK, mmapNext = 0x20000000;
  while (cpu.instructions < budget) {
    const r = cpu.run(budget);
    if (r.kind !== 'hlt') throw new Error(`stopped: ${JSON.stringify(r)} at 0x${cpu.rip.toString(16)}`);
    const nr = arg('rax'), a0 = arg('rdi'), a1 = arg('rsi'), a2 = arg('rdx');
    syscalls.push(nr);
    let ret = -38; // -ENOSYS
    if (nr === 60 || nr === 231) return { stdout: Buffer.concat(chunks), exit: a0 & 255, cpu, syscalls };
    if (nr === 1) { chunks.push(Buffer.from(mem.readBytes(a1, a2))); ret = a2; }
    else if (nr === 20) {
      ret = 0;
      for (let i = 0; i < a2; i++) {
        const base = Number(mem.readU64(a1 + i * 16)), len = Number(mem.readU64(a1 + i * 16 + 8));
        chunks.push(Buffer.from(mem.readBytes(base, len))); ret += len;
      }
    } else if (nr === 16) ret = -25; // ioctl: -ENOTTY
    else if (nr === 158 && a0 === 0x1002) { cpu.fsBase = a1; ret = 0; } // arch_prctl(ARCH_SET_FS)
    else if (nr === 218) ret = 1; // set_tid_address
    else if (nr === 10 || nr === 35) ret = 0; // mprotect (nothing to enforce), nanosleep
    else if (nr === 228) { mem.writeU64(a1, 0n); mem.writeU64(a1 + 8, BigInt(cpu.instructions % 1e9)); ret = 0; } // clock_gettime
    else if (nr === 12) { // brk: grows a zeroed heap; a request below the start returns the current break
      if (a0 > brk) { const from = Math.ceil(brk / 4096) * 4096, to = Math.ceil(a0 / 4096) * 4096; if (to > from) mem.map(from, to - from, PROT_USER | PROT_WRITE); brk = a0; }
      ret = brk;
    } else if (nr === 9 && a0 === 0 && (arg('r10') & 0x20)) { // anonymous mmap at a bump pointer
      const len = Math.ceil(a1 / 4096) * 4096;
      mem.map(mmapNext, len, PROT_USER | PROT_WRITE); ret = mmapNext; mmapNext += len + 4096;
    }
    cpu.setReg('rax', BigInt.asUintN(64, BigInt(ret)));
    // sysretq by hand: back to ring 3 at RCX with RFLAGS from R11.
    cpu.setReg('cs', 0x33n); cpu.setReg('ss', 0x2bn);
    cpu.setRflags(Number(cpu.getReg('r11')));
    cpu.rip = arg('rcx');
  }
  throw new Error('instruction budget exhausted');
}
