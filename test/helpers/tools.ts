// Helpers for tests that compare with host tools: find a tool, skip with a message without it.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const found = new Map<string, boolean>();

/** True when `tool` runs on this machine (`tool --version`). */
export function hasTool(tool: string): boolean {
  if (!found.has(tool)) {
    const r = spawnSync(tool, ['--version'], { stdio: 'ignore' });
    found.set(tool, r.status === 0);
  }
  return found.get(tool)!;
}

/** Skips the current test or suite with a visible reason when a host tool is missing. */
export function requireTools(ctx: Mocha.Context, ...tools: string[]): void {
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length > 0) {
    console.log(`      skipped: needs ${missing.join(', ')} on this machine (apt-get install -y binutils nasm gdb)`);
    ctx.skip();
  }
}

export function tempDir(prefix = 'trapdoor-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The repository root (tests run from out/test/...). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
