// A task's identity and limits, and the small services around it: ids, rlimits, uname, sysinfo,
// getrandom (seeded PRNG), the emulated clocks and sleeps, set_tid_address / robust list / rseq
// registration, and the recorded signal dispositions and mask (delivery comes later).

import { EBUSY, EINVAL, EPERM, ESRCH, EOPNOTSUPP } from './errno';

export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4, RLIMIT_RSS = 5;
export const RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIM_NLIMITS = 16;
export const RLIM_INFINITY = 0xffffffffffffffffn;
export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_TAI = 11;
export const TIMER_ABSTIME = 1;
export const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
export const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2, SIGKILL = 9, SIGSTOP = 19, NSIG = 64;
const NS = 1000000000n;

/** A small seeded generator (xorshift128+): /dev/urandom, getrandom and AT_RANDOM bytes are reproducible. */
export class Prng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: bigint | number = 0x5eed) {
    let z = BigInt.asUintN(64, BigInt(seed) + 0x9e3779b97f4a7c15n);
    const mix = (): bigint => {
      z = BigInt.asUintN(64, z + 0x9e3779b97f4a7c15n);
      let x = z;
      x = BigInt.asUintN(64, (x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n);
      x = BigInt.asUintN(64, (x ^ (x >> 27n)) * 0x94d049bb133111ebn);
      return x ^ (x >> 31n);
    };
    this.s0 = mix(); this.s1 = mix();
  }
  next(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x = BigInt.asUintN(64, x ^ (x << 23n));
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return BigInt.asUintN(64, this.s1 + y);
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 8) {
      let v = this.next();
      for (let k = i; k < Math.min(n, i + 8); k++) { b[k] = Number(v & 0xffn); v >>= 8n; }
    }
    return b;
  }
}

export interface ProcessOptions {
  pid?: number;
  ppid?: number;
  uid?: number;
  gid?: number;
  /** The emulated monotonic clock in ns since boot (nanosleep adds to it). */
  clockNs: () => bigint;
  /** CLOCK_REALTIME at boot, ns since the epoch (default: the host's time when created). */
  realtimeBaseNs?: bigint;
  seed?: bigint | number;
  nodename?: string;
  /** Bytes of RAM sysinfo reports. */
  totalRam?: number;
}

export interface SigAction { handler: bigint; flags: bigint; restorer: bigint; mask: bigint }

const enc = new TextEncoder();

function u64bytes(...vals: bigint[]): Uint8Array {
  const b = new Uint8Array(vals.length * 8);
  const v = new DataView(b.buffer);
  vals.forEach((x, i) => v.setBigUint64(i * 8, BigInt.asUintN(64, x), true));
  return b;
}

function readU64(b: Uint8Array, off: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, true);
}

export class Task {
  pid: number; tid: number; ppid: number;
  uid: number; euid: number; gid: number; egid: number;
  readonly rng: Prng;
  /** ns added by sleeps to the emulated clock: one clock for the whole machine, so forks share it. */
  private readonly sleptBox: { ns: bigint };
  private get slept(): bigint { return this.sleptBox.ns; }
  private set slept(v: bigint) { this.sleptBox.ns = v; }
  private readonly realBase: bigint;
  clearChildTid = 0;
  robustList = { head: 0, len: 0 };
  rseq: { addr: number; len: number; sig: number } | undefined;
  readonly sigactions: SigAction[] = [];
  sigmask = 0n;
  readonly rlimits: [bigint, bigint][] = [
    [RLIM_INFINITY, RLIM_INFINITY], [RLIM_INFINITY, RLIM_INFINITY], [RLIM_INFINITY, RLIM_INFINITY],
    [8n * 1024n * 1024n, RLIM_INFINITY], [0n, RLIM_INFINITY], [RLIM_INFINITY, RLIM_INFINITY],
    [63704n, 63704n], [1024n, 1048576n], [8n * 1024n * 1024n, 8n * 1024n * 1024n], [RLIM_INFINITY, RLIM_INFINITY],
    [RLIM_INFINITY, RLIM_INFINITY], [63704n, 63704n], [819200n, 819200n], [0n, 0n], [0n, 0n], [RLIM_INFINITY, RLIM_INFINITY],
  ];

  constructor(private readonly o: ProcessOptions, sleptBox?: { ns: bigint }) {
    this.sleptBox = sleptBox ?? { ns: 0n };
    this.pid = this.tid = o.pid ?? 1000;
    this.ppid = o.ppid ?? 999;
    this.uid = this.euid = o.uid ?? 0;
    this.gid = this.egid = o.gid ?? 0;
    this.rng = new Prng(o.seed ?? 0x5eed);
    this.realBase = o.realtimeBaseNs ?? BigInt(Date.now()) * 1000000n;
    for (let i = 0; i <= NSIG; i++) this.sigactions.push({ handler: 0n, flags: 0n, restorer: 0n, mask: 0n });
  }

