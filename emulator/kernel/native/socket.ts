// Sockets (Linux's net/socket.c, net/unix/af_unix.c, and TCP and UDP as the loopback device
// carries them): AF_UNIX stream, datagram and seqpacket sockets, and AF_INET TCP and UDP on
// 127.0.0.1. Everything stays inside the machine: there is no host network behind AF_INET, only
// the other processes of the same machine (any other address is unreachable).
//
// A socket is a pair of queues and a state. A stream connection is two sockets whose receive
// buffers the other one fills; a datagram socket has a queue of messages, each with its sender's
// address. A listening socket has a queue of connections that connect() made and accept() takes.
// Every change wakes the socket's wait queue (Linux's sk_sleep): readers, writers, accept, a
// blocked connect and poll all wait there and look again when woken.
//
// | method                               | Linux                  | errnos
// |--------------------------------------|------------------------|---------------------------------------------
// | Net.socket(family, type, protocol)   | socket                 | EAFNOSUPPORT EINVAL ESOCKTNOSUPPORT EPROTONOSUPPORT
// | Net.socketpair(family, type, proto)  | socketpair             | EOPNOTSUPP (not AF_UNIX) and socket's
// | bind(addr, vfs)                      | bind                   | EINVAL EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT ENOENT EROFS
// | listen(backlog)                      | listen                 | EINVAL (unbound AF_UNIX) EOPNOTSUPP (datagrams)
// | connect(addr, nonblock, vfs)         | connect                | ECONNREFUSED ENOENT EISCONN EPROTOTYPE EINPROGRESS EAGAIN ENETUNREACH
// | accept(nonblock)                     | accept, accept4        | EINVAL (not listening) EAGAIN
// | send(data, flags, dest, left, vfs)   | sendto, sendmsg, write | EPIPE ENOTCONN EDESTADDRREQ EMSGSIZE EAGAIN ECONNREFUSED
// | recv(len, flags, done, left)         | recvfrom, recvmsg, read| EINVAL ENOTCONN EAGAIN ECONNRESET
// | shutdown(how)                        | shutdown               | EINVAL ENOTCONN (TCP)
// | getsockopt / setsockopt              | SOL_SOCKET, SOL_TCP, SOL_IP | ENOPROTOOPT EOPNOTSUPP EINVAL
// | poll()                               | unix_poll, tcp_poll, datagram_poll

import * as fs from 'fs';
import { WOULD_SLEEP } from '../abi';
import { errnoValue } from '../../trace/errno';
import { FileOps, OpenFile, O_CLOEXEC, O_NONBLOCK } from './fdtable';
import { KStat, S_IFSOCK, makedev, synthStat } from './stat';
import type { Vfs } from './vfs';
import { Sleeper, WaitQueue } from './wait';

const errno = (name: string): number => errnoValue(name) ?? 5;
const EAGAIN = errno('EAGAIN'), EINVAL = errno('EINVAL'), EPIPE = errno('EPIPE'), ENOENT = errno('ENOENT');
const EAFNOSUPPORT = errno('EAFNOSUPPORT'), ESOCKTNOSUPPORT = errno('ESOCKTNOSUPPORT'), EPROTONOSUPPORT = errno('EPROTONOSUPPORT');
const EOPNOTSUPP = errno('EOPNOTSUPP'), EADDRINUSE = errno('EADDRINUSE'), EADDRNOTAVAIL = errno('EADDRNOTAVAIL');
const ECONNREFUSED = errno('ECONNREFUSED'), EISCONN = errno('EISCONN'), ENOTCONN = errno('ENOTCONN'), EPROTOTYPE = errno('EPROTOTYPE');
const EINPROGRESS = errno('EINPROGRESS'), ENETUNREACH = errno('ENETUNREACH'), EDESTADDRREQ = errno('EDESTADDRREQ');
const EDOM = errno('EDOM'), EMSGSIZE = errno('EMSGSIZE'), ENOPROTOOPT = errno('ENOPROTOOPT'), ECONNRESET = errno('ECONNRESET'), EPERM = errno('EPERM');

export const AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_MAX = 46;
export const SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5, SOCK_PACKET = 10, SOCK_TYPE_MASK = 0xf;
export const SOCK_NONBLOCK = O_NONBLOCK, SOCK_CLOEXEC = O_CLOEXEC;
export const IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17;
export const MSG_OOB = 1, MSG_PEEK = 2, MSG_CTRUNC = 8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80;
export const MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
export const SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
export const SOL_SOCKET = 1, SOL_IP = 0, SOL_TCP = 6;
const RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const POLLRDNORM = 0x40, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLRDHUP = 0x2000;

/** Default buffer sizes, as a fresh Linux reports them (SO_SNDBUF / SO_RCVBUF). */
const UNIX_BUF = 212992, TCP_SNDBUF = 16384, TCP_RCVBUF = 131072;
/** Bytes a TCP connection holds in one direction before a writer waits. */
const STREAM_CAPACITY = 212992;
/**
 * What Linux charges an AF_UNIX stream writer for each message beside its bytes (the sk_buff's
 * truesize): the writer may go on while less than its SO_SNDBUF is in flight, so 4096-byte writes
 * fill a fresh socket after 44 of them (180224 bytes), as on Linux.
 */
const SKB_OVERHEAD = 768;
/** Datagrams an AF_UNIX socket queues before senders wait (net.unix.max_dgram_qlen). */
const MAX_DGRAM_QLEN = 10;
/** The largest UDP payload over IPv4. */
const UDP_MAX = 65507;
/** Ephemeral ports (net.ipv4.ip_local_port_range). */
const PORT_LOW = 32768, PORT_HIGH = 60999;
const LOOPBACK = 0x7f000001;

/** A socket address, decoded. */
export type SockAddr =
  | { family: typeof AF_UNIX; kind: 'unnamed' }
  /** A file system name: `path` as given (no NUL), `host` the file that stands for it. */
  | { family: typeof AF_UNIX; kind: 'path'; path: Uint8Array }
  /** An abstract name: the bytes after sun_path's leading NUL. */
  | { family: typeof AF_UNIX; kind: 'abstract'; name: Uint8Array }
  | { family: typeof AF_INET; port: number; addr: number }
  | { family: typeof AF_UNSPEC };

