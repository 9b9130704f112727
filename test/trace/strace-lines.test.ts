// Every line shape of the corpus's expected.strace files, printed from hand-built events and a fake
// guest memory; plus the multi-process writer (pid prefixes, unfinished/resumed), -T, -c and --json.

import * as assert from 'assert';
import type { GuestMemory, SyscallEvent } from '../../emulator/trace/event';
import { formatJsonLine } from '../../emulator/trace/json';
import { formatCall, formatProcessExit, formatSignal, StraceWriter } from '../../emulator/trace/strace';
import { SyscallSummary } from '../../emulator/trace/summary';

/** Guest memory made of a few byte ranges. */
class FakeMemory implements GuestMemory {
  private readonly ranges: { at: bigint; bytes: Uint8Array }[] = [];
  put(at: bigint, data: string | Uint8Array | number[]): this {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : Uint8Array.from(data);
    this.ranges.push({ at, bytes });
    return this;
  }
  u64(at: bigint, ...vals: bigint[]): this {
    const b = new Uint8Array(8 * vals.length);
    const dv = new DataView(b.buffer);
    vals.forEach((v, i) => dv.setBigUint64(8 * i, BigInt.asUintN(64, v), true));
    return this.put(at, b);
  }
  u32(at: bigint, ...vals: number[]): this {
    const b = new Uint8Array(4 * vals.length);
    vals.forEach((v, i) => new DataView(b.buffer).setInt32(4 * i, v, true));
    return this.put(at, b);
  }
  read(addr: bigint, len: number): Uint8Array | undefined {
    for (const r of this.ranges) {
      if (addr >= r.at && addr + BigInt(len) <= r.at + BigInt(r.bytes.length)) {
        const o = Number(addr - r.at);
        return r.bytes.subarray(o, o + len);
      }
    }
    return undefined;
  }
}

let seq = 0;
function ev(nr: number, args: (bigint | number)[], ret?: bigint | number, extra: Partial<SyscallEvent> = {}): SyscallEvent {
  const a = args.map(BigInt);
  while (a.length < 6) a.push(0n);
  seq += 10;
  return {
    pid: 100, tid: 100, nr, abi: '64', args: a, ret: ret === undefined ? undefined : BigInt(ret), mechanism: 'syscall',
    startInsn: seq, endInsn: seq + 5, startCycles: seq * 100, endCycles: seq * 100 + 3000, site: 0x401000n, ...extra,
  };
}
const line = (e: SyscallEvent, m: GuestMemory = new FakeMemory()) => formatCall(e, m, { align: 0 });

const S = 0x7ffd1000n; // a stack address
const E = (n: number) => BigInt(-n);

