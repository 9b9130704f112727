// Every implemented system call's success and error paths on the emulated machine: each case's
// returns are asserted, and where as + ld + strace exist the same program runs natively so that
// real Linux confirms each expectation and the strace lines are compared (addresses masked).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { errnoValue } from '../../emulator/trace/errno';
import { canRunNative, GuestOptions, middleLines, NativeRun, runGuest, runNative, syscallProgram } from '../helpers/guest';
import { COMMON_BSS, COMMON_DATA, COMMON_FILES, Expect, SyscallCase } from './programs/case';
import { IO_CASES } from './programs/cases-io';
import { FS_CASES } from './programs/cases-fs';
import { PROC_CASES } from './programs/cases-proc';
import { MM_CASES } from './programs/cases-mm';
import { FILE_CASES } from './programs/cases-files';

function describeExpect(e: Expect): string {
  return typeof e === 'object' ? e.what : String(e);
}

function matches(e: Expect, r: bigint): boolean {
  if (typeof e === 'object') return e.test(r);
  if (e === 'ok') return r >= 0n;
  if (typeof e === 'string') {
    const v = errnoValue(e);
    if (v === undefined) throw new Error(`unknown errno ${e}`);
    return r === BigInt(-v);
  }
  return r === BigInt(e);
}

/** The return value strace printed at the end of a line (`= 3`, `= -1 ENOENT (...)`, `= 0x8000 (flags ...)`). */
export function straceReturn(line: string): bigint | undefined {
  const m = / = (-1 (E[A-Z0-9]+)|-?\d+|0x[0-9a-f]+)(?: .*)?$/.exec(line);
  if (!m) return undefined;
  if (m[2]) return BigInt(-(errnoValue(m[2]) ?? 9999));
  if (/^0\d/.test(m[1])) return BigInt(parseInt(m[1], 8)); // umask prints its return in octal
  return BigInt.asIntN(64, BigInt(m[1]));
}

/** Addresses differ between our linker's layout and ld's: compare the lines with them masked. */
const mask = (l: string): string => l.replace(/0x[0-9a-f]{5,}/g, '0xADDR');

function caseOptions(c: SyscallCase): GuestOptions {
  const user = c.opts ?? {};
  return {
    ...user,
    files: { ...COMMON_FILES, ...(user.files ?? {}) },
    setup: (cwd) => {
      fs.symlinkSync('data.txt', path.join(cwd, 'link'));
      user.setup?.(cwd);
    },
  };
}

interface CaseRun {
  lines: string[];
  trace: string[];
  native?: NativeRun;
  nativeLines: string[];
}

const cut = (l: string): string => (l.length > 300 ? l.slice(0, 300) + '[...]' : l);

/** Runs a case on the emulator (and natively): the return problems found, and both traces. */
function runCase(c: SyscallCase): { problems: string[]; run: CaseRun } {
  const src = syscallProgram(c.calls, COMMON_DATA + (c.data ?? ''), COMMON_BSS);
  const opts = caseOptions(c);
  const g = runGuest(src, opts);
  assert.deepStrictEqual(g.result, { kind: 'exited', code: 0 }, `the program did not end with exit_group(0):\n${g.lines.join('\n')}`);
  const rets = g.rets.slice(1, -1); // execve (reported by the loader) first, exit_group(0) last
  const nCalls = c.calls.filter((x) => typeof x !== 'string').length;
  assert.strictEqual(c.expect.length, nCalls, 'the case lists one expectation per call');
  const lines = middleLines(g.lines);
  const native = c.native !== false && canRunNative() ? runNative(src, opts) : undefined;
  const nativeLines = native ? middleLines(native.lines) : [];
  const problems: string[] = [];
  c.expect.forEach((e, i) => {
    const r = rets[i];
    if (r === undefined || !matches(e, r)) problems.push(`call ${i}: expected ${describeExpect(e)}, emulated ${r}: ${lines[i]}`);
    if (native) {
      const n = straceReturn(nativeLines[i] ?? '');
      if (n === undefined || !matches(e, n)) problems.push(`call ${i}: expected ${describeExpect(e)}, REAL LINUX gives ${n}: ${nativeLines[i]} (the case is wrong)`);
    }
  });
  (c.lines ?? []).forEach((want, i) => {
    if (want instanceof RegExp ? !want.test(lines[i] ?? '') : lines[i] !== want) problems.push(`strace line ${i}: expected ${want}, got ${lines[i]}`);
  });
  if (c.stdout !== undefined && g.stdout !== c.stdout) problems.push(`stdout: expected ${JSON.stringify(c.stdout)}, got ${JSON.stringify(g.stdout)}`);
  return { problems, run: { lines, trace: g.lines, native, nativeLines } };
}

function fail(problems: string[], trace: string[]): void {
  if (problems.length > 0) throw new Error(problems.map(cut).join('\n') + '\n--- emulated trace:\n' + trace.map(cut).join('\n'));
}

