// `trapdoor run` and `trapdoor syscalls` as users call them: the bundled command line.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot, tempDir } from '../helpers/tools';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function trapdoor(args: string[], cwd: string, input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('trapdoor run (command line)', function () {
  let dir = '';
  before(function () {
    assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build`);
    dir = tempDir();
    fs.copyFileSync(path.join(repoRoot, 'examples', 'hello.s'), path.join(dir, 'hello.s'));
    fs.writeFileSync(path.join(dir, 'exit3.s'), '.globl _start\n_start: mov $60, %eax\n mov $3, %edi\n syscall\n');
    fs.writeFileSync(path.join(dir, 'segv.s'), '.globl _start\n_start: movl $1, 0\n');
    fs.writeFileSync(path.join(dir, 'cat.s'), [
      '.globl _start', '_start:', '1: xor %eax, %eax', ' xor %edi, %edi', ' lea buf(%rip), %rsi', ' mov $64, %edx', ' syscall',
      ' test %rax, %rax', ' jle 2f', ' mov %rax, %rdx', ' mov $1, %eax', ' mov $1, %edi', ' lea buf(%rip), %rsi', ' syscall', ' jmp 1b',
      '2: mov $60, %eax', ' xor %edi, %edi', ' syscall', '.bss', 'buf: .zero 64', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'bad.s'), '_start:\n  frobnicate %eax\n');
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('runs hello.s on the emulated machine and prints its trace with --strace', function () {
    const r = trapdoor(['run', 'hello.s', '--strace'], dir);
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.stdout, 'Hello, world\n');
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], /^execve\("hello\.s", \["hello\.s"\], 0x[0-9a-f]+ \/\* \d+ vars \*\/\) = 0$/);
    assert.match(lines[1], /^write\(1, "Hello, world\\n", 13\) += 13$/);
    assert.match(lines[2], /^exit\(0\) += \?$/);
    assert.strictEqual(lines[3], '+++ exited with 0 +++');
  });

  it("the exit status is the program's; a fatal signal is 128+N with the signal in the trace", function () {
    assert.strictEqual(trapdoor(['run', 'exit3.s'], dir).status, 3);
    const r = trapdoor(['run', '--strace', 'segv.s'], dir);
    assert.strictEqual(r.status, 139);
    assert.match(r.stderr, /--- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL\} ---/);
    assert.match(r.stderr, /\+\+\+ killed by SIGSEGV( \(core dumped\))? \+\+\+/);
  });

  it('forwards stdin to the program', function () {
    const r = trapdoor(['run', 'cat.s'], dir, 'one line\nanother\n');
    assert.strictEqual(r.status, 0, r.stderr);
    assert.strictEqual(r.stdout, 'one line\nanother\n');
  });

  it('-o FILE writes the trace there; -c prints the summary table; --json has call sites with source lines', function () {
    const o = trapdoor(['run', '-o', 'trace.txt', 'hello.s'], dir);
    assert.strictEqual(o.stderr, '');
    assert.match(fs.readFileSync(path.join(dir, 'trace.txt'), 'utf8'), /write\(1, "Hello, world\\n", 13\)/);
    const c = trapdoor(['run', '-c', 'hello.s'], dir);
    assert.match(c.stderr, /% time +seconds +usecs\/call +calls +errors syscall/);
    assert.match(c.stderr, /^.* 1 +write$/m);
    const j = trapdoor(['run', '--json', 'hello.s'], dir);
    const write = j.stderr.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.name === 'write');
    assert.ok(write, j.stderr);
    assert.strictEqual(write.siteLine, 'hello.s:18');
    assert.strictEqual(write.ret, '13');
    assert.ok(write.endInsn > write.startInsn);
  });

  it('--json shows execve with the arguments it was called with, not the new image', function () {
    for (const c of ['execve', 'hello-gas']) fs.cpSync(path.join(repoRoot, 'test', 'corpus', c), path.join(dir, c), { recursive: true });
    const r = trapdoor(['run', '--json', './execve'], path.join(dir, 'execve'));
    assert.strictEqual(r.stdout, 'execve: replacing myself with ../hello-gas/hello-gas\nHello, world!\n');
    const calls = r.stderr.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.name === 'execve');
    assert.deepStrictEqual(calls.map((e) => e.decoded[0]), ['"./execve"', '"../hello-gas/hello-gas"']);
    assert.strictEqual(calls[1].decoded[1], '["../hello-gas/hello-gas"]');
  });

  it('a source with errors is reported like GNU as, with exit status 1', function () {
    const r = trapdoor(['run', 'bad.s'], dir);
    assert.strictEqual(r.status, 1);
    assert.match(r.stderr, /^bad\.s:2:3: error: no such instruction: `frobnicate/m);
  });

  it('a file that is not an executable is refused with a clear message', function () {
    fs.writeFileSync(path.join(dir, 'notelf'), 'hello\n');
    const r = trapdoor(['run', './notelf'], dir);
    assert.notStrictEqual(r.status, 0);
    assert.match(r.stderr, /notelf/);
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
    assert.match(trapdoor(['run', 'missing'], dir).stderr, /No such file or directory/);
  });
});

describe('trapdoor syscalls (command line)', function () {
  it('--json lists both tables with nr, name, abi, handler, implemented and signature', function () {
    const r = trapdoor(['syscalls', '--json'], repoRoot);
    assert.strictEqual(r.status, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { nr: number; name: string; abi: string; handler: string; implemented: boolean; signature: string }[];
    const write = rows.find((x) => x.abi === '64' && x.nr === 1)!;
    assert.deepStrictEqual([write.name, write.handler, write.implemented], ['write', 'sys_write', true]);
    assert.strictEqual(write.signature, 'write(unsigned int fd, const char *buf, size_t count)');
    const clone = rows.find((x) => x.abi === '64' && x.name === 'clone')!;
    assert.deepStrictEqual([clone.handler, clone.implemented], ['sys_clone', true]);
    const mount = rows.find((x) => x.abi === '64' && x.name === 'mount')!;
    assert.deepStrictEqual([mount.handler, mount.implemented], ['sys_ni_syscall', false]);
    assert.strictEqual(rows.find((x) => x.abi === 'i386' && x.nr === 4)!.name, 'write');
    assert.ok(rows.filter((x) => x.abi === '64').length > 350);
  });
});
