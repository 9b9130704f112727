// `trapdoor run PROGRAM [ARGS...]`: runs a program (an assembly source, assembled in memory, or a
// static ELF executable) on the emulated machine, with strace's options for the trace.

import * as fs from 'fs';
import * as path from 'path';
import { formatDiagnostic } from '../../emulator/asm/index';
import { LinuxSystem, ProgramError } from '../../emulator/linux';
import { TraceOutputs, TraceRecorder } from '../../emulator/trace/recorder';
import { StraceOptions } from '../../emulator/trace/strace';
import { checkKernelTree, kernelErrorText } from '../dap/kernel-tree';

export const RUN_USAGE = `usage: trapdoor run [options] PROGRAM [ARGS...] [-- ARGS...]

PROGRAM is an assembly source (.s .S .asm .nasm) or an x86-64 or i386 ELF executable (static, or
dynamically linked: the host's ld.so and libraries are read through the sandbox).
Options may also follow PROGRAM; arguments for the program that start with - go after --.
  --strace        print every system call to stderr, as strace does
  -o FILE         write the trace to FILE instead (strace's -o; implies --strace)
  -T              show each call's emulated duration
  -c              print a summary table of calls, errors and time (strace -c)
  --json          write the trace as JSON lines (every field of each event)
  -s N            cut strings after N characters (default 32)
  --32            assemble a source as an i386 program
  --max-insns N   stop after N instructions (default: no limit)
  --kernel DIR    build and boot the kernel tree in DIR (a changed copy of Trapdoor's emulator/kernel)
`;

interface RunOptions {
  strace: boolean;
  out?: string;
  showTime: boolean;
  summary: boolean;
  json: boolean;
  maxStrlen?: number;
  bits?: 32 | 64;
  maxInsns?: number;
  kernel?: string;
  program?: string;
  args: string[];
}

/**
 * Trapdoor's options may come before or after the program (`trapdoor run hello.s --strace`);
 * the program's own arguments are the other words after it, and everything after `--`.
 */
function parse(argv: string[]): RunOptions | string {
  const o: RunOptions = { strace: false, showTime: false, summary: false, json: false, args: [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string | undefined => argv[++i];
    if (a === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    } else if (a === '--strace') o.strace = true;
    else if (a === '-o') {
      const v = value();
      if (v === undefined) return '-o needs a file name';
      o.out = v;
      o.strace = true;
    } else if (a.startsWith('--strace-out=')) {
      o.out = a.slice('--strace-out='.length);
      o.strace = true;
    } else if (a === '-T') o.showTime = true;
    else if (a === '-c') o.summary = true;
    else if (a === '--json') o.json = true;
    else if (a === '-f' || a === '-qq' || a === '-q') {
      // Children are always followed and attach messages never printed: accepted for strace habits.
    } else if (a === '-s') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0) return '-s needs a number';
      o.maxStrlen = v;
    } else if (a === '--32') o.bits = 32;
    else if (a === '--kernel') {
      const v = value();
      if (v === undefined) return '--kernel needs a folder';
      o.kernel = v;
    }
    else if (a === '--max-insns') {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0) return '--max-insns needs a number';
      o.maxInsns = v;
    } else if (a.startsWith('-') && a !== '-') {
      if (o.program === undefined) return `unknown option '${a}'`;
      return `unknown option '${a}' (put the program's own options after --)`;
    } else if (o.program === undefined) o.program = a;
    else rest.push(a);
  }
  if (o.program === undefined) {
    if (rest.length === 0) return 'no program to run';
    o.program = rest.shift();
  }
  o.args = rest;
  return o;
}

export function runCommand(argv: string[]): number {
  const o = parse(argv);
  if (typeof o === 'string') {
    process.stderr.write(`trapdoor run: ${o}\n${RUN_USAGE}`);
    return 2;
  }
  let traceFd: number | undefined;
  const write = (line: string): void => {
    if (traceFd !== undefined) fs.writeSync(traceFd, line + '\n');
    else fs.writeSync(2, line + '\n'); // synchronous, so it interleaves with the program's own output
  };
  const options: StraceOptions = { maxStrlen: o.maxStrlen, showTime: o.showTime, pidPrefix: o.out ? 'file' : 'auto', quiet: false, personality: !o.out };
  const outputs: TraceOutputs = {};
  if (o.json) outputs.json = { write, options };
  else if (o.strace && !o.summary) outputs.strace = { write, options };
  if (o.summary) outputs.summary = true;

  let system: LinuxSystem;
  try {
    system = LinuxSystem.fromFile(o.program!, {
      argv: [o.program!, ...o.args],
      envp: Object.entries(process.env).map(([k, v]) => `${k}=${v}`),
      cwd: process.cwd(),
      bits: o.bits,
      kernel: o.kernel !== undefined ? checkKernelTree(path.resolve(o.kernel)) : undefined,
    });
  } catch (e) {
    const k = kernelErrorText(e);
    if (k !== undefined) {
      process.stderr.write(`trapdoor run: ${k}\n`);
      return 1;
    }
    if (e instanceof ProgramError) {
      for (const d of e.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
      if (e.diagnostics.length === 0) process.stderr.write(`trapdoor run: ${e.message}\n`);
      return e.diagnostics.length ? 1 : 126;
    }
    throw e;
  }
  if (o.out) {
    try {
      traceFd = fs.openSync(o.out, 'w');
    } catch (e) {
      process.stderr.write(`trapdoor run: can't write ${o.out}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const recorder = new TraceRecorder(system.machine.userMemory, outputs);
  system.attachTracer(recorder, o.strace || o.summary || o.json);
  const result = system.runToEnd(o.maxInsns);
  if (o.summary) process.stderr.write(recorder.summary());
  if (traceFd !== undefined) fs.closeSync(traceFd);
  if (result.kind === 'exited') return result.signal ? 128 + result.signal : result.code ?? 0;
  if (result.kind === 'oops') {
    process.stderr.write(`trapdoor run: ${result.message}\n`);
    return 70;
  }
  process.stderr.write(`trapdoor run: stopped after ${o.maxInsns} instructions\n`);
  return 124;
}
