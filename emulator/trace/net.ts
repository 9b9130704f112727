// strace 6.1's decoding of the socket calls, poll/select and eventfd: address families and socket
// types, struct sockaddr (AF_UNIX, AF_INET, AF_INET6, raw sa_data), the in/out address lengths
// ("[110 => 2]"), struct msghdr with its iovecs and control messages, socket options, pollfd
// arrays and fd_sets, and the result annotations poll and select get ("= 1 ([{fd=3,
// revents=POLLIN}])", "= 0 (Timeout)", "(in [3], left {...})").

import type { SyscallAbi } from '../kernel/syscalls/table';
import type { ArgContext } from './args';
import { bufferStr, hexStr, ptrStr, quoteBytes, readUint, sint, slong, uint, ulong } from './decode';
import type { GuestMemory, SyscallEvent } from './event';
import { iovecStr, sigsetStr, timespecStr, timevalStr } from './structs';
import { FlagSet, Xlat, formatFlags, lookup } from './xlat';

const ADDR_FAMILIES: Xlat = [
  [0, 'AF_UNSPEC'], [1, 'AF_UNIX'], [2, 'AF_INET'], [3, 'AF_AX25'], [4, 'AF_IPX'], [5, 'AF_APPLETALK'], [6, 'AF_NETROM'],
  [7, 'AF_BRIDGE'], [8, 'AF_ATMPVC'], [9, 'AF_X25'], [10, 'AF_INET6'], [11, 'AF_ROSE'], [12, 'AF_DECnet'], [13, 'AF_NETBEUI'],
  [14, 'AF_SECURITY'], [15, 'AF_KEY'], [16, 'AF_NETLINK'], [17, 'AF_PACKET'], [18, 'AF_ASH'], [19, 'AF_ECONET'],
  [20, 'AF_ATMSVC'], [21, 'AF_RDS'], [22, 'AF_SNA'], [23, 'AF_IRDA'], [24, 'AF_PPPOX'], [25, 'AF_WANPIPE'], [26, 'AF_LLC'],
  [27, 'AF_IB'], [28, 'AF_MPLS'], [29, 'AF_CAN'], [30, 'AF_TIPC'], [31, 'AF_BLUETOOTH'], [32, 'AF_IUCV'], [33, 'AF_RXRPC'],
  [34, 'AF_ISDN'], [35, 'AF_PHONET'], [36, 'AF_IEEE802154'], [37, 'AF_CAIF'], [38, 'AF_ALG'], [39, 'AF_NFC'], [40, 'AF_VSOCK'],
  [41, 'AF_KCM'], [42, 'AF_QIPCRTR'], [43, 'AF_SMC'], [44, 'AF_XDP'], [45, 'AF_MCTP'],
];
const SOCK_TYPES: Xlat = [[1, 'SOCK_STREAM'], [2, 'SOCK_DGRAM'], [3, 'SOCK_RAW'], [4, 'SOCK_RDM'], [5, 'SOCK_SEQPACKET'], [6, 'SOCK_DCCP'], [10, 'SOCK_PACKET']];
const SOCK_FLAGS: FlagSet = { unknown: 'SOCK_???', flags: [[0x80000, 'SOCK_CLOEXEC'], [0x800, 'SOCK_NONBLOCK']] };
const INET_PROTOCOLS: Xlat = [
  [0, 'IPPROTO_IP'], [1, 'IPPROTO_ICMP'], [2, 'IPPROTO_IGMP'], [4, 'IPPROTO_IPIP'], [6, 'IPPROTO_TCP'], [8, 'IPPROTO_EGP'],
  [12, 'IPPROTO_PUP'], [17, 'IPPROTO_UDP'], [22, 'IPPROTO_IDP'], [29, 'IPPROTO_TP'], [33, 'IPPROTO_DCCP'], [41, 'IPPROTO_IPV6'],
  [46, 'IPPROTO_RSVP'], [47, 'IPPROTO_GRE'], [50, 'IPPROTO_ESP'], [51, 'IPPROTO_AH'], [58, 'IPPROTO_ICMPV6'], [92, 'IPPROTO_MTP'],
  [94, 'IPPROTO_BEETPH'], [98, 'IPPROTO_ENCAP'], [103, 'IPPROTO_PIM'], [108, 'IPPROTO_COMP'], [115, 'IPPROTO_L2TP'],
  [132, 'IPPROTO_SCTP'], [136, 'IPPROTO_UDPLITE'], [137, 'IPPROTO_MPLS'], [143, 'IPPROTO_ETHERNET'], [255, 'IPPROTO_RAW'],
  [262, 'IPPROTO_MPTCP'],
];
const NETLINK_PROTOCOLS: Xlat = [
  [0, 'NETLINK_ROUTE'], [1, 'NETLINK_UNUSED'], [2, 'NETLINK_USERSOCK'], [3, 'NETLINK_FIREWALL'], [4, 'NETLINK_SOCK_DIAG'],
  [5, 'NETLINK_NFLOG'], [6, 'NETLINK_XFRM'], [7, 'NETLINK_SELINUX'], [8, 'NETLINK_ISCSI'], [9, 'NETLINK_AUDIT'],
  [10, 'NETLINK_FIB_LOOKUP'], [11, 'NETLINK_CONNECTOR'], [12, 'NETLINK_NETFILTER'], [13, 'NETLINK_IP6_FW'],
  [14, 'NETLINK_DNRTMSG'], [15, 'NETLINK_KOBJECT_UEVENT'], [16, 'NETLINK_GENERIC'], [18, 'NETLINK_SCSITRANSPORT'],
  [19, 'NETLINK_ECRYPTFS'], [20, 'NETLINK_RDMA'], [21, 'NETLINK_CRYPTO'], [22, 'NETLINK_SMC'],
];
const MSG_FLAGS: FlagSet = {
  unknown: 'MSG_???',
  flags: [[0x1, 'MSG_OOB'], [0x2, 'MSG_PEEK'], [0x4, 'MSG_DONTROUTE'], [0x8, 'MSG_CTRUNC'], [0x10, 'MSG_PROBE'], [0x20, 'MSG_TRUNC'],
    [0x40, 'MSG_DONTWAIT'], [0x80, 'MSG_EOR'], [0x100, 'MSG_WAITALL'], [0x200, 'MSG_FIN'], [0x400, 'MSG_SYN'], [0x800, 'MSG_CONFIRM'],
    [0x1000, 'MSG_RST'], [0x2000, 'MSG_ERRQUEUE'], [0x4000, 'MSG_NOSIGNAL'], [0x8000, 'MSG_MORE'], [0x10000, 'MSG_WAITFORONE'],
    [0x20000, 'MSG_SENDPAGE_NOPOLICY'], [0x40000, 'MSG_BATCH'], [0x4000000, 'MSG_ZEROCOPY'], [0x20000000, 'MSG_FASTOPEN'],
    [0x40000000, 'MSG_CMSG_CLOEXEC'], [0x80000000, 'MSG_CMSG_COMPAT']],
};
const SHUT_HOW: Xlat = [[0, 'SHUT_RD'], [1, 'SHUT_WR'], [2, 'SHUT_RDWR']];
const SOCKET_LAYERS: Xlat = [
  [0, 'SOL_IP'], [1, 'SOL_SOCKET'], [6, 'SOL_TCP'], [17, 'SOL_UDP'], [41, 'SOL_IPV6'], [58, 'SOL_ICMPV6'], [132, 'SOL_SCTP'],
  [136, 'SOL_UDPLITE'], [255, 'SOL_RAW'], [256, 'SOL_IPX'], [257, 'SOL_AX25'], [258, 'SOL_ATALK'], [259, 'SOL_NETROM'],
  [260, 'SOL_ROSE'], [261, 'SOL_DECNET'], [262, 'SOL_X25'], [263, 'SOL_PACKET'], [264, 'SOL_ATM'], [265, 'SOL_AAL'],
  [266, 'SOL_IRDA'], [267, 'SOL_NETBEUI'], [268, 'SOL_LLC'], [269, 'SOL_DCCP'], [270, 'SOL_NETLINK'], [271, 'SOL_TIPC'],
  [272, 'SOL_RXRPC'], [273, 'SOL_PPPOL2TP'], [274, 'SOL_BLUETOOTH'], [275, 'SOL_PNPIPE'], [276, 'SOL_RDS'], [277, 'SOL_IUCV'],
  [278, 'SOL_CAIF'], [279, 'SOL_ALG'], [280, 'SOL_NFC'], [281, 'SOL_KCM'], [282, 'SOL_TLS'], [283, 'SOL_XDP'], [284, 'SOL_MPTCP'],
  [285, 'SOL_MCTP'], [286, 'SOL_SMC'],
];
const SO_NAMES: Xlat = [
  [1, 'SO_DEBUG'], [2, 'SO_REUSEADDR'], [3, 'SO_TYPE'], [4, 'SO_ERROR'], [5, 'SO_DONTROUTE'], [6, 'SO_BROADCAST'], [7, 'SO_SNDBUF'],
  [8, 'SO_RCVBUF'], [9, 'SO_KEEPALIVE'], [10, 'SO_OOBINLINE'], [11, 'SO_NO_CHECK'], [12, 'SO_PRIORITY'], [13, 'SO_LINGER'],
  [14, 'SO_BSDCOMPAT'], [15, 'SO_REUSEPORT'], [16, 'SO_PASSCRED'], [17, 'SO_PEERCRED'], [18, 'SO_RCVLOWAT'], [19, 'SO_SNDLOWAT'],
  [20, 'SO_RCVTIMEO_OLD'], [21, 'SO_SNDTIMEO_OLD'], [22, 'SO_SECURITY_AUTHENTICATION'], [23, 'SO_SECURITY_ENCRYPTION_TRANSPORT'],
  [24, 'SO_SECURITY_ENCRYPTION_NETWORK'], [25, 'SO_BINDTODEVICE'], [27, 'SO_DETACH_FILTER'], [28, 'SO_PEERNAME'],
  [29, 'SO_TIMESTAMP_OLD'], [30, 'SO_ACCEPTCONN'], [31, 'SO_PEERSEC'], [32, 'SO_SNDBUFFORCE'], [33, 'SO_RCVBUFFORCE'],
  [34, 'SO_PASSSEC'], [35, 'SO_TIMESTAMPNS_OLD'], [36, 'SO_MARK'], [37, 'SO_TIMESTAMPING_OLD'], [38, 'SO_PROTOCOL'],
  [39, 'SO_DOMAIN'], [40, 'SO_RXQ_OVFL'], [41, 'SO_WIFI_STATUS'], [42, 'SO_PEEK_OFF'], [43, 'SO_NOFCS'], [44, 'SO_LOCK_FILTER'],
  [45, 'SO_SELECT_ERR_QUEUE'], [46, 'SO_BUSY_POLL'], [47, 'SO_MAX_PACING_RATE'], [48, 'SO_BPF_EXTENSIONS'],
  [49, 'SO_INCOMING_CPU'], [50, 'SO_ATTACH_BPF'], [51, 'SO_ATTACH_REUSEPORT_CBPF'], [52, 'SO_ATTACH_REUSEPORT_EBPF'],
  [53, 'SO_CNX_ADVICE'], [55, 'SO_MEMINFO'], [56, 'SO_INCOMING_NAPI_ID'], [57, 'SO_COOKIE'], [59, 'SO_PEERGROUPS'],
  [60, 'SO_ZEROCOPY'], [61, 'SO_TXTIME'], [62, 'SO_BINDTOIFINDEX'], [63, 'SO_TIMESTAMP_NEW'], [64, 'SO_TIMESTAMPNS_NEW'],
  [65, 'SO_TIMESTAMPING_NEW'], [66, 'SO_RCVTIMEO_NEW'], [67, 'SO_SNDTIMEO_NEW'], [68, 'SO_DETACH_REUSEPORT_BPF'],
  [69, 'SO_PREFER_BUSY_POLL'], [70, 'SO_BUSY_POLL_BUDGET'], [71, 'SO_NETNS_COOKIE'], [72, 'SO_BUF_LOCK'], [73, 'SO_RESERVE_MEM'],
  [74, 'SO_TXREHASH'], [75, 'SO_RCVMARK'],
];
const IP_NAMES: Xlat = [
  [1, 'IP_TOS'], [2, 'IP_TTL'], [3, 'IP_HDRINCL'], [4, 'IP_OPTIONS'], [5, 'IP_ROUTER_ALERT'], [6, 'IP_RECVOPTS'], [7, 'IP_RETOPTS'],
  [8, 'IP_PKTINFO'], [9, 'IP_PKTOPTIONS'], [10, 'IP_MTU_DISCOVER'], [11, 'IP_RECVERR'], [12, 'IP_RECVTTL'], [13, 'IP_RECVTOS'],
  [14, 'IP_MTU'], [15, 'IP_FREEBIND'], [16, 'IP_IPSEC_POLICY'], [17, 'IP_XFRM_POLICY'], [18, 'IP_PASSSEC'], [19, 'IP_TRANSPARENT'],
  [20, 'IP_ORIGDSTADDR'], [21, 'IP_MINTTL'], [22, 'IP_NODEFRAG'], [23, 'IP_CHECKSUM'], [24, 'IP_BIND_ADDRESS_NO_PORT'],
  [25, 'IP_RECVFRAGSIZE'], [26, 'IP_RECVERR_RFC4884'], [32, 'IP_MULTICAST_IF'], [33, 'IP_MULTICAST_TTL'], [34, 'IP_MULTICAST_LOOP'],
  [35, 'IP_ADD_MEMBERSHIP'], [36, 'IP_DROP_MEMBERSHIP'], [37, 'IP_UNBLOCK_SOURCE'], [38, 'IP_BLOCK_SOURCE'],
  [39, 'IP_ADD_SOURCE_MEMBERSHIP'], [40, 'IP_DROP_SOURCE_MEMBERSHIP'], [41, 'IP_MSFILTER'], [49, 'IP_MULTICAST_ALL'],
  [50, 'IP_UNICAST_IF'], [51, 'IP_LOCAL_PORT_RANGE'],
];
const TCP_NAMES: Xlat = [
  [1, 'TCP_NODELAY'], [2, 'TCP_MAXSEG'], [3, 'TCP_CORK'], [4, 'TCP_KEEPIDLE'], [5, 'TCP_KEEPINTVL'], [6, 'TCP_KEEPCNT'],
  [7, 'TCP_SYNCNT'], [8, 'TCP_LINGER2'], [9, 'TCP_DEFER_ACCEPT'], [10, 'TCP_WINDOW_CLAMP'], [11, 'TCP_INFO'], [12, 'TCP_QUICKACK'],
  [13, 'TCP_CONGESTION'], [14, 'TCP_MD5SIG'], [15, 'TCP_COOKIE_TRANSACTIONS'], [16, 'TCP_THIN_LINEAR_TIMEOUTS'],
  [17, 'TCP_THIN_DUPACK'], [18, 'TCP_USER_TIMEOUT'], [19, 'TCP_REPAIR'], [20, 'TCP_REPAIR_QUEUE'], [21, 'TCP_QUEUE_SEQ'],
  [22, 'TCP_REPAIR_OPTIONS'], [23, 'TCP_FASTOPEN'], [24, 'TCP_TIMESTAMP'], [25, 'TCP_NOTSENT_LOWAT'], [26, 'TCP_CC_INFO'],
  [27, 'TCP_SAVE_SYN'], [28, 'TCP_SAVED_SYN'], [29, 'TCP_REPAIR_WINDOW'], [30, 'TCP_FASTOPEN_CONNECT'], [31, 'TCP_ULP'],
  [32, 'TCP_MD5SIG_EXT'], [33, 'TCP_FASTOPEN_KEY'], [34, 'TCP_FASTOPEN_NO_COOKIE'], [35, 'TCP_ZEROCOPY_RECEIVE'],
  [36, 'TCP_INQ'], [37, 'TCP_TX_DELAY'],
];
const UDP_NAMES: Xlat = [[1, 'UDP_CORK'], [100, 'UDP_ENCAP'], [101, 'UDP_NO_CHECK6_TX'], [102, 'UDP_NO_CHECK6_RX'], [103, 'UDP_SEGMENT'], [104, 'UDP_GRO']];
/** SOL_SOCKET options whose value is an int: printed [N] from 4 bytes up, as an address below. */
const SO_INT_OPTIONS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 29, 30, 32, 33, 34, 35, 36, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 49, 60, 62, 69, 70, 74]);
const SCM_TYPES: Xlat = [[1, 'SCM_RIGHTS'], [2, 'SCM_CREDENTIALS'], [3, 'SCM_SECURITY'], [4, 'SCM_PIDFD']];
const POLL_FLAGS: FlagSet = {
  unknown: 'POLL???',
  flags: [[0x1, 'POLLIN'], [0x2, 'POLLPRI'], [0x4, 'POLLOUT'], [0x8, 'POLLERR'], [0x10, 'POLLHUP'], [0x20, 'POLLNVAL'],
    [0x40, 'POLLRDNORM'], [0x80, 'POLLRDBAND'], [0x100, 'POLLWRNORM'], [0x200, 'POLLWRBAND'], [0x400, 'POLLMSG'],
    [0x1000, 'POLLREMOVE'], [0x2000, 'POLLRDHUP'], [0x8000, 'POLL_BUSY_LOOP']],
};
const EFD_FLAGS: FlagSet = { unknown: 'EFD_???', flags: [[0x1, 'EFD_SEMAPHORE'], [0x80000, 'EFD_CLOEXEC'], [0x800, 'EFD_NONBLOCK']] };

