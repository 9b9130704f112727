// Differential test against this machine's CPU: seeded random sequences run natively and in the
// emulator; every GPR, RFLAGS, XMM register and the scratch buffer must match. A failure prints the
// seed and shrinks the failing case to the smallest sequence that still differs.

import * as assert from 'assert';
import * as fs from 'fs';
import { Rng } from '../helpers/random';
import { requireTools, tempDir } from '../helpers/tools';
import { Gen, SCRATCH } from './gen';
import { Case, programSource, build, runNative, runEmulated, OUT_SIZE, FLAG_NAMES } from './harness';

const CASES = 400, LEN = 500;
const SEED = Number(process.env.CPU_DIFF_SEED ?? 20240601);

function makeCase(rng: Rng): Case {
  const g = new Gen(rng);
  const regs = Array.from({ length: 14 }, () => g.value());
  const xmm = Array.from({ length: 32 }, () => g.value());
  const scratch = new Uint8Array(SCRATCH).map(() => rng.int(256));
  const flags = (rng.int(0x1000) & 0x8d5) | 0x202;
  const body: string[][] = [];
  let n = 0;
  while (n < LEN) { const idiom = g.next(); body.push(idiom); n += idiom.filter((l) => !l.endsWith(':')).length; }
  return { regs, flags, xmm, scratch, body };
}

const NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'mxcsr', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'x87 status word'];
function describe1(nat: Uint8Array, emu: Uint8Array): string[] {
  const dn = new DataView(nat.buffer, nat.byteOffset), de = new DataView(emu.buffer, emu.byteOffset);
  const out: string[] = [];
  for (let i = 0; i < 16; i++) {
    const a = dn.getBigUint64(i * 8, true), b = de.getBigUint64(i * 8, true);
    if (a !== b) out.push(`${NAMES[i]}: native 0x${a.toString(16)} emulator 0x${b.toString(16)}`);
  }
  const fa = dn.getUint32(128, true), fb = de.getUint32(128, true);
  if (fa !== fb) out.push(`rflags: native 0x${fa.toString(16)} emulator 0x${fb.toString(16)} (differ: ${FLAG_NAMES.filter(([m]) => (fa ^ fb) & m).map(([, n]) => n).join(' ')})`);
  for (let x = 0; x < 16; x++) {
    const o = 136 + x * 16, h = (b: Uint8Array) => Buffer.from(b.subarray(o, o + 16)).reverse().toString('hex');
    if (h(nat) !== h(emu)) out.push(`xmm${x}: native ${h(nat)} emulator ${h(emu)}`);
  }
  for (let k = 0; k < SCRATCH; k++) if (nat[392 + k] !== emu[392 + k]) { out.push(`scratch[${k}]: native ${nat[392 + k]} emulator ${emu[392 + k]}`); break; }
  return out;
}

/** Runs cases with the closures only (jit Infinity) or every block compiled to JS (jit 0); returns
 *  the indices whose state differs (and the diffs). */
function check(dir: string, name: string, cases: Case[], jit: number): { bad: number[]; diffs: string[][]; emuStop: string } {
  const b = build(dir, name, programSource(cases));
  if (b.error) throw new Error(`as/ld failed: ${b.error.slice(0, 2000)}`);
  const nat = runNative(b.exe);
  const emu = runEmulated(b.exe, cases.length, undefined, jit);
  const bad: number[] = [], diffs: string[][] = [];
  for (let k = 0; k < cases.length; k++) {
    const d = describe1(nat.subarray(k * OUT_SIZE, (k + 1) * OUT_SIZE), emu.out.subarray(k * OUT_SIZE, (k + 1) * OUT_SIZE));
    if (d.length) { bad.push(k); diffs.push(d); }
  }
  if (name === 'batch') console.log(`      ${emu.instructions} instructions emulated and compared (${jit === 0 ? 'compiled blocks' : 'closures'})`);
  return { bad, diffs, emuStop: emu.stop };
}

/** Shrinks a failing case: repeatedly drops chunks of lines while the case still fails. */
function shrink(dir: string, c: Case, jit: number): Case {
  let body = c.body;
  for (let chunk = Math.ceil(body.length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let progress = true; progress;) {
      progress = false;
      const cands: Case[] = [];
      for (let i = 0; i < body.length; i += chunk) {
        const nb = body.slice(0, i).concat(body.slice(i + chunk));
        cands.push({ ...c, body: nb });
      }
      if (cands.length === 0) break;
      const r = check(dir, 'shrink', cands.slice(0, 300), jit);
      if (r.bad.length) { body = cands[r.bad[0]].body; progress = body.length > 1; }
    }
  }
  return { ...c, body };
}

describe('CPU differential test against this machine', function () {
  this.timeout(300_000);

  for (const jit of [Infinity, 0]) it(`${CASES} random sequences of ${LEN} instructions match the real CPU (seed ${SEED}, ${jit === 0 ? 'blocks compiled to JS' : 'closures'})`, function () {
    if (process.arch !== 'x64' || process.platform !== 'linux') {
      console.log('      skipped: needs an x86-64 Linux host to run the native side');
      this.skip();
    }
    requireTools(this, 'as', 'ld');
    const dir = tempDir('trapdoor-cpu-');
    try {
      const rng = new Rng(SEED);
      const cases = Array.from({ length: CASES }, () => makeCase(rng));
      const r = check(dir, 'batch', cases, jit);
      assert.ok(!r.emuStop.includes('internal error'), r.emuStop);
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
