// The debugger's remaining stories through the real adapter process: step out of the kernel in one
// step (from sys_write, from start_kernel), stopOnEntry "kernel" at start_kernel's first instruction,
// `restart` (same or updated arguments, breakpoints kept with their ids), and the `kernel` launch
// attribute (a changed copy of the kernel tree is built and booted; a broken one is a clear error).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { ADAPTER, useDebugClient } from '../helpers/dap';
import { repoRoot, tempDir } from '../helpers/tools';

const HELLO = path.join(repoRoot, 'examples', 'hello.s');
const KERNEL = path.join(repoRoot, 'emulator', 'kernel');
const HELLO_SYSCALL_LINE = 18; // the write's `syscall`
const HELLO_AFTER_LINE = 20; // `mov $60, %eax`, right after it

async function launch(dc: DebugClient, args: Record<string, unknown>, setup?: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 20000) as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized').then(() => setup?.()).then(() => dc.configurationDoneRequest()),
    dc.launch({ program: HELLO, ...args }),
  ]);
  return stopped;
}

async function top(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
}

async function value(dc: DebugClient, expr: string): Promise<string> {
  return (await dc.evaluateRequest({ expression: expr, context: 'repl' })).body.result;
}

async function stepOut(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await dc.stepOutRequest({ threadId: 1 });
  assert.strictEqual((await stopped).body.reason, 'step');
  return top(dc);
}

