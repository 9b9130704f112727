// The debug adapter's exception filters (syscall-entry/exit with conditions, kernel-entry, signal,
// fault) and breakpoints that split blocks, through the real adapter process and DebugClient.

import * as assert from 'assert';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { useDebugClient } from '../helpers/dap';
import { DebugProtocol } from '@vscode/debugprotocol';
import { repoRoot } from '../helpers/tools';

const HELLO = path.join(repoRoot, 'examples', 'hello.s');
const SIGSEGV = path.join(repoRoot, 'test', 'corpus', 'sigsegv', 'sigsegv');

type Filters = DebugProtocol.SetExceptionBreakpointsArguments;

/** Launches with exception filters set during configuration; resolves on the first stop. */
async function launch(dc: DebugClient, program: string, filters: Filters): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 10000) as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized').then(() => dc.setExceptionBreakpointsRequest(filters)).then(() => dc.configurationDoneRequest()),
    dc.launch({ program }),
  ]);
  return stopped;
}

async function cont(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped', 10000) as Promise<DebugProtocol.StoppedEvent>;
  await dc.continueRequest({ threadId: 1 });
  return stopped;
}

describe('debug adapter: exception filters', function () {
  this.timeout(20000);
  const client = useDebugClient();
  let dc: DebugClient;
  beforeEach(() => (dc = client()));

  it('declares its filters in the capabilities', async function () {
    const r = await dc.initializeRequest();
    const ids = (r.body?.exceptionBreakpointFilters ?? []).map((f) => f.filter);
    assert.deepStrictEqual(ids, ['syscall-entry', 'syscall-exit', 'kernel-entry', 'signal', 'fault']);
    assert.ok(r.body?.supportsExceptionInfoRequest);
  });

  it('syscall-entry stops at write with its decoded arguments, then at exit; exceptionInfo says so', async function () {
    const ev = await launch(dc, HELLO, { filters: ['syscall-entry'] });
    assert.strictEqual(ev.body.reason, 'exception');
    assert.strictEqual(ev.body.text, 'syscall entry: write(1, "Hello, world\\n", 13)');
    const info = await dc.exceptionInfoRequest({ threadId: 1 });
    assert.strictEqual(info.body.exceptionId, 'syscall-entry');
    assert.match(info.body.description ?? '', /write\(1,/);
    const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.match(frame.name, /^syscall_trace_enter/);
    const ev2 = await cont(dc);
    assert.strictEqual(ev2.body.text, 'syscall entry: exit(0)');
  });

  it('syscall-entry with condition `exit` stops only there', async function () {
    const ev = await launch(dc, HELLO, { filters: [], filterOptions: [{ filterId: 'syscall-entry', condition: 'exit' }] });
    assert.strictEqual(ev.body.text, 'syscall entry: exit(0)');
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 0);
  });

  it('syscall-exit with an expression condition over ret and args[0]', async function () {
    const ev = await launch(dc, HELLO, { filters: [], filterOptions: [{ filterId: 'syscall-exit', condition: 'ret == 13 && args[0] == 1' }] });
    assert.strictEqual(ev.body.text, 'syscall exit: write(1, "Hello, world\\n", 13) = 13');
  });

  it('kernel-entry stops at entry_SYSCALL_64 for the write', async function () {
    const ev = await launch(dc, HELLO, { filters: ['kernel-entry'] });
    assert.match(ev.body.text ?? '', /^kernel entry: syscall write \(nr 1\) from 0x[0-9a-f]+$/);
    const frame = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    assert.strictEqual(frame.name.split(' ')[0], 'entry_SYSCALL_64');
  });

  it('the corpus sigsegv program stops on the fault, then on the signal, with address 0, then dies with 139', async function () {
    const ev = await launch(dc, SIGSEGV, { filters: ['fault', 'signal'] });
    assert.match(ev.body.text ?? '', /^fault: #PF page fault at 0x0 \(rip 0x[0-9a-f]+, error 0x6\)$/);
    const ev2 = await cont(dc);
    assert.match(ev2.body.text ?? '', /^signal: SIGSEGV at 0x0 /);
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 139);
  });

  it('without filters the same program runs to its end', async function () {
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.setExceptionBreakpointsRequest({ filters: [] })).then(() => dc.configurationDoneRequest()), dc.launch({ program: SIGSEGV })]);
    assert.strictEqual((await exited).body.exitCode, 139);
  });
});