describe('strace line shapes of the corpus', () => {
  it('execve shows path, argv strings and the environment count', () => {
    const m = new FakeMemory().put(0x500000n, './args-env\0alpha\0two words\0').u64(S, 0x500000n, 0x50000bn, 0x500011n, 0n)
      .u64(S + 0x100n, 0x500000n, 0x500000n, 0x500000n, 0n);
    assert.strictEqual(line(ev(59, [0x500000n, S, S + 0x100n], 0), m),
      'execve("./args-env", ["./args-env", "alpha", "two words"], 0x7ffd1100 /* 3 vars */) = 0');
  });

  it('write cuts strings at 32 bytes and escapes newlines', () => {
    const m = new FakeMemory().put(0x402000n, 'argc=3\nargv[0]=./args-env\nargv[1]=alpha\n');
    assert.strictEqual(line(ev(1, [1, 0x402000n, 82], 82), m), 'write(1, "argc=3\\nargv[0]=./args-env\\nargv[1"..., 82) = 82');
    const m2 = new FakeMemory().put(0x402000n, 'Hello, world!\n');
    assert.strictEqual(line(ev(1, [1, 0x402000n, 14], 14), m2), 'write(1, "Hello, world!\\n", 14) = 14');
  });

  it('errors print errno name and message; unreadable buffers print their address', () => {
    const m = new FakeMemory().put(0x402000n, 'nope\n');
    assert.strictEqual(line(ev(1, [99, 0x402000n, 5], E(9)), m), 'write(99, "nope\\n", 5) = -1 EBADF (Bad file descriptor)');
    assert.strictEqual(line(ev(1, [1, 0x10, 5], E(14))), 'write(1, 0x10, 5) = -1 EFAULT (Bad address)');
    assert.strictEqual(line(ev(1000, [], E(38))), 'syscall_0x3e8(0, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)');
  });

  it('exit and exit_group never return', () => {
    assert.strictEqual(line(ev(60, [0])), 'exit(0) = ?');
    assert.strictEqual(line(ev(231, [3])), 'exit_group(3) = ?');
  });

  it('brk, mmap, munmap, mprotect print addresses in hex and flags by name', () => {
    assert.strictEqual(line(ev(12, [0], 0x4c1000)), 'brk(NULL) = 0x4c1000');
    assert.strictEqual(line(ev(12, [0x4c3000], 0x4c3000)), 'brk(0x4c3000) = 0x4c3000');
    assert.strictEqual(line(ev(9, [0, 65536, 3, 0x22, -1, 0], 0x7f0000000000n)),
      'mmap(NULL, 65536, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0000000000');
    assert.strictEqual(line(ev(11, [0x7f0000000000n, 65536], 0)), 'munmap(0x7f0000000000, 65536) = 0');
    assert.strictEqual(line(ev(10, [0x4be000, 16384, 1], 0)), 'mprotect(0x4be000, 16384, PROT_READ) = 0');
  });

  it('file calls: openat with mode, lseek, read at exit, close, unlink', () => {
    const m = new FakeMemory().put(0x402000n, 'file-io.tmp\0').put(0x403000n, 'line one of the file\nline two\n');
    assert.strictEqual(line(ev(257, [-100, 0x402000n, 0o1102, 0o644], 3), m),
      'openat(AT_FDCWD, "file-io.tmp", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3');
    assert.strictEqual(line(ev(8, [3, 0, 0], 0)), 'lseek(3, 0, SEEK_SET) = 0');
    assert.strictEqual(line(ev(0, [3, 0x403000n, 256], 30), m), 'read(3, "line one of the file\\nline two\\n", 256) = 30');
    assert.strictEqual(line(ev(0, [0, 0x403000n, 64], 0), m), 'read(0, "", 64) = 0');
    assert.strictEqual(line(ev(3, [3], 0)), 'close(3) = 0');
    assert.strictEqual(line(ev(87, [0x402000n], 0), m), 'unlink("file-io.tmp") = 0');
  });

  it('libc start-up calls: arch_prctl, set_tid_address, set_robust_list, rseq, prlimit64, readlink, getrandom', () => {
    assert.strictEqual(line(ev(158, [0x1002, 0x4c7380], 0)), 'arch_prctl(ARCH_SET_FS, 0x4c7380) = 0');
    assert.strictEqual(line(ev(218, [0x4c7650], 100)), 'set_tid_address(0x4c7650) = 100');
    assert.strictEqual(line(ev(273, [0x4c7660, 24], 0)), 'set_robust_list(0x4c7660, 24) = 0');
    assert.strictEqual(line(ev(334, [0x4c7ca0, 0x20, 0, 0x53053053], 0)), 'rseq(0x4c7ca0, 0x20, 0, 0x53053053) = 0');
    const m = new FakeMemory().u64(S, 8192n * 1024n, -1n);
    assert.strictEqual(line(ev(302, [0, 3, 0, S], 0), m),
      'prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0');
    const m2 = new FakeMemory().put(0x500000n, '/proc/self/exe\0').put(S, '/tmp/x/hello-glibc');
    assert.strictEqual(line(ev(89, [0x500000n, S, 4096], 18), m2), 'readlink("/proc/self/exe", "/tmp/x/hello-glibc", 4096) = 18');
    const m3 = new FakeMemory().put(S, [0xcf, 0xb9, 0x81, 0xda, 0x9a, 0x5b, 0xfe, 0x0c]);
    assert.strictEqual(line(ev(318, [S, 8, 1], 8), m3), 'getrandom("\\xcf\\xb9\\x81\\xda\\x9a\\x5b\\xfe\\x0c", 8, GRND_NONBLOCK) = 8');
  });

  it('newfstatat prints the short stat form', () => {
    const st = new Uint8Array(144);
    new DataView(st.buffer).setUint32(24, 0o100644, true);
    const m = new FakeMemory().put(0x500000n, '\0').put(S, st);
    assert.strictEqual(line(ev(262, [1, 0x500000n, S, 0x1000], 0), m),
      'newfstatat(1, "", {st_mode=S_IFREG|0644, st_size=0, ...}, AT_EMPTY_PATH) = 0');
  });

  it('musl calls: rt_sigprocmask sets, ioctl ENOTTY, writev iovecs, fork, wait4 status, pipe', () => {
    const m = new FakeMemory().u64(S, ~((1n << 31n) | (1n << 32n) | (1n << 33n))).u64(S + 8n, 0n)
      .u64(S + 16n, ~((1n << 8n) | (1n << 18n) | (1n << 31n) | (1n << 32n) | (1n << 33n)));
    assert.strictEqual(line(ev(14, [0, S, S + 8n, 8], 0), m), 'rt_sigprocmask(SIG_BLOCK, ~[RTMIN RT_1 RT_2], [], 8) = 0');
    assert.strictEqual(line(ev(14, [2, S + 16n, 0, 8], 0), m), 'rt_sigprocmask(SIG_SETMASK, ~[KILL STOP RTMIN RT_1 RT_2], NULL, 8) = 0');
    assert.strictEqual(line(ev(16, [1, 0x5413, S], E(25))), 'ioctl(1, TIOCGWINSZ, 0x7ffd1000) = -1 ENOTTY (Inappropriate ioctl for device)');
    const iov = new FakeMemory().put(0x600000n, 'parent: child exited with status 3\n').u64(S, 0x600000n, 34n, 0x600022n, 1n, 0n, 0n);
    assert.strictEqual(line(ev(20, [1, S, 2], 35), iov),
      'writev(1, [{iov_base="parent: child exited with status"..., iov_len=34}, {iov_base="\\n", iov_len=1}], 2) = 35');
    assert.strictEqual(line(ev(20, [1, S + 16n, 2], 0), iov),
      'writev(1, [{iov_base="\\n", iov_len=1}, {iov_base=NULL, iov_len=0}], 2) = 0');
    assert.strictEqual(line(ev(57, [], 101)), 'fork() = 101');
    const w = new FakeMemory().u32(S, 3 << 8);
    assert.strictEqual(line(ev(61, [101, S, 0, 0], 101), w), 'wait4(101, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 101');
    const p = new FakeMemory().u32(S, 3, 4);
    assert.strictEqual(line(ev(22, [S], 0), p), 'pipe([3, 4]) = 0');
    assert.strictEqual(line(ev(186, [], 101)), 'gettid() = 101');
  });

  it('signal handling: rt_sigaction, kill, the signal line, rt_sigreturn', () => {
    const m = new FakeMemory().u64(S, 0x401000n, 0x04000000n, 0x401020n, 0n);
    assert.strictEqual(line(ev(13, [10, S, 0, 8], 0), m),
      'rt_sigaction(SIGUSR1, {sa_handler=0x401000, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x401020}, NULL, 8) = 0');
    assert.strictEqual(line(ev(62, [100, 10], 0)), 'kill(100, SIGUSR1) = 0');
    assert.strictEqual(formatSignal({ pid: 100, tid: 100, signo: 10, code: 0, senderPid: 100, senderUid: 0 }),
      '--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=100, si_uid=0} ---');
    const frame = new FakeMemory().u64(S + 0x128n, 0n);
    assert.strictEqual(line(ev(15, [], 0, { sp: S }), frame), 'rt_sigreturn({mask=[]}) = 0');
  });

  it('faults: SIGSEGV and SIGILL lines, killed-by lines', () => {
    assert.strictEqual(formatSignal({ pid: 1, tid: 1, signo: 11, code: 1, addr: 0n }),
      '--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---');
    assert.strictEqual(formatSignal({ pid: 1, tid: 1, signo: 4, code: 2, addr: 0x401005n }),
      '--- SIGILL {si_signo=SIGILL, si_code=ILL_ILLOPN, si_addr=0x401005} ---');
    assert.strictEqual(formatProcessExit({ pid: 1, signal: 11, coreDumped: true }), '+++ killed by SIGSEGV (core dumped) +++');
    assert.strictEqual(formatProcessExit({ pid: 1, signal: 4 }), '+++ killed by SIGILL +++');
    assert.strictEqual(formatProcessExit({ pid: 1, exitCode: 0 }), '+++ exited with 0 +++');
  });

  it('time calls: clock_nanosleep request, clock_gettime result', () => {
    const m = new FakeMemory().u64(S, 0n, 1000000n).u64(S + 16n, 12n, 345n);
    assert.strictEqual(line(ev(230, [0, 0, S, 0], 0), m), 'clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000000}, NULL) = 0');
    assert.strictEqual(line(ev(228, [1, S + 16n], 0), m), 'clock_gettime(CLOCK_MONOTONIC, {tv_sec=12, tv_nsec=345}) = 0');
  });

  it('int $0x80 calls decode with the i386 table and 32-bit registers', () => {
    const m = new FakeMemory().put(0x402000n, 'Hello via int 0x80!\n');
    const e = ev(4, [0xffffffff00000001n, 0x402000n, 20], 20, { abi: 'i386', mechanism: 'int80' });
    assert.strictEqual(line(e, m), 'write(1, "Hello via int 0x80!\\n", 20) = 20');
    assert.strictEqual(line(ev(1, [0], undefined, { abi: 'i386' })), 'exit(0) = ?');
    assert.strictEqual(line(ev(4, [99, 0x402000n, 1], 0xfffffff7n, { abi: 'i386' }), m), 'write(99, "H", 1) = -1 EBADF (Bad file descriptor)');
  });

  it('pads to column 40 like strace -a40', () => {
    assert.strictEqual(formatCall(ev(39, [], 100)), 'getpid()                                = 100');
  });
});

