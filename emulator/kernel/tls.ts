// Thread-local storage of i386 programs: the three TLS descriptors of a task (Linux's
// thread.tls_array, arch/x86/kernel/tls.c) and the GDT entries 12-14 that hold the running task's.
//
// In compatibility mode a segment register's base comes from the descriptor its selector names,
// so an i386 program's %gs (glibc, musl) points at its TCB through a GDT entry that
// set_thread_area wrote. The kernel keeps each task's three descriptors in its task_struct
// (TASK_tls_array, where the debugger can read them) and, like Linux's __switch_to, copies the
// next task's into the GDT at every task switch (load_TLS) before it reloads the segment
// registers, so that each task's %gs finds its own TCB. The .S handlers (arch/x86/kernel/tls.S)
// copy the struct user_desc in and out; the checks and the descriptor encoding are here.

import { Machine, canon } from '../machine';
import { CpuState } from '../cpu/state';
import { GDT, SELECTORS, TASK } from './abi';

export const USER_DESC_SIZE = 16;
const EINVAL = 22, ESRCH = 3;
const TLS_MIN = GDT.GDT_ENTRY_TLS_MIN, TLS_ENTRIES = GDT.GDT_ENTRY_TLS_ENTRIES;

/** struct user_desc (asm/ldt.h), its flag bits unpacked. */
export interface UserDesc {
  entryNumber: number;
  baseAddr: number;
  limit: number;
  seg32bit: number;
  contents: number;
  readExecOnly: number;
  limitInPages: number;
  segNotPresent: number;
  useable: number;
  lm: number;
}

export function parseUserDesc(b: Uint8Array): UserDesc {
  const v = new DataView(b.buffer, b.byteOffset, USER_DESC_SIZE);
  const f = v.getUint32(12, true);
  return {
    entryNumber: v.getInt32(0, true), baseAddr: v.getUint32(4, true), limit: v.getUint32(8, true),
    seg32bit: f & 1, contents: (f >> 1) & 3, readExecOnly: (f >> 3) & 1, limitInPages: (f >> 4) & 1,
    segNotPresent: (f >> 5) & 1, useable: (f >> 6) & 1, lm: (f >> 7) & 1,
  };
}

export function encodeUserDesc(u: UserDesc): Uint8Array {
  const b = new Uint8Array(USER_DESC_SIZE);
  const v = new DataView(b.buffer);
  v.setInt32(0, u.entryNumber, true);
  v.setUint32(4, u.baseAddr >>> 0, true);
  v.setUint32(8, u.limit >>> 0, true);
  v.setUint32(12, u.seg32bit | (u.contents << 1) | (u.readExecOnly << 3) | (u.limitInPages << 4) | (u.segNotPresent << 5) | (u.useable << 6) | (u.lm << 7), true);
  return b;
}

/** "No segment" as the ABI spells it (LDT_empty), and the all-zero form programs use too (LDT_zero). */
const ldtEmpty = (u: UserDesc): boolean => u.baseAddr === 0 && u.limit === 0 && u.contents === 0 && u.readExecOnly === 1 &&
  u.seg32bit === 0 && u.limitInPages === 0 && u.segNotPresent === 1 && u.useable === 0;
const ldtZero = (u: UserDesc): boolean => u.baseAddr === 0 && u.limit === 0 && u.contents === 0 && u.readExecOnly === 0 &&
  u.seg32bit === 0 && u.limitInPages === 0 && u.segNotPresent === 0 && u.useable === 0;

/** tls_desc_okay: only 32-bit, present data segments (or "none"). */
function tlsDescOkay(u: UserDesc): boolean {
  if (ldtEmpty(u) || ldtZero(u)) return true;
  return u.seg32bit === 1 && u.contents <= 1 && u.segNotPresent === 0;
}

/**
 * fill_ldt: the 8-byte descriptor (Intel SDM vol. 3A, 3.4.5). Low word: limit 15:0, base 15:0.
 * High word: base 23:16, type (accessed, writable, expand-down), S = 1 (code/data), DPL 3, P,
 * limit 19:16, AVL, L = 0, D/B, G, base 31:24.
 */
