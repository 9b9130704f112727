// The debugger's speed, through the real adapter process (out/adapter/dap/main.js) and a DAP client:
// launch to stopped-on-entry, the median stepIn round trip, and continue throughput (guest MIPS) with
// 100 breakpoints set vs none, and the stepBack round trip 10 million instructions into a run (a
// re-execution from boot). A script, not a test: it prints figures and the goals (launch < 300 ms,
// step < 5 ms, breakpoints cost < 10%, stepBack < 300 ms), and fails on nothing.
// Run: node out/test/bench/dap-bench.js

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';

const ROOT = path.resolve(__dirname, '..', '..', '..');
// The adapter as the extension runs it: the webpack bundle (npm run bench builds it first); the
// unbundled modules under out/ load slower (hundreds of files) and are only the fallback.
const BUNDLE = path.join(ROOT, 'dist', 'adapter.js');
const ADAPTER = fs.existsSync(BUNDLE) ? BUNDLE : path.join(ROOT, 'out', 'adapter', 'dap', 'main.js');
const HELLO = path.join(ROOT, 'examples', 'hello.s');
const ITERATIONS = 100_000_000;
/** Instructions the loop program runs: 2 before the loop, 4 per iteration, 3 to exit. */
const LOOP_INSNS = 2 + 4 * ITERATIONS + 3;
const UNREACHED = 100;

/** A hot loop, then exit; followed by UNREACHED lines of code that never run (where breakpoints go). */
function loopProgram(dir: string): { file: string; lines: number[] } {
  const src = [
    '        .text', '        .globl _start', '_start:',
    `        mov $${ITERATIONS}, %ecx`, '        xor %ebx, %ebx',
    '1:      add %rcx, %rbx', '        add $1, %rdx', '        dec %rcx', '        jnz 1b',
    '        mov $60, %eax', '        xor %edi, %edi', '        syscall',
    'cold:',
  ];
  const first = src.length + 1;
  for (let i = 0; i < UNREACHED; i++) src.push(['        inc %rax', '        add $3, %rbx', '        shl $1, %rdx', '        nop'][i % 4]);
  src.push('        ret');
  const file = path.join(dir, 'loop.s');
  fs.writeFileSync(file, src.join('\n') + '\n');
  return { file, lines: Array.from({ length: UNREACHED }, (_, i) => first + i) };
}

async function session<T>(body: (dc: DebugClient) => Promise<T>): Promise<T> {
  const dc = new DebugClient(process.execPath, ADAPTER, 'trapdoor');
  await dc.start();
  try {
    return await body(dc);
  } finally {
    await dc.stop();
  }
}

/** Sends launch and configurationDone (with `setup` in between); resolves when stopped or terminated. */
async function launch(dc: DebugClient, args: Record<string, unknown>, setup?: () => Promise<unknown>): Promise<void> {
  await dc.initializeRequest();
  const init = dc.waitForEvent('initialized', 20000);
  const launched = dc.launchRequest(args as DebugProtocol.LaunchRequestArguments);
  await init;
  await setup?.();
  await dc.configurationDoneRequest();
  await launched;
}

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function launchTime(): Promise<number> {
  return session(async (dc) => {
    const t0 = performance.now();
    const stopped = dc.waitForEvent('stopped', 20000);
    await launch(dc, { program: HELLO, stopOnEntry: true });
    await stopped;
    return performance.now() - t0;
  });
}

async function stepTimes(n: number): Promise<number[]> {
  return session(async (dc) => {
    const stopped = dc.waitForEvent('stopped', 20000);
    await launch(dc, { program: HELLO, stopOnEntry: true });
    await stopped;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const next = dc.waitForEvent('stopped', 20000);
      await dc.stepInRequest({ threadId: 1, granularity: 'instruction' });
      await next;
      out.push(performance.now() - t0);
    }
    return out;
  });
}

