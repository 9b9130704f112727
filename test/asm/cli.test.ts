// `trapdoor asm` as users call it: the bundled command line, its exit status and messages.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, tempDir } from '../helpers/tools';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function trapdoor(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('trapdoor asm (command line)', function () {
  let dir = '';
  before(function () {
    assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build`);
    dir = tempDir();
    fs.copyFileSync(path.join(repoRoot, 'examples', 'hello.s'), path.join(dir, 'hello.s'));
    fs.copyFileSync(path.join(repoRoot, 'examples', 'hello.asm'), path.join(dir, 'hello.asm'));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  for (const src of ['hello.s', 'hello.asm']) {
    it(`assembles examples/${src} into an executable that prints Hello, world`, function () {
      const r = trapdoor(['asm', src, '-o', 'hello'], dir);
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(r.stderr, '');
      const st = fs.statSync(path.join(dir, 'hello'));
      assert.ok((st.mode & 0o111) !== 0, 'output is not executable');
      if (process.platform === 'linux' && process.arch === 'x64') {
        const run = spawnSync(path.join(dir, 'hello'), [], { encoding: 'utf8' });
        assert.strictEqual(run.stdout, 'Hello, world\n');
        assert.strictEqual(run.status, 0);
      }
    });
  }

  it('reports errors as file:line:col: error: message, exits 1, writes nothing, no stack trace', function () {
    fs.writeFileSync(path.join(dir, 'bad.s'), '_start:\n\tmovl $1, %eax\n\tfrobnicate %eax\n\tmov %al, %rbx\n');
    const r = trapdoor(['asm', 'bad.s', '-o', 'bad'], dir);
    assert.strictEqual(r.status, 1);
    assert.ok(!fs.existsSync(path.join(dir, 'bad')), 'an output file was written despite errors');
    const lines = r.stderr.trim().split('\n');
    assert.strictEqual(lines.length, 2, r.stderr);
    assert.match(lines[0], /^bad\.s:3:2: error: no such instruction: `frobnicate/);
    assert.match(lines[1], /^bad\.s:4:\d+: error: /);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  });

  it('a missing input file is a clear error', function () {
    const r = trapdoor(['asm', 'nope.s'], dir);
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /nope\.s.*No such file or directory/);
  });

  it('unknown options and no inputs are usage errors (exit 2)', function () {
    assert.strictEqual(trapdoor(['asm'], dir).status, 2);
    assert.strictEqual(trapdoor(['asm', '--frob', 'x.s'], dir).status, 2);
    assert.strictEqual(trapdoor(['frob'], dir).status, 2);
  });
});