describe('debug adapter: stepping out of the kernel, stopOnEntry "kernel", restart', function () {
  this.timeout(30000);
  const client = useDebugClient();
  let dc: DebugClient;
  beforeEach(() => (dc = client()));

  it('one stepOut from sys_write lands on the user instruction after the syscall, with rax = 13', async function () {
    const ev = await launch(dc, {}, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_write' }] }));
    assert.strictEqual(ev.body.reason, 'function breakpoint');
    assert.strictEqual((await top(dc)).name.split(' ')[0], 'sys_write');
    const f = await stepOut(dc);
    assert.strictEqual(f.source?.path, HELLO);
    assert.strictEqual(f.line, HELLO_AFTER_LINE);
    assert.match(await value(dc, 'rax'), /^0xd \(13\)/);
  });

  it('one stepOut from deep in the entry code (copy_from_user) also returns to user mode', async function () {
    await launch(dc, {}, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'copy_from_user' }] }));
    assert.strictEqual((await top(dc)).name.split(' ')[0], 'copy_from_user');
    const f = await stepOut(dc);
    assert.strictEqual(f.source?.path, HELLO);
    assert.strictEqual(f.line, HELLO_AFTER_LINE);
  });

  it('stopOnEntry "kernel" stops at the first instruction of start_kernel; stepOut runs the boot to _start', async function () {
    const ev = await launch(dc, { stopOnEntry: 'kernel' });
    assert.strictEqual(ev.body.reason, 'entry');
    const f = await top(dc);
    assert.strictEqual(f.name.split(' ')[0], 'start_kernel');
    assert.match(f.source?.path ?? '', /head_64\.S$/);
    assert.strictEqual(BigInt(f.instructionPointerReference!), BigInt((await value(dc, 'start_kernel')).split(' ')[0]));
    const u = await stepOut(dc);
    assert.strictEqual(u.source?.path, HELLO);
    assert.match(u.name, /^_start/);
  });

  it('restart relaunches with the same arguments and the same breakpoints (same ids), or with updated ones', async function () {
    let line: DebugProtocol.SetBreakpointsResponse | undefined;
    let fn: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
    const first = await launch(dc, {}, async () => {
      line = await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: HELLO_SYSCALL_LINE }] });
      fn = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_exit' }] });
    });
    const lineId = line!.body.breakpoints[0].id, fnId = fn!.body.breakpoints[0].id;
    assert.deepStrictEqual(first.body.hitBreakpointIds, [lineId]);
    const caps = (await dc.initializeRequest()).body; // (a second initialize only reads the capabilities)
    assert.strictEqual(caps?.supportsRestartRequest, true);

    // Run on to the exit's handler, then restart: the line breakpoint stops the new run first.
    let stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.deepStrictEqual((await stopped).body.hitBreakpointIds, [fnId]);
    assert.strictEqual(out.join(''), 'Hello, world\n');
    stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.customRequest('restart', {});
    const again = await stopped;
    assert.strictEqual(again.body.reason, 'breakpoint');
    assert.deepStrictEqual(again.body.hitBreakpointIds, [lineId]);
    assert.strictEqual((await top(dc)).line, HELLO_SYSCALL_LINE);
    assert.strictEqual(await value(dc, 'rdx'), '0xd (13)');
    stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.deepStrictEqual((await stopped).body.hitBreakpointIds, [fnId]);
    assert.strictEqual(out.join(''), 'Hello, world\nHello, world\n');

    // Updated arguments: now stop on entry.
    stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.customRequest('restart', { arguments: { type: 'trapdoor', request: 'launch', program: HELLO, stopOnEntry: true } });
    assert.strictEqual((await stopped).body.reason, 'entry');
    assert.strictEqual((await top(dc)).line, 14);
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [] });
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 0);
  });

  it('restart with a program that no longer assembles answers with the error and ends the session', async function () {
    const dir = tempDir();
    try {
      const prog = path.join(dir, 'p.s');
      fs.copyFileSync(HELLO, prog);
      await launch(dc, { program: prog, stopOnEntry: true });
      fs.appendFileSync(prog, '        bogus %rax\n');
      const terminated = dc.waitForEvent('terminated');
      await assert.rejects(dc.customRequest('restart', {}), /p\.s:\d+:\d+: error/);
      await terminated;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('debug adapter: the `kernel` launch attribute', function () {
  this.timeout(60000);
  let dir: string;
  let dc: DebugClient;

  beforeEach(async function () {
    dir = tempDir();
    // Each new tree is a new kernel image: keep its disk-cache entry in this test's folder.
    dc = new DebugClient(process.execPath, ADAPTER, 'trapdoor', { env: { ...process.env, TRAPDOOR_CACHE_DIR: path.join(dir, 'cache') } });
    await dc.start();
  });
  afterEach(async function () {
    await dc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the shipped tree (only what a kernel tree holds) with `change` applied to kernel/sys.S. */
  function copyTree(change: (text: string) => string): string {
    const tree = path.join(dir, 'my-kernel');
    fs.cpSync(KERNEL, tree, { recursive: true, filter: (src) => fs.statSync(src).isDirectory() || /\.(S|h|tbl)$/.test(src) });
    const sys = path.join(tree, 'kernel', 'sys.S');
    fs.writeFileSync(sys, change(fs.readFileSync(sys, 'utf8')));
    return tree;
  }

  it('a changed sys_getpid is built and booted: the guest sees 4242, frames show the user\'s file', async function () {
    const tree = copyTree((t) => t.replace(/^\tTASK_FIELD sys_getpid,.*$/m, [
      'SYM_FUNC_START(sys_getpid)',
      '\tmovl\t$4242, %eax\t\t\t/* a teacher\'s change */',
      'my_getpid_label:',
      '\tret',
      'SYM_FUNC_END(sys_getpid)',
    ].join('\n')));
    const prog = path.join(dir, 'pid.s');
    fs.writeFileSync(prog, [
      '        .globl _start',
      '_start: mov $39, %eax', // getpid
      '        syscall',
      '        mov %eax, %edi', // exit(getpid()): the status is 4242 & 0xff = 146
      '        mov $60, %eax',
      '        syscall',
    ].join('\n') + '\n');
    const ev = await launch(dc, { program: prog, kernel: tree }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'my_getpid_label' }] }));
    assert.strictEqual(ev.body.reason, 'function breakpoint');
    const f = await top(dc);
    assert.strictEqual(f.source?.path, path.join(tree, 'kernel', 'sys.S'));
    assert.strictEqual(await value(dc, 'rax'), '0x1092 (4242)');
    const loaded = await dc.customRequest('loadedSources', {}) as DebugProtocol.LoadedSourcesResponse;
    const sources = loaded.body.sources.map((s) => s.path ?? '');
    assert.ok(sources.includes(path.join(tree, 'arch', 'x86', 'entry', 'entry_64.S')));
    assert.ok(!sources.some((s) => s.startsWith(KERNEL)), 'no source of the shipped kernel');
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 4242 & 0xff);
  });

  it('a broken kernel tree fails the launch with the assembler\'s file:line:col; a folder that is no tree says so', async function () {
    const tree = copyTree((t) => t + '\n\tbogus_insn %rax\n');
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({ program: HELLO, kernel: tree } as DebugProtocol.LaunchRequestArguments),
      (e: Error) => e.message.includes('the kernel does not build') && new RegExp(`${tree.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/kernel/sys\\.S:\\d+:\\d+: error`).test(e.message));
    await assert.rejects(dc.launchRequest({ program: HELLO, kernel: dir } as DebugProtocol.LaunchRequestArguments), /is not a kernel tree/);
  });
});
