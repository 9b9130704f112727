// The tracer's event types: one SyscallEvent per system call (or per entry, while a call is still
// blocked), signal deliveries and process ends; and the view of guest memory the printers read.

import type { SyscallAbi } from '../kernel/syscalls/table';

export type SyscallMechanism = 'syscall' | 'int80' | 'sysenter' | 'vdso';

export interface SyscallEvent {
  pid: number;
  tid: number;
  /** The number in rax/eax at entry (without any x32 bit). */
  nr: number;
  /** Which table decoded the call: int $0x80 and sysenter use the i386 one. */
  abi: SyscallAbi;
  /** rdi rsi rdx r10 r8 r9 (64) or ebx ecx edx esi edi ebp (i386), as the CPU held them. */
  args: bigint[];
  /** rax at exit; absent while the call has not returned (or never will, as exit). */
  ret?: bigint;
  mechanism: SyscallMechanism;
  startInsn: number;
  endInsn: number;
  startCycles: number;
  endCycles: number;
  /** Address of the instruction that entered the kernel. */
  site: bigint;
  /** User stack pointer at entry; rt_sigreturn's mask is read from the frame it points at. */
  sp?: bigint;
  /** Source line of the call site, when the program has a line table ("hello.s:12"). */
  siteLine?: string;
}

/** What the printers see of a process's memory. undefined = not mapped (strace then prints the pointer). */
export interface GuestMemory {
  read(addr: bigint, len: number): Uint8Array | undefined;
}

/** A signal delivered to a process: the siginfo strace prints between `---` marks. */
export interface SignalEvent {
  pid: number;
  tid: number;
  signo: number;
  /** si_code: SI_USER (0), SI_KERNEL (0x80), SI_TKILL (-6), SEGV_MAPERR (1), CLD_EXITED (1) ... */
  code: number;
  /** si_pid / si_uid for signals sent by a process (kill, tgkill, SIGCHLD). */
  senderPid?: number;
  senderUid?: number;
  /** si_addr for fault signals (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP). */
  addr?: bigint;
  /** SIGCHLD: si_status, si_utime, si_stime. */
  status?: number;
  utime?: number;
  stime?: number;
}

/** The end of a process: `+++ exited with N +++` or `+++ killed by SIGSEGV (core dumped) +++`. */
export interface ProcessExitEvent {
  pid: number;
  exitCode?: number;
  signal?: number;
  coreDumped?: boolean;
}

/** Memory that reads nothing: every pointer prints as an address. */
export const NO_MEMORY: GuestMemory = { read: () => undefined };
