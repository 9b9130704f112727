// NASM differential test: 4,000 generated instruction lines assembled by `nasm -f bin` (bits 64,
// NASM 2.16's default -Ox) and by our Intel parser + nasmRewrite + encoder must give identical bytes.

import * as assert from 'assert';
import { requireTools } from '../../helpers/tools';
import { compareWithTool, knownGap, unusedGaps } from './gen-intel-diff';
import { IntelGen } from './gen-intel';

describe('NASM differential (bits 64, -f bin)', () => {
  it('encodes 4,000 generated NASM lines exactly as nasm does', function () {
    requireTools(this, 'nasm');
    const lines = new IntelGen(0x4e41534d, 'nasm').lines(4000);
    const diff = compareWithTool('nasm', lines);
    const bad = diff.filter((b) => !knownGap('nasm', b.line));
    const gaps = diff.length - bad.length;
    console.log(`      ${lines.length - diff.length} of ${lines.length} lines identical to nasm; ${gaps} known encoder gaps (gen-intel-diff.ts ENCODER_GAPS)`);
    for (const b of [...bad, ...diff.filter((d) => knownGap('nasm', d.line))].slice(0, +(process.env.DIFF_SHOW ?? 40))) {
      console.log(`      ${b.line.padEnd(44)} nasm ${b.ref.padEnd(24)} ours ${b.ours}${knownGap('nasm', b.line) ? '  (known gap)' : ''}`);
    }
    for (const why of unusedGaps('nasm', diff.map((d) => d.line))) console.log(`      gap no longer seen (fixed?): ${why}`);
    assert.strictEqual(bad.length, 0, `${bad.length} lines differ from nasm`);
  });
});
