// Structures only i386 programs pass: struct user_desc (set_thread_area, get_thread_area), as
// strace's ldt.c prints it.

import type { SyscallAbi } from '../kernel/syscalls/table';
import type { GuestMemory, SyscallEvent } from './event';
import { ulong } from './decode';
import { withStruct } from './structs';

export function userDescStr(mem: GuestMemory, addr: bigint, abi: SyscallAbi): string {
  return withStruct(mem, addr, abi, 16, (r) => {
    const f = Number(r(12, 4));
    // C's %#08x: zero-padded to 8 characters with the 0x, and no 0x at all for zero.
    const hex = (v: bigint): string => (v === 0n ? '00000000' : '0x' + v.toString(16).padStart(6, '0'));
    return `{entry_number=${Number(BigInt.asIntN(32, r(0, 4)))}, base_addr=${hex(r(4, 4))}, limit=${hex(r(8, 4))}, ` +
      `seg_32bit=${f & 1}, contents=${(f >> 1) & 3}, read_exec_only=${(f >> 3) & 1}, limit_in_pages=${(f >> 4) & 1}, ` +
      `seg_not_present=${(f >> 5) & 1}, useable=${(f >> 6) & 1}}`;
  });
}

/** set_thread_area that picked an entry: strace adds ` (entry_number=12)` after the result. */
export function userDescReturnNote(ev: SyscallEvent, name: string | undefined, entryMem: GuestMemory, exitMem: GuestMemory): string {
  if (name !== 'set_thread_area' || ev.ret !== 0n) return '';
  const a = ulong(ev.args[0] ?? 0n, ev.abi);
  const before = entryMem.read(a, 16), after = exitMem.read(a, 4);
  if (!before || !after) return '';
  const was = new DataView(before.buffer, before.byteOffset).getInt32(0, true);
  const now = new DataView(after.buffer, after.byteOffset).getUint32(0, true);
  return was === -1 ? ` (entry_number=${now})` : '';
}
