// Faults in ring 3 become Linux's signals: each program runs on the emulated machine and, where as,
// ld and strace exist, natively under `strace -qq`; the `--- SIG... ---` and `+++ killed by +++`
// lines must be the real ones (code addresses masked: our linker's layout differs from ld's).

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { canRunNative, runGuest, runNative } from '../helpers/guest';
import { repoRoot, tempDir } from '../helpers/tools';

interface FaultCase {
  name: string;
  /** Instructions after _start (a .data section with `msg` and a .bss `buf` follow). */
  body: string;
  signo: number;
  /** The exact signal line on the emulated machine (before masking). */
  line: string | RegExp;
}

const SIGILL = 4, SIGTRAP = 5, SIGFPE = 8, SIGSEGV = 11;
const si = (sig: string, code: string, addr?: string): string =>
  `--- ${sig} {si_signo=${sig}, si_code=${code}${addr === undefined ? '' : `, si_addr=${addr}`}} ---`;
const CODE_ADDR = /0x40[0-9a-f]{4}/;

const CASES: FaultCase[] = [
  { name: 'a ring-3 read of a kernel address: SIGSEGV SEGV_MAPERR (as Linux: no user mapping there)', body: 'movabs $0xffffffff81000000, %rax\n mov (%rax), %rax', signo: SIGSEGV, line: si('SIGSEGV', 'SEGV_MAPERR', '0xffffffff81000000') },
  { name: 'a ring-3 write to the kernel image: SIGSEGV SEGV_MAPERR', body: 'movabs $0xffffffff81000100, %rax\n movq $0, (%rax)', signo: SIGSEGV, line: si('SIGSEGV', 'SEGV_MAPERR', '0xffffffff81000100') },
  { name: 'a jump into the kernel: SIGSEGV SEGV_MAPERR at the target', body: 'movabs $0xffffffff81000000, %rax\n jmp *%rax', signo: SIGSEGV, line: si('SIGSEGV', 'SEGV_MAPERR', '0xffffffff81000000') },
  { name: 'a call to entry_SYSCALL_64-like kernel text by address: SIGSEGV', body: 'movabs $0xffffffff81000040, %rax\n call *%rax', signo: SIGSEGV, line: si('SIGSEGV', 'SEGV_MAPERR', '0xffffffff81000040') },
  { name: 'a NULL read: SIGSEGV SEGV_MAPERR si_addr=NULL', body: 'xor %eax, %eax\n mov (%rax), %rax', signo: SIGSEGV, line: si('SIGSEGV', 'SEGV_MAPERR', 'NULL') },
  { name: 'a read of an unmapped user address: SEGV_MAPERR with the address', body: 'mov $0x10000000, %eax\n mov 8(%rax), %rax', signo: SIGSEGV, line: si('SIGSEGV', 'SEGV_MAPERR', '0x10000008') },
  { name: 'a write to a read-only page (.text): SIGSEGV SEGV_ACCERR', body: 'lea _start(%rip), %rax\n movb $0, (%rax)', signo: SIGSEGV, line: new RegExp(`^--- SIGSEGV \\{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=${CODE_ADDR.source}\\} ---$`) },
  { name: 'executing a non-executable page (.data): SIGSEGV SEGV_ACCERR', body: 'lea msg(%rip), %rax\n jmp *%rax', signo: SIGSEGV, line: /^--- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_ACCERR, si_addr=0x4[0-9a-f]+\} ---$/ },
  { name: 'a non-canonical address: #GP, SIGSEGV SI_KERNEL si_addr=NULL', body: 'movabs $0x0000800000000000, %rax\n mov (%rax), %rax', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'hlt in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'hlt', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'cli in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'cli', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'wrmsr in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'mov $0xc0000082, %ecx\n xor %eax, %eax\n xor %edx, %edx\n wrmsr', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'rdmsr in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'mov $0xc0000082, %ecx\n rdmsr', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'mov to %cr3 in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'xor %eax, %eax\n mov %rax, %cr3', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'in from an I/O port in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'in $0x60, %al', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'swapgs in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'swapgs', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'sysretq in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'sysretq', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'lgdt in ring 3: #GP, SIGSEGV SI_KERNEL', body: 'lgdt buf(%rip)', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'int $0x81 (a gate with DPL 0): #GP, SIGSEGV SI_KERNEL', body: 'int $0x81', signo: SIGSEGV, line: si('SIGSEGV', 'SI_KERNEL', 'NULL') },
  { name: 'ud2: SIGILL ILL_ILLOPN at the instruction', body: 'nop\n ud2', signo: SIGILL, line: new RegExp(`^--- SIGILL \\{si_signo=SIGILL, si_code=ILL_ILLOPN, si_addr=${CODE_ADDR.source}\\} ---$`) },
  { name: 'division by zero: SIGFPE FPE_INTDIV at the instruction', body: 'mov $1, %eax\n xor %ecx, %ecx\n cqo\n idiv %rcx', signo: SIGFPE, line: new RegExp(`^--- SIGFPE \\{si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=${CODE_ADDR.source}\\} ---$`) },
  { name: 'int3: SIGTRAP SI_KERNEL', body: 'int3', signo: SIGTRAP, line: si('SIGTRAP', 'SI_KERNEL', 'NULL') },
  { name: 'use after munmap: SIGSEGV SEGV_MAPERR', body: 'mov $9, %eax\n xor %edi, %edi\n mov $4096, %esi\n mov $3, %edx\n mov $0x22, %r10d\n mov $-1, %r8\n xor %r9d, %r9d\n syscall\n mov %rax, %rbx\n mov $11, %eax\n mov %rbx, %rdi\n mov $4096, %esi\n syscall\n mov (%rbx), %rax', signo: SIGSEGV, line: /^--- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x[0-9a-f]+\} ---$/ },
];

