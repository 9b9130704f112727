// i386 processes: 32-bit ELF executables (as --32, ld -m elf_i386) run in compatibility mode.
// Each program runs natively under strace (this x86-64 host runs ia32 binaries) and on the
// emulated machine: stdout, exit status and the strace lines must be the same, the calls must
// come through the right door (int $0x80 -> entry_INT80_compat, __kernel_vsyscall's SYSENTER ->
// entry_SYSENTER_compat), and the initial process image (memory map, stack, auxiliary vector)
// must be laid out as Linux lays it out with ASLR off.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { LinuxSystem } from '../../emulator/linux';
import { RunResult } from '../../emulator/machine';
import { BufferHostIO } from '../../emulator/kernel/native';
import { TraceRecorder } from '../../emulator/trace/recorder';
import { SyscallEvent } from '../../emulator/trace/event';
import { hasTool, requireTools, tempDir } from '../helpers/tools';
import { buildVdso32 } from '../../emulator/kernel/vdso32';
import { readElf } from '../../emulator/elf/reader';
import { EM_386, ET_DYN } from '../../emulator/elf/types';

/** write(1, msg, len) and exit(7) through int $0x80: the i386 convention, eax = number, ebx ecx edx = arguments. */
const HELLO_INT80 = `# i386 hello through int $0x80
	.globl	_start
	.text
_start:
	movl	$4, %eax		# write (syscall_32.tbl)
	movl	$1, %ebx		# fd
	movl	$msg, %ecx		# buf
	movl	$len, %edx		# count
	int	$0x80
	movl	$20, %eax		# getpid
	int	$0x80
	movl	$1, %eax		# exit
	movl	$7, %ebx
	int	$0x80
	.data
msg:	.ascii	"Hello, i386 world\\n"
	.set	len, . - msg
`;

/** The same through the vDSO: __kernel_vsyscall's address comes from AT_SYSINFO on the initial stack. */
const HELLO_VSYSCALL = `# i386 hello through the vDSO's __kernel_vsyscall
	.globl	_start
	.text
_start:
	movl	(%esp), %eax		# argc
	leal	8(%esp,%eax,4), %esi	# envp: past argc, argv[] and its NULL
1:	lodsl				# skip envp up to its NULL
	testl	%eax, %eax
	jnz	1b
2:	lodsl				# the auxiliary vector: (type, value) pairs up to AT_NULL
	movl	%eax, %edx
	lodsl
	cmpl	$32, %edx		# AT_SYSINFO
	je	3f
	testl	%edx, %edx
	jnz	2b
	movl	$1, %eax		# no AT_SYSINFO: exit(2) through int $0x80
	movl	$2, %ebx
	int	$0x80
3:	movl	%eax, vsyscall
	movl	$0x12345678, %ebp	# registers the call must keep
	movl	$0x0badcafe, %edi
	movl	$4, %eax		# write(1, msg, len)
	movl	$1, %ebx
	movl	$msg, %ecx
	movl	$len, %edx
	call	*vsyscall
	cmpl	$len, %eax
	jne	bad
	cmpl	$0x12345678, %ebp
	jne	bad
	cmpl	$0x0badcafe, %edi
	jne	bad
	cmpl	$msg, %ecx
	jne	bad
	cmpl	$len, %edx
	jne	bad
	movl	$20, %eax		# getpid
	call	*vsyscall
	movl	$4, %eax		# write(-1, ...): -EBADF in %eax
	movl	$-1, %ebx
	call	*vsyscall
	cmpl	$-9, %eax
	jne	bad
	movl	$252, %eax		# exit_group(5)
	movl	$5, %ebx
	call	*vsyscall
bad:	movl	$1, %eax		# a register was not kept: exit(99)
	movl	$99, %ebx
	int	$0x80
	.data
msg:	.ascii	"Hello through __kernel_vsyscall\\n"
	.set	len, . - msg
	.bss
vsyscall: .long 0
`;

/** Writes its whole initial stack, from %esp to the top (IA32_PAGE_OFFSET), to stdout. */
const DUMP_STACK = `	.globl	_start
	.text
_start:
	movl	%esp, %ecx
	movl	$0xffffe000, %edx
	subl	%esp, %edx
	movl	$4, %eax
	movl	$1, %ebx
	int	$0x80
	movl	$1, %eax
	xorl	%ebx, %ebx
	int	$0x80
`;

