// Time travel through the real adapter: stepBack across a system call restores the registers and
// the memory a read() filled, and stepping forward again gives the same values without printing
// or reporting anything twice; stdin replays the same; reverseContinue stops at the previous
// breakpoint hit (and exception-filter stop); stepBack inside sys_write goes back one
// instruction; a register the user set is set again by the re-execution.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { useDebugClient } from '../helpers/dap';
import { repoRoot, tempDir } from '../helpers/tools';

const HELLO = path.join(repoRoot, 'examples', 'hello.s');
const HELLO_SYSCALL_LINE = 18;
const HELLO_AFTER_LINE = 20;

/** Reads up to 16 bytes of stdin into buf, echoes them, exits. */
const ECHO = [
  '        .bss',
  'buf:    .skip 16',
  '        .text',
  '        .globl _start',
  '_start: xor %eax, %eax', // 5: read(0, buf, 16)
  '        xor %edi, %edi',
  '        lea buf(%rip), %rsi',
  '        mov $16, %edx',
  '        syscall', // 9
  '        mov %rax, %rdx', // 10: write(1, buf, n)
  '        mov $1, %eax',
  '        mov $1, %edi',
  '        lea buf(%rip), %rsi',
  '        syscall', // 14
  '        mov $60, %eax', // 15
  '        xor %edi, %edi',
  '        syscall',
].join('\n') + '\n';

/** Counts %ecx down from 5; each turn passes line 6. */
const LOOP = [
  '        .text',
  '        .globl _start',
  '_start: mov $5, %ecx',
  '        xor %ebx, %ebx',
  '1:      add %rcx, %rbx',
  '        dec %ecx', // 6: the breakpoint
  '        jnz 1b',
  '        mov $60, %eax',
  '        xor %edi, %edi',
  '        syscall',
].join('\n') + '\n';

/** Adds 1 to `counter` three times. */
const COUNT = [
  '        .data',
  'counter: .quad 0',
  '        .text',
  '        .globl _start',
  '_start: mov $3, %ecx',
  '1:      addq $1, counter(%rip)',
  '        dec %rcx',
  '        jnz 1b',
  '        mov $60, %eax',
  '        xor %edi, %edi',
  '        syscall',
].join('\n') + '\n';

