// Shared helpers for the native-service tests: build a fixture C program with gcc, run a command.

import { spawnSync } from 'child_process';
import * as path from 'path';
import { hasTool, repoRoot } from '../../helpers/tools';

export const fixtures = path.join(repoRoot, 'test', 'kernel', 'native', 'fixtures');
export const corpus = path.join(repoRoot, 'test', 'corpus');

/** Builds fixtures/NAME.c into `dir` with extra gcc flags; undefined (with a message) when gcc is missing or fails. */
export function buildFixture(name: string, dir: string, flags: string[]): string | undefined {
  if (!hasTool('gcc')) { console.log('      skipped: needs gcc on this machine'); return undefined; }
  const out = path.join(dir, name);
  const r = spawnSync('gcc', [...flags, '-o', out, path.join(fixtures, name + '.c')], { encoding: 'utf8' });
  if (r.status !== 0) { console.log(`      skipped: gcc failed: ${r.stderr}`); return undefined; }
  return out;
}

/** Runs `cmd` with a clean environment and ASLR off (setarch -R) in `cwd`; undefined when that is not possible. */
export function runNoAslr(cmd: string, args: string[], env: Record<string, string>, cwd: string): string | undefined {
  // Only a missing or refused setarch skips the comparison; a failing program is the test's failure.
  const probe = spawnSync('setarch', ['x86_64', '-R', 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) { console.log(`      skipped: cannot run natively with ASLR off (setarch -R): ${probe.error?.message ?? probe.stderr}`); return undefined; }
  const r = spawnSync('env', ['-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'setarch', 'x86_64', '-R', cmd, ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed natively (status ${r.status}): ${r.stderr}`);
  return r.stdout;
}
