// Named constants for the strace printer, as data: flag sets (printed `A|B|0x40`) and enums
// (printed by name). Values are Linux x86-64's (asm-generic where x86 has no own value); the order
// inside a flag set is the order strace prints the names in.

/** [value, name] pairs; a flag set may hold multi-bit values (O_SYNC) before their parts. */
export type Xlat = readonly (readonly [number, string])[];

export interface FlagSet {
  flags: Xlat;
  /** Printed when the value is 0 (PROT_NONE); "0" when absent. */
  zero?: string;
  /**
   * Bits tested as one field before the flags (O_ACCMODE, MAP_TYPE). With `unknown`, the field
   * is always printed, as an enum: an unknown value gets that comment (mmap's 0x4, MAP_???).
   */
  field?: { mask: number; names: Xlat; unknown?: string };
  /**
   * strace's `dflt`: when no bit has a name, the hex value is followed by this name in a C comment;
   * when some have, unknown bits are appended as `|0x...` without comment.
   */
  unknown?: string;
  /** mmap: bits 26..31 printed as `N<<MAP_HUGE_SHIFT` after the named flags. */
  hugeShift?: boolean;
}

export const SIGNALS: Xlat = [
  [1, 'SIGHUP'], [2, 'SIGINT'], [3, 'SIGQUIT'], [4, 'SIGILL'], [5, 'SIGTRAP'], [6, 'SIGABRT'],
  [7, 'SIGBUS'], [8, 'SIGFPE'], [9, 'SIGKILL'], [10, 'SIGUSR1'], [11, 'SIGSEGV'], [12, 'SIGUSR2'],
  [13, 'SIGPIPE'], [14, 'SIGALRM'], [15, 'SIGTERM'], [16, 'SIGSTKFLT'], [17, 'SIGCHLD'], [18, 'SIGCONT'],
  [19, 'SIGSTOP'], [20, 'SIGTSTP'], [21, 'SIGTTIN'], [22, 'SIGTTOU'], [23, 'SIGURG'], [24, 'SIGXCPU'],
  [25, 'SIGXFSZ'], [26, 'SIGVTALRM'], [27, 'SIGPROF'], [28, 'SIGWINCH'], [29, 'SIGIO'], [30, 'SIGPWR'],
  [31, 'SIGSYS'],
];

const OPEN_FLAGS: Xlat = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'],
  [0o4010000, 'O_SYNC'], // __O_SYNC|O_DSYNC: named as a whole before O_DSYNC
  [0o10000, 'O_DSYNC'], [0o40000, 'O_DIRECT'], [0o100000, 'O_LARGEFILE'], [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
  [0o20200000, 'O_TMPFILE'], // __O_TMPFILE|O_DIRECTORY
  [0o200000, 'O_DIRECTORY'], [0o20000, 'FASYNC'], // strace 6.1 prints O_ASYNC as FASYNC, last
];

