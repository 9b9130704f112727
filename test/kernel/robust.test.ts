// Robustness: 1,000,000 seeded random bytes run as user code on the emulated machine, in chunks
// that are each the .text of a program. Every run must end as a guest event (exit, signal, or the
// instruction budget): never a host exception, never a kernel oops; host memory stays bounded.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LinuxSystem } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';
import { Rng } from '../helpers/random';
import { KADDR, NR } from './programs/case';
import { tempDir } from '../helpers/tools';

const TOTAL = 1_000_000;
// Small chunks: random code usually faults within a few instructions, so more programs run more of the bytes.
const CHUNK = 256;
const BUDGET = 100_000;
const SEED = Number(process.env.TRAPDOOR_ROBUST_SEED ?? 0x7d00);

function chunkSource(bytes: Uint8Array): string {
  const lines: string[] = ['  .globl _start', '  .text', '_start:'];
  for (let i = 0; i < bytes.length; i += 32) lines.push('  .byte ' + Array.from(bytes.subarray(i, i + 32)).join(','));
  return lines.join('\n') + '\n';
}

describe('kernel robustness: random bytes as user code only ever give the guest signals', function () {
  this.timeout(180000);

  it(`${TOTAL.toLocaleString('en')} random bytes in ${CHUNK}-byte programs (seed ${SEED}, ${BUDGET.toLocaleString('en')} instructions each)`, function () {
    const rng = new Rng(SEED);
    const dir = tempDir('trapdoor-robust-');
    const outcomes = new Map<string, number>();
    const rss0 = process.memoryUsage().rss;
    let rssMax = rss0;
    try {
      for (let n = 0; n * CHUNK < TOTAL; n++) {
        const bytes = new Uint8Array(Math.min(CHUNK, TOTAL - n * CHUNK));
        for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
        const file = path.join(dir, 'chunk.s');
        fs.writeFileSync(file, chunkSource(bytes));
        let kind: string;
        try {
          const sys = LinuxSystem.fromFile(file, { argv: ['chunk.s'], envp: [], cwd: dir, hostIO: new BufferHostIO() });
          try {
            const r = sys.runToEnd(BUDGET);
            if (r.kind === 'oops') throw new Error(`kernel oops: ${r.message}`);
            if (r.kind === 'breakpoint') throw new Error(`unexpected breakpoint stop at ${r.address}`);
            kind = r.kind === 'exited' ? (r.signal !== undefined ? `signal ${r.signal}` : `exit ${r.code}`) : 'budget';
          } finally {
            sys.close();
          }
        } catch (e) {
          const keep = path.join(os.tmpdir(), `trapdoor-robust-fail-${SEED}-${n}.s`);
          fs.copyFileSync(file, keep);
          throw new Error(`chunk ${n} (seed ${SEED}) broke the host: ${(e as Error).stack}\nthe program is kept in ${keep}`);
        }
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
        if (n % 64 === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
        // Clean the working directory: random code may create files there through the sandbox.
        for (const f of fs.readdirSync(dir)) if (f !== 'chunk.s') fs.rmSync(path.join(dir, f), { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const summary = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`      outcomes: ${summary}; rss ${Math.round(rss0 / 2 ** 20)} -> max ${Math.round(rssMax / 2 ** 20)} MiB`);
    assert.ok((outcomes.get('signal 11') ?? 0) > 0 && (outcomes.get('signal 4') ?? 0) > 0, 'random code gives both SIGSEGV and SIGILL');
    assert.ok(rssMax - rss0 < 512 * 2 ** 20, `host memory grew by ${Math.round((rssMax - rss0) / 2 ** 20)} MiB`);
  });

  it('3,000 system calls with random numbers and hostile arguments: every call returns, the kernel never oopses', function () {
    const rng = new Rng(SEED + 1);
    const nrs = Object.values(NR).filter((x) => x !== NR.exit && x !== NR.exit_group);
    // Arguments that reach the edges: NULL, small, kernel, non-canonical, negative, huge, unaligned, a real buffer.
    const args = ['$0', '$1', '$0x10', '$-1', '$-100', '$4096', '$0x7fffffff', `$${KADDR}`, '$0x0000800000000000', '$0x8000000000000000',
      '$0x7ffffffff000', '$0x400001'];
    const dir = tempDir('trapdoor-robust-');
    const regs = ['%rdi', '%rsi', '%rdx', '%r10', '%r8', '%r9'];
    let calls = 0;
    try {
      for (let n = 0; n < 100; n++) {
        const body: string[] = [];
        for (let k = 0; k < 30; k++) {
          for (const r of regs) body.push(rng.int(4) === 0 ? `  lea buf(%rip), ${r}` : `  movabs ${rng.pick(args)}, ${r}`);
          body.push(`  mov $${rng.int(8) === 0 ? rng.int(600) : rng.pick(nrs)}, %eax`, '  syscall');
        }
        const src = ['  .globl _start', '  .text', '_start:', ...body, '  mov $231, %eax', '  xor %edi, %edi', '  syscall', '  .bss', 'buf: .skip 8192', ''].join('\n');
        const file = path.join(dir, 'calls.s');
        fs.writeFileSync(file, src);
        const sys = LinuxSystem.fromFile(file, { argv: ['calls.s'], envp: [], cwd: dir, hostIO: new BufferHostIO() });
        let returned = 0;
        sys.attachTracer({ syscallExit: (e) => { if (e.ret !== undefined) returned++; } }, true);
        let r;
        try {
          r = sys.runToEnd(1_000_000);
        } finally {
          sys.close();
        }
        // A program that sleeps with nothing to wake it (pause, a wait for itself) ends in a
        // reported deadlock: the guest's doing, like an endless loop, not the kernel's.
        if (r.kind === 'oops' && r.message.startsWith('deadlock')) continue;
        if (r.kind === 'oops') {
          const keep = path.join(os.tmpdir(), `trapdoor-robust-calls-${SEED}-${n}.s`);
          fs.copyFileSync(file, keep);
          assert.fail(`program ${n}: kernel oops ${r.message} (kept in ${keep})`);
        }
        assert.ok(r.kind === 'exited', `program ${n}: ${JSON.stringify(r)}`);
        calls += returned;
        for (const f of fs.readdirSync(dir)) if (f !== 'calls.s') fs.rmSync(path.join(dir, f), { recursive: true, force: true });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    console.log(`      ${calls} calls returned`);
    assert.ok(calls > 1000, `only ${calls} calls returned`);
  });
});
