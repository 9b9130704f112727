// NativeKernel: one process's native (TypeScript) kernel state and the services the .S handlers
// reach with vmcall. Arguments are plain numbers and byte arrays already copied from user memory;
// results are a number (>= 0, or -errno exactly as Linux returns it) or {ret, bytes} (bytes to copy out).
//
// | method                                   | Linux              | returns                   | errnos (besides EBADF for a bad fd)
// |------------------------------------------|--------------------|---------------------------|-----------------------------------
// | ksysRead(fd, count)                      | read               | {ret, bytes}              | EISDIR EINVAL
// | ksysPread64(fd, count, pos)              | pread64            | {ret, bytes}              | ESPIPE EINVAL
// | ksysWrite(fd, bytes)                     | write              | n                         | EBADF (not writable) EISDIR
// | ksysPwrite64(fd, bytes, pos)             | pwrite64           | n                         | ESPIPE EINVAL
// | doSysOpen(dfd, path, flags, mode)        | openat/open        | fd                        | ENOENT EEXIST EISDIR ENOTDIR ELOOP EROFS EACCES EINVAL EMFILE ENXIO
// | sysClose(fd)                             | close              | 0                         |
// | ksysLseek(fd, off, whence)               | lseek              | new offset                | ESPIPE EINVAL ENXIO
// | vfsFstat(fd)                             | fstat              | {ret, bytes: stat[144]}   |
// | vfsFstatat(dfd, path, flags)             | newfstatat/stat/lstat | {ret, bytes: stat[144]} | ENOENT ENOTDIR EINVAL
// | doFaccessat(dfd, path, mode, flags)      | access/faccessat(2)| 0                         | ENOENT EACCES EROFS EINVAL
// | ksysIoctl(fd, cmd)                       | ioctl              | {ret, bytes?}             | ENOTTY (TCGETS: termios[36], TIOCGWINSZ: winsize[8])
// | fcntl(fd, cmd, arg)                      | fcntl              | value                     | EINVAL EMFILE
// | dup(fd) / dup2(o, n) / dup3(o, n, fl)    | dup dup2 dup3      | fd                        | EINVAL (dup3 same fd / flags)
// | sysGetcwd(size)                          | getcwd             | {ret = len+1, bytes}      | ERANGE
// | sysChdir(path) / sysFchdir(fd)           | chdir fchdir       | 0                         | ENOENT ENOTDIR
// | doMkdirat(dfd, path, mode)               | mkdir/mkdirat      | 0                         | EEXIST ENOENT ENOTDIR EROFS
// | doUnlinkat(dfd, path, flags)             | unlink/unlinkat/rmdir | 0                      | ENOENT EISDIR ENOTDIR ENOTEMPTY EROFS EINVAL
// | doRenameat(ofd, old, nfd, new)           | rename/renameat    | 0                         | ENOENT EROFS EXDEV ...
// | doReadlinkat(dfd, path, bufsiz)          | readlink/readlinkat| {ret, bytes} (no NUL)     | EINVAL (not a link) ENOENT
// | ksysGetdents64(fd, count)                | getdents64         | {ret, bytes}              | ENOTDIR EINVAL (buffer too small)
// | sysUmask(mask)                           | umask              | old mask                  |
// | sysBrk(addr)                             | brk                | new (or unchanged) break  | (never fails)
// | ksysMmap(addr, len, prot, flags, fd, off)| mmap               | address                   | EINVAL ENOMEM EEXIST EACCES ENODEV EPERM
// | sysMunmap(addr, len)                     | munmap             | 0                         | EINVAL
// | sysMprotect(addr, len, prot)             | mprotect           | 0                         | EINVAL ENOMEM
// | sysMremap(old, olen, nlen, flags, new)   | mremap             | address                   | EINVAL EFAULT ENOMEM
// | sysMadvise(addr, len, advice)            | madvise            | 0                         | EINVAL ENOMEM
// | sysPrlimit64(pid, res, newBytes|null)    | prlimit64          | {ret, bytes: rlimit64[16]}| EINVAL ESRCH EPERM
// | sysGetrlimit(res)                        | getrlimit          | {ret, bytes}              | EINVAL
// | sysNewuname()                            | uname              | bytes: utsname[390]       |
// | sysSysinfo()                             | sysinfo            | bytes: sysinfo[112]       |
// | sysGetrandom(count, flags)               | getrandom          | {ret, bytes}              | EINVAL
// | sysClockGettime(id) / sysClockGetres(id) | clock_gettime/getres | {ret, bytes: timespec}  | EINVAL
// | sysGettimeofday() / sysTime()            | gettimeofday, time | bytes: timeval / seconds  |
// | sysNanosleep(req) / sysClockNanosleep(id, fl, req) | nanosleep, clock_nanosleep | 0     | EINVAL
// | sysSchedYield()                          | sched_yield        | 0                         |
// | sysSetTidAddress(p) / sysSetRobustList(h, len) / sysRseq(p, len, fl, sig) | ... | tid / 0 | EINVAL EBUSY EPERM
// | sysRtSigaction(sig, act|null, size)      | rt_sigaction       | {ret, bytes: old[32]}     | EINVAL
// | sysRtSigprocmask(how, set|null, size)    | rt_sigprocmask     | {ret, bytes: old[8]}      | EINVAL
// | getpid/getppid/gettid/getuid/... fields  | task.pid etc.      | for the kernel's task struct |
//
// Sandbox: writes outside the rw roots (cwd and the private /tmp) fail with EROFS, as on a read-only mount.