export const FLAG_SETS = {
  open: { unknown: 'O_???', flags: OPEN_FLAGS, field: { mask: 3, names: [[0, 'O_RDONLY'], [1, 'O_WRONLY'], [2, 'O_RDWR'], [3, 'O_ACCMODE']] } },
  prot: {
    zero: 'PROT_NONE', unknown: 'PROT_???',
    flags: [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [8, 'PROT_SEM'], [0x01000000, 'PROT_GROWSDOWN'], [0x02000000, 'PROT_GROWSUP']],
  },
  mmap: {
    field: { mask: 0xf, names: [[0, 'MAP_FILE'], [1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [3, 'MAP_SHARED_VALIDATE']], unknown: 'MAP_???' },
    hugeShift: true,
    flags: [
      [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x40, 'MAP_32BIT'], [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'],
      [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'], [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'],
      [0x10000, 'MAP_NONBLOCK'], [0x20000, 'MAP_STACK'], [0x40000, 'MAP_HUGETLB'], [0x80000, 'MAP_SYNC'],
      [0x100000, 'MAP_FIXED_NOREPLACE'], // bit 26 up: MAP_HUGE_SHIFT sizes
    ],
  },
  mremap: { unknown: 'MREMAP_???', flags: [[1, 'MREMAP_MAYMOVE'], [2, 'MREMAP_FIXED'], [4, 'MREMAP_DONTUNMAP']] },
  at: {
    unknown: 'AT_???',
    flags: [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'],
      [0x1000, 'AT_EMPTY_PATH'], [0x8000, 'AT_RECURSIVE']],
  },
  atAccess: { unknown: 'AT_???', flags: [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_EACCESS'], [0x1000, 'AT_EMPTY_PATH']] },
  access: { zero: 'F_OK', unknown: '?_OK', flags: [[4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']] },
  clone: {
    flags: [
      [0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'], [0x1000, 'CLONE_PIDFD'],
      [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'], [0x8000, 'CLONE_PARENT'], [0x10000, 'CLONE_THREAD'],
      [0x20000, 'CLONE_NEWNS'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'], [0x100000, 'CLONE_PARENT_SETTID'],
      [0x200000, 'CLONE_CHILD_CLEARTID'], [0x400000, 'CLONE_DETACHED'], [0x800000, 'CLONE_UNTRACED'],
      [0x1000000, 'CLONE_CHILD_SETTID'], [0x2000000, 'CLONE_NEWCGROUP'], [0x4000000, 'CLONE_NEWUTS'],
      [0x8000000, 'CLONE_NEWIPC'], [0x10000000, 'CLONE_NEWUSER'], [0x20000000, 'CLONE_NEWPID'], [0x40000000, 'CLONE_NEWNET'],
      [0x80000000, 'CLONE_IO'],
    ],
  },
  sa: {
    unknown: 'SA_???',
    flags: [
      [0x04000000, 'SA_RESTORER'], [0x08000000, 'SA_ONSTACK'], [0x10000000, 'SA_RESTART'], [0x20000000, 'SA_INTERRUPT'],
      [0x40000000, 'SA_NODEFER'], [0x80000000, 'SA_RESETHAND'], [4, 'SA_SIGINFO'], [1, 'SA_NOCLDSTOP'], [2, 'SA_NOCLDWAIT'],
      [0x400, 'SA_UNSUPPORTED'], [0x800, 'SA_EXPOSE_TAGBITS'],
    ],
  },
  wait: {
    unknown: 'W???',
    flags: [[1, 'WNOHANG'], [2, 'WSTOPPED'], [4, 'WEXITED'], [8, 'WCONTINUED'], [0x01000000, 'WNOWAIT'],
      [0x80000000, '__WCLONE'], [0x40000000, '__WALL'], [0x20000000, '__WNOTHREAD']],
  },
  notify: { unknown: 'DN_???', flags: [[1, 'DN_ACCESS'], [2, 'DN_MODIFY'], [4, 'DN_CREATE'], [8, 'DN_DELETE'], [0x10, 'DN_RENAME'],
    [0x20, 'DN_ATTRIB'], [0x80000000, 'DN_MULTISHOT']] },
  seals: { unknown: 'F_SEAL_???', flags: [[1, 'F_SEAL_SEAL'], [2, 'F_SEAL_SHRINK'], [4, 'F_SEAL_GROW'], [8, 'F_SEAL_WRITE'],
    [0x10, 'F_SEAL_FUTURE_WRITE']] },
  fdFlags: { unknown: 'FD_???', flags: [[1, 'FD_CLOEXEC']] },
  grnd: { unknown: 'GRND_???', flags: [[1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE']] },
  timer: { unknown: 'TIMER_???', flags: [[1, 'TIMER_ABSTIME']] },
  // pipe2 and dup3 flags: strace prints them with the whole open-flag table (0x80 reads O_EXCL).
  pipe: { unknown: 'O_???', flags: OPEN_FLAGS },
  ss: { unknown: 'SS_???', flags: [[1, 'SS_ONSTACK'], [2, 'SS_DISABLE'], [0x80000000, 'SS_AUTODISARM']] },
  rename: { unknown: 'RENAME_??', flags: [[1, 'RENAME_NOREPLACE'], [2, 'RENAME_EXCHANGE'], [4, 'RENAME_WHITEOUT']] },
  // File calls (native/vfs-extra.ts): statx's sync type is a two-bit field printed first, even when 0
  // (both bits set, an invalid type, print as two flags).
  statx: {
    unknown: 'AT_???',
    field: { mask: 0x6000, names: [[0, 'AT_STATX_SYNC_AS_STAT'], [0x2000, 'AT_STATX_FORCE_SYNC'], [0x4000, 'AT_STATX_DONT_SYNC']] },
    flags: [[0x2000, 'AT_STATX_FORCE_SYNC'], [0x4000, 'AT_STATX_DONT_SYNC'], [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x400, 'AT_SYMLINK_FOLLOW'], [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH']],
  },
  statxMask: {
    unknown: 'STATX_???',
    flags: [[0xfff, 'STATX_ALL'], [0x7ff, 'STATX_BASIC_STATS'], [1, 'STATX_TYPE'], [2, 'STATX_MODE'], [4, 'STATX_NLINK'], [8, 'STATX_UID'],
      [0x10, 'STATX_GID'], [0x20, 'STATX_ATIME'], [0x40, 'STATX_MTIME'], [0x80, 'STATX_CTIME'], [0x100, 'STATX_INO'], [0x200, 'STATX_SIZE'],
      [0x400, 'STATX_BLOCKS'], [0x800, 'STATX_BTIME'], [0x1000, 'STATX_MNT_ID'], [0x2000, 'STATX_DIOALIGN'], [0x4000, 'STATX_MNT_ID_UNIQUE'],
      [0x8000, 'STATX_SUBVOL'], [0x10000, 'STATX_WRITE_ATOMIC']],
  },
  statxAttr: {
    unknown: 'STATX_ATTR_???',
    flags: [[0x4, 'STATX_ATTR_COMPRESSED'], [0x10, 'STATX_ATTR_IMMUTABLE'], [0x20, 'STATX_ATTR_APPEND'], [0x40, 'STATX_ATTR_NODUMP'],
      [0x800, 'STATX_ATTR_ENCRYPTED'], [0x1000, 'STATX_ATTR_AUTOMOUNT'], [0x2000, 'STATX_ATTR_MOUNT_ROOT'], [0x100000, 'STATX_ATTR_VERITY'],
      [0x200000, 'STATX_ATTR_DAX']],
  },
  statfs: {
    unknown: 'ST_???',
    flags: [[1, 'ST_RDONLY'], [2, 'ST_NOSUID'], [4, 'ST_NODEV'], [8, 'ST_NOEXEC'], [0x10, 'ST_SYNCHRONOUS'], [0x20, 'ST_VALID'],
      [0x40, 'ST_MANDLOCK'], [0x400, 'ST_NOATIME'], [0x800, 'ST_NODIRATIME'], [0x1000, 'ST_RELATIME'], [0x2000, 'ST_NOSYMFOLLOW']],
  },
  mfd: { unknown: 'MFD_???', flags: [[1, 'MFD_CLOEXEC'], [2, 'MFD_ALLOW_SEALING'], [4, 'MFD_HUGETLB'], [8, 'MFD_NOEXEC_SEAL'], [0x10, 'MFD_EXEC']] },
  lock: { unknown: 'LOCK_???', flags: [[1, 'LOCK_SH'], [2, 'LOCK_EX'], [4, 'LOCK_NB'], [8, 'LOCK_UN'], [0x20, 'LOCK_MAND'], [0x40, 'LOCK_READ'], [0x80, 'LOCK_WRITE']] },
} satisfies Record<string, FlagSet>;

export type FlagSetName = keyof typeof FLAG_SETS;

export const ENUMS = {
  signal: SIGNALS,
  idtype: [[0, 'P_ALL'], [1, 'P_PID'], [2, 'P_PGID'], [3, 'P_PIDFD']],
  itimer: [[0, 'ITIMER_REAL'], [1, 'ITIMER_VIRTUAL'], [2, 'ITIMER_PROF']],
  whence: [[0, 'SEEK_SET'], [1, 'SEEK_CUR'], [2, 'SEEK_END'], [3, 'SEEK_DATA'], [4, 'SEEK_HOLE']],
  clock: [[0, 'CLOCK_REALTIME'], [1, 'CLOCK_MONOTONIC'], [2, 'CLOCK_PROCESS_CPUTIME_ID'], [3, 'CLOCK_THREAD_CPUTIME_ID'],
    [4, 'CLOCK_MONOTONIC_RAW'], [5, 'CLOCK_REALTIME_COARSE'], [6, 'CLOCK_MONOTONIC_COARSE'], [7, 'CLOCK_BOOTTIME'],
    [8, 'CLOCK_REALTIME_ALARM'], [9, 'CLOCK_BOOTTIME_ALARM'], [11, 'CLOCK_TAI']],
  archPrctl: [[0x1001, 'ARCH_SET_GS'], [0x1002, 'ARCH_SET_FS'], [0x1003, 'ARCH_GET_FS'], [0x1004, 'ARCH_GET_GS'],
    [0x1011, 'ARCH_GET_CPUID'], [0x1012, 'ARCH_SET_CPUID'], [0x2001, 'ARCH_MAP_VDSO_X32'], [0x2002, 'ARCH_MAP_VDSO_32'],
    [0x2003, 'ARCH_MAP_VDSO_64'], [0x3001, 'ARCH_CET_STATUS'], [0x4001, 'ARCH_GET_UNTAG_MASK'],
    [0x4002, 'ARCH_ENABLE_TAGGED_ADDR'], [0x4003, 'ARCH_GET_MAX_TAG_BITS'], [0x4004, 'ARCH_FORCE_TAGGED_SVA'],
    [0x5001, 'ARCH_SHSTK_ENABLE'], [0x5002, 'ARCH_SHSTK_DISABLE'], [0x5003, 'ARCH_SHSTK_LOCK'],
    [0x5004, 'ARCH_SHSTK_UNLOCK'], [0x5005, 'ARCH_SHSTK_STATUS']],
  rlimit: [[0, 'RLIMIT_CPU'], [1, 'RLIMIT_FSIZE'], [2, 'RLIMIT_DATA'], [3, 'RLIMIT_STACK'], [4, 'RLIMIT_CORE'],
    [5, 'RLIMIT_RSS'], [6, 'RLIMIT_NPROC'], [7, 'RLIMIT_NOFILE'], [8, 'RLIMIT_MEMLOCK'], [9, 'RLIMIT_AS'],
    [10, 'RLIMIT_LOCKS'], [11, 'RLIMIT_SIGPENDING'], [12, 'RLIMIT_MSGQUEUE'], [13, 'RLIMIT_NICE'], [14, 'RLIMIT_RTPRIO'],
    [15, 'RLIMIT_RTTIME']],
  ioctl: [[0x5401, 'TCGETS'], [0x5402, 'TCSETS'], [0x5403, 'TCSETSW'], [0x5404, 'TCSETSF'], [0x540b, 'TCFLSH'],
    [0x540e, 'TIOCSCTTY'], [0x540f, 'TIOCGPGRP'], [0x5410, 'TIOCSPGRP'], [0x5413, 'TIOCGWINSZ'], [0x5414, 'TIOCSWINSZ'],
    [0x541b, 'FIONREAD'], [0x5421, 'FIONBIO'], [0x5450, 'FIONCLEX'], [0x5451, 'FIOCLEX']],
  fcntl: [[0, 'F_DUPFD'], [1, 'F_GETFD'], [2, 'F_SETFD'], [3, 'F_GETFL'], [4, 'F_SETFL'], [5, 'F_GETLK'], [6, 'F_SETLK'],
    [7, 'F_SETLKW'], [8, 'F_SETOWN'], [9, 'F_GETOWN'], [10, 'F_SETSIG'], [11, 'F_GETSIG'], [12, 'F_GETLK64'],
    [13, 'F_SETLK64'], [14, 'F_SETLKW64'], [15, 'F_SETOWN_EX'], [16, 'F_GETOWN_EX'], [17, 'F_GETOWNER_UIDS'],
    [36, 'F_OFD_GETLK'], [37, 'F_OFD_SETLK'], [38, 'F_OFD_SETLKW'], [1024, 'F_SETLEASE'],
    [1025, 'F_GETLEASE'], [1026, 'F_NOTIFY'], [1029, 'F_CANCELLK'], [1030, 'F_DUPFD_CLOEXEC'], [1031, 'F_SETPIPE_SZ'], [1032, 'F_GETPIPE_SZ'],
    [1033, 'F_ADD_SEALS'], [1034, 'F_GET_SEALS']],
  lease: [[0, 'F_RDLCK'], [1, 'F_WRLCK'], [2, 'F_UNLCK']],
  sigprocmaskHow: [[0, 'SIG_BLOCK'], [1, 'SIG_UNBLOCK'], [2, 'SIG_SETMASK']],
  madvise: [[0, 'MADV_NORMAL'], [1, 'MADV_RANDOM'], [2, 'MADV_SEQUENTIAL'], [3, 'MADV_WILLNEED'], [4, 'MADV_DONTNEED'],
    [8, 'MADV_FREE'], [9, 'MADV_REMOVE'], [10, 'MADV_DONTFORK'], [11, 'MADV_DOFORK'], [12, 'MADV_MERGEABLE'],
    [13, 'MADV_UNMERGEABLE'], [14, 'MADV_HUGEPAGE'], [15, 'MADV_NOHUGEPAGE'], [16, 'MADV_DONTDUMP'], [17, 'MADV_DODUMP'],
    [18, 'MADV_WIPEONFORK'], [19, 'MADV_KEEPONFORK'], [20, 'MADV_COLD'], [21, 'MADV_PAGEOUT'], [100, 'MADV_HWPOISON']],
  futexOp: [[0, 'FUTEX_WAIT'], [1, 'FUTEX_WAKE'], [2, 'FUTEX_FD'], [3, 'FUTEX_REQUEUE'], [4, 'FUTEX_CMP_REQUEUE'],
    [5, 'FUTEX_WAKE_OP'], [6, 'FUTEX_LOCK_PI'], [7, 'FUTEX_UNLOCK_PI'], [8, 'FUTEX_TRYLOCK_PI'], [9, 'FUTEX_WAIT_BITSET'],
    [10, 'FUTEX_WAKE_BITSET'], [128, 'FUTEX_WAIT_PRIVATE'], [129, 'FUTEX_WAKE_PRIVATE'], [137, 'FUTEX_WAIT_BITSET_PRIVATE'],
    [138, 'FUTEX_WAKE_BITSET_PRIVATE']],
  fadvise: [[0, 'POSIX_FADV_NORMAL'], [1, 'POSIX_FADV_RANDOM'], [2, 'POSIX_FADV_SEQUENTIAL'], [3, 'POSIX_FADV_WILLNEED'],
    [4, 'POSIX_FADV_DONTNEED'], [5, 'POSIX_FADV_NOREUSE']],
  prctl: [[1, 'PR_SET_PDEATHSIG'], [2, 'PR_GET_PDEATHSIG'], [3, 'PR_GET_DUMPABLE'], [4, 'PR_SET_DUMPABLE'], [15, 'PR_SET_NAME'],
    [16, 'PR_GET_NAME'], [21, 'PR_GET_SECCOMP'], [22, 'PR_SET_SECCOMP'], [23, 'PR_CAPBSET_READ'], [24, 'PR_CAPBSET_DROP'],
    [36, 'PR_SET_CHILD_SUBREAPER'], [37, 'PR_GET_CHILD_SUBREAPER'], [38, 'PR_SET_NO_NEW_PRIVS'], [39, 'PR_GET_NO_NEW_PRIVS'],
    [47, 'PR_CAP_AMBIENT'], [0x59616d61, 'PR_SET_PTRACER']],
  /** statfs's f_type: the file systems' magic numbers (include/uapi/linux/magic.h). */
  fsMagic: [[0xef53, 'EXT2_SUPER_MAGIC'], [0x01021994, 'TMPFS_MAGIC'], [0x50495045, 'PIPEFS_MAGIC'], [0x9fa0, 'PROC_SUPER_MAGIC'],
    [0x794c7630, 'OVERLAYFS_SUPER_MAGIC'], [0x9123683e, 'BTRFS_SUPER_MAGIC'], [0x58465342, 'XFS_SUPER_MAGIC'], [0x62656572, 'SYSFS_MAGIC'],
    [0x1cd1, 'DEVPTS_SUPER_MAGIC'], [0x6969, 'NFS_SUPER_MAGIC'], [0x65735546, 'FUSE_SUPER_MAGIC'], [0x01021997, 'V9FS_MAGIC'],
    [0x73717368, 'SQUASHFS_MAGIC'], [0x63677270, 'CGROUP2_SUPER_MAGIC'], [0x4d44, 'MSDOS_SUPER_MAGIC'], [0x534f434b, 'SOCKFS_MAGIC']],
  fileType: [[0o140000, 'S_IFSOCK'], [0o120000, 'S_IFLNK'], [0o100000, 'S_IFREG'], [0o60000, 'S_IFBLK'],
    [0o40000, 'S_IFDIR'], [0o20000, 'S_IFCHR'], [0o10000, 'S_IFIFO']],
} satisfies Record<string, Xlat>;

export type EnumName = keyof typeof ENUMS;

export function lookup(x: Xlat, value: number): string | undefined {
  for (const [v, n] of x) if (v === value) return n;
  return undefined;
}

const hex = (v: number) => '0x' + v.toString(16);

/**
 * strace's printflags: known names joined with `|`, unknown bits as one hex number (`|0x40`
 * after names, alone with the set's X_??? name in a C comment). `comment` false is sprintflags'
 * form used in return-value annotations (`(flags 0x2)`).
 */
export function formatFlags(set: FlagSet, value: number, comment = true): string {
  value = value >>> 0;
  const parts: string[] = [];
  if (set.field) {
    const f = value & set.field.mask;
    const name = lookup(set.field.names, f);
    if (name !== undefined || set.field.unknown) {
      parts.push(name ?? `${hex(f)} /* ${set.field.unknown} */`);
      value = (value & ~set.field.mask) >>> 0;
    }
  }
  if (value === 0 && parts.length === 0) return set.zero ?? '0';
  let huge = 0;
  if (set.hugeShift) { huge = value >>> 26; value = (value & 0x03ffffff) >>> 0; }
  for (const [bit, name] of set.flags) {
    if (bit !== 0 && (value & bit) >>> 0 === bit) { parts.push(name); value = (value & ~bit) >>> 0; }
  }
  if (value !== 0) parts.push(parts.length || !comment || !set.unknown ? hex(value) : `${hex(value)} /* ${set.unknown} */`);
  if (huge) parts.push(`${huge}<<MAP_HUGE_SHIFT`);
  return parts.join('|');
}

/** strace's printxval: the name, or the number with a comment saying which kind was expected. */
export function formatEnum(x: Xlat, value: number, unknownComment: string): string {
  const name = lookup(x, value);
  if (name !== undefined) return name;
  return `${value < 0 ? value : hex(value)} /* ${unknownComment}_??? */`;
}

/** Signal name with SIG prefix; real-time signals as strace names them (SIGRTMIN, SIGRT_1 ...). */
export function signalName(sig: number): string {
  const n = lookup(SIGNALS, sig);
  if (n) return n;
  if (sig === 32) return 'SIGRTMIN';
  if (sig > 32 && sig <= 64) return `SIGRT_${sig - 32}`;
  return `${sig}`;
}
