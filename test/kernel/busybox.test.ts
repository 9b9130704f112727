// Debian's static busybox as a differential test of the whole machine: each command line runs
// natively and on the emulated machine, with the same arguments, environment and stdin, in a fresh
// folder with the same files at the same path (the emulator's working directory); stdout, stderr
// and the exit status must be identical. Lines that would differ for reasons outside the machine
// are left out: process ids, owners by name (the guest is root), the host's own /proc, writes
// outside the sandbox (EROFS on purpose).

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LinuxSystem } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';
import { tempDir } from '../helpers/tools';

const BUSYBOX = '/bin/busybox';

interface BusyboxCase {
  args: string[];
  stdin?: string;
}

const sh = (script: string, stdin?: string): BusyboxCase => ({ args: ['sh', '-c', script], stdin });

const CASES: BusyboxCase[] = [
  // Single applets.
  { args: ['echo', 'hello', 'world'] },
  { args: ['printf', '%s-%d-%x\\n', 'a', '42', '255'] },
  { args: ['cat', 'a.txt'] },
  { args: ['cat'], stdin: 'from stdin\n' },
  { args: ['cat', 'missing'] },
  { args: ['ls'] },
  { args: ['ls', '-a', 'sub'] },
  { args: ['ls', '-R'] },
  { args: ['wc', 'a.txt'] },
  { args: ['sort', 'a.txt'] },
  { args: ['sort', '-n', '-r', 'nums.txt'] },
  { args: ['grep', 'app', 'a.txt'] },
  { args: ['grep', '-c', 'apple'], stdin: 'apple\npear\napple pie\n' },
  { args: ['sed', 's/a/A/g', 'a.txt'] },
  { args: ['sed', '-n', '2p', 'a.txt'] },
  { args: ['head', '-n', '2', 'a.txt'] },
  { args: ['tr', 'a-z', 'A-Z'], stdin: 'abc\n' },
  { args: ['find', '.'] },
  { args: ['find', '.', '-name', '*.txt', '-type', 'f'] },
  { args: ['pwd'] },
  { args: ['realpath', 'sub/../a.txt'] },
  { args: ['stat', '-c', '%s %a %F %h %n', 'a.txt', 'sub'] },
  { args: ['cat', '/proc/self/cmdline'] },
  { args: ['uname', '-s'] },
  { args: ['true'] },
  { args: ['false'] },
  // The shell: pipelines (pipe2, fork, dup2, execve, wait4), lists, redirections.
  sh('cat a.txt | sort | uniq -c; echo done && echo ok'),
  sh('false || echo no; true && echo yes'),
  sh('for i in 1 2 3; do echo $i; done | tac'),
  sh('x=$(echo sub); echo $x; ls $x'),
  sh('cat < a.txt > b.txt; wc -l b.txt; cmp a.txt b.txt && echo same'),
  sh('mkdir d1 && echo hi > d1/f && cat d1/f && rm -r d1 && ls'),
  sh('mkdir -p p/q/r && find p -type d | sort && rmdir p/q/r p/q p && ls'),
  sh('echo one > f; echo two >> f; cat f; rm f; cat f'),
  sh('echo hi | tee t1 t2 > /dev/null; cat t1 t2'),
  sh('cp a.txt c.txt && diff a.txt c.txt && echo nodiff'),
  sh('mv a.txt moved.txt && ls && cat moved.txt | head -1'),
  sh('ln -s a.txt l; readlink l; cat l; ln a.txt h; stat -c %h a.txt; ls -i a.txt h | cut -d" " -f1 | uniq | wc -l'),
  sh('touch t; chmod 640 t; stat -c %a t; chmod u+x t; stat -c %A t'),
  sh('umask 077; touch m; mkdir md; stat -c %a m md'),
  sh('touch -d "2020-01-02 03:04:05" z; stat -c %Y z'),
  sh('truncate -s 3 a.txt; cat a.txt; echo; truncate -s 6 a.txt; od -c a.txt'),
  sh('head -c 5 a.txt | od -c'),
  sh('echo abc | md5sum; echo abc | sha256sum'),
  sh('seq 1 20 | tail -n 3'),
  sh("seq 5 | awk '{s+=$1} END {print s}'"),
  sh("printf 'b\\na\\nb\\n' | sort -u"),
  sh('echo hello | cut -c2-4; basename /a/b/c.txt .txt; dirname /a/b/c.txt'),
  sh('expr 6 \\* 7; test -d sub && test -f a.txt && echo both'),
  sh('echo a b c | xargs -n 1 echo x'),
  sh('yes | head -n 3'),
  sh('dd if=a.txt bs=4 count=2 2>/dev/null; echo'),
  sh('cat <<EOF\nhere $((1+2))\nEOF'),
  sh('cd sub && pwd && cd .. && pwd'),
  sh('trap "echo trapped" EXIT; echo body'),
  sh('exit 42'),
  sh('kill -9 $$'),
  sh('sleep 0; echo slept'),
  sh('seq 1 30000 > big; cat big | head -n 2; cat big | wc -l; cat big | tail -c 7'),
  sh('/bin/echo dynamic; /usr/bin/env | sort; /bin/true && echo $?'),
  sh('exec 5<a.txt; readlink /proc/self/fd/5; ls -l /proc/self/fd/5 | grep -c a.txt; cat /proc/self/fd/5 | wc -l'),
  sh('wc -c < /proc/self/status > /dev/null && grep -c "^Name:" /proc/self/status'),
  sh('read x; echo got $x', 'line1\nline2\n'),
];

