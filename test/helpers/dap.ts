// One DebugClient per test against the real adapter process (the compiled out/adapter/dap/main.js),
// for the DAP test files.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { repoRoot } from './tools';

export const ADAPTER = path.join(repoRoot, 'out', 'adapter', 'dap', 'main.js');

/** Starts a fresh adapter before each test of the calling suite and stops it after; read it with the getter. */
export function useDebugClient(): () => DebugClient {
  let dc: DebugClient | undefined;
  before(function () {
    assert.ok(fs.existsSync(ADAPTER), `${ADAPTER} is missing: run npx tsc -p .`);
  });
  beforeEach(async function () {
    dc = new DebugClient(process.execPath, ADAPTER, 'trapdoor');
    await dc.start();
  });
  afterEach(async function () {
    await dc?.stop();
    dc = undefined;
  });
  return () => dc!;
}
