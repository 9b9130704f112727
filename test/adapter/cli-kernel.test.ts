// `trapdoor run --kernel DIR`: a teacher's copy of the kernel tree, changed, is built and booted
// (here sys_getpid answers 4242, which strace shows and the exit status carries); a tree that does
// not assemble is reported with the assembler's file:line:col; a folder that is no tree says so.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, tempDir } from '../helpers/tools';

const cli = path.join(repoRoot, 'out', 'adapter', 'cli.js');
const KERNEL = path.join(repoRoot, 'emulator', 'kernel');

describe('trapdoor run --kernel (command line)', function () {
  this.timeout(60000);
  let dir = '';
  let tree = '';
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    // Each tree is a new image: its disk-cache entry stays in this test's folder.
    const r = spawnSync(process.execPath, [cli, 'run', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, TRAPDOOR_CACHE_DIR: path.join(dir, 'cache') } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  before(function () {
    dir = tempDir();
    tree = path.join(dir, 'k');
    fs.cpSync(KERNEL, tree, { recursive: true, filter: (src) => fs.statSync(src).isDirectory() || /\.(S|h|tbl)$/.test(src) });
    const sys = path.join(tree, 'kernel', 'sys.S');
    fs.writeFileSync(sys, fs.readFileSync(sys, 'utf8').replace(/^\tTASK_FIELD sys_getpid,.*$/m,
      'SYM_FUNC_START(sys_getpid)\n\tmovl\t$4242, %eax\n\tret\nSYM_FUNC_END(sys_getpid)'));
    fs.writeFileSync(path.join(dir, 'pid.s'), '.globl _start\n_start: mov $39, %eax\n syscall\n mov %eax, %edi\n mov $60, %eax\n syscall\n');
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('boots the changed tree: getpid() = 4242', function () {
    const r = run('--kernel', tree, 'pid.s', '--strace');
    assert.strictEqual(r.status, 4242 & 0xff, r.stderr);
    assert.match(r.stderr, /^getpid\(\)\s+= 4242$/m);
  });

  it('a tree that does not assemble: file:line:col and status 1; a folder that is no tree: a clear message', function () {
    const broken = path.join(dir, 'broken');
    fs.cpSync(tree, broken, { recursive: true });
    fs.appendFileSync(path.join(broken, 'kernel', 'sys.S'), '\tbogus %rax\n');
    const r = run('--kernel', broken, 'pid.s');
    assert.strictEqual(r.status, 1);
    assert.ok(r.stderr.includes(`${path.join(broken, 'kernel', 'sys.S')}:`), r.stderr);
    assert.match(r.stderr, /sys\.S:\d+:\d+: error: no such instruction/);
    const none = run('--kernel', dir, 'pid.s');
    assert.strictEqual(none.status, 1);
    assert.match(none.stderr, /is not a kernel tree/);
  });
});
