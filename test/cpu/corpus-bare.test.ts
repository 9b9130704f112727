// Runs corpus programs on the bare CPU (bare-run.ts services their few system calls): `simd`, a static
// GNU as binary exercising SSE/SSE2 integer and float instructions, MXCSR flags and a checksum; and
// `hello-musl`, `hello-glibc` and `vdso-time`, whose static libc startup and stdio touch x87 and SSE.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../helpers/tools';
import { runBare } from './bare-run';

const CORPUS = process.env.TRAPDOOR_CORPUS ?? path.join(repoRoot, 'test', 'corpus');
describe('CPU runs corpus programs bare', () => {
  it('prints exactly the bytes the real CPU printed (SSE/SSE2 results, MXCSR flags, checksum)', function () {
    const exe = path.join(CORPUS, 'simd', 'simd');
    if (!fs.existsSync(exe)) { console.log(`      skipped: ${exe} not found (set TRAPDOOR_CORPUS)`); this.skip(); }
    const want = fs.readFileSync(path.join(CORPUS, 'simd', 'expected.stdout'), 'latin1');
    const r = runBare(exe);
    const got = r.stdout.toString('latin1');
    if (got !== want) {
      const a = got.split('\n'), b = want.split('\n');
      const diff = b.map((l, i) => (l === a[i] ? '' : `  want ${l}\n  got  ${a[i] ?? '(nothing)'}`)).filter((s) => s).join('\n');
      assert.fail(`simd output differs:\n${diff}`);
    }
    assert.strictEqual(r.exit, 0);
  });

  it('hello-musl: static musl startup and printf print the expected line', function () {
    const exe = path.join(CORPUS, 'hello-musl', 'hello-musl');
    if (!fs.existsSync(exe)) { console.log(`      skipped: ${exe} not found (set TRAPDOOR_CORPUS)`); this.skip(); }
    const r = runBare(exe);
    assert.strictEqual(r.stdout.toString('latin1'), fs.readFileSync(path.join(CORPUS, 'hello-musl', 'expected.stdout'), 'latin1'));
    assert.deepStrictEqual(r.syscalls, [158, 218, 16, 20, 231]);
    assert.strictEqual(r.exit, 0);
  });

  for (const name of ['hello-glibc', 'vdso-time']) {
    it(`${name}: static glibc startup (TLS, IRELATIVE ifuncs chosen from our CPUID, stdio) prints the expected output`, function () {
      const exe = path.join(CORPUS, name, name);
      if (!fs.existsSync(exe)) { console.log(`      skipped: ${exe} not found (set TRAPDOOR_CORPUS)`); this.skip(); }
      const r = runBare(exe);
      assert.strictEqual(r.stdout.toString('latin1'), fs.readFileSync(path.join(CORPUS, name, 'expected.stdout'), 'latin1'));
      assert.strictEqual(r.exit, 0);
      assert.strictEqual(r.cpu.lastInternalError, null);
    });
  }
});