const UNNAMED: SockAddr = { family: AF_UNIX, kind: 'unnamed' };

/** The bytes of a sockaddr as getsockname/accept/recvfrom return them (and so its length). */
export function encodeSockAddr(a: SockAddr): Uint8Array {
  if (a.family === AF_INET) {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setUint16(0, AF_INET, true);
    v.setUint16(2, a.port, false); // network byte order
    v.setUint32(4, a.addr >>> 0, false);
    return b;
  }
  if (a.family === AF_UNSPEC) return new Uint8Array([0, 0]);
  if (a.kind === 'unnamed') return new Uint8Array([AF_UNIX, 0]);
  // sun_family, then sun_path: a path with its NUL; an abstract name after its leading NUL.
  const body = a.kind === 'path' ? a.path : a.name;
  const b = new Uint8Array(2 + body.length + 1);
  b[0] = AF_UNIX;
  b.set(body, a.kind === 'path' ? 2 : 3);
  return b;
}

const isLocal = (addr: number): boolean => addr >>> 24 === 127 || addr === 0;

/**
 * Open files on their way to another process (SCM_RIGHTS): each holds a reference until the
 * receiver installs it as a descriptor, or the message is dropped.
 */
export interface InFlight {
  files: OpenFile[];
  /** How a host descriptor is closed if the last reference goes here. */
  hostClose: (fd: number) => void;
}

/** Lets the files of a message go (it was dropped, or not all of them fitted). */
export function dropFiles(x: InFlight | undefined, from = 0): void {
  if (!x) return;
  for (const f of x.files.slice(from)) f.release(x.hostClose);
}

/** One more reference to each file (MSG_PEEK delivers copies and keeps the originals queued). */
function dupFiles(x: InFlight): InFlight {
  for (const f of x.files) f.refs++;
  return { files: [...x.files], hostClose: x.hostClose };
}

/** A stream's bytes as one send wrote them (Linux's sk_buff), with the files it carried. */
interface Chunk {
  data: Uint8Array;
  fds?: InFlight;
}

interface Datagram {
  data: Uint8Array;
  from: SockAddr;
  fds?: InFlight;
  /** read(2) ended inside this datagram (it cannot say whether its buffer ended): dropped by the next read. */
  readTo?: number;
}

/** What a receive hands back: the bytes, who sent them (datagrams), and the flags recvmsg reports. */
export interface Received {
  ret: number;
  bytes: Uint8Array;
  from?: SockAddr;
  /** MSG_TRUNC when a datagram did not fit, MSG_EOR at a seqpacket record's end. */
  flags: number;
  /** Files that came with these bytes (SCM_RIGHTS). */
  fds?: InFlight;
  /** With MSG_TRUNC asked: the datagram bytes beyond the buffer, which the call's result counts too. */
  extra: number;
}

/** The credentials SO_PEERCRED reports: who created (or connected) the other end. */
export interface Cred { pid: number; uid: number; gid: number }

/** Every socket of the machine can find the others: bound names, ports, listening queues. */
export class Net {
  /** Bound AF_UNIX file names (by the host file's real path). */
  readonly unixPaths = new Map<string, { sock: Socket; ino: bigint }>();
  readonly unixAbstract = new Map<string, Socket>();
  readonly tcpPorts = new Map<number, Socket>();
  readonly udpPorts = new Map<number, Socket>();
  private nextPort = PORT_LOW;
  private nextAuto = 0;
  private nextIno = 0x10000;

  constructor(readonly sleep: Sleeper) {}

  ino(): number {
    return ++this.nextIno;
  }

  /** socket(2): the new socket, or -errno. */
  socket(family: number, type: number, protocol: number, cred: Cred): Socket | number {
    if (family < 0 || family >= AF_MAX) return -EAFNOSUPPORT;
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) return -EINVAL;
    let t = type & SOCK_TYPE_MASK;
    if (t > SOCK_PACKET) return -EINVAL; // beyond SOCK_MAX
    if (family === AF_UNIX) {
      if (protocol !== 0 && protocol !== AF_UNIX) return -EPROTONOSUPPORT;
      if (t === SOCK_RAW) t = SOCK_DGRAM; // as af_unix.c does
      if (t !== SOCK_STREAM && t !== SOCK_DGRAM && t !== SOCK_SEQPACKET) return -ESOCKTNOSUPPORT;
      return new Socket(this, AF_UNIX, t, 0, cred);
    }
    if (family === AF_INET) {
      if (t === SOCK_STREAM) {
        if (protocol !== 0 && protocol !== IPPROTO_TCP) return -EPROTONOSUPPORT;
        return new Socket(this, AF_INET, t, IPPROTO_TCP, cred);
      }
      if (t === SOCK_DGRAM) {
        if (protocol !== 0 && protocol !== IPPROTO_UDP) return -EPROTONOSUPPORT;
        return new Socket(this, AF_INET, t, IPPROTO_UDP, cred);
      }
      return t === SOCK_RAW ? -EPROTONOSUPPORT : -ESOCKTNOSUPPORT;
    }
    // AF_INET6, netlink, packet...: not in this machine.
    return -EAFNOSUPPORT;
  }

  /** socketpair(2): two connected AF_UNIX sockets. */
  socketpair(family: number, type: number, protocol: number, cred: Cred): [Socket, Socket] | number {
    const a = this.socket(family, type, protocol, cred);
    if (typeof a === 'number') return a;
    if (family !== AF_UNIX) return -EOPNOTSUPP;
    const b = this.socket(family, type, protocol, cred) as Socket;
    a.state = b.state = 'connected';
    a.peer = b;
    b.peer = a;
    a.paired = b.paired = true;
    return [a, b];
  }

  /** A free ephemeral port (deterministic: the next one after the last handed out). */
  ephemeralPort(map: Map<number, Socket>): number | undefined {
    for (let i = 0; i <= PORT_HIGH - PORT_LOW; i++) {
      const p = this.nextPort;
      this.nextPort = p >= PORT_HIGH ? PORT_LOW : p + 1;
      if (!map.has(p)) return p;
    }
    return undefined;
  }

  /** Autobind of an AF_UNIX socket: an abstract name of five hex digits, as Linux picks them. */
  autobindName(): Uint8Array {
    for (;;) {
      const name = (this.nextAuto++ & 0xfffff).toString(16).padStart(5, '0');
      if (!this.unixAbstract.has(name)) return Buffer.from(name, 'latin1');
    }
  }
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

