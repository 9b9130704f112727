// Drives VS Code (code-server) in Chromium through the student's first session with Trapdoor:
// open hello.s, breakpoint on the first `syscall`, F5 with no launch.json, F11 into the kernel,
// continue, and read "Hello, world" in the Debug Console. Started by scripts/e2e.sh, which sets
// E2E_URL (the workbench with the workspace), E2E_DIR (.e2e) and CHROMIUM.
// Each step leaves a screenshot in .e2e/shots/; any failed check exits non-zero.
'use strict';
const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const URL = process.env.E2E_URL;
const DIR = process.env.E2E_DIR;
const SHOTS = path.join(DIR, 'shots');
const SOURCE = fs.readFileSync(path.join(DIR, 'workspace', 'hello.s'), 'utf8').split('\n');
// 1-based line of the first `syscall` instruction (the write).
const SYSCALL_LINE = SOURCE.findIndex((l) => /^\s*syscall\b/.test(l)) + 1;

let page;
let shot = 0;
const timings = {};

async function snap(name) {
  const file = path.join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file });
  console.log(`  screenshot ${path.relative(path.dirname(DIR), file)}`);
}

async function step(name, fn) {
  const t = Date.now();
  process.stdout.write(`e2e: ${name}\n`);
  await fn();
  console.log(`  ok (${Date.now() - t} ms)`);
}

/** Waits until fn() (run in the page) returns a truthy value; fails with `what` after `ms`. */
async function until(what, fn, arg, ms = 30000) {
  try {
    return await (await page.waitForFunction(fn, arg, { timeout: ms, polling: 200 })).jsonValue();
  } catch (e) {
    throw new Error(`timed out waiting for ${what}`);
  }
}

// What the Call Stack view shows: its header's state ("Paused on breakpoint"; VS Code puts it there
// when there is one session with one thread), then each row's text (session, thread, frames).
const callStack = () => {
  const header = [...document.querySelectorAll('.pane-header')].find((h) => /call stack/i.test(h.innerText));
  const state = header?.querySelector('.call-stack-state-message')?.innerText.trim() ?? '';
  const rows = [...document.querySelectorAll('.debug-call-stack .monaco-list-row')].map((r) => r.innerText.replace(/\s+/g, ' ').trim());
  return [state, ...rows];
};
const activeTab = () => document.querySelector('.editor-group-container.active .tab.active')?.getAttribute('aria-label') ?? '';

/** The Variables view filled in for the current stop (VS Code asks for scopes and variables a moment after it). */
async function registersShown(what = 'the registers in the Variables view', re = /\brax\b/) {
  return until(what, (src) => {
    const text = (document.querySelector('.debug-variables')?.innerText ?? '').replace(/\s+/g, ' ');
    return new RegExp(src).test(text) ? text : null;
  }, re.source, 15000);
}

async function stoppedWhere() {
  return page.evaluate(callStack);
}

