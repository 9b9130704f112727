// GNU as `.intel_syntax noprefix` differential test: 3,000 generated lines assembled by `as --64`
// (bytes via objcopy, line addresses via the -al listing) and by our Intel parser + encoder.

import * as assert from 'assert';
import { requireTools } from '../../helpers/tools';
import { compareWithTool, knownGap, unusedGaps } from './gen-intel-diff';
import { IntelGen } from './gen-intel';

describe('GNU as .intel_syntax differential', () => {
  it('encodes 3,000 generated Intel-syntax lines exactly as GNU as does', function () {
    requireTools(this, 'as', 'objcopy');
    const lines = new IntelGen(0x494e5445, 'gas').lines(3000);
    const diff = compareWithTool('gas', lines);
    const bad = diff.filter((b) => !knownGap('gas', b.line));
    const gaps = diff.length - bad.length;
    console.log(`      ${lines.length - diff.length} of ${lines.length} lines identical to GNU as; ${gaps} known encoder gaps (gen-intel-diff.ts ENCODER_GAPS)`);
    for (const b of [...bad, ...diff.filter((d) => knownGap('gas', d.line))].slice(0, +(process.env.DIFF_SHOW ?? 40))) {
      console.log(`      ${b.line.padEnd(44)} as ${b.ref.padEnd(24)} ours ${b.ours}${knownGap('gas', b.line) ? '  (known gap)' : ''}`);
    }
    for (const why of unusedGaps('gas', diff.map((d) => d.line))) console.log(`      gap no longer seen (fixed?): ${why}`);
    assert.strictEqual(bad.length, 0, `${bad.length} lines differ from GNU as`);
  });
});
