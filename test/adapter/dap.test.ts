// The debug adapter as a DAP client sees it: the real adapter process (out/adapter/dap/main.js)
// driven by @vscode/debugadapter-testsupport's DebugClient, on examples/hello.s and the corpus.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { useDebugClient } from '../helpers/dap';
import { DebugProtocol } from '@vscode/debugprotocol';
import { repoRoot, tempDir } from '../helpers/tools';

const HELLO = path.join(repoRoot, 'examples', 'hello.s');
const KERNEL = path.join(repoRoot, 'emulator', 'kernel');
const ENTRY_64 = path.join(KERNEL, 'arch', 'x86', 'entry', 'entry_64.S');
const HELLO_SYSCALL_LINE = 18; // the write's `syscall`
const HELLO_AFTER_LINE = 20; // `mov $60, %eax`

function lineOf(file: string, text: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
}

async function launch(dc: DebugClient, args: Record<string, unknown>, setup?: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 10000) as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized').then(() => setup?.()).then(() => dc.configurationDoneRequest()),
    dc.launch({ program: HELLO, ...args }),
  ]);
  return stopped;
}

async function top(dc: DebugClient): Promise<DebugProtocol.StackFrame> {
  return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
}

async function step(dc: DebugClient, kind: 'in' | 'over' | 'out'): Promise<DebugProtocol.StackFrame> {
  const stopped = dc.waitForEvent('stopped');
  if (kind === 'in') await dc.stepInRequest({ threadId: 1 });
  else if (kind === 'over') await dc.nextRequest({ threadId: 1 });
  else await dc.stepOutRequest({ threadId: 1 });
  await stopped;
  return top(dc);
}

async function value(dc: DebugClient, expr: string): Promise<string> {
  return (await dc.evaluateRequest({ expression: expr, context: 'repl' })).body.result;
}