export function fillLdt(u: UserDesc): bigint {
  const lo = ((u.limit & 0xffff) | ((u.baseAddr & 0xffff) << 16)) >>> 0;
  const type = 1 | ((u.readExecOnly ^ 1) << 1) | (u.contents << 2);
  const hi = (((u.baseAddr >>> 16) & 0xff) | (type << 8) | (1 << 12) | (3 << 13) | ((u.segNotPresent ^ 1) << 15) |
    (u.limit & 0xf0000) | (u.useable << 20) | (u.seg32bit << 22) | (u.limitInPages << 23) | (u.baseAddr & 0xff000000)) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** fill_user_desc: a descriptor read back as get_thread_area reports it. */
export function fillUserDesc(idx: number, desc: bigint): UserDesc {
  const lo = Number(desc & 0xffffffffn), hi = Number(desc >> 32n);
  return {
    entryNumber: idx, baseAddr: descriptorBase(desc), limit: (lo & 0xffff) | (hi & 0xf0000),
    seg32bit: (hi >> 22) & 1, contents: (hi >> 10) & 3, readExecOnly: ((hi >> 9) & 1) ^ 1, limitInPages: (hi >> 23) & 1,
    segNotPresent: ((hi >> 15) & 1) ^ 1, useable: (hi >> 20) & 1, lm: (hi >> 21) & 1,
  };
}

export function descriptorBase(desc: bigint): number {
  const lo = Number(desc & 0xffffffffn), hi = Number(desc >> 32n);
  return ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
}

const slotAddr = (task: number, i: number): number => task + TASK.TASK_tls_array + i * 8;
const gdtAddr = (m: Machine): number => canon(m.symbol('gdt_page') ?? 0n);

/** The task's three TLS descriptors (task = its task_struct). */
export function tlsArray(m: Machine, task: number): bigint[] {
  return Array.from({ length: TLS_ENTRIES }, (_, i) => m.space.readU64(slotAddr(task, i)));
}

/** load_TLS: the task's TLS descriptors into GDT entries 12-14. */
export function loadTls(m: Machine, task: number): void {
  const gdt = gdtAddr(m);
  if (!gdt) return;
  tlsArray(m, task).forEach((d, i) => m.space.writeU64(gdt + (TLS_MIN + i) * 8, d));
}

/** The base the descriptor a selector names gives (0 for a null selector or one past the GDT). */
function selectorBase(m: Machine, sel: number): number {
  const gdt = gdtAddr(m), idx = sel >> 3;
  if (!gdt || (sel & 0xfffc) === 0 || (sel & 4) !== 0 || idx >= GDT.GDT_ENTRIES) return 0;
  return descriptorBase(m.space.readU64(gdt + idx * 8));
}

/** The user's segment selectors a task leaves in the CPU (Linux's thread.ds/es/fsindex/gsindex). */
export interface UserSegments { ds: number; es: number; fs: number; gs: number }

export function saveSegments(c: CpuState): UserSegments {
  return { ds: c.ds, es: c.es, fs: c.fs, gs: c.gs };
}

/**
 * The segment part of __switch_to for the next task, after its FS and user GS bases are back:
 * load_TLS, then the selectors; a nonzero FS or GS selector takes its base from its descriptor
 * (load_seg_legacy), so a thread whose TLS entry was set while it was switched out (clone with
 * CLONE_SETTLS) gets the new base. In the kernel the user's GS base waits in MSR_KERNEL_GS_BASE.
 */
export function switchSegments(m: Machine, task: number, segs: UserSegments | undefined): void {
  loadTls(m, task);
  const c = m.cpu, s = segs ?? { ds: 0, es: 0, fs: 0, gs: 0 };
  c.ds = s.ds; c.es = s.es; c.fs = s.fs; c.gs = s.gs;
  if (s.fs & 0xfffc) c.fsBase = selectorBase(m, s.fs);
  if (s.gs & 0xfffc) c.kernelGsBase = selectorBase(m, s.gs);
}

/**
 * do_set_thread_area(p, idx = -1, info, can_allocate) for the task at `task` (`current`: the
 * one running, whose GDT entries and live segment registers change too). Returns 0 or -errno,
 * and whether an entry was picked (its number is then in info.entryNumber).
 */
export function doSetThreadArea(m: Machine, task: number, info: UserDesc, canAllocate: boolean, current: boolean): { ret: number; allocated: boolean } {
  if (!tlsDescOkay(info)) return { ret: -EINVAL, allocated: false };
  let idx = info.entryNumber, allocated = false;
  if (idx === -1 && canAllocate) {
    // get_free_idx: the first entry whose descriptor is all zero.
    const free = tlsArray(m, task).findIndex((d) => d === 0n);
    if (free < 0) return { ret: -ESRCH, allocated: false };
    idx = info.entryNumber = TLS_MIN + free;
    allocated = true;
  }
  if (idx < TLS_MIN || idx >= TLS_MIN + TLS_ENTRIES) return { ret: -EINVAL, allocated: false };
  const desc = ldtEmpty(info) || ldtZero(info) ? 0n : fillLdt(info);
  m.space.writeU64(slotAddr(task, idx - TLS_MIN), desc);
  if (current) {
    loadTls(m, task);
    // A segment register that already selects the changed entry is reloaded (its base changes now).
    const sel = (idx << 3) | 3, c = m.cpu;
    if (c.fs === sel) c.fsBase = descriptorBase(desc);
    if (c.gs === sel) c.kernelGsBase = descriptorBase(desc);
  }
  return { ret: 0, allocated };
}

/** do_get_thread_area: the entry info.entryNumber names, or -EINVAL. */
export function doGetThreadArea(m: Machine, task: number, idx: number): UserDesc | number {
  if (idx < TLS_MIN || idx >= TLS_MIN + TLS_ENTRIES) return -EINVAL;
  return fillUserDesc(idx, tlsArray(m, task)[idx - TLS_MIN]);
}

/**
 * What execve leaves (flush_thread and start_thread / compat_start_thread): no TLS entries, FS
 * and GS null with base 0, and DS = ES = __USER_DS for an i386 program (0 for a 64-bit one).
 */
export function execSegments(m: Machine, task: number, compat: boolean): void {
  for (let i = 0; i < TLS_ENTRIES; i++) m.space.writeU64(slotAddr(task, i), 0n);
  loadTls(m, task);
  const c = m.cpu;
  c.ds = c.es = compat ? SELECTORS.__USER_DS : 0;
  c.fs = c.gs = 0;
  c.fsBase = 0;
  c.kernelGsBase = 0; // the user's GS base, while in the kernel
}

/** copy_thread: a child starts with its parent's TLS entries. */
export function copyTls(m: Machine, parent: number, child: number): void {
  tlsArray(m, parent).forEach((d, i) => m.space.writeU64(slotAddr(child, i), d));
}
