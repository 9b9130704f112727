// The vmcall services of the file calls that real programs need beyond open/read/write/stat
// (busybox, coreutils, the dynamic loader): statx, truncate, fsync, utimensat, chmod, chown,
// symlink, link, renameat2, fchdir, memfd_create, sendfile, copy_file_range, statfs, fadvise64,
// flock, the xattr lookups and prctl's process name. The .S handlers copy user memory; these work on kernel buffers and
// call native/vfs-extra.ts, which does the work on the process's Vfs.

import { ServiceContext } from './services';
import {
  STATFS_SIZE, STATX_SIZE, copyFileRange, doFchmodat, doFchownat, doFtruncate, doLinkat, doRenameat2, doSendfile,
  doStatfs, doStatx, doSymlinkat, doTruncate, doUtimes, fadvise, flock, getxattr, memfdCreate, vfsFchmod, vfsFchown, vfsFsync,
} from './native/vfs-extra';
import { commOf, setComm } from './native/procfs';

const EPIPE = 32, EINVAL = 22, SIGPIPE = 13, SI_USER = 0;
const PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
const int = (v: number): number => Number(BigInt.asIntN(32, BigInt(v)));
const uint = (v: number): number => Number(BigInt.asUintN(32, BigInt(v)));

/** A loff_t the .S handler copied into a kernel buffer. */
function readPos(ctx: ServiceContext, kpos: number): number {
  const b = ctx.mem.readBytes(kpos, 8);
  return Number(new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true));
}

function writePos(ctx: ServiceContext, kpos: number, pos: number): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(pos), true);
  ctx.mem.writeBytes(kpos, b);
}

export function provideFsServices(ctx: ServiceContext): void {
  const { on, cstr } = ctx;
  const vfs = () => ctx.k().vfs;
  const ids = () => ({ euid: ctx.k().task.euid, egid: ctx.k().task.egid });
  const path = (kpath: number): string | null => (kpath ? cstr(kpath) : null);

  on('do_statx', (_m, [dfd, kpath, flags, mask, kbuf]) => {
    const r = doStatx(vfs(), int(dfd), path(kpath), uint(flags), uint(mask));
    if (r.ret === 0) ctx.mem.writeBytes(kbuf, r.bytes);
    return r.ret === 0 ? { ret: 0, rdx: STATX_SIZE } : r.ret;
  });
  on('do_truncate', (_m, [kpath, len]) => doTruncate(vfs(), cstr(kpath), len));
  on('do_ftruncate', (_m, [fd, len]) => doFtruncate(vfs(), uint(fd), len));
  on('vfs_fsync', (_m, [fd]) => vfsFsync(vfs(), uint(fd)));
  on('do_utimes', (_m, [dfd, kpath, ktimes, flags]) =>
    doUtimes(vfs(), int(dfd), path(kpath), ktimes ? ctx.mem.readBytes(ktimes, 32) : null, int(flags)));
  on('do_fchmodat', (_m, [dfd, kpath, mode, flags]) => doFchmodat(vfs(), int(dfd), cstr(kpath), uint(mode) & 0o7777, uint(flags)));
  on('vfs_fchmod', (_m, [fd, mode]) => vfsFchmod(vfs(), uint(fd), uint(mode) & 0o7777));
  on('do_fchownat', (_m, [dfd, kpath, uid, gid, flags]) => doFchownat(vfs(), int(dfd), cstr(kpath), int(uid), int(gid), int(flags), ids()));
  on('vfs_fchown', (_m, [fd, uid, gid]) => vfsFchown(vfs(), uint(fd), int(uid), int(gid), ids()));
  on('do_symlinkat', (_m, [, ktarget, ndfd, kpath]) => doSymlinkat(vfs(), cstr(ktarget), int(ndfd), cstr(kpath)));
  on('do_linkat', (_m, [odfd, kold, ndfd, knew, flags]) => doLinkat(vfs(), int(odfd), cstr(kold), int(ndfd), cstr(knew), int(flags)));
  on('do_renameat2', (_m, [odfd, kold, ndfd, knew, flags]) => doRenameat2(vfs(), int(odfd), cstr(kold), int(ndfd), cstr(knew), uint(flags)));
  on('ksys_fchdir', (_m, [fd]) => vfs().sysFchdir(uint(fd)));
  on('memfd_create', (_m, [kname, flags]) => memfdCreate(vfs(), cstr(kname), uint(flags)));
  on('do_sendfile', (_m, [outFd, inFd, kpos, count]) => {
    const r = doSendfile(vfs(), uint(outFd), uint(inFd), kpos ? readPos(ctx, kpos) : null, count);
    const ret = ctx.sched.sleepOrRestart(r.ret);
    if (ret >= 0 && kpos) writePos(ctx, kpos, r.pos);
    // A pipe with no reader: the writer gets SIGPIPE too, as from write(2).
    if (ret === -EPIPE) {
      const k = ctx.k();
      ctx.sched.signal(ctx.cur(), { pid: k.task.pid, tid: ctx.cur().tid, signo: SIGPIPE, code: SI_USER, senderPid: k.task.pid, senderUid: k.task.uid });
    }
    return ret;
  });
  on('vfs_copy_file_range', (_m, [fdIn, kin, fdOut, kout, len, flags]) => {
    const r = copyFileRange(vfs(), int(fdIn), kin ? readPos(ctx, kin) : null, int(fdOut), kout ? readPos(ctx, kout) : null, len, uint(flags));
    if (r.ret >= 0) {
      if (kin) writePos(ctx, kin, r.pin);
      if (kout) writePos(ctx, kout, r.pout);
    }
    return r.ret;
  });
  on('do_statfs', (_m, [kpath, fd, kbuf]) => {
    const r = doStatfs(vfs(), path(kpath), int(fd));
    if (r.ret === 0) ctx.mem.writeBytes(kbuf, r.bytes);
    return r.ret === 0 ? { ret: 0, rdx: STATFS_SIZE } : r.ret;
  });
  on('ksys_fadvise64', (_m, [fd, , , advice]) => fadvise(vfs(), int(fd), int(advice)));
  on('ksys_flock', (_m, [fd, cmd]) => flock(vfs(), uint(fd), uint(cmd)));
  // prctl: the process's name (what /proc/self/comm and status show); a few harmless flags.
  on('do_prctl', (_m, [option, arg2]) => {
    const k = ctx.k();
    switch (int(option)) {
      case PR_SET_NAME: setComm(k, cstr(arg2)); return 0;
      case PR_GET_NAME: {
        const b = new Uint8Array(16);
        b.set(Buffer.from(commOf(k), 'latin1').subarray(0, 15));
        ctx.mem.writeBytes(arg2, b);
        return { ret: 0, rdx: 16 };
      }
      case PR_GET_DUMPABLE: return 1;
      case PR_SET_DUMPABLE: return arg2 === 0 || arg2 === 1 ? 0 : -EINVAL;
      case PR_SET_NO_NEW_PRIVS: return arg2 === 1 ? 0 : -EINVAL;   // nothing here gains privileges anyway
      case PR_GET_NO_NEW_PRIVS: return 0;
      default: return -EINVAL;
    }
  });
  on('do_getxattr', (_m, [dfd, kpath, name, , flags]) => getxattr(vfs(), int(dfd), path(kpath), name !== 0, int(flags)));
}