/** From continue (stopped on entry) to the exited event: guest MIPS. */
async function throughput(file: string, lines: number[]): Promise<{ mips: number; verified: number }> {
  return session(async (dc) => {
    const stopped = dc.waitForEvent('stopped', 20000);
    let verified = 0;
    await launch(dc, { program: file, stopOnEntry: true }, async () => {
      if (!lines.length) return;
      const r = await dc.setBreakpointsRequest({ source: { path: file }, breakpoints: lines.map((line) => ({ line })) });
      verified = r.body.breakpoints.filter((b) => b.verified).length;
    });
    await stopped;
    const exited = dc.waitForEvent('exited', 120000);
    const t0 = performance.now();
    await dc.continueRequest({ threadId: 1 });
    await exited;
    const ms = performance.now() - t0;
    return { mips: LOOP_INSNS / ms / 1000, verified };
  });
}

/** Iterations of the watch program's loop (4 instructions each, one a memory read). */
const WATCH_ITERATIONS = 20_000_000;
const WATCH_INSNS = 2 + 4 * WATCH_ITERATIONS + 3;

/** A loop that reads `val` each time; `near` is on the same page and never read, `far` on another page. */
function watchProgram(dir: string): string {
  const src = [
    '        .data', 'val:    .quad 1', '        .space 56', 'near:   .quad 0', '        .balign 4096', 'far:    .quad 0',
    '        .text', '        .globl _start', '_start:',
    `        mov $${WATCH_ITERATIONS}, %ecx`, '        xor %ebx, %ebx',
    '1:      add val(%rip), %rbx', '        add $1, %rdx', '        dec %rcx', '        jnz 1b',
    '        mov $60, %eax', '        xor %edi, %edi', '        syscall',
  ];
  const file = path.join(dir, 'watch.s');
  fs.writeFileSync(file, src.join('\n') + '\n');
  return file;
}

/** Guest MIPS from continue to exit with one read watchpoint on `symbol` (none: no watchpoint); it must never stop. */
async function watchThroughput(file: string, symbol?: string): Promise<number> {
  return session(async (dc) => {
    const stopped = dc.waitForEvent('stopped', 20000);
    await launch(dc, { program: file, stopOnEntry: true });
    await stopped;
    if (symbol) {
      const info = await dc.customRequest('dataBreakpointInfo', { name: symbol, bytes: 8 }) as DebugProtocol.DataBreakpointInfoResponse;
      const r = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'read' }] }) as DebugProtocol.SetDataBreakpointsResponse;
      if (!r.body.breakpoints[0].verified) throw new Error(`no watchpoint on ${symbol}`);
    }
    const exited = dc.waitForEvent('exited', 120000);
    const t0 = performance.now();
    await dc.continueRequest({ threadId: 1 });
    await exited;
    return WATCH_INSNS / (performance.now() - t0) / 1000;
  });
}

/** Iterations of the stepBack program's loop: 4 instructions each, 10 million in all. */
const BACK_ITERATIONS = 2_500_000;

/** A loop of 10 million instructions, then a line where the session stops (a breakpoint). */
function backProgram(dir: string): { file: string; line: number } {
  const src = [
    '        .text', '        .globl _start', '_start:',
    `        mov $${BACK_ITERATIONS}, %ecx`, '        xor %ebx, %ebx',
    '1:      add %rcx, %rbx', '        add $1, %rdx', '        dec %rcx', '        jnz 1b',
    '        mov $60, %eax', '        xor %edi, %edi', '        syscall',
  ];
  const file = path.join(dir, 'back.s');
  fs.writeFileSync(file, src.join('\n') + '\n');
  return { file, line: 10 };
}