describe('debug adapter: stepBack and reverseContinue', function () {
  this.timeout(30000);
  const client = useDebugClient();
  let dc: DebugClient;
  let dir: string;
  let out: string[];
  let syscalls: { phase: string; name?: string; nr?: number }[];

  beforeEach(function () {
    dc = client();
    dir = tempDir('trapdoor-reverse-');
    out = [];
    syscalls = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
    dc.on('trapdoor/syscall', (e: DebugProtocol.Event) => syscalls.push(e.body as { phase: string }));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function launch(args: Record<string, unknown>, setup?: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped', 10000) as Promise<DebugProtocol.StoppedEvent>;
    await Promise.all([
      dc.waitForEvent('initialized').then(() => setup?.()).then(() => dc.configurationDoneRequest()),
      dc.launch(args as DebugProtocol.LaunchRequestArguments),
    ]);
    return stopped;
  }

  async function after(request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped', 20000) as Promise<DebugProtocol.StoppedEvent>;
    await request();
    return stopped;
  }
  const next = (granularity?: 'instruction'): Promise<DebugProtocol.StoppedEvent> => after(() => dc.nextRequest({ threadId: 1, granularity }));
  const stepIn = (granularity?: 'instruction'): Promise<DebugProtocol.StoppedEvent> => after(() => dc.stepInRequest({ threadId: 1, granularity }));
  const back = (granularity?: 'instruction'): Promise<DebugProtocol.StoppedEvent> => after(() => dc.stepBackRequest({ threadId: 1, granularity }));
  const reverse = (): Promise<DebugProtocol.StoppedEvent> => after(() => dc.reverseContinueRequest({ threadId: 1 }));
  const cont = (): Promise<DebugProtocol.StoppedEvent> => after(() => dc.continueRequest({ threadId: 1 }));

  async function top(): Promise<DebugProtocol.StackFrame> {
    return (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
  }
  async function value(expr: string): Promise<string> {
    return (await dc.evaluateRequest({ expression: expr, context: 'repl' })).body.result;
  }
  async function bytes(expr: string, n: number): Promise<string> {
    const ref = (await dc.evaluateRequest({ expression: expr, context: 'repl' })).body.memoryReference!;
    const r = (await dc.customRequest('readMemory', { memoryReference: ref, count: n })) as DebugProtocol.ReadMemoryResponse;
    return Buffer.from(r.body!.data!, 'base64').toString('latin1');
  }

  it('advertises supportsStepBack', async function () {
    const r = await dc.initializeRequest();
    assert.strictEqual(r.body?.supportsStepBack, true);
  });

  it('stepBack over a write syscall restores rax and rip; forward again gives the same values, printing and reporting nothing twice', async function () {
    await launch({ program: HELLO }, () => dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: HELLO_SYSCALL_LINE }] }));
    const syscallRip = await value('rip');
    await next();
    assert.strictEqual((await top()).line, HELLO_AFTER_LINE);
    assert.match(await value('rax'), /^0xd \(13\)/);
    assert.strictEqual(out.join(''), 'Hello, world\n');
    const reported = syscalls.length;
    assert.ok(syscalls.some((s) => s.phase === 'exit' && s.name === 'write'), JSON.stringify(syscalls));

    const ev = await back();
    assert.strictEqual(ev.body.reason, 'step');
    const f = await top();
    assert.strictEqual(f.source?.path, HELLO);
    assert.strictEqual(f.line, HELLO_SYSCALL_LINE);
    assert.match(await value('rax'), /^0x1 \(1\)/, 'rax is the call number again');
    assert.strictEqual(await value('rip'), syscallRip);

    await next();
    assert.strictEqual((await top()).line, HELLO_AFTER_LINE);
    assert.match(await value('rax'), /^0xd \(13\)/);
    assert.strictEqual(out.join(''), 'Hello, world\n', 'the replayed write printed nothing');
    assert.strictEqual(syscalls.length, reported, 'no syscall event sent again');

    const exited = dc.waitForEvent('exited', 10000) as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 0);
    assert.strictEqual(out.join(''), 'Hello, world\n');
    assert.strictEqual(syscalls.filter((s) => s.phase === 'entry' && s.name === 'exit').length, 1, JSON.stringify(syscalls));
  });

  it('memory a read() from stdin filled is back to its old bytes, and the input replays the same', async function () {
    const program = path.join(dir, 'echo.s');
    fs.writeFileSync(program, ECHO);
    fs.writeFileSync(path.join(dir, 'input.txt'), 'typed text\n');
    await launch({ program, stdin: 'input.txt' }, () => dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: 9 }] }));
    const empty = '\0'.repeat(16);
    assert.strictEqual(await bytes('buf', 16), empty);
    await next();
    assert.strictEqual((await top()).line, 10);
    assert.strictEqual(await bytes('buf', 16), 'typed text\n\0\0\0\0\0');
    assert.match(await value('rax'), /^0xb \(11\)/);

    await back();
    assert.strictEqual((await top()).line, 9);
    assert.strictEqual(await bytes('buf', 16), empty, 'the buffer is as before the read');
    assert.match(await value('rax'), /^0x0 \(0\)/);

    await next();
    assert.strictEqual(await bytes('buf', 16), 'typed text\n\0\0\0\0\0', 'the same input again');
    // On to after the echo, back over it, forward again: printed once.
    for (let i = 0; i < 5; i++) await next();
    assert.strictEqual((await top()).line, 15);
    assert.strictEqual(out.join(''), 'typed text\n');
    await back();
    await back();
    assert.strictEqual((await top()).line, 13);
    await next();
    await next();
    assert.strictEqual((await top()).line, 15);
    assert.strictEqual(out.join(''), 'typed text\n');
  });

  it('reverseContinue stops at the previous breakpoint hit, then at the beginning', async function () {
    const program = path.join(dir, 'loop.s');
    fs.writeFileSync(program, LOOP);
    let ids: number[] = [];
    await launch({ program }, async () => {
      const r = await dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: 6 }] });
      ids = r.body.breakpoints.map((b) => b.id!);
    });
    assert.match(await value('rcx'), /^0x5 /);
    await cont();
    await cont();
    assert.match(await value('rcx'), /^0x3 /);
    let ev = await reverse();
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.deepStrictEqual(ev.body.hitBreakpointIds, ids);
    assert.strictEqual((await top()).line, 6);
    assert.match(await value('rcx'), /^0x4 /);
    assert.match(await value('rbx'), /^0x9 /, 'rbx = 5 + 4: the state of that turn');
    ev = await reverse();
    assert.match(await value('rcx'), /^0x5 /);
    ev = await reverse();
    assert.strictEqual(ev.body.reason, 'entry');
    assert.strictEqual((await top()).line, 3);
    // Forward again: the same hits.
    ev = await cont();
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.match(await value('rcx'), /^0x5 /);
  });

  it('reverseContinue honours hit counts (counted from the start)', async function () {
    const program = path.join(dir, 'loop.s');
    fs.writeFileSync(program, LOOP);
    await launch({ program }, () => dc.setBreakpointsRequest({ source: { path: program }, breakpoints: [{ line: 6, hitCondition: '% 2' }] }));
    assert.match(await value('rcx'), /^0x4 /);
    await cont();
    assert.match(await value('rcx'), /^0x2 /);
    await reverse();
    assert.match(await value('rcx'), /^0x4 /);
    await cont();
    assert.match(await value('rcx'), /^0x2 /, 'the count was rewound with the machine');
  });

  it('reverseContinue stops after the previous write to a watched quadword', async function () {
    const program = path.join(dir, 'count.s');
    fs.writeFileSync(program, COUNT);
    await launch({ program, stopOnEntry: true });
    const info = await dc.dataBreakpointInfoRequest({ name: 'counter' });
    await dc.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    for (let i = 1; i <= 3; i++) {
      const ev = await cont();
      assert.strictEqual(ev.body.reason, 'data breakpoint');
      assert.match(await value('*(u64*)counter'), new RegExp(`^0x${i} `));
    }
    const ev = await reverse();
    assert.strictEqual(ev.body.reason, 'data breakpoint');
    assert.match(ev.body.description ?? '', /write/);
    assert.match(await value('*(u64*)counter'), /^0x2 /);
    assert.match(await value('rcx'), /^0x2 /, 'the second turn: rcx not yet decremented');
    await cont();
    assert.match(await value('*(u64*)counter'), /^0x3 /);
  });

  it('reverseContinue stops at the previous syscall-entry filter stop', async function () {
    await launch({ program: HELLO }, () => dc.setExceptionBreakpointsRequest({ filters: ['syscall-entry'] }));
    let ev = await cont();
    assert.strictEqual(ev.body.reason, 'exception');
    assert.match(ev.body.text ?? '', /syscall entry: exit/);
    ev = await reverse();
    assert.strictEqual(ev.body.reason, 'exception');
    assert.match(ev.body.text ?? '', /syscall entry: write\(1, "Hello, world\\n", 13/);
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.strictEqual(info.body.exceptionId, 'syscall-entry');
    ev = await cont();
    assert.match(ev.body.text ?? '', /syscall entry: exit/);
    assert.strictEqual(out.join(''), 'Hello, world\n', 'shown once: the second write was a replay');
  });

  it('stepBack inside sys_write goes back one instruction (out of a function it entered, to its call)', async function () {
    await launch({ program: HELLO }, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_write' }] }));
    const pcs = [(await top()).instructionPointerReference];
    const regs = [await value('rsp')];
    for (let i = 0; i < 3; i++) {
      await stepIn('instruction');
      pcs.push((await top()).instructionPointerReference);
      regs.push(await value('rsp'));
    }
    for (let i = 2; i >= 0; i--) {
      await back('instruction');
      const f = await top();
      assert.strictEqual(f.instructionPointerReference, pcs[i], `back to instruction ${i}`);
      assert.strictEqual(await value('rsp'), regs[i]);
    }
    assert.match((await top()).name, /^sys_write/);
  });

  it('memory the user wrote is written again by the re-execution', async function () {
    await launch({ program: HELLO }, () => dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: HELLO_SYSCALL_LINE }] }));
    const ref = (await dc.evaluateRequest({ expression: 'greeting', context: 'repl' })).body.memoryReference!;
    await dc.customRequest('writeMemory', { memoryReference: ref, data: Buffer.from('J').toString('base64') });
    await next();
    assert.strictEqual(out.join(''), 'Jello, world\n');
    await back();
    assert.strictEqual(await bytes('greeting', 5), 'Jello');
    await next();
    assert.strictEqual(out.join(''), 'Jello, world\n');
  });

  it('a register the user set is set again by the re-execution', async function () {
    await launch({ program: HELLO }, () => dc.setBreakpointsRequest({ source: { path: HELLO }, breakpoints: [{ line: HELLO_SYSCALL_LINE }] }));
    const scopes = (await dc.scopesRequest({ frameId: (await top()).id })).body.scopes;
    const general = scopes.find((s) => s.name === 'General registers')!;
    await dc.setVariableRequest({ variablesReference: general.variablesReference, name: 'rdx', value: '5' });
    await next();
    assert.strictEqual(out.join(''), 'Hello');
    await back();
    assert.strictEqual((await top()).line, HELLO_SYSCALL_LINE);
    assert.match(await value('rdx'), /^0x5 \(5\)/);
    await next();
    assert.match(await value('rax'), /^0x5 \(5\)/);
    assert.strictEqual(out.join(''), 'Hello');
  });
});
