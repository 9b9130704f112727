// The vmcall services of net/socket.S, fs/select.S and fs/eventfd.S: sockets, poll/select and
// eventfd. The .S handlers copy user memory in and out; these work on kernel buffers only.
//
// A send or receive moves its data one page at a time through the task's data page, and what
// the kernel knows about the whole call sits in a `struct kmsghdr` at the start of its path page
// (Linux keeps the same in its kernel-side struct msghdr). net/socket.S defines the same offsets.

import { WOULD_SLEEP } from './abi';
import { KTask } from './sched';
import type { ServiceContext } from './services';
import { ERESTARTNOHAND } from './signal';
import { EventFd, EFD_CLOEXEC, EFD_NONBLOCK, EFD_SEMAPHORE } from './native/eventfd';
import { OpenFile, O_NONBLOCK, O_PATH, O_RDWR } from './native/fdtable';
import { POLLERR, POLLHUP, POLLIN_SET, POLLNVAL, POLLOUT_SET, POLLEX_SET, filePoll } from './native/poll';
import {
  AF_UNIX, InFlight, MSG_DONTWAIT, MSG_NOSIGNAL, Net, Received, SOCK_CLOEXEC, SOCK_NONBLOCK, SockAddr, Socket, dropFiles, encodeSockAddr,
} from './native/socket';
import { WaitQueue } from './native/wait';

/** struct kmsghdr (net/socket.S): offsets in the task's path page. */
export const KMSG = {
  name: 0, // kernel pointer to the address (KMSG.addr), or 0
  namelen: 8, // send: the destination's length; receive: the source's length (out)
  flags: 16, // in: the call's MSG_* flags; receive out: MSG_TRUNC, MSG_EOR
  sent: 24, // send out: bytes the socket has really taken in this call
  extra: 32, // receive out: datagram bytes beyond the buffer (MSG_TRUNC counts them)
  oflags: 40, // receive out: the msg_flags recvmsg reports (MSG_TRUNC, MSG_EOR)
  control: 48, // kernel pointer to the control messages (KMSG.ctlbuf), or 0
  controllen: 56, // send: their length; receive: the room the program gave
  cused: 64, // receive out: the bytes of control messages written
  addr: 128, // struct sockaddr_storage (128 bytes)
  ctlbuf: 256, // the control messages, up to the end of the page
};
/** struct cmsghdr { size_t cmsg_len; int cmsg_level, cmsg_type; } and its alignment. */
const CMSG_HDR = 16;
const cmsgAlign = (n: number): number => (n + 7) & ~7;
const SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2, SCM_MAX_FD = 253;
const MSG_CTRUNC = 8, MSG_CMSG_CLOEXEC = 0x40000000;

const EBADF = 9, ENOTSOCK = 88, EINVAL = 22, EPIPE = 32, EINTR = 4, ERESTARTSYS = 512;
const SIGPIPE = 13, SI_USER = 0;
const SIGKILL_STOP = (1n << 8n) | (1n << 18n);
const int = (v: number): number => Number(BigInt.asIntN(32, BigInt(v)));
const uint = (v: number): number => Number(BigInt.asUintN(32, BigInt(v)));

/** A poll/select in progress: its deadline on the monotonic clock, kept across the task's sleeps. */
interface PollWait {
  deadline: bigint | undefined;
  /** A zero timeout: look once, never sleep. */
  zero: boolean;
  /** ppoll/pselect6 replaced the signal mask for the call. */
  masked: boolean;
}