describe('strace writer for several processes', () => {
  it('prints -o FILE pid prefixes and splits a blocked read into unfinished/resumed', () => {
    const out: string[] = [];
    const w = new StraceWriter((l) => out.push(l), { align: 0, pidPrefix: 'file' });
    const m = new FakeMemory().put(S, 'a message through the pipe');
    const read = ev(0, [3, S, 255], undefined, { pid: 100, tid: 100 });
    w.enter(read, m);
    w.call(ev(1, [4, S, 26], 26, { pid: 101, tid: 101 }), m);
    w.exit({ ...read, ret: 26n }, m);
    w.processExit({ pid: 101, exitCode: 0 });
    assert.deepStrictEqual(out, [
      '100   read(3,  <unfinished ...>',
      '101   write(4, "a message through the pipe", 26) = 26',
      '100   <... read resumed>"a message through the pipe", 255) = 26',
      '101   +++ exited with 0 +++',
    ]);
  });

  it('joins entry and exit on one line when nothing comes between; -qq drops exit lines; stderr prefix', () => {
    const out: string[] = [];
    const w = new StraceWriter((l) => out.push(l), { align: 0, pidPrefix: 'bracket', quiet: true });
    const e = ev(39, [], 7, { pid: 7, tid: 7 });
    w.enter(e, new FakeMemory());
    w.exit(e, new FakeMemory());
    w.processExit({ pid: 7, exitCode: 0 });
    w.processExit({ pid: 7, signal: 9 });
    assert.deepStrictEqual(out, ['[pid     7] getpid() = 7', '[pid     7] +++ killed by SIGKILL +++']);
  });

  it('-T appends the emulated duration', () => {
    const e = ev(39, [], 7);
    e.startCycles = 0;
    e.endCycles = 36000;
    assert.strictEqual(formatCall(e, new FakeMemory(), { align: 0, showTime: true, cpuHz: 3e9 }), 'getpid() = 7 <0.000012>');
  });
});

