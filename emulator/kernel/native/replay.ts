// Record and replay of the host's answers, for time travel. The emulated machine is deterministic
// given its inputs, and its only inputs are what the host says: bytes read from stdin and host
// files, stats, directory listings, isatty, the terminal size. During a debug session every such
// call goes through a HostCursor: live, it asks the host and appends the answer to the session's
// HostLog; when a machine is re-executed from boot, its cursor hands back the logged answers in
// order and the host is not touched at all (no file is written twice, no output shown twice).
// A cursor that reaches the end of the log goes live again, so a machine that travelled back
// and runs forward continues seamlessly into new history.

import * as fs from 'fs';
import { HostFs } from './hostfs';
import { HostIO } from './hostio';

/** A re-executed machine asked the host something else than the recorded run did (a determinism bug). */
export class ReplayDivergence extends Error {}

interface Entry {
  op: string;
  /** The call's arguments, compared on replay. */
  key: string;
  threw: boolean;
  value: unknown;
}

/** Every answer the host gave during one session, in order; shared by all the machines of that session. */
export class HostLog {
  readonly entries: Entry[] = [];
  /** Host descriptors opened by live calls and not closed by one (closed by closeLive). */
  readonly liveFds = new Set<number>();

  get length(): number {
    return this.entries.length;
  }

  /** Forgets the answers from entry `n` on: history changed there (the user edited the machine). */
  truncate(n: number): void {
    if (n < this.entries.length) this.entries.length = n;
  }

  /** Closes the host descriptors the live run left open (at the end of the session). */
  closeLive(host: HostFs): void {
    for (const fd of this.liveFds) {
      try { host.closeSync(fd); } catch { /* already gone */ }
    }
    this.liveFds.clear();
  }
}

/** One machine's place in a HostLog. */
export class HostCursor {
  /** Index of the next entry to replay (the log's length once live). */
  pos = 0;

  /** `allowLive`: false for a machine that must only replay (a look back in history): running out is an error. */
  constructor(readonly log: HostLog, readonly allowLive = true) {}

  get replaying(): boolean {
    return this.pos < this.log.entries.length;
  }

  /** The answer to `op(key)`: the next logged one while replaying, else `live()`'s, which is logged. */
  call<T>(op: string, key: string, live: () => T): T {
    const log = this.log.entries;
    if (this.pos < log.length) {
      const e = log[this.pos];
      if (e.op !== op || e.key !== key) {
        throw new ReplayDivergence(`replay diverged at host call ${this.pos}: the recording has ${e.op}(${e.key}), the machine asked ${op}(${key})`);
      }
      this.pos++;
      if (e.threw) throw e.value;
      return copy(e.value) as T;
    }
    if (!this.allowLive) throw new ReplayDivergence(`replay ran past the recording (host call ${this.pos}: ${op}(${key}))`);
    let value: T;
    try {
      value = live();
    } catch (err) {
      // "Not yet" (the debugger's terminal has no input; the call is made again later) is no answer.
      if ((err as { transient?: boolean } | null)?.transient === true) throw err;
      log.push({ op, key, threw: true, value: err });
      this.pos = log.length;
      throw err;
    }
    log.push({ op, key, threw: false, value: copy(value) });
    this.pos = log.length;
    return value;
  }
}

/** Byte arrays are handed out as copies (the guest's loader may write into what it gets). */
function copy(v: unknown): unknown {
  return v instanceof Uint8Array ? v.slice() : v;
}

/** The host file system through a cursor. */
export class RecordingHostFs implements HostFs {
  constructor(private readonly c: HostCursor, private readonly real: HostFs) {}

  realpathSync(p: string): string { return this.c.call('realpath', p, () => this.real.realpathSync(p)); }
  readlinkSync(p: string): string { return this.c.call('readlink', p, () => this.real.readlinkSync(p)); }
  lstatSync(p: string, o: { bigint: true }): fs.BigIntStats { return this.c.call('lstat', p, () => this.real.lstatSync(p, o)); }
  statSync(p: string, o: { bigint: true }): fs.BigIntStats { return this.c.call('stat', p, () => this.real.statSync(p, o)); }
  fstatSync(fd: number, o: { bigint: true }): fs.BigIntStats { return this.c.call('fstat', `${fd}`, () => this.real.fstatSync(fd, o)); }