/** stepBack round trips (by line and by instruction) from 10 million instructions into the run; a `next` in between comes back. */
async function stepBackTimes(dir: string, n: number): Promise<{ line: number[]; insn: number[] }> {
  const { file, line } = backProgram(dir);
  return session(async (dc) => {
    const stopped = dc.waitForEvent('stopped', 60000);
    await launch(dc, { program: file }, () => dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line }] }));
    await stopped;
    const out = { line: [] as number[], insn: [] as number[] };
    for (let i = 0; i < n; i++) {
      for (const granularity of ['statement', 'instruction'] as const) {
        const t0 = performance.now();
        const back = dc.waitForEvent('stopped', 60000);
        await dc.stepBackRequest({ threadId: 1, granularity });
        await back;
        (granularity === 'instruction' ? out.insn : out.line).push(performance.now() - t0);
        const fwd = dc.waitForEvent('stopped', 60000);
        await dc.nextRequest({ threadId: 1, granularity });
        await fwd;
      }
    }
    return out;
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(ADAPTER)) throw new Error(`${ADAPTER} is missing: run npx tsc -p .`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trapdoor-dap-bench-'));
  try {
    await launchTime(); // warm the file cache
    const launches: number[] = [];
    for (let i = 0; i < 5; i++) launches.push(await launchTime());
    if (process.env.BENCH_VERBOSE) console.log(`launches: ${launches.map((x) => x.toFixed(0)).join(" ")} ms`);
    const steps = await stepTimes(60);
    const { file, lines } = loopProgram(dir);
    const none: number[] = [], with100: number[] = [];
    let verified = 0;
    for (let i = 0; i < 5; i++) {
      none.push((await throughput(file, [])).mips);
      const r = await throughput(file, lines);
      with100.push(r.mips);
      verified = r.verified;
    }
    const back = await stepBackTimes(dir, 7);
    const wfile = watchProgram(dir);
    const wNone: number[] = [], wFar: number[] = [], wNear: number[] = [];
    for (let i = 0; i < 3; i++) {
      wNone.push(await watchThroughput(wfile));
      wFar.push(await watchThroughput(wfile, 'far'));
      wNear.push(await watchThroughput(wfile, 'near'));
    }
    // Throughput: the best of 5 (interleaved), as other load on the host only ever slows a run down.
    const l = median(launches), s = median(steps), a = Math.max(...none), b = Math.max(...with100);
    const cost = (1 - b / a) * 100;
    const row = (name: string, value: string, goal: string, ok: boolean): string => `${name.padEnd(44)}${value.padStart(14)}   ${goal.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`;
    console.log(row('launch to stopped on entry (median of 5)', `${l.toFixed(0)} ms`, '< 300 ms', l < 300));
    console.log(row('stepIn round trip (median of 60)', `${s.toFixed(2)} ms`, '< 5 ms', s < 5));
    console.log(row('continue, no breakpoints (best of 5)', `${a.toFixed(0)} MIPS`, '', true));
    console.log(row(`continue, ${verified} breakpoints set (best of 5)`, `${b.toFixed(0)} MIPS`, '', true));
    console.log(`(medians: ${median(none).toFixed(0)} and ${median(with100).toFixed(0)} MIPS)`);
    console.log(row('breakpoints cost (ratio with/without)', `${cost.toFixed(1)}% (${(b / a).toFixed(3)})`, '< 10%', cost < 10));
    const bl = median(back.line), bi = median(back.insn);
    console.log(row('stepBack 10M insns in, by line (median of 7)', `${bl.toFixed(0)} ms`, '< 300 ms', bl < 300));
    console.log(row('stepBack 10M insns in, by instruction', `${bi.toFixed(0)} ms`, '< 300 ms', bi < 300));
    // A memory-reading loop: no watchpoint, a read watchpoint on a page it does not touch, and on
    // bytes it does not read in the page it reads (every access there takes the slow path).
    const [wn, wf, wp] = [wNone, wFar, wNear].map((x) => Math.max(...x));
    console.log(row('memory loop, no watchpoint (best of 3)', `${wn.toFixed(0)} MIPS`, '', true));
    console.log(row('  read watchpoint on another page', `${wf.toFixed(0)} MIPS`, '', true));
    console.log(row('  read watchpoint on the page it reads', `${wp.toFixed(0)} MIPS`, '', true));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
