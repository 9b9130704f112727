// Data breakpoints (DAP dataBreakpointInfo/setDataBreakpoints) on memory, for reads, writes or both,
// exact to the byte and without single-stepping: the ranges go to the address space's watch list
// (AddressSpace.setWatches), whose pages then skip the TLB so that every CPU access to them is
// checked, user and kernel alike (copy_from_user reading a watched user buffer is a read hit). A hit
// stops the run after the accessing instruction, as an x86 debug-register trap does (a whole
// `rep movsb` is one instruction here: the stop comes after it, not after the iteration).
// Every access counts: a write of the value already there is still a write hit (like gdb's
// hardware rwatch/awatch; gdb's `watch` reports only changes, which this does not filter).
// Accesses made by the debugger itself or by the native (TypeScript) services are not seen.

import { DebugMemory } from '../../emulator/debug/memory';
import { AddressSpace, WATCH_READ, WATCH_WRITE } from '../../emulator/memory/address-space';

export type WatchAccess = 'read' | 'write' | 'readWrite';
export const WATCH_ACCESS_TYPES: WatchAccess[] = ['write', 'read', 'readWrite'];

export interface Watch {
  id: number;
  address: bigint;
  size: number;
  access: WatchAccess;
  /** The bytes when the run last resumed (a write hit shows old -> new). */
  old: Uint8Array;
}

/** `0x601000/8`: the dataId handed to the client and back. */
export function dataId(address: bigint, size: number): string {
  return `0x${address.toString(16)}/${size}`;
}

export function parseDataId(id: string): { address: bigint; size: number } | undefined {
  const m = /^(0x[0-9a-f]+)\/(\d+)$/i.exec(id.trim());
  if (!m) return undefined;
  const size = Number(m[2]);
  return size >= 1 && size <= 64 ? { address: BigInt(m[1]), size } : undefined;
}

const canon = (a: bigint): number => Number(BigInt.asIntN(64, a));
const kindsOf = (a: WatchAccess): number => (a === 'read' ? WATCH_READ : a === 'write' ? WATCH_WRITE : WATCH_READ | WATCH_WRITE);
/** At most 16 bytes shown, so a 64-byte watch keeps the stop's text readable. */
const hexBytes = (b: Uint8Array): string => [...b.subarray(0, 16)].map((x) => x.toString(16).padStart(2, '0')).join(' ') + (b.length > 16 ? ' ...' : '');

export class WatchTable {
  private list: Watch[] = [];
  /** Where the watches are set: the process that was current then. */
  private space?: AddressSpace;

  get active(): boolean {
    return this.list.length > 0;
  }

  /** The watches set (to arm them on another machine: a look back in time). */
  get items(): readonly Watch[] {
    return this.list;
  }

  set(space: AddressSpace, mem: DebugMemory, items: { id: number; address: bigint; size: number; access: WatchAccess }[]): void {
    if (this.space && this.space !== space) this.space.setWatches([]);
    this.space = space;
    this.list = items.map((w) => ({ ...w, old: mem.read(w.address, w.size) }));
    space.setWatches(this.list.map((w) => ({ address: canon(w.address), size: w.size, kinds: kindsOf(w.access) })));
  }

  /** The same watches on another machine (the session travelled back in time and goes on with a re-execution). */
  moveTo(space: AddressSpace, mem: DebugMemory): void {
    if (this.space) this.set(space, mem, this.list);
  }

  /** Re-reads the values shown as "old" (when the run resumes: the user may have written memory). */
  refresh(mem: DebugMemory): void {
    for (const w of this.list) w.old = mem.read(w.address, w.size);
  }

  /** After a `watch` stop: the watches hit by the last instruction, and the stop's description. */
  take(mem: DebugMemory, symbolize: (a: bigint) => string | undefined): { ids: number[]; text: string } | undefined {
    const hits = this.space?.takeWatchHits() ?? [];
    const ids: number[] = [];
    const texts: string[] = [];
    for (const h of hits) {
      const w = this.list[h.watch];
      if (!w) continue;
      ids.push(w.id);
      const at = BigInt.asUintN(64, BigInt(h.address));
      const sym = symbolize(at);
      const what = h.kinds === (WATCH_READ | WATCH_WRITE) ? 'read and write' : h.kinds === WATCH_WRITE ? 'write' : 'read';
      const where = `0x${at.toString(16)}${sym ? ` <${sym}>` : ''}`;
      const now = mem.read(w.address, w.size);
      const value = h.kinds & WATCH_WRITE ? `${hexBytes(w.old)} -> ${hexBytes(now)}` : hexBytes(now);
      texts.push(`${what} at ${where}, ${h.size} byte${h.size === 1 ? '' : 's'} (watching ${w.size} at 0x${w.address.toString(16)}): ${value}`);
      w.old = now;
    }
    return ids.length ? { ids, text: texts.join('; ') } : undefined;
  }
}