  /**
   * The child's copy at fork: ids (the new pid, this one as parent), signal dispositions, mask and
   * limits are inherited; the clock is shared; the random generator gets its own stream.
   */
  fork(pid: number): Task {
    const t = new Task({ ...this.o, pid, ppid: this.pid, seed: BigInt(this.o.seed ?? 0x5eed) + BigInt(pid), realtimeBaseNs: this.realBase }, this.sleptBox);
    t.uid = this.uid; t.euid = this.euid; t.gid = this.gid; t.egid = this.egid;
    this.sigactions.forEach((a, i) => (t.sigactions[i] = { ...a }));
    t.sigmask = this.sigmask;
    this.rlimits.forEach((r, i) => (t.rlimits[i] = [r[0], r[1]]));
    return t;
  }

  // ---- limits ----

  /** prlimit64(2): {ret, bytes} with the old struct rlimit64 (16 bytes); `newLimit` is the new one's bytes or null. */
  sysPrlimit64(pid: number, resource: number, newLimit: Uint8Array | null): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (resource < 0 || resource >= RLIM_NLIMITS) return { ret: -EINVAL, bytes: none };
    if (pid !== 0 && pid !== this.pid) return { ret: -ESRCH, bytes: none };
    const old = this.rlimits[resource];
    const bytes = u64bytes(old[0], old[1]);
    if (newLimit) {
      const cur = readU64(newLimit, 0), max = readU64(newLimit, 8);
      if (cur > max) return { ret: -EINVAL, bytes: none };
      if (max > old[1] && this.euid !== 0) return { ret: -EPERM, bytes: none };
      if (resource === RLIMIT_NOFILE && max > 1048576n) return { ret: -EPERM, bytes: none };
      this.rlimits[resource] = [cur, max];
    }
    return { ret: 0, bytes };
  }

  sysGetrlimit(resource: number): { ret: number; bytes: Uint8Array } {
    return this.sysPrlimit64(0, resource, null);
  }

  // ---- system information ----

  /** uname(2): struct utsname, six 65-byte fields. */
  sysNewuname(): Uint8Array {
    const b = new Uint8Array(6 * 65);
    const f = ['Linux', this.o.nodename ?? 'trapdoor', '6.18.0-trapdoor', '#1 SMP PREEMPT_DYNAMIC', 'x86_64', '(none)'];
    f.forEach((s, i) => b.set(enc.encode(s).subarray(0, 64), i * 65));
    return b;
  }

  /** sysinfo(2): the 112-byte struct sysinfo (mem_unit 1). */
  sysSysinfo(): Uint8Array {
    const b = new Uint8Array(112);
    const v = new DataView(b.buffer);
    const ram = BigInt(this.o.totalRam ?? 2 * 1024 * 1024 * 1024);
    v.setBigInt64(0, this.monoNs() / NS, true);
    v.setBigUint64(32, ram, true);
    v.setBigUint64(40, ram / 2n, true);
    v.setUint16(80, 1, true);
    v.setUint32(104, 1, true);
    return b;
  }

  /** getrandom(2): `count` bytes from the seeded PRNG. */
  sysGetrandom(count: number, flags: number): { ret: number; bytes: Uint8Array } {
    if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return { ret: -EINVAL, bytes: new Uint8Array(0) };
    if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE)) return { ret: -EINVAL, bytes: new Uint8Array(0) };
    const n = Math.min(Math.max(0, count), 0x1ffffff);
    return { ret: n, bytes: this.rng.bytes(n) };
  }

  // ---- time ----

  monoNs(): bigint { return this.o.clockNs() + this.slept; }
  realNs(): bigint { return this.realBase + this.monoNs(); }

  private clockNow(id: number): bigint | undefined {
    switch (id) {
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI: case 8: return this.realNs();
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: case 9: return this.monoNs();
      case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: return this.o.clockNs();
      default: return undefined;
    }
  }

  /** clock_gettime(2): {ret, bytes} with a 16-byte struct timespec. */
  sysClockGettime(clockid: number): { ret: number; bytes: Uint8Array } {
    const t = this.clockNow(clockid);
    if (t === undefined) return { ret: -EINVAL, bytes: new Uint8Array(0) };
    return { ret: 0, bytes: u64bytes(t / NS, t % NS) };
  }

  sysClockGetres(clockid: number): { ret: number; bytes: Uint8Array } {
    if (this.clockNow(clockid) === undefined) return { ret: -EINVAL, bytes: new Uint8Array(0) };
    return { ret: 0, bytes: u64bytes(0n, clockid === CLOCK_REALTIME_COARSE || clockid === CLOCK_MONOTONIC_COARSE ? 4000000n : 1n) };
  }

  /** gettimeofday(2): 16-byte struct timeval (and an all-zero struct timezone if asked). */
  sysGettimeofday(): Uint8Array {
    const t = this.realNs();
    return u64bytes(t / NS, (t % NS) / 1000n);
  }

  sysTime(): number { return Number(this.realNs() / NS); }

  /** Moves the machine's clock on (every task sleeps and nothing runs: time jumps to the next timer). */
  advanceClock(ns: bigint): void {
    if (ns > 0n) this.slept += ns;
  }

  /**
   * clock_nanosleep's deadline on CLOCK_MONOTONIC, in ns, or -errno: the scheduler sleeps the task
   * until the clock reaches it (other tasks run meanwhile).
   */
  sleepDeadline(clockid: number, flags: number, req: Uint8Array): bigint | number {
    if (clockid === CLOCK_THREAD_CPUTIME_ID) return -EOPNOTSUPP;
    const now = this.clockNow(clockid);
    if (now === undefined) return -EINVAL;
    const d = this.duration(req);
    if (d === undefined) return -EINVAL;
    const wait = flags & TIMER_ABSTIME ? d - now : d;
    return this.monoNs() + (wait > 0n ? wait : 0n);
  }

  /** nanosleep(2): `req` is the 16-byte timespec; the emulated clock advances, no host time passes. */
  sysNanosleep(req: Uint8Array): number {
    const d = this.duration(req);
    if (d === undefined) return -EINVAL;
    this.slept += d;
    return 0;
  }

  sysClockNanosleep(clockid: number, flags: number, req: Uint8Array): number {
    // Linux cannot sleep on a thread's own CPU clock: EOPNOTSUPP (EINVAL is for unknown clocks).
    if (clockid === CLOCK_THREAD_CPUTIME_ID) return -EOPNOTSUPP;
    const now = this.clockNow(clockid);
    if (now === undefined) return -EINVAL;
    const d = this.duration(req);
    if (d === undefined) return -EINVAL;
    const wait = flags & TIMER_ABSTIME ? d - now : d;
    if (wait > 0n) this.slept += wait;
    return 0;
  }

  private duration(ts: Uint8Array): bigint | undefined {
    const dv = new DataView(ts.buffer, ts.byteOffset, ts.byteLength);
    const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
    if (sec < 0n || nsec < 0n || nsec >= NS) return undefined;
    return sec * NS + nsec;
  }

  // ---- thread registration ----

  sysSetTidAddress(addr: number): number { this.clearChildTid = addr; return this.tid; }

  sysSetRobustList(head: number, len: number): number {
    if (len !== 24) return -EINVAL;
    this.robustList = { head, len };
    return 0;
  }

  /** rseq(2): registration is recorded (the CPU does not restart critical sections yet). */
  sysRseq(addr: number, len: number, flags: number, sig: number): number {
    const UNREGISTER = 1;
    if (flags & ~UNREGISTER) return -EINVAL;
    if (flags & UNREGISTER) {
      if (!this.rseq || this.rseq.addr !== addr || this.rseq.len !== len) return -EINVAL;
      if (this.rseq.sig !== sig) return -EPERM;
      this.rseq = undefined;
      return 0;
    }
    if (this.rseq) return this.rseq.addr === addr && this.rseq.len === len && this.rseq.sig === sig ? -EBUSY : -EINVAL;
    if (len < 32 || addr % 32 !== 0) return -EINVAL;
    this.rseq = { addr, len, sig };
    return 0;
  }

  // ---- signals (recorded only) ----

  /** rt_sigaction(2): `act` is a 32-byte struct kernel_sigaction or null; returns the old one's bytes. */
  sysRtSigaction(sig: number, act: Uint8Array | null, sigsetsize: number): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (sigsetsize !== 8 || sig < 1 || sig > NSIG) return { ret: -EINVAL, bytes: none };
    if (act && (sig === SIGKILL || sig === SIGSTOP)) return { ret: -EINVAL, bytes: none };
    const old = this.sigactions[sig];
    const bytes = u64bytes(old.handler, old.flags, old.restorer, old.mask);
    if (act) {
      const stop = (1n << BigInt(SIGKILL - 1)) | (1n << BigInt(SIGSTOP - 1));
      this.sigactions[sig] = { handler: readU64(act, 0), flags: readU64(act, 8), restorer: readU64(act, 16), mask: readU64(act, 24) & ~stop };
    }
    return { ret: 0, bytes };
  }

  /** rt_sigprocmask(2): `set` is the 8-byte sigset or null; returns the old mask's bytes. */
  sysRtSigprocmask(how: number, set: Uint8Array | null, sigsetsize: number): { ret: number; bytes: Uint8Array } {
    const none = new Uint8Array(0);
    if (sigsetsize !== 8) return { ret: -EINVAL, bytes: none };
    const old = u64bytes(this.sigmask);
    if (set) {
      const s = readU64(set, 0) & ~((1n << BigInt(SIGKILL - 1)) | (1n << BigInt(SIGSTOP - 1)));
      if (how === SIG_BLOCK) this.sigmask |= s;
      else if (how === SIG_UNBLOCK) this.sigmask &= ~s;
      else if (how === SIG_SETMASK) this.sigmask = s;
      else return { ret: -EINVAL, bytes: none };
    }
    return { ret: 0, bytes: old };
  }
}