/** The calls' own argument kinds (signatures.ts names them as `special`). */
export type NetSpecialName =
  | 'sockFamily' | 'sockType' | 'sockProto' | 'sockFlags' | 'sockaddr' | 'sockaddrOut' | 'socklenOut' | 'recvBuf'
  | 'msgFlags' | 'shutHow' | 'sockLevel' | 'sockOptName' | 'sockOptVal' | 'sockOptValOut' | 'sockOptLenOut'
  | 'msghdr' | 'msghdrOut' | 'pollfds' | 'fdSet' | 'pselectSig' | 'efdFlags';

/** printxval: the name, or the number and a comment saying which kind was expected (`SOL_??`). */
function xval(x: Xlat, v: number, unknown: string): string {
  return lookup(x, v) ?? `${hexStr(v >>> 0)} /* ${unknown} */`;
}

const s32 = (b: Uint8Array, off: number): number => new DataView(b.buffer, b.byteOffset).getInt32(off, true);

/** socket(2)'s type: the type's name, then its flags (`SOCK_STREAM|SOCK_CLOEXEC`). */
function sockType(v: number): string {
  const name = lookup(SOCK_TYPES, v & 0xf);
  if (!name) return formatFlags(SOCK_FLAGS, v >>> 0);
  const rest = (v & ~0xf) >>> 0;
  return rest ? `${name}|${formatFlags(SOCK_FLAGS, rest)}` : name;
}