export class Socket implements FileOps {
  state: 'unconnected' | 'listening' | 'connected' = 'unconnected';
  /** A non-blocking TCP connect answered EINPROGRESS; the next connect() completes it. */
  connecting = false;
  local: SockAddr | undefined;
  /** Stream: the other end. Datagram: the socket connect() chose (AF_UNIX). */
  peer: Socket | undefined;
  /** Made by socketpair: SO_PEERCRED knows the other end whatever the type. */
  paired = false;
  /** A connected UDP socket's destination. */
  peerAddr: SockAddr | undefined;
  /** RCV_SHUTDOWN | SEND_SHUTDOWN of this end. */
  shutdownMask = 0;
  /** A pending error (sk_err): SO_ERROR reads it, or the next call returns it once. */
  error = 0;
  released = false;
  readonly ino: number;
  /** The stream bytes received and not read yet. */
  private chunks: Chunk[] = [];
  private size = 0;
  /** The datagrams (and seqpacket records) received and not read yet. */
  readonly dgrams: Datagram[] = [];
  /** Files the send in progress carries (SCM_RIGHTS): they go with its first bytes. */
  pendingFds: InFlight | undefined;
  /** A datagram being sent in several chunks (sendmsg of more than a page). */
  private pendingSend: Uint8Array[] = [];
  backlog = 0;
  readonly acceptQueue: Socket[] = [];
  readonly wait = new WaitQueue();
  private readonly opts = new Map<string, number>();
  sndbuf: number;
  rcvbuf: number;
  /** SO_RCVTIMEO, SO_SNDTIMEO in ns: how long a blocking receive (accept) or send (connect) waits; undefined: for ever. */
  rcvtimeo: bigint | undefined;
  sndtimeo: bigint | undefined;

  constructor(readonly net: Net, readonly family: number, readonly type: number, readonly protocol: number, public cred: Cred) {
    this.ino = net.ino();
    const tcp = family === AF_INET && type === SOCK_STREAM;
    this.sndbuf = tcp ? TCP_SNDBUF : UNIX_BUF;
    this.rcvbuf = tcp ? TCP_RCVBUF : UNIX_BUF;
  }

  get isTcp(): boolean { return this.family === AF_INET && this.type === SOCK_STREAM; }
  get isUdp(): boolean { return this.family === AF_INET && this.type === SOCK_DGRAM; }
  /** Connection-oriented: stream and seqpacket. */
  get connected(): boolean { return this.type !== SOCK_DGRAM; }
  /** Messages keep their boundaries: datagram and seqpacket. */
  get records(): boolean { return this.type !== SOCK_STREAM; }
  /** The path name /proc/self/fd shows. */
  get name(): string { return `socket:[${this.ino}]`; }

  private wake(): void {
    this.wait.wakeAll();
  }

  private takeError(): number {
    const e = this.error;
    this.error = 0;
    return e;
  }

  // ---- addresses ----

  /** Decodes a sockaddr for this socket's family (bind and connect check the length and family differently). */
  parseAddr(b: Uint8Array, len: number, forConnect: boolean): SockAddr | number {
    if (len < 2) return -EINVAL;
    const family = b[0] | (b[1] << 8);
    if (this.family === AF_UNIX) {
      if (forConnect && family === AF_UNSPEC && !this.connected) return { family: AF_UNSPEC };
      if (family !== AF_UNIX) return -EINVAL;
      if (len === 2) return forConnect ? -EINVAL : UNNAMED; // bind with no name: autobind
      if (len > 110) return -EINVAL;
      if (b[2] === 0) return { family: AF_UNIX, kind: 'abstract', name: b.slice(3, len) };
      let end = 2;
      while (end < len && b[end] !== 0) end++;
      return { family: AF_UNIX, kind: 'path', path: b.slice(2, end) };
    }
    if (forConnect && family === AF_UNSPEC) return { family: AF_UNSPEC };
    if (len < 16) return -EINVAL;
    const v = new DataView(b.buffer, b.byteOffset, 16);
    const addr = v.getUint32(4, false);
    // bind accepts AF_UNSPEC for INADDR_ANY, as inet_bind does for old programs.
    if (family !== AF_INET && !(family === AF_UNSPEC && !forConnect && addr === 0)) return -EAFNOSUPPORT;
    return { family: AF_INET, port: v.getUint16(2, false), addr };
  }

  /** getsockname (peer false) and getpeername (peer true): the address, or -ENOTCONN. */
  getName(peer: boolean): SockAddr | number {
    if (!peer) {
      if (this.local) return this.local;
      return this.family === AF_INET ? { family: AF_INET, port: 0, addr: 0 } : UNNAMED;
    }
    if (this.family === AF_INET) {
      if (this.isTcp) {
        if (this.state !== 'connected' || !this.peer) return -ENOTCONN;
        return this.peer.local ?? { family: AF_INET, port: 0, addr: 0 };
      }
      return this.peerAddr ?? -ENOTCONN;
    }
    if (!this.peer) return -ENOTCONN;
    return this.peer.local ?? UNNAMED;
  }

  private portMap(): Map<number, Socket> {
    return this.isTcp ? this.net.tcpPorts : this.net.udpPorts;
  }

  /** An unbound AF_INET socket gets a port when it first needs one (connect, send, listen). */
  private autobind(): number {
    if (this.local) return 0;
    const map = this.portMap();
    const port = this.net.ephemeralPort(map);
    if (port === undefined) return -EADDRINUSE;
    this.local = { family: AF_INET, port, addr: LOOPBACK };
    map.set(port, this);
    return 0;
  }

