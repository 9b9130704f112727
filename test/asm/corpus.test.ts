// Every assembly source of the ground-truth corpus, assembled by Trapdoor (not by GNU as or NASM),
// runs natively on this machine with the stdout and exit status the real machine recorded.
// The corpus's own checker compares them, so the test means what the corpus README says.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram, formatDiagnostic } from '../../emulator/asm/index';
import { repoRoot, tempDir } from '../helpers/tools';

const corpus = path.join(repoRoot, 'test', 'corpus');

interface CaseJson {
  name: string;
  source: string | null;
  syntax: string;
}

function assemblyCases(): CaseJson[] {
  return fs
    .readdirSync(corpus)
    .filter((d) => fs.existsSync(path.join(corpus, d, 'case.json')))
    .map((d) => JSON.parse(fs.readFileSync(path.join(corpus, d, 'case.json'), 'utf8')) as CaseJson)
    .filter((c) => c.source && (c.syntax === 'gas' || c.syntax === 'nasm'));
}

describe('corpus: sources assembled by Trapdoor run natively like the recorded originals', function () {
  const cases = assemblyCases();
  let work = '';

  before(function () {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      console.log('      skipped: running the assembled corpus natively needs x86-64 Linux');
      this.skip();
    }
    work = tempDir('trapdoor-corpus-');
    fs.cpSync(corpus, work, { recursive: true });
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('finds the corpus assembly cases', function () {
    assert.ok(cases.length >= 14, `only ${cases.length} assembly cases found in ${corpus}`);
  });

  for (const c of cases) {
    it(`assembles ${c.name}/${c.source} without errors`, function () {
      const dir = path.join(work, c.name);
      const r = assembleProgram([{ path: path.join(dir, c.source!) }]);
      const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      assert.deepStrictEqual(errors, []);
      assert.ok(r.image, 'no executable produced');
      // Replace the recorded binary with ours, so the checker runs what Trapdoor made.
      fs.writeFileSync(path.join(dir, c.name), r.image!, { mode: 0o755 });
    });
  }

  it('the corpus checker passes every assembled case natively (stdout and exit status)', function () {
    const r = spawnSync('bash', [path.join(work, 'check.sh'), 'env', ...cases.map((c) => c.name)], { encoding: 'utf8', env: { ...process.env, CHECK_VERBOSE: '1' } });
    const out = r.stdout + r.stderr;
    assert.strictEqual(r.status, 0, out);
    assert.match(out, new RegExp(`^${cases.length} passed, 0 failed$`, 'm'), out);
  });
});
