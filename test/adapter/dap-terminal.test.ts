// `"console": "integratedTerminal"`: the adapter asks the client to run the relay (runInTerminal),
// and the guest's stdout/stderr reach that terminal, its stdin comes from there. The client here
// answers runInTerminal by spawning the command itself (pipes stand in for the terminal). While the
// program waits for input the adapter stays responsive (pause works); typed input lets it go on.
// A client without runInTerminal keeps the Debug Console.

import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { useDebugClient } from '../helpers/dap';
import { tempDir } from '../helpers/tools';

const ECHO = [
  '        .data',
  'prompt: .ascii "name? "',
  'hello:  .ascii "hello "',
  'done:   .ascii "done\\n"',
  'buf:    .space 64',
  '        .text',
  '        .globl _start',
  '_start: mov $1, %eax',
  '        mov $1, %edi',
  '        lea prompt(%rip), %rsi',
  '        mov $6, %edx',
  '        syscall', // write(1, "name? ", 6)
  '        xor %eax, %eax',
  '        xor %edi, %edi',
  '        lea buf(%rip), %rsi',
  '        mov $64, %edx',
  '        syscall', // read(0, buf, 64): waits for the terminal
  '        mov %rax, %r12',
  '        mov $1, %eax',
  '        mov $1, %edi',
  '        lea hello(%rip), %rsi',
  '        mov $6, %edx',
  '        syscall',
  '        mov $1, %eax',
  '        mov $1, %edi',
  '        lea buf(%rip), %rsi',
  '        mov %r12, %rdx',
  '        syscall', // the line read, back
  '        mov $1, %eax',
  '        mov $2, %edi',
  '        lea done(%rip), %rsi',
  '        mov $5, %edx',
  '        syscall', // "done" on stderr
  '        mov $60, %eax',
  '        mov %r12, %rdi',
  '        syscall', // exit(bytes read)
].join('\n') + '\n';

interface FakeTerminal { child?: ChildProcess; out: string; err: string; request?: DebugProtocol.RunInTerminalRequestArguments }

/** Makes `dc` answer runInTerminal requests by spawning the command (testsupport's client ignores reverse requests). */
function answerRunInTerminal(dc: DebugClient): FakeTerminal {
  const term: FakeTerminal = { out: '', err: '' };
  const client = dc as unknown as { dispatch(body: string): void; outputStream: NodeJS.WritableStream };
  const dispatch = client.dispatch.bind(dc);
  client.dispatch = (body: string) => {
    const msg = JSON.parse(body) as DebugProtocol.ProtocolMessage;
    if (msg.type !== 'request' || (msg as DebugProtocol.Request).command !== 'runInTerminal') return dispatch(body);
    const req = msg as DebugProtocol.RunInTerminalRequest;
    term.request = req.arguments;
    const [cmd, ...args] = req.arguments.args;
    const child = spawn(cmd, args, { cwd: req.arguments.cwd, env: { ...process.env, ...(req.arguments.env ?? {}) } as NodeJS.ProcessEnv, stdio: 'pipe' });
    child.stdout!.on('data', (d: Buffer) => (term.out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (term.err += d.toString()));
    term.child = child;
    const response = JSON.stringify({ type: 'response', seq: 100000 + req.seq, request_seq: req.seq, command: 'runInTerminal', success: true, body: { processId: child.pid } });
    client.outputStream.write(`Content-Length: ${Buffer.byteLength(response)}\r\n\r\n${response}`);
  };
  return term;
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

describe('debug adapter: the program\'s streams in a terminal (runInTerminal)', function () {
  this.timeout(30000);
  const client = useDebugClient();
  let dc: DebugClient;
  let dir: string;
  let program: string;
  beforeEach(function () {
    dc = client();
    dir = tempDir();
    program = path.join(dir, 'echo.s');
    fs.writeFileSync(program, ECHO);
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('output goes to the terminal, input comes from it; pause works while the program waits for it', async function () {
    const term = answerRunInTerminal(dc);
    const console: string[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category !== 'console' && e.body.category !== 'telemetry') console.push(e.body.output); });
    await dc.initializeRequest({ adapterID: 'trapdoor', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsRunInTerminalRequest: true });
    const init = dc.waitForEvent('initialized');
    const launched = dc.launchRequest({ program, console: 'integratedTerminal' } as DebugProtocol.LaunchRequestArguments);
    await init;
    await dc.configurationDoneRequest();
    await launched;
    assert.strictEqual(term.request?.kind, 'integrated');
    assert.deepStrictEqual(term.request?.args.slice(2, 3), ['tty-relay']);

    await until('the prompt in the terminal', () => term.out === 'name? ');
    // Waiting in read(0, ...): the adapter still answers, and pause stops in the kernel's read.
    const paused = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await dc.pauseRequest({ threadId: 1 });
    assert.strictEqual((await paused).body.reason, 'pause');
    const frames = (await dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.match(frames[0].name, /\[kernel\]/);
    assert.ok(frames.some((f) => f.source?.path === program && f.line === 17), JSON.stringify(frames.map((f) => `${f.name} ${f.line}`)));

    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1 });
    term.child!.stdin!.write('bob\n');
    assert.strictEqual((await exited).body.exitCode, 4);
    await until('the answer in the terminal', () => term.out === 'name? hello bob\n' && term.err === 'done\n');
    assert.deepStrictEqual(console, [], 'nothing of the program in the Debug Console');
    await dc.disconnectRequest({});
    await until('the relay to end', () => term.child!.exitCode !== null);
    assert.strictEqual(term.child!.exitCode, 0);
  });

  it('a client without runInTerminal keeps the Debug Console (and says why)', async function () {
    const out: DebugProtocol.OutputEvent[] = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e));
    fs.writeFileSync(path.join(dir, 'in.txt'), 'alice\n');
    const exited = dc.waitForEvent('exited') as Promise<DebugProtocol.ExitedEvent>;
    await Promise.all([
      dc.waitForEvent('initialized').then(() => dc.configurationDoneRequest()),
      dc.launch({ program, console: 'integratedTerminal', stdin: path.join(dir, 'in.txt') } as DebugProtocol.LaunchRequestArguments),
    ]);
    assert.strictEqual((await exited).body.exitCode, 6);
    assert.strictEqual(out.filter((e) => e.body.category === 'stdout').map((e) => e.body.output).join(''), 'name? hello alice\n');
    assert.ok(out.some((e) => e.body.category === 'console' && /cannot run a terminal/.test(e.body.output)));
  });
});
