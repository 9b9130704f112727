// A Linux system with one program to run: the machine, the kernel image, the native services
// and the program (an ELF executable, or an assembly source assembled in memory). The command
// line and the debug adapter both start programs through this class.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { syntaxOf } from './asm/index';
import { assembleFileCached } from './asm/program-cache';
import { Diagnostic } from './asm/ir';
import { Machine, MachineEvents, RunResult } from './machine';
import { NativeKernel, NodeHostIO, HostIO, HostFs, ExecError, checkElf } from './kernel/native';
import { provideServices } from './kernel/services';
import { interpreterOf } from './kernel/native/interp';
import { Scheduler } from './kernel/sched';
import { buildKernel } from './kernel/build';
import { readElf } from './elf/reader';
import { LineMap } from './elf/linemap';

/** The program cannot be started: assembly errors (with diagnostics) or a file that is not a runnable ELF. */
export class ProgramError extends Error {
  constructor(message: string, readonly diagnostics: Diagnostic[] = []) {
    super(message);
  }
}

export interface SystemOptions {
  argv: string[];
  envp: string[];
  /** Host folder the program starts in; read-write below it. */
  cwd: string;
  /** For sources: assemble as an i386 program. */
  bits?: 32 | 64;
  hostIO?: HostIO;
  /** Seed for AT_RANDOM, /dev/urandom and getrandom (runs are reproducible). */
  seed?: number;
  /** The host's files (default: Node's fs). A debug session records and replays them for time travel. */
  hostFs?: HostFs;
  /** Host folder the guest sees as /tmp; the caller owns it (default: a fresh one, removed at close). */
  tmpDir?: string;
  /** CLOCK_REALTIME at boot, ns since the epoch (default: the host's clock now). */
  realtimeBaseNs?: bigint;
  /** A kernel tree to build and boot instead of the shipped one (same layout as emulator/kernel/). */
  kernel?: string;
}

const SOURCE = /\.(s|S|asm|nasm)$/;

/** Emulated clock rate: cycles become nanoseconds (and -T times) at this frequency. */
export const CPU_HZ = 3_000_000_000;

export class LinuxSystem {
  readonly machine: Machine;
  /** The first process's native state (the scheduler knows every process's). */
  readonly native: NativeKernel;
  /** Tasks and the scheduler. */
  readonly sched: Scheduler;
  private readonly tmpDir: string;
  private readonly ownsTmpDir: boolean;
  private closed = false;
  private lineMap?: LineMap;

  private constructor(exePath: string, private readonly image: Uint8Array, opts: SystemOptions) {
    this.machine = new Machine(undefined, opts.kernel !== undefined ? buildKernel(path.resolve(opts.kernel)) : undefined);
    this.ownsTmpDir = opts.tmpDir === undefined;
    this.tmpDir = opts.tmpDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'trapdoor-tmp-'));
    const cpu = this.machine.cpu;
    this.native = new NativeKernel({
      as: this.machine.space,
      hostIO: opts.hostIO ?? new NodeHostIO(),
      cwd: opts.cwd,
      tmpDir: this.tmpDir,
      clockNs: () => (BigInt(Math.floor(cpu.cycles)) * 1_000_000_000n) / BigInt(CPU_HZ),
      seed: opts.seed ?? 1,
      hostFs: opts.hostFs,
      realtimeBaseNs: opts.realtimeBaseNs,
    });
    this.sched = provideServices(this.machine, this.native, { exePath, image, argv: opts.argv, envp: opts.envp, cpuHz: CPU_HZ });
  }

  /** An ELF executable, or a source (assembled in memory, errors as ProgramError with diagnostics). */
  static fromFile(file: string, opts: SystemOptions): LinuxSystem {
    if (SOURCE.test(file)) {
      const r = assembleFileCached(file, { bits: opts.bits });
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      if (!r.image) throw new ProgramError(`${file}: assembly failed`, errors.length ? errors : r.diagnostics);
      return new LinuxSystem(path.resolve(opts.cwd, file), r.image, opts);
    }
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ProgramError(`${file}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : (e as Error).message}`);
    }
    return LinuxSystem.fromImage(path.resolve(opts.cwd, file), bytes, opts);
  }

  static fromImage(exePath: string, bytes: Uint8Array, opts: SystemOptions): LinuxSystem {
    try {
      checkElf(bytes);
      // A dynamically linked program needs its interpreter (ld.so) on this machine: say so now,
      // as a shell would ("no such file"), rather than failing inside the first execve.
      const interp = interpreterOf(readElf(bytes), bytes);
      if (interp !== undefined && !fs.existsSync(interp)) throw new ProgramError(`${exePath}: its program interpreter ${interp} is missing (a dynamically linked program of another system?)`);
    } catch (e) {
      if (e instanceof ExecError) throw new ProgramError(`${exePath}: ${e.message}`);
      throw e;
    }
    return new LinuxSystem(exePath, bytes, opts);
  }

  static isSource(file: string): boolean {
    return SOURCE.test(file) && syntaxOf(file) !== undefined;
  }

  /** Sends the machine's events (system calls, signals, exits) to `events`; `trace` turns on syscall reports. */
  attachTracer(events: MachineEvents, trace: boolean): void {
    // Each call learns its call site's source line, when the program has a line table.
    // (Methods are delegated one by one: `events` is usually a class instance.)
    this.machine.events = {
      syscallEnter: (ev) => {
        const pos = ev.site ? this.programLines().lookup(ev.site) : undefined;
        if (pos) ev.siteLine = `${pos.file}:${pos.line}`;
        events.syscallEnter?.(ev);
      },
      syscallExit: (ev) => events.syscallExit?.(ev),
      signal: (s) => events.signal?.(s),
      processExit: (e) => events.processExit?.(e),
      taskStopped: (tid, signo) => events.taskStopped?.(tid, signo),
    };
    this.machine.setTracing(trace);
  }

  /** The program's own line table (from its DWARF .debug_line; empty without one). */
  programLines(): LineMap {
    this.lineMap ??= LineMap.fromElf(readElf(this.image));
    return this.lineMap;
  }

  run(budget: number): RunResult {
    try {
      const r = this.machine.run(budget);
      if (r.kind === 'exited' || r.kind === 'oops') this.close();
      return r;
    } catch (e) {
      if (e instanceof ExecError) {
        this.close();
        return { kind: 'oops', message: e.message };
      }
      throw e;
    }
  }

  /** Runs until the program ends (or `maxInsns` instructions have run). */
  runToEnd(maxInsns = Infinity): RunResult {
    let left = maxInsns;
    for (;;) {
      const slice = Math.min(left, 10_000_000);
      const r = this.run(slice);
      left -= slice;
      if (r.kind !== 'budget' || left <= 0) return r;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
    if (this.ownsTmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}