  /** bind(2). `vfs` resolves and creates AF_UNIX file names relative to the caller's directory. */
  bind(b: Uint8Array, len: number, vfs: Vfs): number {
    const a = this.parseAddr(b, len, false);
    if (typeof a === 'number') return a;
    if (this.local) return -EINVAL;
    if (a.family === AF_INET) {
      if (!isLocal(a.addr)) return -EADDRNOTAVAIL;
      const map = this.portMap();
      let port = a.port;
      if (port === 0) {
        const p = this.net.ephemeralPort(map);
        if (p === undefined) return -EADDRINUSE;
        port = p;
      } else {
        const other = map.get(port);
        if (other && !(this.reuseAddr && other.reuseAddr && other.state !== 'listening')) return -EADDRINUSE;
      }
      this.local = { family: AF_INET, port, addr: a.addr };
      map.set(port, this);
      return 0;
    }
    if (a.family !== AF_UNIX) return -EINVAL;
    if (a.kind === 'unnamed' || a.kind === 'abstract') {
      const name = a.kind === 'abstract' ? a.name : this.net.autobindName();
      const key = latin1(name);
      if (this.net.unixAbstract.has(key)) return -EADDRINUSE;
      this.net.unixAbstract.set(key, this);
      this.local = { family: AF_UNIX, kind: 'abstract', name };
      return 0;
    }
    // A file system name: the socket file is created (EADDRINUSE if the name exists). The host
    // can only hold an empty file there; the machine remembers which socket it stands for.
    const r = vfs.resolve(-100, latin1(a.path));
    if (typeof r === 'number') return r;
    const ls = vfs.lstat(r.host);
    if (typeof ls !== 'number') return -EADDRINUSE;
    if (ls !== -ENOENT) return ls;
    const w = vfs.writable(r.host, false);
    if (w < 0) return w;
    let key: string, ino: bigint;
    try {
      vfs.host.closeSync(vfs.host.openSync(r.host, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o777 & ~vfs.umask));
      key = vfs.host.realpathSync(r.host);
      ino = vfs.host.statSync(key, { bigint: true }).ino;
    } catch (e) {
      const code = (e as { code?: string }).code;
      return -(errnoValue(code ?? 'EIO') ?? 5);
    }
    this.net.unixPaths.set(key, { sock: this, ino });
    this.local = a;
    return 0;
  }

  /** The socket an AF_UNIX name stands for: ENOENT without the file, ECONNREFUSED without a socket. */
  private lookupUnix(a: SockAddr, vfs: Vfs): Socket | number {
    if (a.family !== AF_UNIX || a.kind === 'unnamed') return -EINVAL;
    if (a.kind === 'abstract') {
      const s = this.net.unixAbstract.get(latin1(a.name));
      return s && !s.released ? s : -ECONNREFUSED;
    }
    const r = vfs.resolve(-100, latin1(a.path));
    if (typeof r === 'number') return r;
    const st = vfs.stat(r.host);
    if (typeof st === 'number') return st;
    let key: string;
    try { key = vfs.host.realpathSync(r.host); } catch { return -ENOENT; }
    const e = this.net.unixPaths.get(key);
    if (!e || e.sock.released || e.ino !== st.ino) return -ECONNREFUSED;
    return e.sock;
  }

  get reuseAddr(): boolean {
    return (this.opts.get(`${SOL_SOCKET}:2`) ?? 0) !== 0;
  }

  /** listen(2). */
  listen(backlog: number): number {
    if (!this.connected) return -EOPNOTSUPP;
    if (this.state === 'connected') return -EINVAL;
    if (this.family === AF_UNIX && !this.local) return -EINVAL;
    if (this.family === AF_INET) {
      const e = this.autobind();
      if (e < 0) return e;
    }
    // A backlog above net.core.somaxconn (4096), or negative, becomes somaxconn.
    this.backlog = backlog >>> 0 > 4096 ? 4096 : backlog;
    this.state = 'listening';
    this.wake();
    return 0;
  }

  /**
   * connect(2). Stream: joins a listening socket's queue (waiting while it is full); datagram:
   * sets the default destination (AF_UNSPEC clears it).
   */
  connect(b: Uint8Array, len: number, nonblock: boolean, vfs: Vfs): number {
    const a = this.parseAddr(b, len, true);
    if (typeof a === 'number') return a;
    if (!this.connected) {
      if (a.family === AF_UNSPEC) {
        this.peer = undefined;
        this.peerAddr = undefined;
        return 0;
      }
      if (a.family === AF_INET) {
        if (!isLocal(a.addr)) return -ENETUNREACH;
        const e = this.autobind();
        if (e < 0) return e;
        this.peerAddr = { ...a, addr: a.addr === 0 ? LOOPBACK : a.addr };
        return 0;
      }
      const t = this.lookupUnix(a, vfs);
      if (typeof t === 'number') return t;
      if (t.type !== this.type) return -EPROTOTYPE;
      this.peer = t;
      return 0;
    }
    if (this.isTcp) {
      if (a.family === AF_UNSPEC) return 0; // a disconnect of a socket that is not connected
      if (this.connecting) {
        this.connecting = false;
        return 0;
      }
      if (this.state !== 'unconnected') return -EISCONN;
      if (a.family !== AF_INET) return -EAFNOSUPPORT;
      if (!isLocal(a.addr)) return -ENETUNREACH;
      const l = this.net.tcpPorts.get(a.port);
      if (!l || l.state !== 'listening' || l.released) return -ECONNREFUSED;
      if (l.acceptQueue.length > l.backlog) {
        if (nonblock) return -EAGAIN;
        this.net.sleep(l.wait);
        return WOULD_SLEEP;
      }
      const e = this.autobind();
      if (e < 0) return e;
      this.join(l, { family: AF_INET, port: a.port, addr: LOOPBACK });
      // On a real network the handshake takes a while: a non-blocking connect says so.
      if (nonblock) {
        this.connecting = true;
        return -EINPROGRESS;
      }
      return 0;
    }
    if (this.state === 'connected') return -EISCONN;
    if (this.state === 'listening') return -EINVAL;
    const l = this.lookupUnix(a, vfs);
    if (typeof l === 'number') return l;
    if (l.type !== this.type) return -EPROTOTYPE;
    if (l.state !== 'listening') return -ECONNREFUSED;
    if (l.acceptQueue.length > l.backlog) {
      if (nonblock) return -EAGAIN;
      this.net.sleep(l.wait);
      return WOULD_SLEEP;
    }
    this.join(l, l.local!);
    return 0;
  }

