// Data breakpoints through the real adapter: a watched quadword stops right after each instruction
// that changes it, with the old and new bytes; reads are declined; removing the watch runs to the end.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { useDebugClient } from '../helpers/dap';
import { DebugProtocol } from '@vscode/debugprotocol';
import { tempDir } from '../helpers/tools';

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

  it('a write watch on a quadword stops after each change; readWrite is declined', async function () {
    const program = path.join(dir, 'count.s');
    const entry = dc.waitForEvent('stopped', 10000);
    await Promise.all([dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()), dc.launch({ program, stopOnEntry: true })]);
    await entry;
    const info = await dc.customRequest('dataBreakpointInfo', { name: 'counter' }) as DebugProtocol.DataBreakpointInfoResponse;
    assert.match(info.body.dataId ?? '', /^0x[0-9a-f]+\/8$/);
    assert.deepStrictEqual(info.body.accessTypes, ['write']);
    const set = await dc.customRequest('setDataBreakpoints', {
      breakpoints: [{ dataId: info.body.dataId, accessType: 'write' }, { dataId: info.body.dataId, accessType: 'readWrite' }],
    }) as DebugProtocol.SetDataBreakpointsResponse;
    assert.deepStrictEqual(set.body.breakpoints.map((b) => b.verified), [true, false]);
    for (let n = 1; n <= 3; n++) {
      const stopped = dc.waitForEvent('stopped', 10000) as Promise<DebugProtocol.StoppedEvent>;
      await dc.continueRequest({ threadId: 1 });
      const ev = await stopped;
      assert.strictEqual(ev.body.reason, 'data breakpoint');
      assert.deepStrictEqual(ev.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
      assert.match(ev.body.description ?? '', new RegExp(`0${n - 1} 00 00 00 00 00 00 00 -> 0${n} 00`));
      const top = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
      assert.strictEqual(top.line, 7);
    }
    await dc.customRequest('setDataBreakpoints', { breakpoints: [] });
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    assert.strictEqual((await exited).body.exitCode, 0);
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