/** A 64-bit program that execve()s ./hello32: the new program must start in compatibility mode. */
const EXEC32 = `	.globl	_start
	.text
_start:
	lea	path(%rip), %rdi
	lea	argv(%rip), %rsi
	xor	%edx, %edx
	mov	$59, %eax		# execve
	syscall
	mov	$60, %eax
	mov	$1, %edi
	syscall
	.data
path:	.asciz	"./hello32"
argv:	.quad	path, 0
`;

function build32(dir: string, name: string, src: string): string {
  const s = path.join(dir, name + '.s'), o = path.join(dir, name + '.o'), exe = path.join(dir, name);
  fs.writeFileSync(s, src);
  const a = spawnSync('as', ['--32', '-o', o, s], { encoding: 'utf8' });
  if (a.status !== 0) throw new Error(`as --32 failed: ${a.stderr}`);
  const l = spawnSync('ld', ['-m', 'elf_i386', '-o', exe, o], { encoding: 'utf8' });
  if (l.status !== 0) throw new Error(`ld -m elf_i386 failed: ${l.stderr}`);
  return exe;
}

interface Run { stdout: string; exit: number | undefined; lines: string[]; calls: SyscallEvent[]; result?: RunResult; raw?: Uint8Array }

/** Runs natively under `strace -qq -o` in `dir` with an empty environment. */
function runNative(dir: string, argv: string[]): Run {
  const trace = path.join(dir, 'native.trace');
  const r = spawnSync('strace', ['-qq', '-o', trace, ...argv], { cwd: dir, env: {}, timeout: 20000 });
  const lines = fs.readFileSync(trace, 'utf8').split('\n').filter((x) => x !== '');
  return { stdout: r.stdout.toString('latin1'), exit: r.status ?? undefined, lines, calls: [] };
}

/** Runs on the emulated machine (an ELF, or a source assembled with `bits`) with the strace printer. */
function runEmulated(dir: string, file: string, argv: string[], bits?: 32 | 64): Run {
  const io = new BufferHostIO();
  const sys = LinuxSystem.fromFile(path.join(dir, file), { argv, envp: [], cwd: dir, hostIO: io, bits });
  const lines: string[] = [];
  const rec = new TraceRecorder(sys.machine.userMemory, { strace: { write: (l) => lines.push(l), options: { pidPrefix: 'none', quiet: true } } });
  sys.attachTracer(rec, true);
  let result: RunResult;
  try { result = sys.runToEnd(1e7); } finally { sys.close(); }
  return { stdout: io.text(1), raw: Uint8Array.from(io.out[1]), exit: result.kind === 'exited' ? result.code : undefined, lines, calls: rec.calls, result };
}

/** What differs between two runs of the same program anyway: the pid, the environment's address, strace's column padding. */
const normalize = (l: string): string => l
  .replace(/\/\* \d+ vars \*\//, '/* N vars */').replace(/0x[0-9a-f]+ \/\* N vars/, '0xENV /* N vars')
  .replace(/^(getpid\(\)\s*=) \d+$/, '$1 PID').replace(/\)\s+= /, ') = ');

function haveTools(ctx: Mocha.Context): void {
  if (process.arch !== 'x64' || process.platform !== 'linux' || !hasTool('as') || !hasTool('ld') || !hasTool('strace')) {
    console.log('      skipped: needs an x86-64 Linux host with as, ld and strace');
    ctx.skip();
  }
}