  openSync(p: string, flags: number, mode: number): number {
    return this.c.call('open', `${p},${flags},${mode}`, () => {
      const fd = this.real.openSync(p, flags, mode);
      this.c.log.liveFds.add(fd);
      return fd;
    });
  }

  fchmodSync(fd: number, mode: number): void { this.c.call('fchmod', `${fd},${mode}`, () => this.real.fchmodSync(fd, mode)); }

  closeSync(fd: number): void {
    this.c.call('close', `${fd}`, () => {
      this.c.log.liveFds.delete(fd);
      this.real.closeSync(fd);
    });
  }

  readSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number | null): number {
    const got = this.c.call('read', `${fd},${len},${pos}`, () => {
      const n = this.real.readSync(fd, buf, off, len, pos);
      return buf.slice(off, off + n);
    });
    buf.set(got, off);
    return got.length;
  }

  writeSync(fd: number, buf: Uint8Array, off: number, len: number, pos: number | null): number {
    return this.c.call('write', `${fd},${len},${pos}`, () => this.real.writeSync(fd, buf, off, len, pos));
  }

  accessSync(p: string, mode: number): void { this.c.call('access', `${p},${mode}`, () => this.real.accessSync(p, mode)); }
  mkdirSync(p: string, o: { mode: number }): void { this.c.call('mkdir', `${p},${o.mode}`, () => this.real.mkdirSync(p, o)); }
  chmodSync(p: string, mode: number): void { this.c.call('chmod', `${p},${mode}`, () => this.real.chmodSync(p, mode)); }
  rmdirSync(p: string): void { this.c.call('rmdir', p, () => this.real.rmdirSync(p)); }
  unlinkSync(p: string): void { this.c.call('unlink', p, () => this.real.unlinkSync(p)); }
  renameSync(from: string, to: string): void { this.c.call('rename', `${from},${to}`, () => this.real.renameSync(from, to)); }
  readdirSync(p: string, o: { withFileTypes: true }): fs.Dirent[] { return this.c.call('readdir', p, () => this.real.readdirSync(p, o)); }
  readFileSync(p: string): Uint8Array { return this.c.call('readFile', p, () => this.real.readFileSync(p)); }
  ftruncateSync(fd: number, len: number): void { this.c.call('ftruncate', `${fd},${len}`, () => this.real.ftruncateSync(fd, len)); }
  truncateSync(p: string, len: number): void { this.c.call('truncate', `${p},${len}`, () => this.real.truncateSync(p, len)); }
  utimesSync(p: string, a: number, m: number): void { this.c.call('utimes', `${p},${a},${m}`, () => this.real.utimesSync(p, a, m)); }
  lutimesSync(p: string, a: number, m: number): void { this.c.call('lutimes', `${p},${a},${m}`, () => this.real.lutimesSync(p, a, m)); }
  futimesSync(fd: number, a: number, m: number): void { this.c.call('futimes', `${fd},${a},${m}`, () => this.real.futimesSync(fd, a, m)); }
  symlinkSync(t: string, p: string): void { this.c.call('symlink', `${t},${p}`, () => this.real.symlinkSync(t, p)); }
  linkSync(e: string, p: string): void { this.c.call('link', `${e},${p}`, () => this.real.linkSync(e, p)); }
  statfsSync(p: string, o: { bigint: true }): fs.BigIntStatsFs { return this.c.call('statfs', p, () => this.real.statfsSync(p, o)); }
}

/** The guest's standard streams through a cursor: a replayed write returns what the live one did and shows nothing. */
export class RecordingHostIO implements HostIO {
  constructor(private readonly c: HostCursor, private readonly real: HostIO) {}

  read(fd: number, max: number): Uint8Array {
    return this.c.call('io.read', `${fd},${max}`, () => this.real.read(fd, max).slice());
  }

  write(fd: number, bytes: Uint8Array): number {
    return this.c.call('io.write', `${fd},${bytes.length}`, () => this.real.write(fd, bytes));
  }

  isatty(fd: number): boolean {
    return this.c.call('io.isatty', `${fd}`, () => this.real.isatty(fd));
  }

  fstat(fd: number): fs.BigIntStats | undefined {
    return this.c.call('io.fstat', `${fd}`, () => this.real.fstat?.(fd));
  }

  winsize(fd: number): { rows: number; cols: number } {
    return this.c.call('io.winsize', `${fd}`, () => this.real.winsize?.(fd) ?? { rows: 24, cols: 80 });
  }
}