import { AddressSpace } from '../../memory';
import { HostIO } from './hostio';
import { HostFs, nodeHostFs } from './hostfs';
import { Sleeper } from './wait';
import { LoadedProgram, LoadOptions, VdsoImage, loadElf } from './loader';
import { Mm, MmOptions, MAP_ANONYMOUS } from './mm';
import { Task } from './process';
import { devMajor, devMinor } from './stat';
import { Vfs } from './vfs';
import { openInterpreter } from './vfs-extra';

export * from './errno';
export { ExecError, checkElf, loadElf } from './loader';
export type { LoadedProgram, LoadOptions, VdsoImage } from './loader';
export { Mm, mapsLine, TASK_SIZE, STACK_TOP, MMAP_BASE } from './mm';
export { Vfs, AT_FDCWD } from './vfs';
export { Task, Prng } from './process';
export { BufferHostIO, NodeHostIO } from './hostio';
export type { HostIO } from './hostio';
export { nodeHostFs } from './hostfs';
export type { HostFs } from './hostfs';
export { HostLog, HostCursor, RecordingHostFs, RecordingHostIO, ReplayDivergence } from './replay';
export { WaitQueue } from './wait';
export type { Sleeper } from './wait';
export { Pipe } from './pipe';

export interface NativeKernelOptions {
  as: AddressSpace;
  hostIO: HostIO;
  /** Host directory the guest starts in (read-write below it). */
  cwd: string;
  /** Host directory the guest sees as /tmp (read-write). */
  tmpDir: string;
  /** The emulated clock: monotonic ns since boot. */
  clockNs: () => bigint;
  seed?: bigint | number;
  pid?: number;
  mm?: MmOptions;
  /** The host's files (default: Node's fs; a debug session records and replays them). */
  hostFs?: HostFs;
  /** CLOCK_REALTIME at boot in ns since the epoch (default: the host's clock; fixed for a replayable run). */
  realtimeBaseNs?: bigint;
}

export class NativeKernel {
  mm: Mm;
  task: Task;
  vfs: Vfs;
  exePath = '';
  program: LoadedProgram | undefined;
  /** Where this process's [vvar] page is (the kernel keeps the clocks there for the vDSO). */
  vvarBase: number | undefined;
  /** Puts the running task to sleep on a wait queue (set by the process layer; no tasks, no sleep). */
  sleepOn: Sleeper = () => { throw new Error('no scheduler: nothing can wait'); };

  constructor(private readonly o: NativeKernelOptions) {
    this.mm = new Mm(o.as, o.mm);
    this.task = new Task({ clockNs: o.clockNs, seed: o.seed, pid: o.pid, realtimeBaseNs: o.realtimeBaseNs });
    this.vfs = new Vfs({
      cwd: o.cwd, tmpDir: o.tmpDir, hostIO: o.hostIO, hostFs: o.hostFs, random: (n) => this.task.rng.bytes(n),
      maps: () => this.mm.procMaps(), exePath: '', pid: () => this.task.pid, uid: this.task.uid, gid: this.task.gid,
      nowNs: () => this.task.realNs(), proc: () => this,
    });
  }

