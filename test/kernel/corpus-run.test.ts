// The ground truth: every corpus program runs on the emulated machine (`trapdoor run`) with the
// stdout, exit status and strace trace that the real Linux kernel produced. The corpus's own
// checker compares them (stdout byte for byte, exit status, normalised strace -f -o trace).

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, tempDir } from '../helpers/tools';

const corpus = path.join(repoRoot, 'test', 'corpus');
const cli = path.join(repoRoot, 'dist', 'cli.js');

describe('corpus on the emulated machine: stdout, exit status and strace trace as on real Linux', function () {
  const cases = fs.readdirSync(corpus).filter((d) => fs.existsSync(path.join(corpus, d, 'case.json')));
  let work = '';
  before(function () {
    assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build`);
    work = tempDir('trapdoor-corpus-run-');
    fs.cpSync(corpus, work, { recursive: true });
  });
  after(() => work && fs.rmSync(work, { recursive: true, force: true }));

  it(`the corpus checker passes ${cases.length} cases with STRACE_OPT=-o`, function () {
    this.timeout(600000);
    const r = spawnSync('bash', [path.join(work, 'check.sh'), `${process.execPath} ${cli} run`, ...cases], {
      encoding: 'utf8',
      env: { ...process.env, STRACE_OPT: '-o', CHECK_VERBOSE: '1' },
    });
    const out = r.stdout + r.stderr;
    assert.ok(cases.length >= 20, `the corpus has all its cases (${cases.length})`);
    assert.match(out, new RegExp(`^${cases.length} passed, 0 failed$`, 'm'), out);
    assert.strictEqual(r.status, 0, out);
  });
});
