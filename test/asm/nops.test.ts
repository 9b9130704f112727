// Alignment padding in code is the same bytes GNU as emits, for every gap size from 1 to 600.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { nopFill } from '../../emulator/asm/nops';
import { requireTools, tempDir } from '../helpers/tools';

const BLOCK = 1024;
const MAX = 600;

function gnuPadding(dir: string, bits: 32 | 64): Buffer {
  const lines = [bits === 32 ? '.code32' : '.code64'];
  for (let n = 1; n <= MAX; n++) lines.push(`.balign ${BLOCK}`, `.fill ${BLOCK - n}, 1, 0xcc`, `.balign ${BLOCK}`);
  fs.writeFileSync(path.join(dir, 'pad.s'), lines.join('\n') + '\n');
  for (const [cmd, args] of [
    ['as', [`--${bits}`, '-o', 'pad.o', 'pad.s']],
    ['objcopy', ['-O', 'binary', '--only-section=.text', 'pad.o', 'pad.bin']],
  ] as const) {
    const r = spawnSync(cmd, [...args], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, r.stderr);
  }
  return fs.readFileSync(path.join(dir, 'pad.bin'));
}

describe('code alignment padding matches GNU as', function () {
  for (const bits of [64, 32] as const) {
    it(`${bits}-bit: NOP patterns and the jump over long gaps, sizes 1..${MAX}`, function () {
      requireTools(this, 'as', 'objcopy');
      const dir = tempDir();
      try {
        const bin = gnuPadding(dir, bits);
        for (let n = 1; n <= MAX; n++) {
          const want = bin.subarray(n * BLOCK - n, n * BLOCK).toString('hex');
          assert.strictEqual(Buffer.from(nopFill(n, bits)).toString('hex'), want, `gap of ${n} bytes`);
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
