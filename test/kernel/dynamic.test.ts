// Dynamically linked programs of the host: the loader maps the program interpreter named by
// PT_INTERP (ld.so), which maps libc.so.6 with open/read/pread64/fstat/mmap/mprotect through the
// read-only sandbox. Each program runs natively under strace with ASLR off (setarch -R, where the
// kernel places everything as Trapdoor does) and on the emulated machine: the same output and exit
// status, and the same trace, line by line, once process ids and random bytes are masked.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LinuxSystem, ProgramError } from '../../emulator/linux';
import { BufferHostIO } from '../../emulator/kernel/native';
import { TraceRecorder } from '../../emulator/trace/recorder';
import { readElf } from '../../emulator/elf/reader';
import { hasTool, tempDir } from '../helpers/tools';

const ENV = { LC_ALL: 'C', PATH: '/usr/bin:/bin' };
const BUSYBOX_SH = 'sh';
const ENVP = Object.entries(ENV).map(([k, v]) => `${k}=${v}`);

interface Run { stdout: string; status: number | string; lines: string[] }

function emulate(argv: string[], cwd: string): Run {
  const io = new BufferHostIO();
  const sys = LinuxSystem.fromFile(argv[0], { argv, envp: ENVP, cwd, hostIO: io });
  const lines: string[] = [];
  const rec = new TraceRecorder(sys.machine.userMemory, { strace: { write: (l) => lines.push(l), options: { pidPrefix: 'none', quiet: false } } });
  sys.attachTracer({
    syscallEnter: (e) => rec.syscallEnter(e), syscallExit: (e) => rec.syscallExit(e),
    signal: (s) => rec.signal(s), processExit: (e) => rec.processExit(e),
  }, true);
  let r;
  try { r = sys.runToEnd(5e8); } finally { sys.close(); }
  return { stdout: io.text(1), status: r.kind === 'exited' ? r.code ?? -1 : r.kind, lines };
}

function native(argv: string[], cwd: string): Run {
  const trace = path.join(cwd, '..', 'native.trace');
  // stdout through a pipe, as the emulated run's is (spawnSync's own would be a socket).
  const r = spawnSync('bash', ['-c', `env -i ${ENVP.join(' ')} setarch -R strace -o "$0" "$@" | cat; exit \${PIPESTATUS[0]}`, trace, ...argv], { cwd, env: ENV, encoding: 'latin1', timeout: 20000 });
  const lines = fs.readFileSync(trace, 'latin1').split('\n').filter((l) => l !== '');
  fs.rmSync(trace);
  return { stdout: r.stdout, status: r.status ?? 'signal', lines };
}

