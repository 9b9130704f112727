// Compatibility-mode differential test: seeded random i386 sequences run natively (the host runs
// ia32 executables) and in the emulator with CS = __USER32_CS; the eight GPRs (ESP included, so the
// 32-bit stack must balance the same way), EFLAGS and the scratch buffer must match. A failure prints
// the seed and the failing case shrunk to the smallest sequence that still differs.

import * as assert from 'assert';
import * as fs from 'fs';
import { Rng } from '../helpers/random';
import { requireTools, tempDir } from '../helpers/tools';
import { Gen32, SCRATCH32 } from './gen32';
import { Case32, programSource32, build32, runNative32, runEmulated32, OUT32, NAMES32 } from './harness32';
import { FLAG_NAMES } from './harness';

const CASES = 300, LEN = 300;
const SEED = Number(process.env.CPU_DIFF32_SEED ?? 20261123);

function makeCase(rng: Rng): Case32 {
  const g = new Gen32(rng);
  const regs = Array.from({ length: 6 }, () => g.value());
  const scratch = new Uint8Array(SCRATCH32).map(() => rng.int(256));
  const flags = (rng.int(0x1000) & 0x8d5) | 0x202;
  const body: string[][] = [];
  let n = 0;
  while (n < LEN) { const idiom = g.next(); body.push(idiom); n += idiom.filter((l) => !l.endsWith(':')).length; }
  return { regs, flags, scratch, body };
}

const FLAG_MASK = FLAG_NAMES.reduce((m, [b]) => m | b, 0);

function describe1(nat: Uint8Array, emu: Uint8Array): string[] {
  const dn = new DataView(nat.buffer, nat.byteOffset), de = new DataView(emu.buffer, emu.byteOffset);
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    const a = dn.getUint32(i * 4, true), b = de.getUint32(i * 4, true);
    if (a !== b) out.push(`${NAMES32[i]}: native 0x${a.toString(16)} emulator 0x${b.toString(16)}`);
  }
  const fa = dn.getUint32(32, true) & FLAG_MASK, fb = de.getUint32(32, true) & FLAG_MASK;
  if (fa !== fb) out.push(`eflags: native 0x${fa.toString(16)} emulator 0x${fb.toString(16)} (differ: ${FLAG_NAMES.filter(([m]) => (fa ^ fb) & m).map(([, n]) => n).join(' ')})`);
  for (let k = 0; k < SCRATCH32; k++) if (nat[36 + k] !== emu[36 + k]) { out.push(`scratch[${k}]: native ${nat[36 + k]} emulator ${emu[36 + k]}`); break; }
  return out;
}

function check(dir: string, name: string, cases: Case32[], jit: number): { bad: number[]; diffs: string[][]; emuStop: string; skipped?: boolean } {
  const b = build32(dir, name, programSource32(cases));
  if (b.error) throw new Error(`as/ld failed: ${b.error.slice(0, 2000)}`);
  const nat = runNative32(b.exe);
  if (!nat) return { bad: [], diffs: [], emuStop: '', skipped: true };
  const emu = runEmulated32(b.exe, cases.length, jit);
  const bad: number[] = [], diffs: string[][] = [];
  for (let k = 0; k < cases.length; k++) {
    const d = describe1(nat.subarray(k * OUT32, (k + 1) * OUT32), emu.out.subarray(k * OUT32, (k + 1) * OUT32));
    if (d.length) { bad.push(k); diffs.push(d); }
  }
  if (name === 'batch') console.log(`      ${emu.instructions} instructions emulated in compatibility mode and compared (${jit === 0 ? 'compiled blocks' : 'closures'})`);
  return { bad, diffs, emuStop: emu.stop };
}

function shrink(dir: string, c: Case32, jit: number): Case32 {
  let body = c.body;
  for (let chunk = Math.ceil(body.length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let progress = true; progress;) {
      progress = false;
      const cands: Case32[] = [];
      for (let i = 0; i < body.length; i += chunk) cands.push({ ...c, body: body.slice(0, i).concat(body.slice(i + chunk)) });
      if (cands.length === 0) break;
      const r = check(dir, 'shrink', cands.slice(0, 300), jit);
      if (r.bad.length) { body = cands[r.bad[0]].body; progress = body.length > 1; }
    }
  }
  return { ...c, body };
}

describe('CPU differential test in compatibility mode (i386 code) against this machine', function () {
  this.timeout(300_000);

  for (const jit of [Infinity, 0]) it(`${CASES} random i386 sequences of ${LEN} instructions match the real CPU (seed ${SEED}, ${jit === 0 ? 'blocks compiled to JS' : 'closures'})`, function () {
    if (process.arch !== 'x64' || process.platform !== 'linux') {
      console.log('      skipped: needs an x86-64 Linux host to run the native side');
      this.skip();
    }
    requireTools(this, 'as', 'ld');
    const dir = tempDir('trapdoor-cpu32-');
    try {
      const rng = new Rng(SEED);
      const cases = Array.from({ length: CASES }, () => makeCase(rng));
      const r = check(dir, 'batch', cases, jit);
      if (r.skipped) {
        console.log('      skipped: this host does not run i386 executables (no IA32 emulation in its kernel)');
        this.skip();
      }
      assert.ok(!r.emuStop.includes('internal error'), r.emuStop);
      assert.ok(r.emuStop.includes('"vector":128'), `the emulator stopped before the final int $0x80: ${r.emuStop}`);
      if (r.bad.length) {
        const k = r.bad[0];
        const small = shrink(dir, cases[k], jit);
        const again = check(dir, 'final', [small], jit);
        assert.fail(`seed ${SEED}: ${r.bad.length} of ${CASES} cases differ (emulator stop: ${r.emuStop}). Case ${k} shrunk to:\n` +
          small.body.flat().map((l) => '    ' + l).join('\n') + '\n' + (again.diffs[0] ?? r.diffs[0]).map((l) => '  ' + l).join('\n'));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