describe('debug adapter (DAP)', function () {
  this.timeout(20000);
  const client = useDebugClient();
  let dc: DebugClient;
  beforeEach(() => (dc = client()));

  it('launches hello.s and stops on its first instruction', async function () {
    const ev = await launch(dc, { stopOnEntry: true });
    assert.strictEqual(ev.body.reason, 'entry');
    const f = await top(dc);
    assert.strictEqual(f.source?.path, HELLO);
    assert.strictEqual(f.line, 14);
    assert.match(f.name, /^_start/);
    const threads = (await dc.threadsRequest()).body.threads;
    assert.strictEqual(threads.length, 1);
    assert.match(threads[0].name, /^\d+ hello\.s$/);
  });

  it('stopOnEntry "kernel" stops at start_kernel', async function () {
    await launch(dc, { stopOnEntry: 'kernel' });
    const f = await top(dc);
    assert.match(f.name, /^start_kernel/);
    assert.match(f.source?.path ?? '', /head_64\.S$/);
  });

  it('runs to the end with the output in the Debug Console and the exit status', async function () {
    const out: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program: HELLO }), dc.waitForEvent('terminated')]);
    assert.strictEqual((await exited).body.exitCode, 0);
    assert.strictEqual(out.join(''), 'Hello, world\n');
  });

  it('a line breakpoint on `syscall`, stepIn into entry_SYSCALL_64, on to the dispatch and sys_write, stepOut back with rax = 13', async function () {
    let bp: DebugProtocol.SetBreakpointsResponse | undefined;
    const ev = await launch(dc, {}, async () => {
      bp = await dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: HELLO_SYSCALL_LINE }] });
    });
    assert.ok(bp!.body.breakpoints[0].verified);
    assert.strictEqual(bp!.body.breakpoints[0].line, HELLO_SYSCALL_LINE);
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.strictEqual((await top(dc)).line, HELLO_SYSCALL_LINE);

    let f = await step(dc, 'in');
    assert.strictEqual(f.source?.path, ENTRY_64);
    assert.strictEqual(f.name.split(' ')[0], 'entry_SYSCALL_64');
    assert.strictEqual(f.line, lineOf(ENTRY_64, 'swapgs'));
    // The user frame below the kernel one: the syscall line of hello.s.
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.ok(frames.some((x) => x.source?.path === HELLO && x.line === HELLO_SYSCALL_LINE), JSON.stringify(frames.map((x) => x.name)));

    const common = path.join(KERNEL, 'arch', 'x86', 'entry', 'common.S');
    const dispatch = lineOf(common, 'call	*sys_call_table');
    let n = 0;
    for (; n < 300 && !(f.source?.path === common && f.line === dispatch); n++) f = await step(dc, 'in');
    assert.ok(n < 300, 'stepping never reached the dispatch line');
    f = await step(dc, 'in');
    assert.strictEqual(f.name.split(' ')[0], 'sys_write');

    // While in the kernel: the call and the user's registers.
    const scopes = (await dc.scopesRequest({ frameId: f.id })).body.scopes;
    const names = scopes.map((s) => s.name);
    for (const s of ['General registers', 'RFLAGS', 'Segment & MSRs', 'SSE', 'User registers (pt_regs)', 'Syscall']) assert.ok(names.includes(s), `no ${s} scope in ${names}`);
    const sc = (await dc.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'Syscall')!.variablesReference })).body.variables;
    assert.strictEqual(sc.find((v) => v.name === 'name')?.value, 'write');
    assert.match(sc.find((v) => v.name === 'call')?.value ?? '', /^write\(1, "Hello, world\\n", 13/);

    for (n = 0; n < 5 && f.source?.path !== HELLO; n++) f = await step(dc, 'out');
    assert.strictEqual(f.source?.path, HELLO);
    assert.strictEqual(f.line, HELLO_AFTER_LINE);
    assert.match(await value(dc, 'rax'), /^0xd \(13\)/);
  });

  it('a function breakpoint on sys_write stops with a stack across the boundary', async function () {
    let bp: DebugProtocol.SetFunctionBreakpointsResponse | undefined;
    const ev = await launch(dc, {}, async () => {
      bp = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_write' }, { name: 'no_such_symbol' }] });
    });
    assert.strictEqual(bp!.body.breakpoints[0].verified, true);
    assert.strictEqual(bp!.body.breakpoints[1].verified, false);
    assert.strictEqual(ev.body.reason, 'function breakpoint');
    const names = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames.map((x) => x.name.split(/[ +]/)[0]);
    assert.strictEqual(names[0], 'sys_write');
    assert.ok(names.indexOf('do_syscall_64') > 0 && names.indexOf('entry_SYSCALL_64') > names.indexOf('do_syscall_64'), names.join(','));
    assert.ok(names.indexOf('_start') > names.indexOf('entry_SYSCALL_64'), names.join(','));
  });

  it('a breakpoint on a line of the kernel\'s entry_64.S', async function () {
    const line = lineOf(ENTRY_64, 'call	do_syscall_64');
    let bp: DebugProtocol.SetBreakpointsResponse | undefined;
    const ev = await launch(dc, {}, async () => {
      bp = await dc.setBreakpointsRequest({ source: { path: ENTRY_64 }, breakpoints: [{ line: line - 1 }] });
    });
    assert.ok(bp!.body.breakpoints[0].verified);
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.strictEqual((await top(dc)).source?.path, ENTRY_64);
  });

  it('next steps over a syscall as one step', async function () {
    await launch(dc, {}, () => dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: HELLO_SYSCALL_LINE }] }));
    const f = await step(dc, 'over');
    assert.strictEqual(f.source?.path, HELLO);
    assert.strictEqual(f.line, HELLO_AFTER_LINE);
    assert.match(await value(dc, 'eax'), /^0xd /);
  });

  it('conditions, hit counts and logpoints', async function () {
    const logs: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') logs.push(e.body.output); });
    await launch(dc, {}, () => dc.setBreakpointsRequest({
      source: { path: HELLO },
      breakpoints: [{ line: HELLO_SYSCALL_LINE, logMessage: 'write: rax={rax} rdx={rdx}' }, { line: 22, condition: 'rax == 60 && rdi > 2' }, { line: 22, condition: 'rax == 60', hitCondition: '1' }],
    }));
    const f = await top(dc);
    assert.strictEqual(f.line, 22);
    assert.ok(logs.join('').includes('write: rax=0x1 rdx=0xd'), logs.join(''));
  });

  it('pauses an infinite loop within a second', async function () {
    const dir = tempDir();
    const loop = path.join(dir, 'loop.s');
    fs.writeFileSync(loop, '.globl _start\n_start:\n1: inc %rax\n jmp 1b\n');
    try {
      await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program: loop })]);
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      const stopped = dc.waitForEvent('stopped', 1000) as Promise<DebugProtocol.StoppedEvent>;
      await dc.pauseRequest({ threadId: 1 });
      assert.strictEqual((await stopped).body.reason, 'pause');
      assert.ok(Date.now() - t0 < 1000);
      assert.strictEqual((await top(dc)).source?.path, loop);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the corpus sigsegv program ends with status 139', async function () {
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program: path.join(repoRoot, 'test', 'corpus', 'sigsegv', 'sigsegv') })]);
    assert.strictEqual((await exited).body.exitCode, 139);
  });

  it('evaluate, setVariable, readMemory, writeMemory and disassemble', async function () {
    await launch(dc, { stopOnEntry: true });
    assert.match(await value(dc, 'rip'), /^0x401000 /);
    assert.match(await value(dc, 'x/4xb greeting'), /<greeting>:\t0x48\t0x65\t0x6c\t0x6c/);
    assert.match(await value(dc, '*(u32*)greeting'), /^0x6c6c6548 /);
    assert.match(await value(dc, '[rsp] + 1'), /^0x2 /); // argc is 1
    const g = await dc.evaluateRequest({ expression: 'greeting', context: 'watch' });
    const mem: DebugProtocol.ReadMemoryResponse = await dc.customRequest('readMemory', { memoryReference: g.body.memoryReference!, count: 13 });
    assert.strictEqual(Buffer.from(mem.body!.data!, 'base64').toString(), 'Hello, world\n');

    const scopes = (await dc.scopesRequest({ frameId: 1 })).body.scopes;
    const general = scopes.find((s) => s.name === 'General registers')!.variablesReference;
    const set = await dc.setVariableRequest({ variablesReference: general, name: 'rbx', value: '0x1234' });
    assert.match(set.body.value, /^0x0000000000001234 \(4660\)/);
    const flags = scopes.find((s) => s.name === 'RFLAGS')!.variablesReference;
    await dc.setVariableRequest({ variablesReference: flags, name: 'CF', value: '1' });
    assert.match(await value(dc, 'rflags & 1'), /^0x1 /);

    const rsp = (await value(dc, 'rsp')).split(' ')[0];
    await dc.customRequest('writeMemory', { memoryReference: rsp, data: Buffer.from([7, 0, 0, 0]).toString('base64') });
    assert.match(await value(dc, '*(u64*)rsp'), /^0x7 /);

    const dis = await dc.disassembleRequest({ memoryReference: '0x401000', instructionCount: 5 });
    const ins = dis.body!.instructions;
    assert.strictEqual(ins.length, 5);
    assert.strictEqual(ins[0].instruction, 'mov $0x1,%eax');
    assert.strictEqual(ins[0].symbol, '_start');
    assert.strictEqual(ins[0].line, 14);
    assert.match(ins[2].instruction, /^lea 0x[0-9a-f]+,%rsi <greeting>$/);
    assert.strictEqual(ins[4].instruction, 'syscall');
    const back = await dc.disassembleRequest({ memoryReference: '0x401000', offset: 0x16, instructionOffset: -2, instructionCount: 3 });
    assert.deepStrictEqual(back.body!.instructions.map((x) => x.instruction), ['lea 0x' + ins[2].instruction.split('0x')[1].split(',')[0] + ',%rsi <greeting>', 'mov $0xd,%edx', 'syscall']);
  });

  it('syscall events and the custom requests', async function () {
    const events: { phase: string; name: string; strace: string }[] = [];
    dc.on('trapdoor/syscall', (e: DebugProtocol.Event) => events.push(e.body));
    await launch(dc, {}, () => dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: 22 }] }));
    const table = (await dc.customRequest('trapdoor/syscallTable')).body.syscalls as { name: string; abi: string; hits: number }[];
    assert.strictEqual(table.find((s) => s.name === 'write' && s.abi === '64')?.hits, 1);
    assert.strictEqual(table.find((s) => s.name === 'read' && s.abi === '64')?.hits, 0);
    const maps = (await dc.customRequest('trapdoor/memoryMap')).body.maps as string;
    assert.match(maps, /\[stack\]/);
    assert.match(maps, /hello\.s|r-xp/);
    const write = events.filter((e) => e.name === 'write');
    assert.deepStrictEqual(write.map((e) => e.phase), ['entry', 'exit']);
    assert.strictEqual(write[1].strace, 'write(1, "Hello, world\\n", 13) = 13');
  });
});