describe('strace -c summary and --json', () => {
  it('counts calls and errors per syscall, sorted by time', () => {
    const s = new SyscallSummary(1e6);
    const a = ev(1, [1, 0, 3], 3); a.startCycles = 0; a.endCycles = 30;
    const b = ev(1, [99, 0, 3], E(9)); b.startCycles = 0; b.endCycles = 10;
    const c = ev(39, [], 5); c.startCycles = 0; c.endCycles = 60;
    [a, b, c].forEach((x) => s.add(x));
    assert.strictEqual(s.format(), [
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 60.00    0.000060          60         1           getpid',
      ' 40.00    0.000040          20         2         1 write',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000100                     3         1 total',
      '',
    ].join('\n'));
  });

  it('writes every field of the event, decoded arguments and errno in one JSON line', () => {
    const m = new FakeMemory().put(0x402000n, 'nope\n');
    const j = JSON.parse(formatJsonLine(ev(1, [99, 0x402000n, 5], E(9), { siteLine: 'errno.s:7' }), m));
    assert.strictEqual(j.name, 'write');
    assert.deepStrictEqual(j.decoded, ['99', '"nope\\n"', '5']);
    assert.strictEqual(j.errno, 'EBADF');
    assert.strictEqual(j.ret, '-9');
    assert.strictEqual(j.args[1], '0x402000');
    assert.strictEqual(j.site, '0x401000');
    assert.strictEqual(j.siteLine, 'errno.s:7');
    assert.strictEqual(j.mechanism, 'syscall');
    assert.strictEqual(j.strace, 'write(99, "nope\\n", 5) = -1 EBADF (Bad file descriptor)');
    for (const k of ['pid', 'tid', 'nr', 'abi', 'startInsn', 'endInsn', 'startCycles', 'endCycles']) assert.ok(k in j, k);
  });
});