async function main() {
  if (SYSCALL_LINE === 0) throw new Error('no syscall line in hello.s');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => console.log(`  page error: ${e.message}`));

    await step('workbench loads', async () => {
      const t = Date.now();
      await page.goto(URL);
      await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 60000 });
      await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 60000 });
      timings.workbench = Date.now() - t;
      await snap('workbench');
    });

    await step('open hello.s from the Explorer', async () => {
      await page.click('.explorer-folders-view .monaco-list-row[aria-label*="hello.s"]');
      await until('hello.s in the editor', () => document.querySelector('.editor-group-container.active .tab.active')?.getAttribute('aria-label')?.includes('hello.s'));
      await page.waitForSelector('.editor-group-container.active .monaco-editor .view-lines');
      // The language must be ours (from package.json contributes.languages), or F5 will not find the debugger.
      // (A restored editor may show Plain Text until the extensions' contributions are read.)
      const lang = await until('Assembly (GAS) as the language in the status bar', () => {
        const mode = document.querySelector('#status\\.editor\\.mode')?.innerText.trim();
        return mode && /GAS/.test(mode) ? mode : null;
      });
      console.log(`  language mode: ${lang}`);
    });

    await step(`breakpoint on line ${SYSCALL_LINE} (syscall)`, async () => {
      await page.click('.editor-group-container.active .monaco-editor .view-lines');
      await page.keyboard.press('Control+G');
      await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input');
      await page.keyboard.type(String(SYSCALL_LINE));
      await page.keyboard.press('Enter');
      await until(`the cursor on line ${SYSCALL_LINE}`, (n) => document.querySelector('#status\\.editor\\.selection')?.innerText.startsWith(`Ln ${n},`), SYSCALL_LINE);
      await page.waitForSelector('.quick-input-widget', { state: 'hidden' });
      await page.keyboard.press('F9');
      await until('a breakpoint glyph', () => document.querySelector('.editor-group-container.active .codicon-debug-breakpoint, .editor-group-container.active .codicon-debug-breakpoint-unverified'));
      await snap('breakpoint-set');
    });

    await step('F5 with no launch.json starts Trapdoor', async () => {
      // The Run and Debug view, where the Call Stack is read.
      await page.keyboard.press('Control+Shift+D');
      await page.waitForSelector('.debug-call-stack, .debug-view-content, .welcome-view', { timeout: 10000 }).catch(() => {});
      await page.click('.editor-group-container.active .monaco-editor .view-lines');
      const t = Date.now();
      await page.keyboard.press('F5');
      // stopOnEntry is true for F5 on a source: the first stop is the program's entry.
      const first = await until('the first stop', `(${callStack})().some((r) => /Paused/i.test(r)) && (${callStack})().join(' | ')`, undefined, 60000);
      timings.f5ToFirstStop = Date.now() - t;
      console.log(`  first stop: ${first.replace(/\s+/g, ' ')}`);
      await registersShown();
      await snap('first-stop');
      if (/on entry/i.test(first)) {
        // Continue to the breakpoint.
        const t2 = Date.now();
        await page.keyboard.press('F5');
        await until('the breakpoint stop', `(${callStack})().some((r) => /Paused on breakpoint/i.test(r))`, undefined, 30000);
        timings.continueToBreakpoint = Date.now() - t2;
      } else if (!/breakpoint/i.test(first)) {
        throw new Error(`first stop is neither on entry nor on the breakpoint: ${first}`);
      }
      timings.f5ToBreakpoint = Date.now() - t;
    });

    await step('stopped on the syscall line of hello.s', async () => {
      const rows = await stoppedWhere();
      console.log(`  call stack: ${rows.join(' | ')}`);
      const frame = rows.find((r) => /hello\.s/.test(r));
      if (!frame || !new RegExp(`\\b${SYSCALL_LINE}\\b`).test(frame)) throw new Error(`no hello.s:${SYSCALL_LINE} frame in the call stack`);
      // The editor marks the current line with the top-stack-frame decoration.
      const marked = await until('the current-line arrow', () => document.querySelector('.editor-group-container.active .codicon-debug-stackframe'));
      if (!marked) throw new Error('no current-line marker in the editor');
      const tab = await page.evaluate(activeTab);
      if (!tab.includes('hello.s')) throw new Error(`the editor shows ${tab}, not hello.s`);
      // write(1, greeting, 13): %rax = 1 when the syscall is about to run.
      const vars = await registersShown('rax = 1 (write) in the Variables view', /\brax = 0x0*1\b/);
      console.log(`  variables: ${vars.slice(0, 120)}...`);
      await snap('stopped-at-syscall');
    });

    await step('F11 steps into entry_SYSCALL_64 (entry_64.S)', async () => {
      const t = Date.now();
      await page.keyboard.press('F11');
      await until('entry_64.S in the editor', () => (document.querySelector('.editor-group-container.active .tab.active')?.getAttribute('aria-label') ?? '').includes('entry_64.S'), undefined, 30000);
      timings.stepIntoKernel = Date.now() - t;
      await until('the kernel frame', `(${callStack})().some((r) => /entry_SYSCALL_64/.test(r))`);
      const rows = await stoppedWhere();
      console.log(`  call stack: ${rows.join(' | ')}`);
      const top = rows.findIndex((r) => /entry_SYSCALL_64/.test(r));
      const user = rows.findIndex((r) => /hello\.s/.test(r));
      if (user !== -1 && user < top) throw new Error('the user frame is above the kernel frame');
      await until('the current-line arrow in entry_64.S', () => document.querySelector('.editor-group-container.active .codicon-debug-stackframe'));
      // SYSCALL saved the user's return address in %rcx: the view must show this stop's registers.
      await registersShown('rcx = the return address (SYSCALL saved it) in the Variables view', /\brcx = 0x0*[1-9a-f]/);
      await snap('entry_SYSCALL_64');
    });

    await step('continue: "Hello, world" in the Debug Console', async () => {
      const t = Date.now();
      await page.keyboard.press('F5');
      // The session ends when the program exits; the console keeps its output.
      await until('the session to end', () => !document.querySelector('.debug-toolbar') || getComputedStyle(document.querySelector('.debug-toolbar')).display === 'none', undefined, 30000);
      timings.continueToExit = Date.now() - t;
      await page.keyboard.press('Control+Shift+Y');
      const text = await until('Hello, world in the Debug Console', () => {
        const repl = document.querySelector('.repl');
        return repl && /Hello, world/.test(repl.innerText) ? repl.innerText : null;
      }, undefined, 15000);
      console.log(`  debug console: ${JSON.stringify(text.slice(0, 400))}`);
      await snap('debug-console');
    });
  } catch (e) {
    if (page) await snap('FAILED').catch(() => {});
    throw e;
  } finally {
    console.log(`e2e: timings (ms) ${JSON.stringify(timings)}`);
    await browser.close();
  }
}

main().then(
  () => console.log('e2e: all steps passed'),
  (e) => {
    console.error(`e2e: FAILED: ${e.message}`);
    process.exit(1);
  },
);