  /** A new connection: the server's end goes on the listener's queue, connected to this one. */
  private join(l: Socket, serverAddr: SockAddr): void {
    const s = new Socket(this.net, this.family, this.type, this.protocol, l.cred);
    s.local = serverAddr;
    s.state = this.state = 'connected';
    s.peer = this;
    this.peer = s;
    l.acceptQueue.push(s);
    l.wake();
  }

  /** accept(2): the next connection's socket, -EAGAIN, or WOULD_SLEEP. */
  accept(nonblock: boolean): Socket | number {
    if (!this.connected) return -EOPNOTSUPP; // datagram sockets have no connections to accept
    if (this.state !== 'listening') return -EINVAL;
    const s = this.acceptQueue.shift();
    if (!s) {
      if (nonblock) return -EAGAIN;
      this.net.sleep(this.wait);
      return WOULD_SLEEP;
    }
    this.wake(); // a connect waiting for room in the queue
    return s;
  }

  // ---- data ----

  /** Whether a stream's reader has seen the end: shut down for reading, or the writer is gone. */
  private get eof(): boolean {
    return (this.shutdownMask & RCV_SHUTDOWN) !== 0;
  }

  /**
   * Sends `data` (one chunk of at most a page). `left`: bytes of the same call after this chunk
   * (undefined for write(2), which does not say): a datagram goes out when its last chunk came.
   * Returns the bytes taken, -errno, or WOULD_SLEEP.
   */
  send(data: Uint8Array, flags: number, dest: SockAddr | undefined, left: number | undefined, nonblock: boolean, vfs: Vfs | undefined): number {
    if (this.records) return this.sendRecord(data, flags, dest, left, nonblock, vfs);
    if (this.isTcp) {
      if (this.state !== 'connected') return -EPIPE;
      if (this.error) return -this.takeError();
      if (this.shutdownMask & SEND_SHUTDOWN) return -EPIPE;
    } else {
      if (dest) return this.state === 'connected' ? -EISCONN : -EOPNOTSUPP;
      if (this.state !== 'connected') return -ENOTCONN;
      if (this.shutdownMask & SEND_SHUTDOWN) return -EPIPE;
    }
    const p = this.peer!;
    if (p.released || (!this.isTcp && p.shutdownMask & RCV_SHUTDOWN)) {
      if (this.isTcp && p.released) {
        // The other end is closed: these bytes meet a reset, which comes back as an error.
        this.error = ECONNRESET;
        this.shutdownMask = SHUTDOWN_MASK;
        this.wake();
        return data.length;
      }
      return -EPIPE;
    }
    if (data.length === 0) return 0;
    if (this.isTcp) {
      const room = STREAM_CAPACITY - p.size;
      if (room < data.length) {
        if (!nonblock) {
          this.net.sleep(this.wait);
          return WOULD_SLEEP;
        }
        if (room <= 0) return -EAGAIN;
        data = data.subarray(0, room); // a non-blocking send takes what fits
      }
    } else if (p.inFlight() >= this.sndbuf) {
      // AF_UNIX: the writer's send buffer holds what the reader has not taken yet.
      if (nonblock) return -EAGAIN;
      this.net.sleep(this.wait);
      return WOULD_SLEEP;
    }
    p.chunks.push({ data: data.slice(), fds: this.pendingFds });
    this.pendingFds = undefined;
    p.size += data.length;
    p.wake();
    return data.length;
  }

  /** A send starts: chunks (and files) left from one a signal interrupted are not part of it. */
  dropPendingSend(): void {
    this.pendingSend = [];
    dropFiles(this.pendingFds);
    this.pendingFds = undefined;
  }