const GROUPS: [string, SyscallCase[]][] = [
  ['descriptors and I/O', IO_CASES],
  ['paths and directories', FS_CASES],
  ['memory', MM_CASES],
  ['more file calls: statx, truncate, utimensat, chmod, links, renameat2, memfd, sendfile, statfs, /proc/self', FILE_CASES],
  ['process, time, signals, ENOSYS', PROC_CASES],
];

describe('kernel system calls: success and error paths (checked against real Linux where strace exists)', function () {
  this.timeout(30000);
  before(function () {
    if (!canRunNative()) console.log('      note: as, ld or strace missing: expectations are not compared with real Linux');
  });
  for (const [group, cases] of GROUPS) {
    describe(group, function () {
      for (const c of cases) {
        let run: CaseRun | undefined;
        it(c.name, function () {
          const r = runCase(c);
          run = r.run;
          fail(r.problems, r.run.trace);
        });
        // The trace printer's side: the same lines as strace on real Linux, addresses masked.
        if (c.native !== false && c.sameLines !== false) {
          it(`${c.name}: strace lines as on real Linux`, function () {
            if (!canRunNative()) {
              console.log('      skipped: comparing with real Linux needs as, ld and strace (apt-get install -y binutils strace)');
              this.skip();
            }
            run ??= runCase(c).run;
            const problems: string[] = [];
            run.nativeLines.forEach((n, i) => {
              if (mask(n) !== mask(run!.lines[i] ?? '')) problems.push(`strace line ${i} differs from real Linux:\n    real: ${n}\n    emul: ${run!.lines[i]}`);
            });
            fail(problems, run.trace);
          });
        }
      }
    });
  }
});

describe('kernel system calls: exit statuses and the registers around syscall', function () {
  this.timeout(20000);
  const prog = (body: string): string => `  .globl _start\n  .text\n_start:\n${body}\n  .data\nmsg: .ascii "hello\\n"\n`;

  it('exit(7) ends with status 7, exit_group(300) with 300 & 0xff, exit(-1) with 255; the trace ends with `= ?`', function () {
    for (const [body, code] of [['mov $60, %eax\n mov $7, %edi\n syscall', 7], ['mov $231, %eax\n mov $300, %edi\n syscall', 44],
      ['mov $60, %eax\n mov $-1, %edi\n syscall', 255]] as const) {
      const g = runGuest(prog(body));
      assert.deepStrictEqual(g.result, { kind: 'exited', code }, g.lines.join('\n'));
      assert.match(g.lines[g.lines.length - 2], /^exit(_group)?\(-?\d+\) += \?$/);
      assert.strictEqual(g.lines[g.lines.length - 1], `+++ exited with ${code} +++`);
    }
  });

  it('rax holds the return value after sysretq (write returns 6, used as the exit status)', function () {
    const g = runGuest(prog('mov $1, %eax\n mov $1, %edi\n lea msg(%rip), %rsi\n mov $6, %edx\n syscall\n mov %eax, %edi\n mov $60, %eax\n syscall'));
    assert.deepStrictEqual(g.result, { kind: 'exited', code: 6 });
    assert.strictEqual(g.stdout, 'hello\n');
  });

  it('syscall keeps every register but rax, rcx (= the return rip) and r11 (= rflags), as Linux does', function () {
    // Each register holds a distinct value before getpid; a mismatch sets one bit of the exit status.
    const regs = ['rbx', 'rdx', 'rsi', 'rdi', 'rbp', 'r8', 'r9', 'r10', 'r12', 'r13', 'r14', 'r15'];
    const set = regs.map((r, i) => ` movabs $${0x1111111111n * BigInt(i + 1)}, %${r}`).join('\n');
    const check = regs.map((r, i) => ` movabs $${0x1111111111n * BigInt(i + 1)}, %rax\n cmp %rax, %${r}\n je 1f\n or $${1 << (i % 7)}, %dil\n1:`).join('\n');
    const body = `${set}\n pushfq\n pop %rax\n mov %rax, flags(%rip)\n mov $39, %eax\n syscall\nafter:\n mov %rdi, saved_rdi(%rip)\n xor %edi, %edi\n` +
      `${check.replace(/%rdi\n/g, '%rdi\n').replace('cmp %rax, %rdi', 'cmp %rax, saved_rdi(%rip)')}\n lea after(%rip), %rax\n cmp %rax, %rcx\n je 2f\n or $0x80, %dil\n2:\n` +
      ` mov $60, %eax\n syscall\n  .bss\nflags: .skip 8\nsaved_rdi: .skip 8`;
    const g = runGuest(prog(body));
    assert.deepStrictEqual(g.result, { kind: 'exited', code: 0 }, 'registers changed by syscall (bit i = register i, 0x80 = rcx)');
  });
});