describe('i386 processes in compatibility mode (issue 4)', function () {
  this.timeout(60_000);
  let dir = '';
  let runsIa32 = false;
  before(function () {
    dir = tempDir('trapdoor-i386-');
    if (hasTool('as') && hasTool('ld')) {
      const exe = build32(dir, 'probe', DUMP_STACK);
      runsIa32 = spawnSync(exe, [], { cwd: dir }).status === 0;
    }
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  /** Native ground truth needs a host kernel with IA32 emulation. */
  function needIa32(ctx: Mocha.Context): void {
    haveTools(ctx);
    if (!runsIa32) {
      console.log('      skipped: this host kernel does not run i386 executables (no IA32 emulation)');
      ctx.skip();
    }
  }

  function compare(nat: Run, emu: Run): void {
    assert.strictEqual(emu.stdout, nat.stdout, 'stdout');
    assert.strictEqual(emu.exit, nat.exit, `exit status (${JSON.stringify(emu.result)})`);
    assert.deepStrictEqual(emu.lines.map(normalize), nat.lines.map(normalize));
  }

  it('hello with int $0x80: stdout, exit status and trace as the real kernel; entry_INT80_compat and the i386 table', function () {
    needIa32(this);
    build32(dir, 'hello32', HELLO_INT80);
    const nat = runNative(dir, ['./hello32']);
    const emu = runEmulated(dir, 'hello32', ['./hello32']);
    compare(nat, emu);
    assert.deepStrictEqual(emu.lines.map(normalize), [
      'execve("./hello32", ["./hello32"], 0xENV /* N vars */) = 0',
      'write(1, "Hello, i386 world\\n", 18) = 18',
      'getpid() = PID',
      'exit(7) = ?',
    ]);
    const calls = emu.calls.slice(1); // after the execve
    assert.deepStrictEqual(calls.map((c) => [c.abi, c.nr, c.mechanism]), [['i386', 4, 'int80'], ['i386', 20, 'int80'], ['i386', 1, 'int80']]);
  });

  it('hello through __kernel_vsyscall (AT_SYSINFO): SYSENTER into entry_SYSENTER_compat, back by SYSEXIT, registers kept', function () {
    needIa32(this);
    build32(dir, 'vsys32', HELLO_VSYSCALL);
    const nat = runNative(dir, ['./vsys32']);
    const emu = runEmulated(dir, 'vsys32', ['./vsys32']);
    compare(nat, emu);
    assert.strictEqual(emu.exit, 5, 'exit 99 would mean a register was not kept across __kernel_vsyscall');
    const calls = emu.calls.slice(1);
    assert.deepStrictEqual(calls.map((c) => [c.nr, c.mechanism]), [[4, 'sysenter'], [20, 'sysenter'], [4, 'sysenter'], [252, 'sysenter']]);
    // Argument 5 (EBP) reaches the kernel although the vDSO reused EBP for the stack pointer.
    assert.strictEqual(calls[0].args[5], 0x12345678n);
    // The call site is the vDSO's sysenter instruction.
    assert.ok(calls.every((c) => c.site === calls[0].site && c.site > 0xf7000000n && c.site < 0xffffe000n), calls.map((c) => c.site.toString(16)).join(' '));
  });

  it('the same sources assembled by Trapdoor (--32) behave the same', function () {
    haveTools(this);
    for (const [name, src, out, code] of [['a.s', HELLO_INT80, 'Hello, i386 world\n', 7], ['b.s', HELLO_VSYSCALL, 'Hello through __kernel_vsyscall\n', 5]] as const) {
      fs.writeFileSync(path.join(dir, name), src);
      const emu = runEmulated(dir, name, [name], 32);
      assert.strictEqual(emu.stdout, out, name);
      assert.strictEqual(emu.exit, code, `${name}: ${JSON.stringify(emu.result)}`);
    }
  });

  it('a 64-bit program execve()s an i386 one: it starts in compatibility mode with its own vDSO door', function () {
    needIa32(this);
    build32(dir, 'hello32', HELLO_VSYSCALL);
    fs.writeFileSync(path.join(dir, 'exec64.s'), EXEC32);
    spawnSync('as', ['-o', path.join(dir, 'exec64.o'), path.join(dir, 'exec64.s')]);
    spawnSync('ld', ['-o', path.join(dir, 'exec64'), path.join(dir, 'exec64.o')]);
    const nat = runNative(dir, ['./exec64']);
    const emu = runEmulated(dir, 'exec64', ['./exec64']);
    compare(nat, emu);
    assert.ok(emu.calls.some((c) => c.mechanism === 'sysenter'));
  });

  it('fork through __kernel_vsyscall: parent and child both come back through the vDSO door', function () {
    haveTools(this);
    const FORK = HELLO_VSYSCALL.split('3:\tmovl\t%eax, vsyscall')[0] + `3:	movl	%eax, vsyscall
	movl	$2, %eax		# fork
	call	*vsyscall
	movl	$pmsg, %ecx		# the parent writes "parent", the child "child"
	movl	$7, %edx
	testl	%eax, %eax
	jnz	4f
	movl	$cmsg, %ecx
	movl	$6, %edx
4:	movl	$4, %eax
	movl	$1, %ebx
	call	*vsyscall
	movl	$4, %eax		# a second call: the child's return needs its own task's vDSO address
	call	*vsyscall
	movl	$252, %eax
	xorl	%ebx, %ebx
	call	*vsyscall
	.data
pmsg:	.ascii	"parent\n"
cmsg:	.ascii	"child\n"
	.bss
vsyscall: .long 0
`;
    build32(dir, 'fork32', FORK);
    const emu = runEmulated(dir, 'fork32', ['./fork32']);
    assert.strictEqual(emu.exit, 0, JSON.stringify(emu.result));
    assert.deepStrictEqual(emu.stdout.split('\n').filter((l) => l).sort(), ['child', 'child', 'parent', 'parent']);
    const pids = new Set(emu.calls.map((c) => c.pid));
    assert.strictEqual(pids.size, 2);
    assert.ok(emu.calls.slice(1).every((c) => c.mechanism === 'sysenter'), emu.calls.map((c) => `${c.pid}:${c.nr}:${c.mechanism}`).join(' '));
  });

  it('the initial stack and auxiliary vector are laid out as Linux does for an i386 program (ASLR off)', function () {
    needIa32(this);
    if (!hasTool('setarch')) { console.log('      skipped: needs setarch'); this.skip(); }
    build32(dir, 'stack32', DUMP_STACK);
    const n = spawnSync('env', ['-i', 'setarch', 'x86_64', '-R', './stack32', 'x', 'yz'], { cwd: dir });
    assert.strictEqual(n.status, 0);
    const emu = runEmulated(dir, 'stack32', ['./stack32', 'x', 'yz']);
    const nat = new Uint8Array(n.stdout), got = emu.raw!;
    assert.strictEqual(got.length, nat.length, 'the same initial %esp');
    const parse = (b: Uint8Array): { words: number[]; aux: [number, number][]; rest: number } => {
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      let o = 0;
      const u = (): number => { const v = dv.getUint32(o, true); o += 4; return v; };
      const words = [u()];
      for (let i = 0; i <= words[0]; i++) words.push(u());
      for (;;) { const v = u(); words.push(v); if (v === 0) break; }
      const aux: [number, number][] = [];
      for (;;) { const k = u(), v = u(); aux.push([k, v]); if (k === 0) break; }
      return { words, aux, rest: o };
    };
    const a = parse(nat), b = parse(got);
    assert.deepStrictEqual(b.words, a.words, 'argc, argv and envp');
    assert.deepStrictEqual(b.aux.map(([k]) => k), a.aux.map(([k]) => k), 'auxv types, in order (AT_SYSINFO first)');
    const AT_SYSINFO = 32, AT_SYSINFO_EHDR = 33, AT_HWCAP2 = 26, AT_RANDOM = 25;
    for (const [i, [k, v]] of a.aux.entries()) {
      // __kernel_vsyscall sits elsewhere in our vDSO; HWCAP2 says no FSGSBASE on this CPU.
      if (k === AT_SYSINFO || k === AT_HWCAP2) continue;
      assert.strictEqual(b.aux[i][1], v, `auxv type ${k}`);
    }
    const ehdr = b.aux.find(([k]) => k === AT_SYSINFO_EHDR)![1], sysinfo = b.aux.find(([k]) => k === AT_SYSINFO)![1];
    assert.ok(sysinfo > ehdr && sysinfo < ehdr + 0x2000, 'AT_SYSINFO points into the vDSO');
    // The strings at the top are the same but for the 16 AT_RANDOM bytes.
    const random = a.aux.find(([k]) => k === AT_RANDOM)![1] - (0xffffe000 - nat.length);
    const strip = (x: Uint8Array): number[] => [...x.subarray(a.rest)].map((v, j) => (j + a.rest >= random && j + a.rest < random + 16 ? 0 : v));
    assert.deepStrictEqual(strip(got), strip(nat));
  });

  it('the memory map is /proc/self/maps of the real process: image, [vvar], [vdso] below 4 GiB, [stack] at 0xffffe000', function () {
    needIa32(this);
    if (!hasTool('setarch')) { console.log('      skipped: needs setarch'); this.skip(); }
    const MAPS = `	.globl	_start
	.text
_start:
	movl	$5, %eax		# open("/proc/self/maps", O_RDONLY)
	movl	$p, %ebx
	xorl	%ecx, %ecx
	int	$0x80
	movl	%eax, %ebx
	movl	$3, %eax		# read
	movl	$buf, %ecx
	movl	$8192, %edx
	int	$0x80
	movl	%eax, %edx
	movl	$4, %eax		# write(1, buf, n)
	movl	$1, %ebx
	movl	$buf, %ecx
	int	$0x80
	movl	$1, %eax
	xorl	%ebx, %ebx
	int	$0x80
	.data
p:	.asciz	"/proc/self/maps"
	.bss
buf:	.skip	8192
`;
    build32(dir, 'maps32', MAPS);
    const n = spawnSync('env', ['-i', 'setarch', 'x86_64', '-R', './maps32'], { cwd: dir, encoding: 'utf8' });
    assert.strictEqual(n.status, 0);
    // The emulated process's map as /proc shows it, taken when the program is loaded (the i386
    // table has no open yet): at the first traced event, the execve that started it.
    const sys = LinuxSystem.fromFile(path.join(dir, 'maps32'), { argv: ['./maps32'], envp: [], cwd: dir, hostIO: new BufferHostIO() });
    let maps = '';
    sys.attachTracer({ syscallEnter: () => { if (!maps) maps = sys.native.mm.procMaps(); } }, true);
    try { sys.runToEnd(1e6); } finally { sys.close(); }
    const squeeze = (t: string): string[] => t.split('\n').filter((l) => l !== '').map((l) => l.replace(/ +/g, ' '));
    // [vsyscall] is a 64-bit process's page only; Linux does not show it to i386 processes.
    const emu = squeeze(maps).filter((l) => !l.endsWith('[vsyscall]'));
    assert.deepStrictEqual(emu, squeeze(n.stdout));
  });
});

describe('the 32-bit vDSO (arch/x86/entry/vdso/vdso32)', function () {
  const vdso = buildVdso32();

  it('is an ELF32 i386 shared object with __kernel_vsyscall, __kernel_sigreturn and __kernel_rt_sigreturn', function () {
    const elf = readElf(vdso.image);
    assert.strictEqual(elf.elfClass, 32);
    assert.strictEqual(elf.machine, EM_386);
    assert.strictEqual(elf.type, ET_DYN);
    assert.deepStrictEqual([...vdso.exports].sort(), ['__kernel_rt_sigreturn', '__kernel_sigreturn', '__kernel_vsyscall']);
    // The landing pad follows `sysenter; int $0x80`: a restarted call (ip -= 2) lands on the int $0x80.
    const code = vdso.image.subarray(vdso.landingPad - 4, vdso.landingPad);
    assert.deepStrictEqual([...code], [0x0f, 0x34, 0xcd, 0x80]);
    assert.ok(vdso.entry < vdso.landingPad && vdso.landingPad - vdso.entry === 9, 'push ecx, edx, ebp; mov esp, ebp; sysenter; int $0x80');
  });

  it('readelf sees the functions at version LINUX_2.5 and a valid dynamic section', function () {
    requireTools(this, 'readelf');
    const dir = tempDir('trapdoor-vdso32-');
    try {
      const file = path.join(dir, 'vdso32.so');
      fs.writeFileSync(file, vdso.image);
      const r = spawnSync('readelf', ['-W', '-h', '--dyn-syms', '-V', '-d', file], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(r.stderr, '', 'readelf has no complaint');
      assert.match(r.stdout, /Class: +ELF32/);
      assert.match(r.stdout, /Machine: +Intel 80386/);
      for (const f of ['__kernel_vsyscall', '__kernel_sigreturn', '__kernel_rt_sigreturn']) {
        assert.match(r.stdout, new RegExp(`FUNC +GLOBAL +DEFAULT +\\d+ ${f}@@LINUX_2\\.5\\n`), f);
      }
      assert.match(r.stdout, /Library soname: \[linux-vdso\.so\.1\]/);
      assert.match(r.stdout, /\(VERDEFNUM\) +3/);
      assert.match(r.stdout, /Index: 2 +Cnt: 1 +Name: LINUX_2\.6/);
      assert.match(r.stdout, /Index: 3 +Cnt: 1 +Name: LINUX_2\.5/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('its code is byte for byte what GNU as --32 makes of the same sources', function () {
    requireTools(this, 'gcc', 'as', 'objcopy');
    const dir = tempDir('trapdoor-vdso32-as-');
    try {
      const unit = ['#define BUILD_VDSO32 1', ...vdso.sources.map((f) => `#include "${f}"`)].join('\n') + '\n';
      fs.writeFileSync(path.join(dir, 'unit.S'), unit);
      const run = (cmd: string, args: string[]): void => {
        const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: dir });
        assert.strictEqual(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
      };
      run('gcc', ['-E', '-x', 'assembler-with-cpp', 'unit.S', '-o', 'unit.s']);
      run('as', ['--32', 'unit.s', '-o', 'unit.o']);
      run('objcopy', ['-O', 'binary', '--only-section=.text', 'unit.o', 'text.bin']);
      const gnu = fs.readFileSync(path.join(dir, 'text.bin'));
      const text = readElf(vdso.image).sections.find((s) => s.name === '.text')!;
      assert.strictEqual(text.size, gnu.length);
      assert.deepStrictEqual(Buffer.from(vdso.image.subarray(text.offset, text.offset + text.size)), gnu);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