  /**
   * The process state of a child at fork: a copy of the memory (in the new address space `as`),
   * of the descriptor table (sharing the open files), of ids, handlers, mask and limits.
   */
  fork(pid: number, as: AddressSpace): NativeKernel {
    const c = new NativeKernel({ ...this.o, as, pid });
    c.vfs.fdt.closeAll();
    c.mm = this.mm.fork(as);
    c.task = this.task.fork(pid);
    (c.vfs.o as { exePath: string }).exePath = this.exePath;
    c.vfs = this.vfs.fork(c.vfs.o);
    c.exePath = this.exePath;
    c.program = this.program;
    c.vvarBase = this.vvarBase;
    c.sleepOn = this.sleepOn;
    return c;
  }

  /** pipe2(2): {ret, bytes: int fds[2]}. */
  doPipe2(flags: number) { return this.vfs.doPipe2(flags, (q) => this.sleepOn(q)); }

  /** The host's files, as this kernel reaches them. */
  get hostFs(): HostFs { return this.o.hostFs ?? nodeHostFs; }

  /** Loads the program (host path `exePath`, bytes `image`); AT_RANDOM comes from the seeded PRNG. Throws ExecError. */
  exec(exePath: string, image: Uint8Array, args: { argv: string[]; envp: string[]; execfn?: string; vdso?: VdsoImage; dev?: bigint; inode?: number } & Partial<LoadOptions>): LoadedProgram {
    // /proc/self/exe and the maps name the file itself, symlinks resolved (/bin/true is /usr/bin/true).
    try { exePath = this.hostFs.realpathSync(exePath); } catch { /* not a host file (an assembled source) */ }
    this.exePath = exePath;
    (this.vfs.o as { exePath: string }).exePath = exePath;
    let dev = args.dev ?? 0n, inode = args.inode ?? 0;
    if (args.dev === undefined) {
      try { const st = this.hostFs.statSync(exePath, { bigint: true }); dev = st.dev; inode = Number(st.ino); } catch { /* not a host file */ }
    }
    this.program = loadElf(this.mm, image, {
      ...args, random: args.random ?? this.task.rng.bytes(16), path: exePath,
      dev: { major: devMajor(dev), minor: devMinor(dev) }, inode,
      uid: this.task.uid, gid: this.task.gid, interp: (p) => openInterpreter(this.vfs, p),
    });
    return this.program;
  }

  // ---- files ----
  ksysRead(fd: number, count: number, done = 0) { this.vfs.doneSoFar = done; return this.vfs.ksysRead(fd, count); }
  ksysPread64(fd: number, count: number, pos: number) { return this.vfs.ksysPread64(fd, count, pos); }
  ksysWrite(fd: number, bytes: Uint8Array) { return this.vfs.ksysWrite(fd, bytes); }
  ksysPwrite64(fd: number, bytes: Uint8Array, pos: number) { return this.vfs.ksysPwrite64(fd, bytes, pos); }
  doSysOpen(dfd: number, path: string, flags: number, mode: number) { return this.vfs.doSysOpen(dfd, path, flags, mode); }
  sysClose(fd: number) { return this.vfs.sysClose(fd); }
  ksysLseek(fd: number, off: number, whence: number) { return this.vfs.ksysLseek(fd, off, whence); }
  vfsFstat(fd: number) { return this.vfs.vfsFstat(fd); }
  vfsFstatat(dfd: number, path: string, flags: number) { return this.vfs.vfsFstatat(dfd, path, flags); }
  doFaccessat(dfd: number, path: string, mode: number, flags = 0) { return this.vfs.doFaccessat(dfd, path, mode, flags); }
  ksysIoctl(fd: number, cmd: number) { return this.vfs.ksysIoctl(fd, cmd); }
  fcntl(fd: number, cmd: number, arg: number) { return this.vfs.fdt.fcntl(fd, cmd, arg); }
  dup(fd: number) { return this.vfs.fdt.dup(fd); }
  dup2(oldfd: number, newfd: number) { return this.vfs.fdt.dup3(oldfd, newfd, 0, true); }
  dup3(oldfd: number, newfd: number, flags: number) { return this.vfs.fdt.dup3(oldfd, newfd, flags); }
  sysGetcwd(size: number) { return this.vfs.sysGetcwd(size); }
  sysChdir(path: string) { return this.vfs.sysChdir(path); }
  sysFchdir(fd: number) { return this.vfs.sysFchdir(fd); }
  doMkdirat(dfd: number, path: string, mode: number) { return this.vfs.doMkdirat(dfd, path, mode); }
  doUnlinkat(dfd: number, path: string, flags: number) { return this.vfs.doUnlinkat(dfd, path, flags); }
  doRenameat(ofd: number, oldp: string, nfd: number, newp: string) { return this.vfs.doRenameat(ofd, oldp, nfd, newp); }
  doReadlinkat(dfd: number, path: string, bufsiz: number) { return this.vfs.doReadlinkat(dfd, path, bufsiz); }
  ksysGetdents64(fd: number, count: number) { return this.vfs.ksysGetdents64(fd, count); }
  sysUmask(mask: number) { return this.vfs.sysUmask(mask); }

