// The debugger sees every task, through the real adapter process: one DAP thread per live task
// (named `1000 fork.s`, `1001 fork.s [thread]`), thread events as tasks start and end, stops
// reported for the task on the CPU, the call stack, registers and memory of a task that sleeps in
// the kernel (read from its pt_regs, its kernel stack and its own address space), steps that stay
// on their task while others run (forward and back), the memory map per process, and names that
// follow an execve. The programs are assembled in-process (no host tool is needed), but for one
// C program with a pthread built with gcc -static (skipped without gcc).

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { DebugProtocol } from '@vscode/debugprotocol';
import { assembleProgram } from '../../emulator/asm/index';
import { useDebugClient } from '../helpers/dap';
import { requireTools, tempDir } from '../helpers/tools';

/** A program from lines; `line(marker)` is the 1-based line whose comment ends with `marker`. */
function program(lines: string[]): { text: string; line(marker: string): number } {
  return {
    text: lines.join('\n') + '\n',
    line(marker: string): number {
      const i = lines.findIndex((l) => l.endsWith(`# ${marker}`));
      assert.ok(i >= 0, `no line marked ${marker}`);
      return i + 1;
    },
  };
}

/** fork(); the child marks `mark` = 7, writes "child\n" and exits 3; the parent waits for it in wait4, writes "parent\n". */
const FORK = program([
  '        .data',
  'mark:   .long 0',
  'cmsg:   .ascii "child\\n"',
  'pmsg:   .ascii "parent\\n"',
  '        .bss',
  'status: .skip 8',
  '        .text',
  '        .globl _start',
  '_start:',
  '        mov     $57, %eax               # fork()',
  '        syscall',
  '        test    %rax, %rax',
  '        jz      child',
  '        mov     %rax, %r12              # the child\'s pid',
  '        mov     $61, %eax               # wait4(pid, &status, 0, NULL)',
  '        mov     %r12, %rdi',
  '        lea     status(%rip), %rsi',
  '        xor     %edx, %edx',
  '        xor     %r10d, %r10d',
  '        syscall                         # WAIT',
  '        mov     $1, %eax                # AFTER_WAIT',
  '        mov     $1, %edi',
  '        lea     pmsg(%rip), %rsi',
  '        mov     $7, %edx',
  '        syscall',
  '        mov     $60, %eax',
  '        xor     %edi, %edi',
  '        syscall',
  'child:',
  '        movl    $7, mark(%rip)',
  '        mov     $1, %eax                # CHILD',
  '        mov     $1, %edi',
  '        lea     cmsg(%rip), %rsi',
  '        mov     $6, %edx',
  '        syscall',
  '        mov     $60, %eax',
  '        mov     $3, %edi',
  '        syscall',
]);

/**
 * Parent and child both call `spin` from the same instruction with the same stack pointer (the
 * child's stack is a copy): the parent spins 100,000 turns (past a time slice), the child 20,000,
 * so the child comes back to AFTER_CALL first, while the parent is still in spin.
 */
const SPIN = program([
  '        .text',
  '        .globl _start',
  '_start:',
  '        mov     $57, %eax               # fork()',
  '        syscall',
  '        mov     %rax, %r12              # 0 in the child',
  '        mov     $100000, %ecx',
  '        test    %r12, %r12',
  '        jnz     1f',
  '        mov     $20000, %ecx',
  '1:      call    spin                    # CALL',
  '        test    %r12, %r12              # AFTER_CALL',
  '        jz      2f',
  '        mov     $61, %eax               # wait4(-1, NULL, 0, NULL)',
  '        mov     $-1, %rdi',
  '        xor     %esi, %esi',
  '        xor     %edx, %edx',
  '        xor     %r10d, %r10d',
  '        syscall',
  '2:      mov     $60, %eax',
  '        xor     %edi, %edi',
  '        syscall',
  'spin:   dec     %ecx',
  '        jnz     spin',
  '        ret',
]);

/** A thread (clone with CLONE_THREAD) sets `done`; the main thread yields until it sees it. */
const THREAD = program([
  '        .data',
  'done:   .long 0',
  '        .bss',
  '        .balign 16',
  'stack:  .skip 4096',
  'stack_top:',
  '        .text',
  '        .globl _start',
  '_start:',
  '        mov     $56, %eax               # clone(VM|FS|FILES|SIGHAND|THREAD|SYSVSEM, stack_top, 0, 0, 0)',
  '        mov     $0x50f00, %edi',
  '        lea     stack_top(%rip), %rsi',
  '        xor     %edx, %edx',
  '        xor     %r10d, %r10d',
  '        xor     %r8d, %r8d',
  '        syscall',
  '        test    %rax, %rax',
  '        jz      thread',
  '1:      cmpl    $0, done(%rip)',
  '        jne     2f',
  '        mov     $24, %eax               # sched_yield()',
  '        syscall',
  '        jmp     1b',
  '2:      mov     $231, %eax              # exit_group(0)',
  '        xor     %edi, %edi',
  '        syscall',
  'thread:',
  '        movl    $1, done(%rip)          # THREAD',
  '        mov     $60, %eax               # exit(0): this thread only',
  '        xor     %edi, %edi',
  '        syscall',
]);