describe('debug adapter: the bundle and `trapdoor dap --port`', function () {
  this.timeout(20000);

  it('dist/adapter.js (what the extension runs) stops on entry', async function () {
    const bundle = path.join(repoRoot, 'dist', 'adapter.js');
    if (!fs.existsSync(bundle)) {
      console.log('      skipped: dist/adapter.js is missing (npm run build)');
      return this.skip();
    }
    const dc = new DebugClient(process.execPath, bundle, 'trapdoor');
    await dc.start();
    try {
      await launch(dc, { stopOnEntry: true });
      assert.strictEqual((await top(dc)).line, 14);
    } finally {
      await dc.stop();
    }
  });

  it('`trapdoor dap --port 0` serves DAP on 127.0.0.1', async function () {
    const { spawn } = await import('child_process');
    const child = spawn(process.execPath, [path.join(repoRoot, 'out', 'adapter', 'cli.js'), 'dap', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let err = '';
        child.stderr!.on('data', (d: Buffer) => {
          err += d.toString();
          const m = /listening on 127\.0\.0\.1:(\d+)/.exec(err);
          if (m) resolve(Number(m[1]));
        });
        child.on('exit', () => reject(new Error(`trapdoor dap exited: ${err}`)));
      });
      const dc = new DebugClient(process.execPath, '', 'trapdoor');
      await dc.start(port);
      try {
        await launch(dc, { stopOnEntry: true });
        assert.match((await top(dc)).name, /^_start/);
      } finally {
        await dc.stop();
      }
    } finally {
      child.kill();
    }
  });
});