  /** Datagrams and seqpacket records: whole messages (several chunks make one). */
  private sendRecord(data: Uint8Array, flags: number, dest: SockAddr | undefined, left: number | undefined, nonblock: boolean, vfs: Vfs | undefined): number {
    if (left !== undefined && left > 0) {
      // Not the last chunk: keep it until the message is complete.
      this.pendingSend.push(data.slice());
      return data.length;
    }
    let msg = data;
    if (this.pendingSend.length > 0) {
      const parts = [...this.pendingSend, data];
      msg = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) { msg.set(p, at); at += p.length; }
    }
    const r = this.sendMessage(msg, flags, dest, nonblock, vfs);
    if (r !== WOULD_SLEEP) this.pendingSend = []; // asked again after the sleep, with the same chunks
    // The chunk's own length on success: the chunks before it were counted when they came.
    return r === msg.length ? data.length : r;
  }

  private sendMessage(msg: Uint8Array, _flags: number, dest: SockAddr | undefined, nonblock: boolean, vfs: Vfs | undefined): number {
    if (this.shutdownMask & SEND_SHUTDOWN) return -EPIPE;
    if (this.isUdp) {
      let to: SockAddr | undefined = this.peerAddr;
      if (dest) {
        if (dest.family !== AF_INET) return dest.family === AF_UNSPEC ? -EDESTADDRREQ : -EAFNOSUPPORT;
        to = dest;
      }
      if (!to || to.family !== AF_INET) return -EDESTADDRREQ;
      if (to.port === 0) return -EINVAL;
      if (!isLocal(to.addr)) return -ENETUNREACH;
      if (msg.length > UDP_MAX) return -EMSGSIZE;
      const e = this.autobind();
      if (e < 0) return e;
      const t = this.net.udpPorts.get(to.port);
      // Nobody listens there: the datagram is lost (a connected socket hears of it later).
      if (!t || t.released) {
        if (!dest && this.peerAddr) this.error = ECONNREFUSED;
        return msg.length;
      }
      // A connected receiver takes datagrams from its peer only (every address here is this machine's).
      if (t.peerAddr && t.peerAddr.family === AF_INET && t.peerAddr.port !== (this.local as { port: number }).port) return msg.length;
      const queued = t.dgrams.reduce((n, d) => n + d.data.length, 0);
      if (queued + msg.length > t.rcvbuf) return msg.length; // a full receive buffer drops it
      const me = this.local as { port: number };
      t.dgrams.push({ data: msg.slice(), from: { family: AF_INET, port: me.port, addr: LOOPBACK } });
      t.wake();
      return msg.length;
    }
    let t: Socket;
    if (this.connected) {
      // seqpacket: a connection, like a stream
      if (dest) return this.state === 'connected' ? -EISCONN : -EOPNOTSUPP;
      if (this.state !== 'connected') return -ENOTCONN;
      t = this.peer!;
      if (t.released || t.shutdownMask & RCV_SHUTDOWN) return -EPIPE;
    } else if (dest) {
      const f = this.lookupUnix(dest, vfs!);
      if (typeof f === 'number') return f;
      t = f;
      if (t.type !== this.type) return -EPROTOTYPE;
      if (t.peer && t.peer !== this) return -EPERM;
    } else {
      if (!this.peer) return -ENOTCONN;
      t = this.peer;
      if (t.released) {
        this.peer = undefined;
        return -ECONNREFUSED;
      }
    }
    if (t.shutdownMask & RCV_SHUTDOWN) return -EPIPE;
    if (msg.length > this.sndbuf - 32) return -EMSGSIZE;
    // The receiver's queue is full: MAX_DGRAM_QLEN messages, or for a socket connected back to
    // this one (a socketpair) the send buffer's worth of bytes.
    const full = t.peer === this ? t.dgrams.reduce((n, d) => n + d.data.length, 0) + msg.length > this.sndbuf : t.dgrams.length >= MAX_DGRAM_QLEN;
    if (full && t !== this) {
      if (nonblock) return -EAGAIN;
      this.net.sleep(t.wait);
      return WOULD_SLEEP;
    }
    t.dgrams.push({ data: msg.slice(), from: this.local ?? UNNAMED, fds: this.pendingFds });
    this.pendingFds = undefined;
    t.wake();
    return msg.length;
  }

  /**
   * Receives into a chunk of `len` bytes. `done`: bytes this call already received (then nothing
   * waits: an empty socket ends the call). `left`: room in the caller's buffers after this chunk
   * (undefined for read(2)).
   */
  recv(len: number, flags: number, done: number, left: number | undefined, nonblock: boolean): Received | number {
    const peek = (flags & MSG_PEEK) !== 0;
    if (this.records) return this.recvRecord(len, flags, done, left, nonblock);
    if (this.state === 'listening') return this.isTcp ? -ENOTCONN : -EINVAL;
    if (this.state !== 'connected') return this.isTcp ? -ENOTCONN : -EINVAL;
    const skip = peek ? done : 0; // a peek that goes on reads past what it already showed
    const avail = this.size - skip;
    const waitAll = (flags & MSG_WAITALL) !== 0 && !peek;
    if (avail > 0 && !(waitAll && avail < len && !this.eof && !this.error && !nonblock)) {
      let n = Math.min(len, avail);
      // A read ends with the bytes that carried files (they are not run together with more).
      let fds: InFlight | undefined;
      let pos = 0;
      for (const c of this.chunks) {
        const end = pos + c.data.length;
        if (end > skip && pos < skip + n && c.fds) {
          n = Math.min(n, end - skip);
          fds = peek ? dupFiles(c.fds) : c.fds;
          if (!peek) c.fds = undefined;
          break;
        }
        pos = end;
      }
      const out = this.copyOut(skip, n, !peek);
      if (!peek) this.peer?.wake(); // a writer waiting for room
      return { ret: n, bytes: out, flags: 0, extra: 0, fds };
    }
    if (this.error) return -this.takeError();
    if (this.eof || len === 0) return { ret: 0, bytes: new Uint8Array(0), flags: 0, extra: 0 };
    if (done > 0 && !waitAll) return { ret: 0, bytes: new Uint8Array(0), flags: 0, extra: 0 };
    if (nonblock) return avail > 0 ? this.recv(len, flags & ~MSG_WAITALL, done, left, true) : -EAGAIN;
    this.net.sleep(this.wait);
    return WOULD_SLEEP;
  }

  /** What the unread messages of an AF_UNIX stream cost their writer (bytes and sk_buff overhead). */
  inFlight(): number {
    return this.size + this.chunks.length * SKB_OVERHEAD;
  }

  /** Bytes [skip, skip + n) of the stream buffer; `consume` removes [0, n). */
  private copyOut(skip: number, n: number, consume: boolean): Uint8Array {
    const out = new Uint8Array(n);
    let got = 0, pos = 0;
    for (const { data: c } of this.chunks) {
      if (got >= n) break;
      const from = Math.max(0, skip - pos);
      if (from < c.length) {
        const k = Math.min(c.length - from, n - got);
        out.set(c.subarray(from, from + k), got);
        got += k;
      }
      pos += c.length;
    }
    if (consume) {
      let left = n;
      while (left > 0) {
        const c = this.chunks[0];
        if (c.data.length <= left) { this.chunks.shift(); left -= c.data.length; } else { c.data = c.data.subarray(left); left = 0; }
      }
      this.size -= n;
    }
    return out;
  }

  private recvRecord(len: number, flags: number, done: number, left: number | undefined, nonblock: boolean): Received | number {
    const peek = (flags & MSG_PEEK) !== 0;
    if (this.connected && this.state === 'listening') return -EINVAL;
    if (this.connected && this.state !== 'connected' && this.dgrams.length === 0) return -ENOTCONN;
    // read(2) stopped inside this datagram last time: the rest of it is lost, as a short buffer loses it.
    if (done === 0 && this.dgrams[0]?.readTo !== undefined) {
      dropFiles(this.dgrams.shift()!.fds);
      this.wake();
    }
    const head = this.dgrams[0];
    if (!head) {
      if (done > 0) return { ret: 0, bytes: new Uint8Array(0), flags: 0, extra: 0 };
      if (this.error) return -this.takeError();
      if (this.eof || (this.connected && this.peer?.released)) return { ret: 0, bytes: new Uint8Array(0), flags: 0, extra: 0 };
      if (nonblock) return -EAGAIN;
      this.net.sleep(this.wait);
      return WOULD_SLEEP;
    }
    const from = done;
    const chunk = head.data.slice(from, from + len);
    const end = from + chunk.length >= head.data.length;
    const last = end || left === 0;
    let outFlags = 0, extra = 0;
    if (last) {
      if (!end) {
        outFlags |= MSG_TRUNC;
        if (flags & MSG_TRUNC) extra = head.data.length - from - chunk.length;
      } else if (this.type === SOCK_SEQPACKET) outFlags |= MSG_EOR;
      if (!peek) {
        this.dgrams.shift();
        this.wake(); // senders waiting for room in the queue
      }
    } else if (left === undefined) head.readTo = from + chunk.length;
    // The files come with the message's first bytes.
    let fds: InFlight | undefined;
    if (done === 0 && head.fds) {
      fds = peek ? dupFiles(head.fds) : head.fds;
      if (!peek) head.fds = undefined;
    }
    return { ret: chunk.length, bytes: chunk, from: head.from, flags: outFlags, extra, fds };
  }

  /** shutdown(2): no more receiving (SHUT_RD), sending (SHUT_WR), or both. */
  shutdown(how: number): number {
    if (how < 0 || how > 2) return -EINVAL;
    const mode = (how + 1) & SHUTDOWN_MASK;
    if (this.isTcp) {
      if (this.state !== 'connected') return -ENOTCONN;
      this.shutdownMask |= mode;
      // SHUT_WR sends FIN: the other end reads end of file.
      if (mode & SEND_SHUTDOWN && this.peer) { this.peer.shutdownMask |= RCV_SHUTDOWN; this.peer.wake(); }
      this.wake();
      return 0;
    }
    if (this.isUdp) {
      // Marked either way (pollers see it); an unconnected socket also says ENOTCONN.
      this.shutdownMask |= mode;
      this.wake();
      return this.peerAddr ? 0 : -ENOTCONN;
    }
    this.shutdownMask |= mode;
    // AF_UNIX connections tell the other end both ways (unix_shutdown).
    const p = this.connected ? this.peer : undefined;
    if (p) {
      if (mode & SEND_SHUTDOWN) p.shutdownMask |= RCV_SHUTDOWN;
      if (mode & RCV_SHUTDOWN) p.shutdownMask |= SEND_SHUTDOWN;
      p.wake();
    }
    this.wake();
    return 0;
  }

  // ---- options ----

  private optKey(level: number, name: number): string {
    return `${level}:${name}`;
  }

  setsockopt(level: number, name: number, val: Uint8Array, optlen: number): number {
    const v = optlen >= 4 ? new DataView(val.buffer, val.byteOffset, 4).getInt32(0, true) : 0;
    if (level === SOL_SOCKET) {
      switch (name) {
        case 13: { // SO_LINGER: struct linger { int l_onoff, l_linger; }
          if (optlen < 8) return -EINVAL;
          const linger = new DataView(val.buffer, val.byteOffset, 8).getInt32(4, true);
          this.opts.set(this.optKey(level, name), v ? 0x10000 | (linger & 0xffff) : 0);
          return 0;
        }
        case 20: case 21: case 66: case 67: { // SO_RCVTIMEO, SO_SNDTIMEO (old and new): a struct timeval
          if (optlen < 16) return -EINVAL;
          const tv = new DataView(val.buffer, val.byteOffset, 16);
          const sec = tv.getBigInt64(0, true), usec = tv.getBigInt64(8, true);
          if (usec < 0n || usec >= 1000000n) return -EDOM;
          // 0 waits for ever; a negative time does not wait at all (sock_set_timeout).
          const ns = sec < 0n ? 0n : sec === 0n && usec === 0n ? undefined : sec * 1000000000n + usec * 1000n;
          if (name === 20 || name === 66) this.rcvtimeo = ns; else this.sndtimeo = ns;
          return 0;
        }
      }
      if (!SOL_SOCKET_SETTABLE.has(name)) return -ENOPROTOOPT;
      if (optlen < 4) return -EINVAL;
      // Linux doubles the buffer sizes asked for (room for its bookkeeping), with a floor.
      if (name === 7) { this.sndbuf = Math.max(4608, Math.min(v, 212992) * 2); return 0; }
      if (name === 8) { this.rcvbuf = Math.max(2304, Math.min(v, 212992) * 2); return 0; }
      this.opts.set(this.optKey(level, name), v);
      return 0;
    }
    if (this.family === AF_UNIX) return -EOPNOTSUPP;
    if ((level === SOL_TCP && this.isTcp) || level === SOL_IP || (level === IPPROTO_UDP && this.isUdp)) {
      if (optlen < 4) return -EINVAL;
      this.opts.set(this.optKey(level, name), v);
      return 0;
    }
    return -ENOPROTOOPT;
  }

  /** getsockopt: the value's bytes (the caller copies at most the length the program gave). */
  getsockopt(level: number, name: number): Uint8Array | number {
    const int = (v: number): Uint8Array => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, v, true);
      return b;
    };
    if (level === SOL_SOCKET) {
      switch (name) {
        case 3: return int(this.type); // SO_TYPE
        case 4: return int(this.takeError()); // SO_ERROR
        case 7: return int(this.sndbuf);
        case 8: return int(this.rcvbuf);
        case 30: return int(this.state === 'listening' ? 1 : 0); // SO_ACCEPTCONN
        case 38: return int(this.protocol); // SO_PROTOCOL
        case 39: return int(this.family); // SO_DOMAIN
        case 13: { // SO_LINGER
          const v = this.opts.get(this.optKey(level, name)) ?? 0;
          const b = new Uint8Array(8);
          const d = new DataView(b.buffer);
          d.setInt32(0, v ? 1 : 0, true);
          d.setInt32(4, v & 0xffff, true);
          return b;
        }
        case 17: { // SO_PEERCRED: struct ucred of the other end
          const c = (this.connected && this.state === 'connected') || this.paired ? this.peer?.cred : undefined;
          const b = new Uint8Array(12);
          const d = new DataView(b.buffer);
          d.setInt32(0, c?.pid ?? 0, true);
          d.setInt32(4, c ? c.uid : -1, true);
          d.setInt32(8, c ? c.gid : -1, true);
          return b;
        }
        case 20: case 21: case 66: case 67: { // SO_RCVTIMEO, SO_SNDTIMEO
          const ns = (name === 20 || name === 66 ? this.rcvtimeo : this.sndtimeo) ?? 0n;
          const b = new Uint8Array(16);
          const d = new DataView(b.buffer);
          d.setBigInt64(0, ns / 1000000000n, true);
          d.setBigInt64(8, (ns % 1000000000n) / 1000n, true);
          return b;
        }
      }
      if (!SOL_SOCKET_INTS.has(name)) return -ENOPROTOOPT;
      return int(this.opts.get(this.optKey(level, name)) ?? 0);
    }
    if (this.family === AF_UNIX) return -EOPNOTSUPP;
    if ((level === SOL_TCP && this.isTcp) || level === SOL_IP || (level === IPPROTO_UDP && this.isUdp)) {
      const v = this.opts.get(this.optKey(level, name));
      if (v !== undefined) return int(v);
      if (level === SOL_IP && name === 2) return int(64); // IP_TTL
      if (level === SOL_TCP && name === 2) return int(this.state === 'connected' ? 65483 : 536); // TCP_MAXSEG: loopback's, or the default
      return int(0);
    }
    return -ENOPROTOOPT;
  }

  // ---- poll ----

  /** The readiness poll(2) and select(2) see (unix_poll, unix_dgram_poll, tcp_poll, datagram_poll). */
  poll(): number {
    let mask = 0;
    if (this.error) mask |= POLLERR;
    if (this.isTcp && this.state === 'listening') return this.acceptQueue.length ? POLLIN | POLLRDNORM : 0;
    if (this.shutdownMask === SHUTDOWN_MASK) mask |= POLLHUP;
    if (this.shutdownMask & RCV_SHUTDOWN) mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    const readable = this.state === 'listening' ? this.acceptQueue.length > 0 : this.size > 0 || this.dgrams.length > 0;
    if (readable) mask |= POLLIN | POLLRDNORM;
    if (this.connected && this.state === 'unconnected') mask |= POLLHUP;
    if (this.isTcp) {
      if (this.state === 'unconnected' || this.shutdownMask & SEND_SHUTDOWN || this.peerRoom() > 0) mask |= POLLOUT | POLLWRNORM;
      return mask;
    }
    if (this.state === 'listening') return mask;
    let writable = true;
    if (this.type === SOCK_STREAM && this.state === 'connected' && this.peer && !this.peer.released) {
      writable = this.peer.inFlight() * 4 <= this.sndbuf; // unix_writable: a quarter of the buffer in flight at most
    } else if (this.family === AF_UNIX && this.records && this.peer && !this.peer.released) {
      writable = this.peer.dgrams.length < MAX_DGRAM_QLEN;
    }
    if (writable) mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
  }

  private peerRoom(): number {
    return this.peer ? STREAM_CAPACITY - this.peer.size : 0;
  }

  // ---- FileOps: read(2), write(2), fstat, FIONREAD, close ----

  read(count: number, nonblock: boolean, done: number): { ret: number; bytes: Uint8Array } {
    const r = this.recv(count, 0, done, undefined, nonblock);
    if (typeof r === 'number') return { ret: r, bytes: new Uint8Array(0) };
    dropFiles(r.fds); // read(2) has nowhere to put files: they are closed
    return { ret: r.ret, bytes: r.bytes };
  }

  write(bytes: Uint8Array, nonblock: boolean): number {
    return this.send(bytes, 0, undefined, undefined, nonblock, undefined);
  }

  stat(nowNs: bigint): KStat {
    return { ...synthStat(S_IFSOCK | 0o777, 0n, 0n, BigInt(this.ino), nowNs), dev: makedev(0, 9) };
  }

  available(): number {
    if (this.records) return this.dgrams[0]?.data.length ?? 0;
    return this.size;
  }

  /** The last descriptor is closed (Linux's unix_release_sock / tcp_close / udp_lib_close). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const l = this.local;
    if (l?.family === AF_INET) {
      const map = this.portMap();
      if (map.get(l.port) === this) map.delete(l.port);
    } else if (l?.family === AF_UNIX && l.kind === 'abstract') {
      if (this.net.unixAbstract.get(latin1(l.name)) === this) this.net.unixAbstract.delete(latin1(l.name));
    } else if (l?.family === AF_UNIX && l.kind === 'path') {
      for (const [k, e] of this.net.unixPaths) if (e.sock === this) this.net.unixPaths.delete(k);
    }
    // Connections nobody accepted: their clients see the end (a reset).
    for (const s of this.acceptQueue.splice(0)) {
      s.error = 0;
      s.release();
      if (s.peer) s.peer.error = ECONNRESET;
    }
    const p = this.connected ? this.peer : undefined;
    if (p && !p.released) {
      const unread = this.size > 0 || this.dgrams.length > 0;
      if (this.isTcp) {
        if (unread) { p.error = ECONNRESET; p.shutdownMask = SHUTDOWN_MASK; } else p.shutdownMask |= RCV_SHUTDOWN;
      } else {
        p.shutdownMask = SHUTDOWN_MASK;
        if (unread) p.error = ECONNRESET;
      }
      p.wake();
    }
    for (const c of this.chunks) dropFiles(c.fds);
    for (const d of this.dgrams) dropFiles(d.fds);
    this.dropPendingSend();
    this.chunks = [];
    this.size = 0;
    this.dgrams.length = 0;
    this.wake();
  }
}

/** SOL_SOCKET options that hold an int (getsockopt reads back what setsockopt stored). */
const SOL_SOCKET_INTS = new Set([1, 2, 5, 6, 9, 10, 11, 12, 15, 16, 18, 19, 29, 46]);
/** Those setsockopt may change (SO_SNDLOWAT is read-only on Linux, like SO_TYPE and SO_ERROR). */
const SOL_SOCKET_SETTABLE = new Set([1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 18, 29, 46]);