/** fork(); the child runs ./other with execve; the parent waits. */
const EXEC = program([
  '        .data',
  'file:   .asciz "other"',
  'argv:   .quad file, 0',
  'envp:   .quad 0',
  '        .text',
  '        .globl _start',
  '_start:',
  '        mov     $57, %eax               # fork()',
  '        syscall',
  '        test    %rax, %rax',
  '        jz      child',
  '        mov     $61, %eax               # wait4(-1, NULL, 0, NULL)',
  '        mov     $-1, %rdi',
  '        xor     %esi, %esi',
  '        xor     %edx, %edx',
  '        xor     %r10d, %r10d',
  '        syscall',
  '        mov     $60, %eax',
  '        xor     %edi, %edi',
  '        syscall',
  'child:',
  '        mov     $59, %eax               # execve("other", argv, envp)',
  '        lea     file(%rip), %rdi',
  '        lea     argv(%rip), %rsi',
  '        lea     envp(%rip), %rdx',
  '        syscall',
  '        mov     $60, %eax',
  '        mov     $127, %edi',
  '        syscall',
]);

const OTHER = [
  '        .data',
  'msg:    .ascii "other\\n"',
  '        .text',
  '        .globl _start',
  '_start: mov     $1, %eax',
  '        mov     $1, %edi',
  '        lea     msg(%rip), %rsi',
  '        mov     $6, %edx',
  '        syscall',
  '        mov     $60, %eax',
  '        xor     %edi, %edi',
  '        syscall',
].join('\n') + '\n';