  // ---- memory ----
  sysBrk(addr: number) { return this.mm.sysBrk(addr); }
  ksysMmap(addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
    if (flags & MAP_ANONYMOUS) return this.mm.ksysMmap(addr, len, prot, flags, null, off);
    const f = this.vfs.fileForMmap(fd);
    if (typeof f === 'number') return f;
    return this.mm.ksysMmap(addr, len, prot, flags, { ...f, dev: { major: devMajor(f.dev), minor: devMinor(f.dev) } }, off);
  }
  sysMunmap(addr: number, len: number) { return this.mm.sysMunmap(addr, len); }
  sysMprotect(addr: number, len: number, prot: number) { return this.mm.sysMprotect(addr, len, prot); }
  sysMremap(old: number, olen: number, nlen: number, flags: number, naddr: number) { return this.mm.sysMremap(old, olen, nlen, flags, naddr); }
  sysMadvise(addr: number, len: number, advice: number) { return this.mm.sysMadvise(addr, len, advice); }

  // ---- process ----
  sysPrlimit64(pid: number, res: number, nl: Uint8Array | null) {
    const r = this.task.sysPrlimit64(pid, res, nl);
    if (r.ret === 0 && nl && res === 7) this.vfs.fdt.limit = Number(this.task.rlimits[7][0] > 1048576n ? 1048576n : this.task.rlimits[7][0]);
    return r;
  }
  sysGetrlimit(res: number) { return this.task.sysGetrlimit(res); }
  sysNewuname() { return this.task.sysNewuname(); }
  sysSysinfo() { return this.task.sysSysinfo(); }
  sysGetrandom(count: number, flags: number) { return this.task.sysGetrandom(count, flags); }
  sysClockGettime(id: number) { return this.task.sysClockGettime(id); }
  sysClockGetres(id: number) { return this.task.sysClockGetres(id); }
  sysGettimeofday() { return this.task.sysGettimeofday(); }
  sysTime() { return this.task.sysTime(); }
  sysNanosleep(req: Uint8Array) { return this.task.sysNanosleep(req); }
  sysClockNanosleep(id: number, flags: number, req: Uint8Array) { return this.task.sysClockNanosleep(id, flags, req); }
  sysSchedYield() { return 0; }
  sysSetTidAddress(p: number) { return this.task.sysSetTidAddress(p); }
  sysSetRobustList(head: number, len: number) { return this.task.sysSetRobustList(head, len); }
  sysRseq(p: number, len: number, flags: number, sig: number) { return this.task.sysRseq(p, len, flags, sig); }
  sysRtSigaction(sig: number, act: Uint8Array | null, size: number) { return this.task.sysRtSigaction(sig, act, size); }
  sysRtSigprocmask(how: number, set: Uint8Array | null, size: number) { return this.task.sysRtSigprocmask(how, set, size); }

  /** Releases host file descriptors (call at process exit). */
  close(): void { this.vfs.fdt.closeAll(); }
}
