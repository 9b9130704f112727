// Differential test: thousands of generated AT&T lines assembled by GNU as and by our parser +
// encoder must give identical bytes, line by line (64-bit, plus a 32-bit run).

import * as assert from 'assert';
import { generateAtt } from './gen-att';
import { diffWithGas, haveGnuAs, DiffResult } from './gas-harness';

function report(r: DiffResult): string {
  const shown = r.mismatches.slice(0, 40).map((m) => `  line ${m.line}: ${m.text}\n    gnu:  ${m.gnu}\n    ours: ${m.ours}`);
  return `${r.mismatches.length} of ${r.compared} lines differ${r.gasErrors.length ? `; GNU as errors:\n  ${r.gasErrors.slice(0, 10).join('\n  ')}` : ''}\n${shown.join('\n')}`;
}

describe('x86 encoder vs GNU as (AT&T)', function () {
  this.timeout(60000);
  before(function () {
    if (!haveGnuAs()) {
      console.log('    GNU as/objcopy not found: skipping the differential test');
      this.skip();
    }
  });

  it('encodes generated 64-bit lines byte-identically to as --64', () => {
    const lines: string[] = [];
    for (let seed = 1; lines.length < 5000; seed++) lines.push(...generateAtt({ seed, bitness: 64 }));
    const r = diffWithGas(lines, 64);
    console.log(`    64-bit: ${r.compared} lines compared, ${r.mismatches.length} mismatches`);
    assert.strictEqual(r.gasErrors.length, 0, report(r));
    assert.strictEqual(r.mismatches.length, 0, report(r));
    assert.ok(r.textIdentical, '.text section differs from the concatenation of our lines');
    assert.ok(r.compared >= 5000);
  });

  it('encodes generated 32-bit lines byte-identically to as --32', () => {
    const lines = generateAtt({ seed: 1000, bitness: 32 });
    const r = diffWithGas(lines, 32);
    console.log(`    32-bit: ${r.compared} lines compared, ${r.mismatches.length} mismatches`);
    assert.strictEqual(r.gasErrors.length, 0, report(r));
    assert.strictEqual(r.mismatches.length, 0, report(r));
    assert.ok(r.textIdentical, '.text section differs from the concatenation of our lines');
  });
});