describe('debug adapter: threads are the guest\'s tasks', function () {
  this.timeout(30000);
  const client = useDebugClient();
  let dc: DebugClient;
  let dir: string;
  let out: string[];
  let threadEvents: { reason: string; threadId: number }[];
  let taskEvents: { reason: string; pid: number; tid: number; name: string }[];

  beforeEach(function () {
    dc = client();
    dir = tempDir('trapdoor-tasks-');
    out = [];
    threadEvents = [];
    taskEvents = [];
    dc.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'stdout') out.push(e.body.output); });
    dc.on('thread', (e: DebugProtocol.ThreadEvent) => threadEvents.push(e.body));
    dc.on('trapdoor/task', (e: DebugProtocol.Event) => taskEvents.push(e.body));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  }

  async function launch(prog: string, setup?: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped', 20000) as Promise<DebugProtocol.StoppedEvent>;
    await Promise.all([
      dc.waitForEvent('initialized').then(() => setup?.()).then(() => dc.configurationDoneRequest()),
      dc.launch({ program: prog } as DebugProtocol.LaunchRequestArguments),
    ]);
    return stopped;
  }

  async function after(request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const stopped = dc.waitForEvent('stopped', 20000) as Promise<DebugProtocol.StoppedEvent>;
    await request();
    return stopped;
  }

  async function threads(): Promise<{ id: number; name: string }[]> {
    return (await dc.threadsRequest()).body.threads;
  }

  async function frames(threadId: number): Promise<DebugProtocol.StackFrame[]> {
    return (await dc.stackTraceRequest({ threadId })).body.stackFrames;
  }

  async function value(expr: string, frameId?: number): Promise<DebugProtocol.EvaluateResponse['body']> {
    return (await dc.evaluateRequest({ expression: expr, context: 'repl', frameId })).body;
  }

  async function variables(frameId: number, scope: string): Promise<Map<string, string>> {
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    const s = scopes.find((x) => x.name === scope);
    assert.ok(s, `scope ${scope} among ${scopes.map((x) => x.name).join(', ')}`);
    const vars = (await dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
    return new Map(vars.map((v) => [v.name, v.value]));
  }

  it('a breakpoint in the child stops with the child\'s tid; threads lists both; the parent sleeping in wait4 shows its user frame at the syscall, its registers and its own memory', async function () {
    const prog = write('fork.s', FORK.text);
    const ev = await launch(prog, () => dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: FORK.line('CHILD') }] }));
    assert.strictEqual(ev.body.reason, 'breakpoint');
    assert.strictEqual(ev.body.threadId, 1001, 'the child stopped');
    assert.strictEqual(ev.body.allThreadsStopped, true);
    assert.deepStrictEqual(await threads(), [{ id: 1000, name: '1000 fork.s' }, { id: 1001, name: '1001 fork.s' }]);
    assert.deepStrictEqual(threadEvents, [{ reason: 'started', threadId: 1001 }]);

    const child = await frames(1001);
    assert.strictEqual(child[0].line, FORK.line('CHILD'));
    assert.strictEqual(child[0].source?.path, prog);
    assert.match((await value('rax', child[0].id)).result, /^0x0 /, 'fork returned 0 in the child');

    // The parent: next instruction in schedule(), kernel frames, then its user frame at the wait4 syscall.
    const parent = await frames(1000);
    assert.match(parent[0].name, /^schedule\+0x[0-9a-f]+ +\[sleeping in wait4\]/);
    assert.match(parent[0].source?.path ?? '', /core\.S$/);
    const user = parent.find((f) => / \[user, from pt_regs\]$/.test(f.name));
    assert.ok(user, parent.map((f) => f.name).join('\n'));
    assert.strictEqual(user.source?.path, prog);
    assert.strictEqual(user.line, FORK.line('WAIT'));
    assert.ok(parent.indexOf(user) > 1, 'kernel frames come between: the caller of schedule()');
    assert.ok(parent.every((f) => f.id >= 1000 * 1024), 'frame ids name the task');

    const task = await variables(parent[0].id, 'Task');
    assert.strictEqual(task.get('state'), 'sleeping in wait4');
    assert.strictEqual(task.get('pid'), '1000');
    const regs = await variables(user.id, 'User registers (pt_regs)');
    assert.match(regs.get('orig_ax')!, /\(61\)$/, 'orig_ax: wait4');
    assert.match(regs.get('di')!, /\(1001\)$/, 'the pid it waits for');
    assert.strictEqual((await variables(user.id, 'Syscall')).get('name'), 'wait4');
    assert.match((await value('r12', user.id)).result, /\(1001\)$/);

    // Memory: the child wrote mark = 7 in its copy; the parent's copy is still 0.
    const mine = await value('*(u32*)mark', child[0].id);
    const theirs = await value('*(u32*)mark', user.id);
    assert.match(mine.result, /^0x7 /);
    assert.match(theirs.result, /^0x0 /);
    assert.match(theirs.memoryReference ?? '', /@1000$/);
    const read = async (ref: string): Promise<number> => {
      const r = (await dc.customRequest('readMemory', { memoryReference: ref, count: 4 })) as DebugProtocol.ReadMemoryResponse;
      return Buffer.from(r.body!.data!, 'base64').readUInt32LE(0);
    };
    assert.strictEqual(await read(theirs.memoryReference!), 0);
    assert.strictEqual(await read(mine.memoryReference!), 7);

    // Per process memory maps: both map the program (they are the same program).
    const maps = (await dc.customRequest('trapdoor/memoryMap', { pid: 1000 })).body as { pid: number; tid: number; maps: string };
    assert.strictEqual(maps.pid, 1000);
    assert.match(maps.maps, /\[stack\]/);
    const running = (await dc.customRequest('trapdoor/memoryMap', {})).body as { pid: number };
    assert.strictEqual(running.pid, 1001);

    // On to the end: the child ends first (thread exited), then everything.
    const exited = dc.waitForEvent('exited', 20000) as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1001 });
    assert.strictEqual((await exited).body.exitCode, 0);
    assert.strictEqual(out.join(''), 'child\nparent\n');
    assert.deepStrictEqual(threadEvents, [{ reason: 'started', threadId: 1001 }, { reason: 'exited', threadId: 1001 }]);
  });

  it('next over the parent\'s wait4 completes in the parent while the child runs and ends', async function () {
    const prog = write('fork.s', FORK.text);
    const ev = await launch(prog, () => dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: FORK.line('WAIT') }] }));
    assert.strictEqual(ev.body.threadId, 1000);
    assert.strictEqual(out.join(''), '');
    const step = await after(() => dc.nextRequest({ threadId: 1000 }));
    assert.strictEqual(step.body.reason, 'step');
    assert.strictEqual(step.body.threadId, 1000);
    assert.strictEqual(out.join(''), 'child\n', 'the child ran during the step');
    const top = (await frames(1000))[0];
    assert.strictEqual(top.line, FORK.line('AFTER_WAIT'));
    assert.match((await value('rax')).result, /\(1001\)$/, 'wait4 returned the child\'s pid');
    assert.deepStrictEqual(await threads(), [{ id: 1000, name: '1000 fork.s' }]);
    assert.deepStrictEqual(threadEvents, [{ reason: 'started', threadId: 1001 }, { reason: 'exited', threadId: 1001 }]);
  });

  it('a step of a sleeping task (selected in the client) runs until it is back in user mode', async function () {
    const prog = write('fork.s', FORK.text);
    await launch(prog, () => dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: FORK.line('CHILD') }] }));
    await dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [] });
    const step = await after(() => dc.nextRequest({ threadId: 1000 }));
    assert.strictEqual(step.body.threadId, 1000);
    assert.strictEqual((await frames(1000))[0].line, FORK.line('AFTER_WAIT'));
    assert.strictEqual(out.join(''), 'child\n');
  });

  it('next over a call stays on its task: the child returning to the same place with the same stack does not end the parent\'s step; stepBack stays on it too', async function () {
    const prog = write('spin.s', SPIN.text);
    const ev = await launch(prog, () => dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: SPIN.line('CALL') }] }));
    assert.strictEqual(ev.body.threadId, 1000);
    // (The child would hit the same breakpoint: a breakpoint stops any task.)
    await dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [] });
    const step = await after(() => dc.nextRequest({ threadId: 1000 }));
    assert.strictEqual(step.body.reason, 'step');
    assert.strictEqual(step.body.threadId, 1000);
    assert.strictEqual((await frames(1000))[0].line, SPIN.line('AFTER_CALL'));
    assert.match((await value('r12')).result, /\(1001\)$/, 'the parent\'s r12 holds the child\'s pid');
    assert.match((await value('rcx')).result, /^0x0 /);
    assert.ok(threadEvents.some((e) => e.reason === 'started' && e.threadId === 1001), 'the child ran meanwhile');

    const back = await after(() => dc.stepBackRequest({ threadId: 1000 }));
    assert.strictEqual(back.body.threadId, 1000);
    assert.strictEqual((await frames(1000))[0].line, SPIN.line('CALL'));
    assert.match((await value('r12')).result, /\(1001\)$/, 'back in the parent, not in the child\'s call');
    assert.match((await value('rcx')).result, /\(100000\)$/);
  });

  it('a thread is named `tid prog [thread]` and stops with its own tid', async function () {
    const prog = write('thread.s', THREAD.text);
    const ev = await launch(prog, () => dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: THREAD.line('THREAD') }] }));
    assert.strictEqual(ev.body.threadId, 1001);
    assert.deepStrictEqual(await threads(), [{ id: 1000, name: '1000 thread.s' }, { id: 1001, name: '1001 thread.s [thread]' }]);
    const main = await frames(1000);
    assert.match(main[0].name, /\[(runnable: waits for the CPU|sleeping in sched_yield)\]/);
    const exited = dc.waitForEvent('exited', 20000) as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1001 });
    assert.strictEqual((await exited).body.exitCode, 0);
    assert.ok(threadEvents.some((e) => e.reason === 'exited' && e.threadId === 1001), JSON.stringify(threadEvents));
  });

  it('names follow an execve: the child becomes `1001 other`; its stack and memory map are the new program\'s', async function () {
    const r = assembleProgram([{ path: 'other.s', text: OTHER }]);
    assert.ok(r.image, 'other.s assembles');
    fs.writeFileSync(path.join(dir, 'other'), r.image);
    fs.chmodSync(path.join(dir, 'other'), 0o755);
    const prog = write('exec.s', EXEC.text);
    const ev = await launch(prog, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sys_exit' }] }));
    assert.strictEqual(ev.body.threadId, 1001);
    assert.strictEqual(out.join(''), 'other\n');
    assert.deepStrictEqual(await threads(), [{ id: 1000, name: '1000 exec.s' }, { id: 1001, name: '1001 other' }]);
    assert.deepStrictEqual(taskEvents.map((e) => [e.reason, e.tid, e.name]), [['started', 1001, '1001 exec.s'], ['exec', 1001, '1001 other']]);
    const user = (await frames(1001)).find((f) => / \[user, from pt_regs\]$/.test(f.name));
    assert.ok(user);
    assert.strictEqual(user.source, undefined, 'no line of exec.s for the other program');
    assert.match(user.name, /^0x[0-9a-f]+ /, 'and none of its symbols');
    const maps = (await dc.customRequest('trapdoor/memoryMap', { tid: 1001 })).body as { pid: number; name: string; maps: string };
    assert.strictEqual(maps.name, '1001 other');
    assert.match(maps.maps, /\/other\n/);
    const parent = (await dc.customRequest('trapdoor/memoryMap', { pid: 1000 })).body as { maps: string };
    assert.doesNotMatch(parent.maps, /\/other\n/);
    const exited = dc.waitForEvent('exited', 20000) as Promise<DebugProtocol.ExitedEvent>;
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    await dc.continueRequest({ threadId: 1001 });
    assert.strictEqual((await exited).body.exitCode, 0);
    assert.deepStrictEqual(taskEvents.map((e) => e.reason), ['started', 'exec', 'exited']);
  });
  it('a step in user mode goes over the timer interrupt that comes in its middle (and the other task it lets run)', async function () {
    const prog = write('spin.s', SPIN.text);
    await launch(prog, () => dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [{ line: SPIN.line('CALL') }] }));
    await dc.setBreakpointsRequest({ source: { path: prog }, breakpoints: [] });
    // The parent's first timer tick in spin: its handler, then back one instruction at a time to the
    // user instruction the timer came before (the interrupt comes before it runs).
    const tick = await after(() => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'sysvec_apic_timer_interrupt' }] }).then(() => dc.continueRequest({ threadId: 1000 })));
    assert.strictEqual(tick.body.threadId, 1000);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    for (let k = 0; k < 100 && (await frames(1000))[0].source?.path !== prog; k++) {
      await after(() => dc.stepBackRequest({ threadId: 1000, granularity: 'instruction' }));
    }
    const interrupted = (await frames(1000))[0];
    assert.strictEqual(interrupted.source?.path, prog);
    const rcx = BigInt((await value('rcx')).result.split(' ')[0]);
    // The timer comes before it runs: the step lets the interrupt (and the child) run, and stops after it, in spin.
    const step = await after(() => dc.stepInRequest({ threadId: 1000, granularity: 'instruction' }));
    assert.strictEqual(step.body.threadId, 1000);
    const f = (await frames(1000))[0];
    assert.strictEqual(f.source?.path, prog, `stopped in user mode, not in the kernel: ${f.name}`);
    assert.notStrictEqual(f.instructionPointerReference, interrupted.instructionPointerReference);
    const now = BigInt((await value('rcx')).result.split(' ')[0]);
    assert.ok(now === rcx || now === rcx - 1n, `rcx ${rcx} -> ${now}`);
    assert.ok(threadEvents.some((e) => e.reason === 'started' && e.threadId === 1001), 'the child ran during the step');
  });
  it('a C program with a pthread (gcc -static): the thread stops in its function; main sleeps in futex inside pthread_join, called from main', async function () {
    requireTools(this, 'gcc');
    const src = write('pt.c', [
      '#include <pthread.h>',
      '#include <stdio.h>',
      'static volatile int seen;',
      'void *worker(void *arg) {',
      '  seen = *(int *)arg;',
      '  return 0;',
      '}',
      'int main(void) {',
      '  pthread_t t;',
      '  int v = 42;',
      '  pthread_create(&t, 0, worker, &v);',
      '  pthread_join(t, 0); /* JOIN */',
      '  printf("seen %d\\n", seen);',
      '  return 0;',
      '}',
    ].join('\n') + '\n');
    const exe = path.join(dir, 'pt');
    const r = spawnSync('gcc', ['-static', '-g', '-O1', '-pthread', '-o', exe, src], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`      skipped: gcc -static cannot build a pthread program here: ${r.stderr.split('\n')[0]}`);
      this.skip();
    }
    const ev = await launch(exe, () => dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'worker' }] }));
    assert.strictEqual(ev.body.reason, 'function breakpoint');
    assert.strictEqual(ev.body.threadId, 1001);
    assert.deepStrictEqual(await threads(), [{ id: 1000, name: '1000 pt' }, { id: 1001, name: '1001 pt [thread]' }]);
    assert.match((await frames(1001))[0].name, /^worker/);
    const main = await frames(1000);
    assert.match(main[0].name, /\[sleeping in futex\]/);
    assert.ok(main.some((f) => /\[user, from pt_regs\]$/.test(f.name)), main.map((f) => f.name).join('\n'));
    const caller = main.find((f) => /^main\+/.test(f.name));
    assert.ok(caller, main.map((f) => f.name).join('\n'));
    assert.strictEqual(caller.line, 12, 'main is in pthread_join');
    const exited = dc.waitForEvent('exited', 20000) as Promise<DebugProtocol.ExitedEvent>;
    await dc.continueRequest({ threadId: 1001 });
    assert.strictEqual((await exited).body.exitCode, 0);
    assert.strictEqual(out.join(''), 'seen 42\n');
    assert.deepStrictEqual(threadEvents, [{ reason: 'started', threadId: 1001 }, { reason: 'exited', threadId: 1001 }]);
  });
});