export function provideNetServices(ctx: ServiceContext): void {
  const { on, mem, sched } = ctx;
  const k = () => ctx.k();
  // Sleeping on a socket's queue puts whichever task runs to sleep.
  const net = new Net((q) => sched.sleepOn(q));
  const polls = new WeakMap<KTask, PollWait>();
  /** A blocking socket call that waits at most SO_RCVTIMEO/SO_SNDTIMEO: its deadline. */
  const timeouts = new WeakMap<KTask, bigint>();

  /**
   * Runs a socket operation that may have to wait (`op(nonblock)`), honouring the socket's timeout:
   * the task sleeps on the socket's queue and on a timer; when the timer has passed the operation
   * is tried once more without waiting (-EAGAIN if still nothing). A signal during a timed wait
   * gives EINTR, not a restart (sock_intr_errno).
   */
  const timed = (timeo: bigint | undefined, nonblock: boolean, op: (nonblock: boolean) => number): number => {
    const t = ctx.cur();
    const deadline = timeouts.get(t);
    const now = k().task.monoNs();
    const expired = timeo === 0n || (deadline !== undefined && now >= deadline);
    const r = op(nonblock || expired);
    if (r !== WOULD_SLEEP || timeo === undefined) {
      if (deadline !== undefined) { timeouts.delete(t); sched.disarm(t); }
      return sched.sleepOrRestart(r);
    }
    const d = deadline ?? now + timeo;
    timeouts.set(t, d);
    sched.sleepUntil(d);
    const s = sched.sleepOrRestart(r);
    if (s === WOULD_SLEEP) return s;
    timeouts.delete(t);
    sched.disarm(t);
    return s === -ERESTARTSYS ? -EINTR : s;
  };

  const rd = (addr: number, n: number): Uint8Array => mem.readBytes(addr, n);
  const u64 = (addr: number): number => Number(new DataView(rd(addr, 8).buffer).getBigInt64(0, true));
  const putU64 = (addr: number, v: number | bigint): void => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
    mem.writeBytes(addr, b);
  };
  const cred = () => ({ pid: k().task.pid, uid: k().task.uid, gid: k().task.gid });

  /** The open socket behind fd: EBADF (not open, or O_PATH), ENOTSOCK (some other file). */
  const sockfd = (fd: number): { file: OpenFile; sock: Socket } | number => {
    const f = k().vfs.fdt.get(uint(fd));
    if (!f || f.flags & O_PATH) return -EBADF;
    if (!(f.ops instanceof Socket)) return -ENOTSOCK;
    return { file: f, sock: f.ops };
  };

  /** A new descriptor for a socket (or -errno, and the socket is let go). */
  const install = (sock: Socket, flags: number): number => {
    const f = new OpenFile('socket', O_RDWR | (flags & SOCK_NONBLOCK), sock.name);
    f.ops = sock;
    const fd = k().vfs.fdt.alloc(f, (flags & SOCK_CLOEXEC) !== 0);
    if (fd < 0) sock.release();
    return fd;
  };

  /** Writes an address to kaddr; %rdx = its length. */
  const putAddr = (kaddr: number, a: SockAddr, ret: number): { ret: number; rdx: number } => {
    const b = encodeSockAddr(a);
    mem.writeBytes(kaddr, b);
    return { ret, rdx: b.length };
  };

  const sigpipe = (): void => {
    const t = ctx.cur();
    sched.signal(t, { pid: t.pid, tid: t.tid, signo: SIGPIPE, code: SI_USER, senderPid: t.pid, senderUid: k().task.uid });
  };

  on('__sys_socket', (_m, [family, type, protocol]) => {
    const s = net.socket(int(family), int(type), int(protocol), cred());
    return typeof s === 'number' ? s : install(s, int(type));
  });

  on('__sys_socketpair', (_m, [family, type, protocol, kfds]) => {
    const p = net.socketpair(int(family), int(type), int(protocol), cred());
    if (typeof p === 'number') return p;
    const a = install(p[0], int(type));
    if (a < 0) { p[1].release(); return a; }
    const b = install(p[1], int(type));
    if (b < 0) { k().sysClose(a); return b; }
    const out = new Uint8Array(8);
    new DataView(out.buffer).setInt32(0, a, true);
    new DataView(out.buffer).setInt32(4, b, true);
    mem.writeBytes(kfds, out);
    return { ret: 0, rdx: 8 };
  });

  on('sockfd_lookup', (_m, [fd]) => {
    const s = sockfd(fd);
    return typeof s === 'number' ? s : 0;
  });

  on('__sys_bind', (_m, [fd, kaddr, len]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    return s.sock.bind(rd(kaddr, 128), int(len), k().vfs);
  });

  on('__sys_connect', (_m, [fd, kaddr, len]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    const addr = rd(kaddr, 128);
    return timed(s.sock.sndtimeo, (s.file.flags & O_NONBLOCK) !== 0, (nb) => s.sock.connect(addr, int(len), nb, k().vfs));
  });

  on('__sys_listen', (_m, [fd, backlog]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    return s.sock.listen(int(backlog));
  });

  on('do_accept', (_m, [fd, flags, kaddr]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    const box: { s?: Socket } = {};
    const r0 = timed(s.sock.rcvtimeo, (s.file.flags & O_NONBLOCK) !== 0, (nb) => {
      const a = s.sock.accept(nb);
      if (typeof a === 'number') return a;
      box.s = a;
      return 0;
    });
    const r = box.s;
    if (!r) return r0;
    const nfd = install(r, int(flags));
    if (nfd < 0) return nfd;
    const peer = r.getName(true);
    return putAddr(kaddr, typeof peer === 'number' ? { family: 0 } : peer, nfd);
  });

  on('__sys_getsockname', (_m, [fd, kaddr, peer]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    const a = s.sock.getName(peer !== 0);
    return typeof a === 'number' ? a : putAddr(kaddr, a, 0);
  });

  on('__sys_shutdown', (_m, [fd, how]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    return s.sock.shutdown(int(how));
  });

  /**
   * One chunk of a send (sendto, sendmsg): `len` bytes at kdata, `done` bytes of the call before
   * it, `left` after it. Answers the bytes taken; KMSG.sent says how many of the call's are really
   * gone (a datagram goes when its last chunk comes).
   */
  on('sock_sendmsg', (_m, [fd, kmsg, kdata, len, done, left]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    const flags = int(u64(kmsg + KMSG.flags));
    const name = u64(kmsg + KMSG.name);
    let dest: SockAddr | undefined;
    if (name !== 0) {
      const a = s.sock.parseAddr(rd(name, 128), int(u64(kmsg + KMSG.namelen)), true);
      if (typeof a === 'number') return a;
      dest = a;
    }
    if (done === 0) {
      s.sock.dropPendingSend(); // a new call (or one restarted after a signal)
      const fds = controlFiles(s.sock, kmsg);
      if (typeof fds === 'number') return fds;
      s.sock.pendingFds = fds;
    }
    const nonblock = (s.file.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;
    const data = rd(kdata, len);
    const r = timed(s.sock.sndtimeo, nonblock, (nb) => s.sock.send(data, flags, dest, left, nb, k().vfs));
    if (r === -EPIPE && !(flags & MSG_NOSIGNAL) && s.sock.connected) sigpipe();
    if (r >= 0) putU64(kmsg + KMSG.sent, s.sock.records && left > 0 ? 0 : done + r);
    else if (r !== WOULD_SLEEP) s.sock.dropPendingSend(); // the files stay with their owner
    return r;
  });

  /** One chunk of a receive: up to `len` bytes into kdata; the source address and flags into kmsg. */
  on('sock_recvmsg', (_m, [fd, kmsg, kdata, len, done, left]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    const flags = int(u64(kmsg + KMSG.flags));
    // Files came with the bytes already read in this call: the read ends there.
    if (done > 0 && u64(kmsg + KMSG.cused) > 0) return 0;
    const nonblock = (s.file.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;
    const box: { r?: Received } = {};
    const w = timed(s.sock.rcvtimeo, nonblock, (nb) => {
      const got = s.sock.recv(len, flags, done, left, nb);
      if (typeof got === 'number') return got;
      box.r = got;
      return 0;
    });
    const r = box.r;
    if (!r) return w;
    mem.writeBytes(kdata, r.bytes);
    let oflags = r.flags | (flags & MSG_CMSG_CLOEXEC);
    if (r.fds) oflags |= receiveFiles(r.fds, kmsg, (flags & MSG_CMSG_CLOEXEC) !== 0);
    if (done === 0) {
      // Who sent it: a datagram's sender, an AF_UNIX stream's other end; TCP tells nothing
      // (length 0), and neither does an unnamed AF_UNIX sender (unix_copy_addr).
      const from = r.from ?? (s.sock.isTcp ? undefined : s.sock.peer?.local);
      const a = from === undefined || (from.family === 1 && from.kind === 'unnamed') ? new Uint8Array(0) : encodeSockAddr(from);
      mem.writeBytes(kmsg + KMSG.addr, a);
      putU64(kmsg + KMSG.namelen, a.length);
    }
    putU64(kmsg + KMSG.extra, r.extra);
    putU64(kmsg + KMSG.oflags, oflags);
    return r.ret;
  });

  /**
   * The control messages of a sendmsg (Linux's __scm_send): SCM_RIGHTS passes open files (AF_UNIX
   * only), SCM_CREDENTIALS is accepted; each held by a reference until delivered. -EINVAL for a
   * malformed or unknown message, -EBADF for a descriptor that is not open.
   */
  const controlFiles = (sock: Socket, kmsg: number): InFlight | undefined | number => {
    const len = u64(kmsg + KMSG.controllen);
    const at = u64(kmsg + KMSG.control);
    if (!at || len < CMSG_HDR) return undefined;
    const b = rd(at, len);
    const v = new DataView(b.buffer, b.byteOffset);
    const fdt = k().vfs.fdt;
    const files: OpenFile[] = [];
    for (let off = 0; off + CMSG_HDR <= len;) {
      const clen = Number(v.getBigUint64(off, true));
      if (clen < CMSG_HDR || clen > len - off) return -EINVAL;
      const level = v.getInt32(off + 8, true), type = v.getInt32(off + 12, true);
      if (level === SOL_SOCKET) {
        if (type === SCM_RIGHTS) {
          if (sock.family !== AF_UNIX) return -EINVAL;
          const n = Math.floor((clen - CMSG_HDR) / 4);
          if (files.length + n > SCM_MAX_FD) return -EINVAL;
          for (let i = 0; i < n; i++) {
            const f = fdt.get(v.getInt32(off + CMSG_HDR + 4 * i, true));
            if (!f) return -EBADF;
            files.push(f);
          }
        } else if (type !== SCM_CREDENTIALS || sock.family !== AF_UNIX || clen !== CMSG_HDR + 12) return -EINVAL;
      }
      off += cmsgAlign(clen);
    }
    if (files.length === 0) return undefined;
    for (const f of files) f.refs++;
    return { files, hostClose: fdt.hostClose };
  };

  /**
   * Files that arrived (Linux's scm_detach_fds): each becomes a new descriptor of this process,
   * listed in an SCM_RIGHTS message in the kernel's control buffer, as many as the program's
   * msg_control has room for (the rest are closed, and MSG_CTRUNC says so).
   */
  const receiveFiles = (fds: InFlight, kmsg: number, cloexec: boolean): number => {
    const at = u64(kmsg + KMSG.control);
    const room = at ? u64(kmsg + KMSG.controllen) - u64(kmsg + KMSG.cused) : 0;
    const fit = room >= CMSG_HDR ? Math.min(fds.files.length, Math.floor((room - CMSG_HDR) / 4)) : 0;
    const got: number[] = [];
    for (const f of fds.files.slice(0, fit)) {
      const fd = k().vfs.fdt.alloc(f, cloexec);
      if (fd < 0) break;
      got.push(fd);
    }
    dropFiles(fds); // the in-flight references (a descriptor now holds each one installed)
    if (got.length === 0) return MSG_CTRUNC;
    const clen = CMSG_HDR + 4 * got.length;
    const b = new Uint8Array(clen);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, BigInt(clen), true);
    v.setInt32(8, SOL_SOCKET, true);
    v.setInt32(12, SCM_RIGHTS, true);
    got.forEach((fd, i) => v.setInt32(CMSG_HDR + 4 * i, fd, true));
    const used = u64(kmsg + KMSG.cused);
    mem.writeBytes(at + used, b);
    putU64(kmsg + KMSG.cused, used + Math.min(cmsgAlign(clen), room));
    return got.length < fds.files.length ? MSG_CTRUNC : 0;
  };

  on('do_setsockopt', (_m, [fd, level, optname, kval, optlen]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    if (int(optlen) < 0) return -EINVAL;
    return s.sock.setsockopt(int(level), int(optname), rd(kval, Math.min(int(optlen), 64)), int(optlen));
  });

  on('do_getsockopt', (_m, [fd, level, optname, kval, len]) => {
    const s = sockfd(fd);
    if (typeof s === 'number') return s;
    if (int(len) < 0) return -EINVAL;
    const v = s.sock.getsockopt(int(level), int(optname));
    if (typeof v === 'number') return v;
    const b = v.subarray(0, Math.min(v.length, int(len)));
    mem.writeBytes(kval, b);
    return { ret: 0, rdx: b.length };
  });

  on('do_eventfd', (_m, [count, flags]) => {
    if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)) return -EINVAL;
    // Every anonymous-inode file shares one inode on Linux (anon_inode_inode).
    const e = new EventFd((q) => sched.sleepOn(q), BigInt(uint(count)), (flags & EFD_SEMAPHORE) !== 0, ANON_INODE_INO);
    const f = new OpenFile('eventfd', O_RDWR | (flags & EFD_NONBLOCK), 'anon_inode:[eventfd]');
    f.ops = e;
    return k().vfs.fdt.alloc(f, (flags & EFD_CLOEXEC) !== 0);
  });

  // ----- poll and select -----

  /**
   * fdt->max_fds: Linux's descriptor table starts with room for 64 and grows in powers of two
   * (128, 256, ...) as higher descriptors are opened. (Here from the highest open descriptor.)
   */
  on('fdtable_max_fds', () => {
    const top = Math.max(-1, ...k().vfs.fdt.list());
    let size = 64;
    while (size <= top) size = size === 64 ? 128 : size * 2;
    return size;
  });

  /**
   * The common part of poll and select (fs/select.c's do_poll / do_select loop): `scan` looks at
   * every descriptor once and returns how many are ready and the queues to sleep on. Nothing
   * ready: the task sleeps on all of them and on the timeout, and looks again when woken.
   */
  const waitFor = (kts: number, ksigmask: number, scan: () => { ready: number; queues: WaitQueue[] } | number): number | { ret: number; rdx: number } => {
    const t = ctx.cur();
    const task = k().task;
    let st = polls.get(t);
    if (!st) {
      st = { deadline: undefined, zero: false, masked: false };
      if (kts) {
        const ns = BigInt(u64(kts)) * 1000000000n + BigInt(u64(kts + 8));
        if (ns === 0n) st.zero = true;
        else st.deadline = task.monoNs() + ns;
      }
      if (ksigmask) {
        // ppoll/pselect6: the call's own mask, until it returns (or a handler's frame restores it).
        t.signals.restoreMask = task.sigmask;
        task.sigmask = BigInt.asUintN(64, BigInt(u64(ksigmask))) & ~SIGKILL_STOP;
        t.signals.recalc();
        st.masked = true;
      }
      polls.set(t, st);
    }
    const finish = (ret: number): number | { ret: number; rdx: number } => {
      polls.delete(t);
      if (st!.deadline !== undefined) sched.disarm(t);
      if (st!.masked && ret !== -ERESTARTNOHAND && t.signals.restoreMask !== undefined) {
        task.sigmask = t.signals.restoreMask;
        t.signals.restoreMask = undefined;
        t.signals.recalc();
      }
      if (ret < 0 || st!.deadline === undefined) return ret;
      // The time left goes back to the caller's timeout (select, pselect6, ppoll update it).
      const left = st!.deadline - task.monoNs();
      const l = left > 0n ? left : 0n;
      putU64(kts, l / 1000000000n);
      putU64(kts + 8, l % 1000000000n);
      return { ret, rdx: 1 };
    };
    const r = scan();
    if (typeof r === 'number') return finish(r);
    if (r.ready > 0 || st.zero || (st.deadline !== undefined && task.monoNs() >= st.deadline)) return finish(r.ready);
    if (t.signals.wantsAttention()) return finish(-ERESTARTNOHAND);
    for (const q of r.queues) sched.sleepOn(q);
    if (st.deadline !== undefined) sched.sleepUntil(st.deadline);
    else if (r.queues.length === 0) sched.sleepOn(new WaitQueue()); // only a signal ends this wait
    return WOULD_SLEEP;
  };

  /** poll/ppoll: kfds holds nfds struct pollfd { int fd; short events, revents; }. */
  on('do_sys_poll', (_m, [kfds, nfds, kts, ksigmask]) =>
    waitFor(kts, ksigmask, () => {
      const b = rd(kfds, nfds * 8);
      const v = new DataView(b.buffer);
      let ready = 0;
      const queues: WaitQueue[] = [];
      for (let i = 0; i < nfds; i++) {
        const fd = v.getInt32(i * 8, true);
        let revents = 0;
        if (fd >= 0) {
          const f = k().vfs.fdt.get(fd);
          if (!f || f.flags & O_PATH) revents = POLLNVAL;
          else {
            const p = filePoll(f);
            revents = p.mask & (v.getUint16(i * 8 + 4, true) | POLLERR | POLLHUP);
            queues.push(...p.queues);
          }
        }
        v.setUint16(i * 8 + 6, revents, true);
        if (revents) ready++;
      }
      mem.writeBytes(kfds, b);
      return { ready, queues };
    }));

  /**
   * select/pselect6: kfds holds the in, out and except sets (FD_SETSIZE bits each, 128 bytes),
   * then the three result sets. `n` is the highest descriptor + 1 (at most 1024).
   */
  on('core_sys_select', (_m, [n, kfds, kts, ksigmask]) =>
    waitFor(kts, ksigmask, () => {
      const sets = rd(kfds, 3 * SET_BYTES);
      const res = new Uint8Array(3 * SET_BYTES);
      const bit = (s: Uint8Array, off: number, fd: number): boolean => (s[off + (fd >> 3)] & (1 << (fd & 7))) !== 0;
      // A descriptor in any set that is not open: EBADF before anything else (max_select_fd).
      for (let fd = 0; fd < n; fd++) {
        if (!bit(sets, 0, fd) && !bit(sets, SET_BYTES, fd) && !bit(sets, 2 * SET_BYTES, fd)) continue;
        const f = k().vfs.fdt.get(fd);
        if (!f || f.flags & O_PATH) return -EBADF;
      }
      let ready = 0;
      const queues: WaitQueue[] = [];
      for (let fd = 0; fd < n; fd++) {
        const want = [bit(sets, 0, fd), bit(sets, SET_BYTES, fd), bit(sets, 2 * SET_BYTES, fd)];
        if (!want.some((w) => w)) continue;
        const p = filePoll(k().vfs.fdt.get(fd)!);
        queues.push(...p.queues);
        [POLLIN_SET, POLLOUT_SET, POLLEX_SET].forEach((m, i) => {
          if (want[i] && p.mask & m) {
            res[i * SET_BYTES + (fd >> 3)] |= 1 << (fd & 7);
            ready++;
          }
        });
      }
      mem.writeBytes(kfds + 3 * SET_BYTES, res);
      return { ready, queues };
    }));
}

/** One fd_set in the kernel buffer: FD_SETSIZE (1024) bits. */
const SET_BYTES = 128;
const ANON_INODE_INO = 1038;
