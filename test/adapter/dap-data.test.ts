// Data breakpoints through the real adapter, exact and without single-stepping: a write watch stops
// right after each instruction that writes the bytes (old and new shown, a same-value write too); a
// read watch on hello's string stops inside the kernel's copy_from_user; readWrite sees both;
// removing the watch runs to the end.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { useDebugClient } from '../helpers/dap';
import { DebugProtocol } from '@vscode/debugprotocol';
import { repoRoot, tempDir } from '../helpers/tools';

const HELLO = path.join(repoRoot, 'examples', 'hello.s');

const SOURCE = [
  '        .data',
  'counter: .quad 0',
  '        .text',
  '        .globl _start',
  '_start: mov $3, %ecx',
  '1:      addq $1, counter(%rip)',
  '        dec %rcx', // line 7: where each stop lands
  '        jnz 1b',
  '        mov $60, %eax',
  '        xor %edi, %edi',
  '        syscall',
].join('\n') + '\n';

describe('debug adapter: data breakpoints', function () {
  this.timeout(20000);
  const client = useDebugClient();
  let dc: DebugClient;
  let dir: string;

  beforeEach(function () {
    dc = client();
    dir = tempDir();
    fs.writeFileSync(path.join(dir, 'count.s'), SOURCE);
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function launchStopped(program: string): Promise<void> {
    const entry = dc.waitForEvent('stopped', 10000);
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program, stopOnEntry: true })]);
    await entry;
  }

  async function continueToStop(): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped', 10000) as Promise<DebugProtocol.StoppedEvent>;
    await dc.continueRequest({ threadId: 1 });
    return stopped;
  }

  it('a write watch on a quadword stops after each write; an unknown access type is declined', async function () {
    const program = path.join(dir, 'count.s');
    const entry = dc.waitForEvent('stopped', 10000);
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program, stopOnEntry: true })]);
    await entry;
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'counter' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.match(info.body.dataId ?? '', /^0x[0-9a-f]+\/8$/);
    assert.deepStrictEqual([...info.body.accessTypes ?? []].sort(), ['read', 'readWrite', 'write']);
    const set = await dc.customRequest('setDataBreakpoints', {
      breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }, { dataId: info.body.dataId, accessType: 'execute' }],
    }) as DebugProtocol.SetDataBreakpointsResponse;
    assert.deepStrictEqual(set.body.breakpoints.map((b) => b.verified), [true, false]);
    for (let n = 1; n <= 3; n++) {
      const stopped = dc.waitForEvent('stopped', 10000) as Promise<DebugProtocol.StoppedEvent>;
      await dc.continueRequest({ threadId: 1 });
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'data breakpoint');
      assert.deepStrictEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
      assert.match(ev.body.description ?? '', new RegExp(`^write at 0x[0-9a-f]+ <counter>, 8 bytes .*: 0${n - 1} 00 00 00 00 00 00 00 -> 0${n} 00`));
      const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
      assert.strictEqual(top.line, 7);
    }
    await dc.customRequest('setDataBreakpoints', { breakpoints: [] });
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 0);
  });

  it('a read watch on hello\'s string stops inside copy_from_user, after the rep movsb that read it', async function () {
    await launchStopped(HELLO);
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'greeting', bytes: 13 }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.match(info.body.dataId ?? '', /\/13$/);
    const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: 'read' }] }) as DebugProtocol.SetDataBreakpointsResponse;
    assert.ok(set.body.breakpoints[0].verified);
    const ev = await continueToStop();
    assert.strictEqual(ev.body.reason, 'data breakpoint');
    assert.deepStrictEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
    assert.match(ev.body.description ?? '', /^read at 0x[0-9a-f]+ <greeting>, 13 bytes .*: 48 65 6c 6c 6f/);
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.strictEqual(frames[0].name.split(/[ +]/)[0], 'copy_from_user');
    assert.match(frames[0].source?.path ?? '', /usercopy_64\.S$/);
    // The stop is after the instruction: the one after `rep movsb`, all 13 bytes copied.
    const insn = await dc.customRequest('disassemble', { memoryReference: frames[0].instructionPointerReference, instructionCount: 1 }) as DebugProtocol.DisassembleResponse;
    assert.match(insn.body!.instructions[0].instruction, /^mov %rcx,%rax/);
    assert.match((await dc.evaluateRequest({ expression: 'rcx', context: 'repl' })).body.result, /^0x0 /);
    // Nothing reads the string again: the program runs to its end.
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 0);
  });

  it('readWrite sees the read and the write of `addq $1, counter`; a read watch alone too', async function () {
    await launchStopped(path.join(dir, 'count.s'));
    const info = await dc.customRequest('dataBreakpointInfo', { name: '*(u32*)counter' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.match(info.body.dataId ?? '', /\/4$/);
    for (const [access, what] of [['readWrite', 'read and write'], ['read', 'read']]) {
      const set = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: info.body.dataId, accessType: access }] }) as DebugProtocol.SetDataBreakpointsResponse;
      const ev = await continueToStop();
      assert.strictEqual(ev.body.reason, 'data breakpoint');
      assert.deepStrictEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
      assert.ok((ev.body.description ?? '').startsWith(`${what} at `), ev.body.description);
      assert.strictEqual((await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0].line, 7);
    }
  });

  it('an expression that is not memory has no data breakpoint', async function () {
    const program = path.join(dir, 'count.s');
    const entry = dc.waitForEvent('stopped', 10000);
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program, stopOnEntry: true })]);
    await entry;
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'rax + 1' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.strictEqual(info.body.dataId, null);
    const mem = await dc.customRequest('dataBreakpointInfo', { name: '*(u32*)(rsp+8)' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.match(mem.body.dataId ?? '', /^0x7ff[0-9a-f]+\/4$/);
  });
});