const SIGNAMES: Record<number, string> = { [SIGILL]: 'SIGILL', [SIGTRAP]: 'SIGTRAP', [SIGFPE]: 'SIGFPE', [SIGSEGV]: 'SIGSEGV' };

function program(body: string): string {
  return `  .globl _start\n  .text\n_start:\n ${body}\n  mov $60, %eax\n  xor %edi, %edi\n  syscall\n  .data\nmsg: .ascii "hello\\n"\n  .bss\nbuf: .skip 64\n`;
}

/** Code and data addresses differ between our layout and ld's. */
const mask = (l: string): string => l.replace(/si_addr=0x4[0-9a-f]{5}\b/, 'si_addr=ADDR').replace(/si_addr=0x7[0-9a-f]{11}\b/, 'si_addr=MMAP');

describe('kernel faults: ring-3 faults become the signals real Linux sends', function () {
  this.timeout(20000);
  for (const c of CASES) {
    it(c.name, function () {
      const g = runGuest(program(c.body));
      assert.deepStrictEqual(g.result, { kind: 'exited', signal: c.signo }, g.lines.join('\n'));
      const sigLines = g.lines.filter((l) => l.startsWith('---') || l.startsWith('+++'));
      const want = `+++ killed by ${SIGNAMES[c.signo]} +++`;
      assert.strictEqual(sigLines[1], want, g.lines.join('\n'));
      if (c.line instanceof RegExp) assert.match(sigLines[0] ?? '', c.line, g.lines.join('\n'));
      else assert.strictEqual(sigLines[0], c.line, g.lines.join('\n'));
      if (!canRunNative()) return;
      const n = runNative(program(c.body));
      assert.strictEqual(n.signal, SIGNAMES[c.signo], `natively the program ends by ${n.signal} (status ${n.status})`);
      const nativeSig = n.lines.filter((l) => l.startsWith('---') || l.startsWith('+++'));
      assert.deepStrictEqual(sigLines.map(mask), nativeSig.map(mask), 'the signal lines differ from real Linux');
    });
  }

  it('trapdoor run exits with 128+N when the guest is killed by signal N (139 for SIGSEGV, 132 SIGILL)', function () {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) {
      console.log('      skipped: dist/cli.js is missing (npm run build)');
      this.skip();
    }
    const dir = tempDir('trapdoor-faults-');
    try {
      for (const [body, status] of [['xor %eax, %eax\n mov (%rax), %rax', 139], ['ud2', 132], ['int3', 133], ['mov $1, %eax\n cqo\n xor %ecx, %ecx\n div %rcx', 136]] as const) {
        fs.writeFileSync(path.join(dir, 'p.s'), program(body));
        const r = spawnSync(process.execPath, [cli, 'run', 'p.s'], { cwd: dir, encoding: 'utf8' });
        assert.strictEqual(r.status, status, `${body}: ${r.stderr}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
