// System-call cases for the process, time and signal calls: arch_prctl set_tid_address
// set_robust_list rseq prlimit64 getrlimit uname get*id clock_gettime gettimeofday time nanosleep
// clock_nanosleep getrandom sched_yield rt_sigaction rt_sigprocmask sysinfo, and ENOSYS.

import { Expect, KADDR, NONCANON, NR, SyscallCase } from './case';

const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003;
const RLIMIT_STACK = 3, RLIMIT_NOFILE = 7;
const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_THREAD_CPUTIME_ID = 3, TIMER_ABSTIME = 1;
const SIGINT = 2, SIGKILL = 9, SIGSTOP = 19;
const SIG_BLOCK = 0, SIG_SETMASK = 2;
const positive: Expect = { test: (r) => r > 0n, what: '> 0' };
const recentTime: Expect = { test: (r) => r > 1_600_000_000n && r < 4_000_000_000n, what: 'seconds since 1970' };

export const PROC_CASES: SyscallCase[] = [
  {
    name: 'arch_prctl: ARCH_SET_FS makes %fs: address the buffer, ARCH_GET_FS; EFAULT, EINVAL, EPERM (non-canonical)',
    calls: [[NR.arch_prctl, ARCH_SET_FS, 'buf'], 'movb $65, %fs:8', [NR.write, 1, { raw: 'lea buf+8(%rip), $REG' }, 1],
      [NR.arch_prctl, ARCH_GET_FS, 'buf2'], 'mov buf2(%rip), %rax', 'lea buf(%rip), %rdx', 'cmp %rax, %rdx', 'jne 1f',
      [NR.arch_prctl, ARCH_GET_FS, 0], [NR.arch_prctl, 0x9999, 'buf'], [NR.arch_prctl, ARCH_SET_FS, NONCANON],
      [NR.arch_prctl, ARCH_SET_GS, 'buf'], '1:'],
    expect: [0, 1, 0, 'EFAULT', 'EINVAL', 'EPERM', 0],
    stdout: 'A',
    sameLines: false,
  },
  {
    name: 'set_tid_address returns the tid; set_robust_list 0 or EINVAL; rseq registers (0) or EINVAL',
    calls: [[NR.set_tid_address, 'buf'], [NR.gettid], [NR.set_robust_list, 'buf', 24], [NR.set_robust_list, 'buf', 10],
      [NR.rseq, 'rseq_area', 16, 0, 0x53053053], [NR.rseq, 'rseq_area', 32, 0, 0x53053053], [NR.rseq, 'rseq_area', 32, 0, 0x53053053],
      [NR.rseq, { raw: 'lea rseq_area+1(%rip), $REG' }, 32, 0, 0x53053053]],
    expect: [positive, positive, 0, 'EINVAL', 'EINVAL', 0, 'EBUSY', 'EINVAL'],
    sameLines: false,
  },
  {
    name: 'prlimit64 / getrlimit: read limits; EINVAL (resource), EFAULT, ESRCH (pid)',
    calls: [[NR.prlimit64, 0, RLIMIT_STACK, 0, 'buf'], [NR.prlimit64, 0, 999, 0, 'buf'], [NR.prlimit64, 0, RLIMIT_NOFILE, 0, KADDR],
      [NR.prlimit64, 99999, RLIMIT_NOFILE, 0, 'buf'], [NR.getrlimit, RLIMIT_NOFILE, 'buf'], [NR.getrlimit, 999, 'buf'],
      [NR.getrlimit, RLIMIT_NOFILE, 0], [NR.prlimit64, 0, RLIMIT_NOFILE, KADDR, 0]],
    expect: [0, 'EINVAL', 'EFAULT', 'ESRCH', 0, 'EINVAL', 'EFAULT', 'EFAULT'],
    sameLines: false,
  },
  {
    name: 'uname: Linux x86_64; EFAULT; the id calls (pid = tid, uid and gid)',
    calls: [[NR.uname, 'buf'], [NR.uname, 0], [NR.uname, KADDR], [NR.getpid], [NR.gettid], [NR.getppid], [NR.getuid], [NR.geteuid],
      [NR.getgid], [NR.getegid], [NR.sched_yield]],
    expect: [0, 'EFAULT', 'EFAULT', positive, positive, 'ok', 'ok', 'ok', 'ok', 'ok', 0],
    lines: [/^uname\(\{sysname="Linux", nodename="[^"]*", \.\.\.\}\) = 0$/],
    sameLines: false,
  },
  {
    name: 'clock_gettime / gettimeofday / time: success, EINVAL clock, EFAULT (NULL, kernel address)',
    calls: [[NR.clock_gettime, CLOCK_MONOTONIC, 'buf'], [NR.clock_gettime, CLOCK_REALTIME, 'buf'], [NR.clock_gettime, 999, 'buf'],
      [NR.clock_gettime, CLOCK_MONOTONIC, 0], [NR.clock_gettime, CLOCK_REALTIME, KADDR], [NR.gettimeofday, 'buf', 0],
      [NR.gettimeofday, KADDR, 0], [NR.time, 0], [NR.time, 'buf'], [NR.time, KADDR]],
    expect: [0, 0, 'EINVAL', 'EFAULT', 'EFAULT', 0, 'EFAULT', recentTime, recentTime, 'EFAULT'],
    sameLines: false,
  },
  {
    name: 'nanosleep / clock_nanosleep: short sleeps, EINVAL (tv_nsec, negative, clock), EFAULT; rmtp untouched',
    calls: [[NR.nanosleep, 'ts_short', 0], [NR.nanosleep, 'ts_bad', 0], [NR.nanosleep, 'ts_neg', 0], [NR.nanosleep, 0, 0],
      [NR.nanosleep, 'ts_short', KADDR], [NR.clock_nanosleep, CLOCK_MONOTONIC, 0, 'ts_short', 0],
      [NR.clock_nanosleep, 999, 0, 'ts_short', 0], [NR.clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, 'ts_short', 0],
      [NR.clock_nanosleep, CLOCK_MONOTONIC, 0, 'ts_bad', 0], [NR.clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, 'ts_short', 0],
      [NR.clock_nanosleep, CLOCK_MONOTONIC, 0, KADDR, 0]],
    expect: [0, 'EINVAL', 'EINVAL', 'EFAULT', 0, 0, 'EINVAL', 'EOPNOTSUPP', 'EINVAL', 0, 'EFAULT'],
    lines: ['nanosleep({tv_sec=0, tv_nsec=1000}, NULL) = 0', 'nanosleep({tv_sec=0, tv_nsec=2000000000}, NULL) = -1 EINVAL (Invalid argument)'],
  },
  {
    name: 'getrandom: bytes, zero length, EINVAL flags, EFAULT',
    calls: [[NR.getrandom, 'buf', 16, 0], [NR.getrandom, 'buf', 0, 0], [NR.getrandom, 'buf', 16, 1], [NR.getrandom, 'buf', 16, 0xff],
      [NR.getrandom, 0, 16, 0], [NR.getrandom, KADDR, 16, 0]],
    expect: [16, 0, 16, 'EINVAL', 'EFAULT', 'EFAULT'],
    sameLines: false,
  },
  {
    name: 'rt_sigaction: install and read back; EINVAL (sigsetsize, SIGKILL, SIGSTOP, 0, 65); EFAULT (act, oldact)',
    calls: [[NR.rt_sigaction, SIGINT, 'act', 0, 8], [NR.rt_sigaction, SIGINT, 0, 'buf', 8], [NR.rt_sigaction, SIGINT, 'act', 0, 4],
      [NR.rt_sigaction, SIGKILL, 'act', 0, 8], [NR.rt_sigaction, SIGSTOP, 'act', 0, 8], [NR.rt_sigaction, 0, 'act', 0, 8],
      [NR.rt_sigaction, 65, 'act', 0, 8], [NR.rt_sigaction, SIGINT, KADDR, 0, 8], [NR.rt_sigaction, SIGINT, 0, KADDR, 8],
      [NR.rt_sigaction, SIGKILL, 0, 'buf', 8]],
    expect: [0, 0, 'EINVAL', 'EINVAL', 'EINVAL', 'EINVAL', 'EINVAL', 'EFAULT', 'EFAULT', 0],
    lines: ['rt_sigaction(SIGINT, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=NULL}, NULL, 8) = 0',
      'rt_sigaction(SIGINT, NULL, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=NULL}, 8) = 0'],
  },
  {
    name: 'rt_sigprocmask: block and read back; EINVAL (how, sigsetsize); EFAULT',
    calls: [[NR.rt_sigprocmask, SIG_BLOCK, 'sigset', 'buf', 8], [NR.rt_sigprocmask, SIG_SETMASK, 0, 'buf', 8],
      [NR.rt_sigprocmask, 5, 'sigset', 0, 8], [NR.rt_sigprocmask, SIG_BLOCK, 'sigset', 0, 4], [NR.rt_sigprocmask, SIG_BLOCK, KADDR, 0, 8],
      [NR.rt_sigprocmask, SIG_BLOCK, 0, KADDR, 8]],
    expect: [0, 0, 'EINVAL', 'EINVAL', 'EFAULT', 'EFAULT'],
    lines: ['rt_sigprocmask(SIG_BLOCK, [TERM], [], 8) = 0', 'rt_sigprocmask(SIG_SETMASK, NULL, [TERM], 8) = 0'],
  },
  {
    name: 'sysinfo: success, EFAULT',
    calls: [[NR.sysinfo, 'buf'], [NR.sysinfo, 0], [NR.sysinfo, KADDR]],
    expect: [0, 'EFAULT', 'EFAULT'],
    sameLines: false,
  },
  {
    name: 'ENOSYS: beyond the table (1000, 0x7fffffff), a hole in it (400), rax = -1',
    calls: [[1000, 1, 2, 3], [400], [0x7fffffff], [-1]],
    expect: ['ENOSYS', 'ENOSYS', 'ENOSYS', 'ENOSYS'],
    lines: ['syscall_0x3e8(0x1, 0x2, 0x3, 0, 0, 0)   = -1 ENOSYS (Function not implemented)'],
  },
];