/** What differs between two runs of the same program on any two kernels: the pid, random bytes, envp's address. */
function mask(l: string): string {
  return l
    .replace(/^(set_tid_address\(0x[0-9a-f]+\)\s+= )\d+/, '$1PID')
    .replace(/^getrandom\("[^"]*"/, 'getrandom("RANDOM"')
    .replace(/^(execve\(.*\], )0x[0-9a-f]+/, '$1ENVP');
}

describe('dynamically linked host programs (PT_INTERP, ld.so, libc.so.6)', function () {
  this.timeout(60000);
  let dir = '', cwd = '';
  before(function () {
    if (!fs.existsSync('/lib64/ld-linux-x86-64.so.2')) {
      console.log('      skipped: no /lib64/ld-linux-x86-64.so.2 on this machine');
      this.skip();
    }
    dir = tempDir('trapdoor-dynamic-');
    cwd = path.join(dir, 'w');
    fs.mkdirSync(cwd);
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  const compare = (argv: () => string[]) => function (this: Mocha.Context) {
    if (!hasTool('strace') || spawnSync('setarch', ['-R', 'true']).status !== 0) {
      console.log('      skipped: needs strace and setarch -R (apt-get install -y strace util-linux)');
      this.skip();
    }
    const a = argv();
    const e = emulate(a, cwd), n = native(a, cwd);
    assert.strictEqual(e.stdout, n.stdout);
    assert.strictEqual(e.status, n.status);
    const diffs: string[] = [];
    for (let i = 0; i < Math.max(e.lines.length, n.lines.length); i++) {
      if (mask(e.lines[i] ?? '') !== mask(n.lines[i] ?? '')) diffs.push(`line ${i + 1}:\n    real: ${n.lines[i]}\n    emul: ${e.lines[i]}`);
    }
    assert.deepStrictEqual(diffs, [], `the traces differ:\n${diffs.slice(0, 8).join('\n')}`);
  };

  it('/bin/true: ld.so maps libc, relocates, and the program exits 0', compare(() => ['/bin/true']));
  it('/bin/echo hello world', compare(() => ['/bin/echo', 'hello', 'world']));
  it('/usr/bin/env prints its environment', compare(() => ['/usr/bin/env']));
  it('/bin/cat /proc/self/maps: the same memory map as the real kernel, byte for byte', compare(() => ['/bin/cat', '/proc/self/maps']));
  it('a gcc-built hello (not -static), with its exit status', compare(() => {
    if (!hasTool('gcc')) return ['/bin/true'];
    const src = path.join(dir, 'hello.c'), exe = path.join(dir, 'hello');
    if (!fs.existsSync(exe)) {
      fs.writeFileSync(src, '#include <stdio.h>\nint main(int c, char **v) { printf("hello %s\\n", c > 1 ? v[1] : "world"); return 3; }\n');
      const r = spawnSync('gcc', ['-O1', '-o', exe, src], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
    }
    return [exe, 'there'];
  }));

  it('the interpreter is mapped where Linux maps it, and AT_BASE / AT_ENTRY say so', function () {
    const io = new BufferHostIO();
    const sys = LinuxSystem.fromFile('/bin/true', { argv: ['/bin/true'], envp: [], cwd, hostIO: io });
    try {
      while (!sys.native.program) sys.run(1000);   // the kernel boots and loads the program
      const p = sys.native.program;
      const aux = new Map(p.auxv);
      const ld = readElf(new Uint8Array(fs.readFileSync('/lib64/ld-linux-x86-64.so.2')));
      const span = Math.max(...ld.segments.filter((x) => x.type === 1).map((x) => Math.ceil(Number(x.vaddr + x.memsz) / 4096) * 4096));
      const base = 0x7ffff7fff000 - span;   // top-down from mmap_base (TASK_SIZE - 128 MiB)
      assert.strictEqual(aux.get(7), base, 'AT_BASE: ld.so right below mmap_base');
      assert.strictEqual(p.entry, base + Number(ld.entry), 'the process starts at ld.so\'s entry');
      assert.strictEqual(p.loadBias, 0x555555554000, 'a PIE goes to ELF_ET_DYN_BASE');
      const prog = readElf(new Uint8Array(fs.readFileSync('/bin/true')));
      assert.strictEqual(aux.get(9), 0x555555554000 + Number(prog.entry), 'AT_ENTRY: the program\'s own entry');
      const end = Math.max(...prog.segments.filter((x) => x.type === 1).map((x) => Math.ceil(Number(x.vaddr + x.memsz) / 4096) * 4096));
      assert.strictEqual(sys.native.mm.startBrk, 0x555555554000 + end, 'the heap starts right after the program');
      const maps = sys.native.mm.procMaps();
      assert.match(maps, /ld-linux-x86-64\.so\.2\n/);
      assert.ok(maps.indexOf('[vdso]') < maps.indexOf('ld-linux'), 'the vDSO is mapped below the interpreter, after it');
    } finally { sys.close(); }
  });

  it('a missing interpreter is ENOENT from execve, not a crash', function () {
    const exe = path.join(dir, 'noint');
    const bytes = new Uint8Array(fs.readFileSync('/bin/true'));
    const s = Buffer.from(bytes).indexOf('/lib64/ld-linux-x86-64.so.2');
    assert.ok(s > 0);
    bytes.set(Buffer.from('/lib64/ld-missing-x86-64.so.2'.slice(0, 27)), s);
    fs.writeFileSync(exe, bytes, { mode: 0o755 });
    // As the first program: refused up front, with the interpreter named.
    assert.throws(() => LinuxSystem.fromFile(exe, { argv: [exe], envp: [], cwd, hostIO: new BufferHostIO() }),
      (e: Error) => e instanceof ProgramError && /interpreter \/lib64\/ld-missing/.test(e.message));
    // Run from a shell, execve fails before its point of no return: ENOENT, and the shell goes on.
    if (fs.existsSync('/bin/busybox')) {
      const script = [BUSYBOX_SH, '-c', `${exe}; echo status $?`];
      const n = spawnSync('/bin/busybox', script, { cwd, env: ENV, encoding: 'latin1', argv0: '/bin/busybox' });
      const io2 = new BufferHostIO();
      const s2 = LinuxSystem.fromFile('/bin/busybox', { argv: ['/bin/busybox', ...script], envp: ENVP, cwd, hostIO: io2 });
      try { s2.runToEnd(1e8); } finally { s2.close(); }
      assert.deepStrictEqual({ out: io2.text(1), err: io2.text(2) }, { out: n.stdout, err: n.stderr });
      assert.strictEqual(n.stdout, 'status 127\n');
    }
  });
});