/** An IPv4 address as inet_ntop prints it. */
function ipv4(b: Uint8Array, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** An IPv6 address as inet_ntop prints it (the longest run of zero groups as ::). */
function ipv6(b: Uint8Array, off: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best === 0 && bestLen === 5 && g[5] === 0xffff) return `::ffff:${ipv4(b, off + 12)}`;
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** print_sockaddr: {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}. */
export function sockaddrBytesStr(b: Uint8Array, len: number): string {
  const family = b[0] | (b[1] << 8);
  let s = `{sa_family=${xval(ADDR_FAMILIES, family, 'AF_???')}`;
  if (len > 2) {
    const port = (o: number) => `htons(${(b[o] << 8) | b[o + 1]})`;
    if (family === 1 && len >= 3) {
      const pathLen = Math.min(len, 110) - 2;
      if (b[2] !== 0) {
        const p = b.subarray(2, 2 + pathLen);
        const z = p.indexOf(0);
        s += `, sun_path=${quoteBytes(z >= 0 ? p.subarray(0, z) : p)}`;
      } else {
        s += `, sun_path=@${quoteBytes(b.subarray(3, 2 + pathLen))}`;
      }
    } else if (family === 2 && len >= 16) {
      s += `, sin_port=${port(2)}, sin_addr=inet_addr("${ipv4(b, 4)}")`;
    } else if (family === 10 && len >= 24) {
      const flow = new DataView(b.buffer, b.byteOffset).getUint32(4, false);
      s += `, sin6_port=${port(2)}, sin6_flowinfo=htonl(${flow}), inet_pton(AF_INET6, "${ipv6(b, 8)}", &sin6_addr)`;
      if (len > 24) s += `, sin6_scope_id=${new DataView(b.buffer, b.byteOffset).getUint32(24, true)}`;
    } else {
      s += `, sa_data=${quoteBytes(b.subarray(2, len))}`;
    }
  }
  return s + '}';
}

/** decode_sockaddr: the address at `addr` of `len` bytes (an address below 2 bytes or unreadable: the pointer). */
export function sockaddrStr(mem: GuestMemory, addr: bigint, len: number, abi: SyscallAbi): string {
  if (len < 2 || ulong(addr, abi) === 0n) return ptrStr(addr, abi);
  const n = Math.min(len >>> 0, 128);
  const b = mem.read(ulong(addr, abi), n);
  if (!b) return ptrStr(addr, abi);
  return sockaddrBytesStr(b, n);
}

function int32At(mem: GuestMemory, addr: bigint, abi: SyscallAbi): number | undefined {
  if (ulong(addr, abi) === 0n) return undefined;
  const v = readUint(mem, ulong(addr, abi), 4);
  return v === undefined ? undefined : Number(BigInt.asIntN(32, v));
}

/** [ulen => rlen] or [rlen]: an in/out length, before (read at entry) and after the call. */
function inOutLen(ulen: number, rlen: number): string {
  return ulen !== rlen ? `[${ulen} => ${rlen}]` : `[${rlen}]`;
}

/** The string of `len` bytes, -s cut (printstrn). */
function strn(mem: GuestMemory, addr: bigint, len: number, abi: SyscallAbi, ctx: ArgContext, hex = false): string {
  return bufferStr(mem, addr, len, abi, { ...ctx.str, hex: hex || ctx.str.hex });
}

/** setsockopt's value: an int, struct linger, or the bytes. */
function setOptVal(ctx: ArgContext, level: number, name: number, addr: bigint, len: number): string {
  const { abi, entryMem: mem } = ctx;
  if (ulong(addr, abi) === 0n) return 'NULL';
  if (level === 1 && name === 13) {
    if (len < 8) return ptrStr(addr, abi);
    const b = mem.read(ulong(addr, abi), 8);
    return b ? `{l_onoff=${s32(b, 0)}, l_linger=${s32(b, 4)}}` : ptrStr(addr, abi);
  }
  const intOpt = level === 1 ? SO_INT_OPTIONS.has(name) : level === 0 || level === 6 || level === 17;
  if (intOpt && len >= 4 || (!intOpt && len === 4)) {
    const v = int32At(mem, addr, abi);
    return v === undefined ? ptrStr(addr, abi) : `[${v}]`;
  }
  if (intOpt) return ptrStr(addr, abi);
  return strn(mem, addr, len, abi, ctx);
}

/** getsockopt's value (rlen bytes of it): [N], {l_onoff=...}, {pid=..., uid=..., gid=...}, [EERR], or the bytes. */
function getOptVal(ctx: ArgContext, level: number, name: number, addr: bigint, ulen: number, rlen: number): string {
  const { abi, exitMem: mem } = ctx;
  if (ulen <= 0 || rlen <= 0 || ulong(addr, abi) === 0n) return ptrStr(addr, abi);
  if (level === 1) {
    if (name === 13 || name === 17) {
      const n = Math.min(rlen, name === 13 ? 8 : 12);
      const b = mem.read(ulong(addr, abi), n);
      if (!b) return ptrStr(addr, abi);
      const f = name === 13 ? ['l_onoff', 'l_linger'] : ['pid', 'uid', 'gid'];
      // uid and gid are unsigned, but -1 (no one) prints as -1.
      const val = (k: string, i: number): string => {
        const x = s32(b, i * 4);
        return k === 'uid' || k === 'gid' ? (x === -1 ? '-1' : `${x >>> 0}`) : `${x}`;
      };
      const parts = f.filter((_, i) => (i + 1) * 4 <= n).map((k, i) => `${k}=${val(k, i)}`);
      return `{${parts.join(', ')}}`;
    }
    if (name === 4) {
      if (rlen !== 4) return strn(mem, addr, rlen, abi, ctx, true);
      const v = int32At(mem, addr, abi);
      if (v === undefined) return ptrStr(addr, abi);
      return `[${v === 0 ? 0 : ERRNO_NAMES.get(v) ?? v}]`;
    }
  }
  if (rlen === 4) {
    const v = int32At(mem, addr, abi);
    return v === undefined ? ptrStr(addr, abi) : `[${v}]`;
  }
  return strn(mem, addr, rlen, abi, ctx);
}

/** Errno names for SO_ERROR values (the common socket ones; others print as numbers). */
const ERRNO_NAMES = new Map<number, string>([
  [1, 'EPERM'], [4, 'EINTR'], [11, 'EAGAIN'], [13, 'EACCES'], [22, 'EINVAL'], [32, 'EPIPE'], [90, 'EMSGSIZE'],
  [101, 'ENETUNREACH'], [103, 'ECONNABORTED'], [104, 'ECONNRESET'], [110, 'ETIMEDOUT'], [111, 'ECONNREFUSED'],
  [113, 'EHOSTUNREACH'], [115, 'EINPROGRESS'],
]);

/** Control messages (decode_msg_control): [{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}]. */
function cmsgsStr(mem: GuestMemory, addr: bigint, controllen: number, abi: SyscallAbi): string {
  const len = Math.min(controllen, 20480);
  const b = len >= 16 ? mem.read(ulong(addr, abi), len) : undefined;
  if (!b) return ptrStr(addr, abi);
  const v = new DataView(b.buffer, b.byteOffset);
  const items: string[] = [];
  let off = 0;
  let left = len;
  while (left >= 16) {
    const clen = Number(v.getBigUint64(off, true));
    const level = v.getInt32(off + 8, true), type = v.getInt32(off + 12, true);
    const dlen = Math.max(0, Math.min(clen, left) - 16);
    let s = `{cmsg_len=${clen}, cmsg_level=${xval(SOCKET_LAYERS, level, 'SOL_???')}, cmsg_type=`;
    if (level === 1) {
      s += xval(SCM_TYPES, type, 'SCM_???');
      if (type === 1 && dlen >= 4) {
        const fds: number[] = [];
        for (let i = 0; i + 4 <= dlen; i += 4) fds.push(v.getInt32(off + 16 + i, true));
        s += `, cmsg_data=[${fds.join(', ')}]`;
      } else if (type === 2 && dlen >= 12) {
        s += `, cmsg_data={pid=${v.getInt32(off + 16, true)}, uid=${v.getUint32(off + 20, true)}, gid=${v.getUint32(off + 24, true)}}`;
      }
    } else s += hexStr(type >>> 0);
    items.push(s + '}');
    if (Math.min(clen, left) < 16) { left -= 16; break; }
    const step = (clen + 7) & ~7;
    if (step >= left) { left = 0; break; }
    off += step;
    left -= step;
  }
  if (left) items.push(`... /* ${ptrStr(ulong(addr, abi) + BigInt(len - left), abi)} */`);
  return `[${items.join(', ')}]`;
}

/** print_struct_msghdr. `userNamelen`: recvmsg's msg_namelen before the call; `dataSize`: bytes to show (recvmsg's result). */
function msghdrStr(ctx: ArgContext, mem: GuestMemory, addr: bigint, userNamelen: number | undefined, dataSize: number | undefined): string {
  const { abi } = ctx;
  if (ulong(addr, abi) === 0n) return 'NULL';
  const b = mem.read(ulong(addr, abi), 56);
  if (!b) return ptrStr(addr, abi);
  const v = new DataView(b.buffer, b.byteOffset);
  const name = v.getBigUint64(0, true), namelen = v.getInt32(8, true);
  const iov = v.getBigUint64(16, true), iovlen = v.getBigUint64(24, true);
  const control = v.getBigUint64(32, true), controllen = v.getBigUint64(40, true), flags = v.getUint32(48, true);
  const shown = userNamelen !== undefined && namelen > userNamelen ? userNamelen : namelen;
  const parts = [`msg_name=${sockaddrStr(mem, name, shown, abi)}`];
  parts.push(`msg_namelen=${userNamelen !== undefined && userNamelen !== namelen ? `${userNamelen} => ` : ''}${namelen}`);
  parts.push(`msg_iov=${iovecStr(mem, iov, iovlen, abi, dataSize, ctx.str)}`, `msg_iovlen=${iovlen}`);
  if (controllen) parts.push(`msg_control=${cmsgsStr(mem, control, Number(controllen), abi)}`);
  parts.push(`msg_controllen=${controllen}`, `msg_flags=${formatFlags(MSG_FLAGS, flags)}`);
  return `{${parts.join(', ')}}`;
}

/** A pollfd array at entry: [{fd=3, events=POLLIN}, {fd=-1}], at most -s of them. */
function pollfdsStr(ctx: ArgContext, addr: bigint, nfds: number): string {
  const { abi, entryMem: mem } = ctx;
  if (ulong(addr, abi) === 0n) return 'NULL';
  if (nfds === 0) return '[]';
  const max = ctx.str.maxStrlen ?? 32;
  const items: string[] = [];
  for (let i = 0; i < nfds; i++) {
    if (i >= max) { items.push('...'); break; }
    const b = mem.read(ulong(addr, abi) + BigInt(i * 8), 8);
    if (!b) {
      if (i === 0) return ptrStr(addr, abi);
      items.push(`... /* ${ptrStr(ulong(addr, abi) + BigInt(i * 8), abi)} */`);
      break;
    }
    const fd = s32(b, 0);
    items.push(fd >= 0 ? `{fd=${fd}, events=${formatFlags(POLL_FLAGS, b[4] | (b[5] << 8))}}` : `{fd=${fd}}`);
  }
  return `[${items.join(', ')}]`;
}

/** The bytes select reads of one fd_set for `nfds` descriptors (whole longs). */
function fdsetSize(nfds: number, abi: SyscallAbi): number {
  const w = abi === 'i386' ? 4 : 8;
  return ((((nfds + 7) >> 3) + w - 1) & -w) >>> 0;
}

function selectNfds(ev: SyscallEvent): number {
  const n = sint(ev.args[0] ?? 0n);
  return n < 0 ? 0 : Math.min(n, 1024 * 1024);
}

/** The descriptors set in an fd_set: [0 1 2]. */
function fdsetBits(b: Uint8Array, nfds: number): number[] {
  const out: number[] = [];
  for (let fd = 0; fd < nfds; fd++) if (b[fd >> 3] & (1 << (fd & 7))) out.push(fd);
  return out;
}

/** The argument kinds of this file (args.ts hands them here). */
export function netSpecial(name: NetSpecialName, i: number, v: bigint, ctx: ArgContext): string | undefined {
  const { ev, abi } = ctx;
  const exitOk = ctx.returned && !ctx.failed;
  switch (name) {
    case 'sockFamily': return xval(ADDR_FAMILIES, sint(v), 'AF_???');
    case 'sockType': return sockType(uint(v));
    case 'sockProto': {
      const family = sint(ev.args[0] ?? 0n);
      if (family === 2 || family === 10) return xval(INET_PROTOCOLS, sint(v), 'IPPROTO_???');
      if (family === 16) return xval(NETLINK_PROTOCOLS, sint(v), 'NETLINK_???');
      return `${uint(v)}`;
    }
    case 'sockFlags': return formatFlags(SOCK_FLAGS, uint(v));
    case 'efdFlags': return formatFlags(EFD_FLAGS, uint(v));
    case 'msgFlags': return formatFlags(MSG_FLAGS, uint(v));
    case 'shutHow': return xval(SHUT_HOW, sint(v), 'SHUT_???');
    case 'sockaddr': return sockaddrStr(ctx.entryMem, v, sint(ev.args[i + 1] ?? 0n), abi);
    case 'sockaddrOut': case 'socklenOut': {
      // The address and its length pointer, decoded at exit; the length the program gave is read at entry.
      const [addr, lenp] = name === 'sockaddrOut' ? [v, ev.args[i + 1] ?? 0n] : [ev.args[i - 1] ?? 0n, v];
      const ulen = ulong(addr, abi) !== 0n ? int32At(ctx.entryMem, lenp, abi) : undefined;
      if (ulen === undefined) return ptrStr(name === 'sockaddrOut' ? addr : lenp, abi);
      const rlen = ctx.returned ? int32At(ctx.exitMem, lenp, abi) : undefined;
      if (ctx.failed || rlen === undefined) return name === 'sockaddrOut' ? ptrStr(addr, abi) : `[${ulen}]`;
      return name === 'sockaddrOut' ? sockaddrStr(ctx.exitMem, addr, Math.min(ulen, rlen), abi) : inOutLen(ulen, rlen);
    }
    case 'recvBuf': {
      if (!exitOk) return ptrStr(v, abi);
      const r = Number(slong(ctx.ev.ret ?? 0n, abi));
      return bufferStr(ctx.exitMem, v, Math.min(r, Number(ulong(ev.args[2] ?? 0n, abi))), abi, ctx.str);
    }
    case 'sockLevel': return xval(SOCKET_LAYERS, sint(v), 'SOL_??');
    case 'sockOptName': {
      const level = sint(ev.args[1] ?? 0n), n = sint(v);
      switch (level) {
        case 1: return n === 26 ? 'SO_ATTACH_FILTER' : xval(SO_NAMES, n, 'SO_???');
        case 0: return xval(IP_NAMES, n, 'IP_???');
        case 6: return xval(TCP_NAMES, n, 'TCP_???');
        case 17: return xval(UDP_NAMES, n, 'UDP_???');
        default: return `${n >>> 0}`;
      }
    }
    case 'sockOptVal': return setOptVal(ctx, sint(ev.args[1] ?? 0n), sint(ev.args[2] ?? 0n), v, sint(ev.args[4] ?? 0n));
    case 'sockOptValOut': case 'sockOptLenOut': {
      const [val, lenp] = name === 'sockOptValOut' ? [v, ev.args[i + 1] ?? 0n] : [ev.args[i - 1] ?? 0n, v];
      const ulen = int32At(ctx.entryMem, lenp, abi);
      if (ulen === undefined) return ptrStr(name === 'sockOptValOut' ? val : lenp, abi);
      const rlen = ctx.returned ? int32At(ctx.exitMem, lenp, abi) : undefined;
      if (ctx.failed || rlen === undefined) return name === 'sockOptValOut' ? ptrStr(val, abi) : `[${ulen}]`;
      if (name === 'sockOptLenOut') return inOutLen(ulen, rlen);
      return getOptVal(ctx, sint(ev.args[1] ?? 0n), sint(ev.args[2] ?? 0n), val, ulen, rlen);
    }
    case 'msghdr': return msghdrStr(ctx, ctx.entryMem, v, undefined, undefined);
    case 'msghdrOut': {
      const userNamelen = int32At(ctx.entryMem, ulong(v, abi) + 8n, abi);
      if (ulong(v, abi) === 0n || userNamelen === undefined) return ptrStr(v, abi);
      if (!ctx.returned) return ptrStr(v, abi);
      if (ctx.failed) return `{msg_namelen=${userNamelen}}`;
      return msghdrStr(ctx, ctx.exitMem, v, userNamelen, Number(slong(ctx.ev.ret ?? 0n, abi)));
    }
    case 'pollfds': return pollfdsStr(ctx, v, uint(ev.args[1] ?? 0n));
    case 'fdSet': {
      const nfds = selectNfds(ev);
      const size = fdsetSize(nfds, abi);
      if (ulong(v, abi) === 0n || size === 0) return ptrStr(v, abi);
      const b = ctx.entryMem.read(ulong(v, abi), size);
      return b ? `[${fdsetBits(b, nfds).join(' ')}]` : ptrStr(v, abi);
    }
    case 'pselectSig': {
      if (ulong(v, abi) === 0n) return 'NULL';
      const w = abi === 'i386' ? 4 : 8;
      const b = ctx.entryMem.read(ulong(v, abi), 2 * w);
      if (!b) return ptrStr(v, abi);
      const dv = new DataView(b.buffer, b.byteOffset);
      const p = w === 8 ? dv.getBigUint64(0, true) : BigInt(dv.getUint32(0, true));
      const size = w === 8 ? dv.getBigUint64(8, true) : BigInt(dv.getUint32(4, true));
      return `{sigmask=${sigsetStr(ctx.entryMem, p, abi, Number(size))}, sigsetsize=${size}}`;
    }
  }
}

/**
 * The annotation strace puts after a poll or select result: "Timeout", the ready descriptors,
 * and the time left of a ppoll/select/pselect6 timeout. undefined for other calls and errors.
 */
export function netReturnNote(name: string | undefined, ev: SyscallEvent, mem: GuestMemory, maxStrlen = 32): string | undefined {
  if (name !== 'poll' && name !== 'ppoll' && name !== 'select' && name !== 'pselect6') return undefined;
  if (ev.ret === undefined) return undefined;
  const abi = ev.abi;
  const r = slong(ev.ret, abi);
  if (r < 0n) return undefined;
  if (r === 0n) return 'Timeout';
  if (name === 'poll' || name === 'ppoll') {
    const nfds = uint(ev.args[1] ?? 0n);
    const start = ulong(ev.args[0] ?? 0n, abi);
    let out = '';
    if (start !== 0n && nfds !== 0) {
      const items: string[] = [];
      for (let i = 0; i < nfds; i++) {
        const b = mem.read(start + BigInt(i * 8), 8);
        if (!b) { items.push(ptrStr(start + BigInt(i * 8), abi)); break; }
        const revents = b[6] | (b[7] << 8);
        if (!revents) continue;
        if (items.length >= maxStrlen) { items.push('...'); break; }
        items.push(`{fd=${s32(b, 0)}, revents=${formatFlags(POLL_FLAGS, revents, false)}}`);
      }
      if (items.length) out = `[${items.join(', ')}]`;
    }
    if (name === 'ppoll' && ulong(ev.args[2] ?? 0n, abi) !== 0n) {
      out += `${out ? ', ' : ''}left ${timespecStr(mem, ev.args[2], abi, false)}`;
    }
    return out || undefined;
  }
  const nfds = selectNfds(ev);
  const size = fdsetSize(nfds, abi);
  let ready = Number(r);
  let out = '';
  let sep = '';
  ['in', 'out', 'except'].forEach((what, i) => {
    const addr = ulong(ev.args[i + 1] ?? 0n, abi);
    if (ready <= 0 || addr === 0n || size === 0) return;
    const b = mem.read(addr, size);
    if (!b) return;
    const fds: number[] = [];
    for (const fd of fdsetBits(b, nfds)) {
      fds.push(fd);
      if (--ready === 0) break;
    }
    if (fds.length) {
      out += `${sep}${what} [${fds.join(' ')}]`;
      sep = ', ';
    }
  });
  const tv = ev.args[4] ?? 0n;
  if (ulong(tv, abi) !== 0n) out += `${sep}left ${name === 'select' ? timevalStr(mem, tv, abi) : timespecStr(mem, tv, abi, false)}`;
  return out;
}