const ENV = (home: string): Record<string, string> => ({ PATH: '/bin:/usr/bin', LC_ALL: 'C', HOME: home });

/** The files every command line starts with, dated 2023-11-14 so listings are the same. */
function populate(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'a.txt'), 'banana\napple\ncherry\napple\n');
  fs.writeFileSync(path.join(dir, 'nums.txt'), '3\n10\n2\n');
  fs.writeFileSync(path.join(dir, 'sub', 'x.txt'), 'x\n');
  for (const f of ['a.txt', 'nums.txt', 'sub/x.txt', 'sub']) fs.utimesSync(path.join(dir, f), 1700000000, 1700000000);
}

interface Outcome { stdout: string; stderr: string; status: number | string }

function runNatively(c: BusyboxCase, dir: string): Outcome {
  populate(dir);
  const r = spawnSync(BUSYBOX, c.args, { cwd: dir, input: c.stdin ?? '', env: ENV(dir), argv0: BUSYBOX, timeout: 20000 });
  const status = r.status ?? (r.signal ? 128 + os.constants.signals[r.signal] : 'none');
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), status };
}

function runEmulated(c: BusyboxCase, dir: string): Outcome {
  populate(dir);
  const io = new BufferHostIO(Buffer.from(c.stdin ?? ''));
  const env = ENV(dir);
  const sys = LinuxSystem.fromFile(BUSYBOX, { argv: [BUSYBOX, ...c.args], envp: Object.entries(env).map(([k, v]) => `${k}=${v}`), cwd: dir, hostIO: io });
  let r;
  try { r = sys.runToEnd(2e9); } finally { sys.close(); }
  const status = r.kind === 'exited' ? (r.signal ? 128 + r.signal : r.code ?? 0) : `${r.kind}${'message' in r ? ': ' + r.message : ''}`;
  return { stdout: Buffer.from(io.out[1]).toString('latin1'), stderr: Buffer.from(io.out[2]).toString('latin1'), status };
}

/** The kernel's handler symbols (what is implemented), from one boot. */

describe('busybox: the same output natively and on the emulated machine', function () {
  this.timeout(60000);
  let root = '';
  before(function () {
    if (!fs.existsSync(BUSYBOX) || !/static/.test(spawnSync('file', ['-L', BUSYBOX], { encoding: 'utf8' }).stdout ?? 'static')) {
      console.log(`      skipped: needs a static busybox at ${BUSYBOX} (apt-get install -y busybox-static)`);
      this.skip();
    }
    root = tempDir('trapdoor-busybox-');
  });
  after(() => { if (root) fs.rmSync(root, { recursive: true, force: true }); });

  it(`has at least 40 command lines, pipelines among them (${CASES.length})`, () => {
    assert.ok(CASES.length >= 40);
    assert.ok(CASES.filter((c) => c.args[0] === 'sh' && c.args[2].includes('|')).length >= 10);
  });

  for (const c of CASES) {
    it(c.args.map((a) => (/[\s|;&$<>*"'\\]/.test(a) ? JSON.stringify(a) : a)).join(' '), function () {
      const dir = path.join(root, 'w');
      const native = runNatively(c, dir);
      const emulated = runEmulated(c, dir);
      assert.deepStrictEqual(emulated, native);
    });
  }
});
