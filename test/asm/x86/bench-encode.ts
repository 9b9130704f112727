// Encoder speed check (a script, not a test): 10,000 distinct generated AT&T instructions encoded
// once (caches cold, JIT and tables warmed on another 10,000), then again in 10 passes as the
// driver's relaxation loop would (best pass reported).
// Run: npx tsc -p . && node out/test/asm/x86/bench-encode.js

import { tryConst } from '../../../emulator/asm/expr';
import { Insn } from '../../../emulator/asm/ir';
import { parseAttInstruction } from '../../../emulator/asm/x86/att';
import { encodeInsn, EncodeEnv, Resolved } from '../../../emulator/asm/x86/encode';
import { generateAtt } from './gen-att';

const COUNT = 10000;

function distinctInsns(firstSeed: number, seen: Set<string>): Insn[] {
  const out: Insn[] = [];
  for (let seed = firstSeed; out.length < COUNT && seed < firstSeed + 10000; seed++) {
    for (const line of generateAtt({ seed, bitness: 64 })) {
      if (seen.has(line) || /^[.\w]+:$|^\.fill/.test(line)) continue;
      seen.add(line);
      try {
        out.push(parseAttInstruction(line, { file: 'b.s', line: 1, col: 1 }));
      } catch {
        continue;
      }
      if (out.length === COUNT) break;
    }
  }
  return out;
}

const seen = new Set<string>();
const warmup = distinctInsns(1, seen);
const insns = distinctInsns(5000, seen);
// Resolved once per expression, so the figures are the encoder's (tryConst throws on symbols).
const resolved = new WeakMap<object, Resolved>();
const resolve = (e: Parameters<EncodeEnv['resolve']>[0]): Resolved => {
  let r = resolved.get(e);
  if (!r) {
    const c = tryConst(e, () => undefined);
    resolved.set(e, (r = c === undefined ? { kind: 'local', offset: 0x40n } : { kind: 'const', value: c }));
  }
  return r;
};
function pass(insns: Insn[]): { ms: number; errors: number } {
  // CPU time, not wall time: the figures should not depend on what else the machine runs.
  const t0 = process.cpuUsage();
  let errors = 0;
  let address = 0n;
  for (const insn of insns) {
    try {
      address += BigInt(encodeInsn(insn, { bitness: 64, address, resolve, longBranch: false }).bytes.length);
    } catch {
      errors++;
    }
  }
  const t = process.cpuUsage(t0);
  return { ms: (t.user + t.system) / 1000, errors };
}
pass(warmup);
const cold = pass(insns);
const warm: number[] = [];
for (let i = 0; i < +(process.env.BENCH_REPEAT ?? 10); i++) warm.push(pass(insns).ms);
console.log(`${insns.length} distinct instructions (${cold.errors} refused)`);
console.log(`first pass: ${cold.ms.toFixed(0)} ms (${((cold.ms * 1000) / insns.length).toFixed(1)} us/insn)`);
const best = Math.min(...warm);
console.log(`repeat passes: best ${best.toFixed(0)} ms (${((best * 1000) / insns.length).toFixed(2)} us/insn)`);
