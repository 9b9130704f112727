// `npm run bench` (processes): fork + exit + wait rate over 10,000 processes with the host's RSS
// before and after (the leak check), and pipe throughput between two processes. Needs gcc
// to build the static test programs; prints a note and nothing else without it.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { LinuxSystem } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';
import { hasTool, repoRoot, tempDir } from '../helpers/tools';

const gc = (globalThis as { gc?: () => void }).gc;
const rssMiB = (): number => {
  gc?.();
  return Math.round(process.memoryUsage().rss / 1048576);
};

function run(exe: string, args: string[], cwd: string): { ms: number; out: string; insns: number; switches: number } {
  const io = new BufferHostIO();
  const sys = LinuxSystem.fromFile(exe, { argv: [exe, ...args], envp: [], cwd, hostIO: io });
  const t0 = performance.now();
  const r = sys.runToEnd(1e11);
  const ms = performance.now() - t0;
  if (r.kind !== 'exited') throw new Error(`${path.basename(exe)}: ${JSON.stringify(r)}`);
  return { ms, out: Buffer.from(io.out[1]).toString(), insns: sys.machine.cpu.instructions, switches: 0 };
}

function main(): void {
  if (!hasTool('gcc')) {
    console.log('proc-bench: skipped (gcc is needed to build the static test programs)');
    return;
  }
  const dir = tempDir('trapdoor-proc-bench-');
  try {
    const src = path.join(repoRoot, 'test', 'kernel', 'programs', 'procs');
    for (const p of ['manyforks', 'pipebench']) {
      const r = spawnSync('gcc', ['-static', '-O2', '-o', path.join(dir, p), path.join(src, `${p}.c`)]);
      if (r.status !== 0) { console.log(`proc-bench: skipped (gcc -static failed for ${p}.c)`); return; }
    }
    const before = rssMiB();
    const f = run(path.join(dir, 'manyforks'), ['10000'], dir);
    const after = rssMiB();
    console.log(`processes: 10,000 fork+exit+wait in ${(f.ms / 1000).toFixed(2)} s = ${Math.round(10000 / (f.ms / 1000))}/s (${f.out.trim()})`);
    console.log(`processes: host RSS ${before} MiB before, ${after} MiB after${gc ? ' (after a GC)' : ' (run node with --expose-gc for exact figures)'}`);
    const again = run(path.join(dir, 'manyforks'), ['10000'], dir);
    console.log(`processes: a second 10,000: ${(again.ms / 1000).toFixed(2)} s, host RSS ${rssMiB()} MiB`);
    const p = run(path.join(dir, 'pipebench'), ['64'], dir);
    console.log(`pipes: 64 MiB parent <- child in ${(p.ms / 1000).toFixed(2)} s = ${Math.round(64 / (p.ms / 1000))} MiB/s (${p.out.trim()})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
