// Golden test of the socket, poll/select and eventfd decoders against the real strace 6.1: a static
// C program (fixtures/golden-net.c) makes the calls raw, with every pointer into one static region,
// and logs each call's arguments, result and the region before and after it; Trapdoor's printer,
// fed the same values, must print the line strace printed (sockaddrs, "[128 => 16]" lengths,
// msghdrs with SCM_RIGHTS, socket options, pollfd arrays, fd_sets, "(Timeout)", "left {...}").

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadSyscallTables } from '../../emulator/kernel/syscalls/table';
import type { GuestMemory, SyscallEvent } from '../../emulator/trace/event';
import { formatCall } from '../../emulator/trace/strace';
import { repoRoot, requireTools, tempDir } from '../helpers/tools';

const REG = 8192;
const HEADER = 9 * 8; // abi, nr, a[6], ret

function regionMemory(base: bigint, bytes: Uint8Array): GuestMemory {
  return {
    read(addr, len) {
      if (addr < base || addr + BigInt(len) > base + BigInt(REG)) return undefined;
      const o = Number(addr - base);
      return bytes.subarray(o, o + len);
    },
  };
}

describe('strace printer: sockets, poll/select and eventfd as the real strace 6.1 prints them', function () {
  this.timeout(60000);
  const recs: { nr: number; args: bigint[]; ret: bigint; pre: Uint8Array; post: Uint8Array }[] = [];
  let lines: string[] = [];
  let base = 0n;
  let dir = '';

  before(function () {
    requireTools(this, 'gcc', 'strace');
    dir = tempDir('trapdoor-strace-net-');
    const exe = path.join(dir, 'golden-net');
    const src = path.join(repoRoot, 'test', 'trace', 'fixtures', 'golden-net.c');
    const cc = spawnSync('gcc', ['-static', '-O1', '-o', exe, src], { encoding: 'utf8' });
    if (cc.status !== 0 && /cannot find -lc/.test(cc.stderr)) {
      console.log('      skipped: gcc -static needs the static C library (apt-get install -y libc6-dev)');
      this.skip();
    }
    assert.strictEqual(cc.status, 0, `gcc failed on ${src}:\n${cc.stderr}`);
    const log = path.join(dir, 'golden.log');
    const trace = path.join(dir, 'golden.strace');
    const run = spawnSync('sh', ['-c', `strace -qq -o ${trace} ${exe} 3>${log} >/dev/null`], { cwd: dir, encoding: 'utf8', timeout: 30000 });
    assert.strictEqual(run.status, 0, `strace run failed: ${run.stderr}`);
    const buf = fs.readFileSync(log);
    base = buf.readBigUInt64LE(0);
    for (let o = 8; o + HEADER + 2 * REG <= buf.length; o += HEADER + 2 * REG) {
      const q = (i: number) => buf.readBigInt64LE(o + 8 * i);
      recs.push({
        nr: Number(q(1)), args: [2, 3, 4, 5, 6, 7].map(q), ret: q(8),
        pre: buf.subarray(o + HEADER, o + HEADER + REG), post: buf.subarray(o + HEADER + REG, o + HEADER + 2 * REG),
      });
    }
    const all = fs.readFileSync(trace, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('write(3,'));
    lines = all.slice(all.findIndex((l) => l.startsWith('getpgid(424242)')));
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('decodes every logged call exactly as strace did', function () {
    assert.ok(recs.length >= 80, `only ${recs.length} calls logged`);
    const tables = loadSyscallTables();
    const diffs: string[] = [];
    recs.forEach((r, i) => {
      const ev: SyscallEvent = {
        pid: 1, tid: 1, nr: r.nr, abi: '64', args: r.args, ret: r.nr === 231 ? undefined : r.ret, mechanism: 'syscall',
        startInsn: 0, endInsn: 0, startCycles: 0, endCycles: 0, site: 0n,
      };
      const got = formatCall(ev, regionMemory(base, r.post), { tables }, regionMemory(base, r.pre));
      if (got !== lines[i]) diffs.push(`  strace:   ${lines[i]}\n  trapdoor: ${got}`);
    });
    console.log(`      ${recs.length - diffs.length} of ${recs.length} lines identical to strace 6.1`);
    assert.strictEqual(diffs.length, 0, `lines differ:\n${diffs.join('\n')}`);
  });
});
