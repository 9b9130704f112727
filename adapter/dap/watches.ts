// Data breakpoints (DAP dataBreakpointInfo/setDataBreakpoints) on memory, for writes: the runtime
// runs one instruction at a time while any is set and compares the watched bytes after each, so a
// stop comes right after the instruction that changed them (as gdb's software watchpoints; a write
// of the same value is not seen, and reads are not offered: nothing here could see them exactly).

import { DebugMemory } from '../../emulator/debug/memory';

export interface Watch {
  id: number;
  address: bigint;
  size: number;
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

const hexBytes = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

export class WatchTable {
  private list: Watch[] = [];

  get active(): boolean {
    return this.list.length > 0;
  }

  set(mem: DebugMemory, items: { id: number; address: bigint; size: number }[]): void {
    this.list = items.map((w) => ({ ...w, old: mem.read(w.address, w.size) }));
  }

  /** Re-reads the old values (after the user wrote memory or registers). */
  refresh(mem: DebugMemory): void {
    for (const w of this.list) w.old = mem.read(w.address, w.size);
  }

  /** The watches whose bytes changed since the last check, with a description; their values are taken as new. */
  check(mem: DebugMemory): { ids: number[]; text: string } | undefined {
    const ids: number[] = [];
    const texts: string[] = [];
    for (const w of this.list) {
      const now = mem.read(w.address, w.size);
      if (now.length === w.old.length && now.every((b, i) => b === w.old[i])) continue;
      ids.push(w.id);
      texts.push(`write to 0x${w.address.toString(16)} (${w.size} bytes): ${hexBytes(w.old)} -> ${hexBytes(now)}`);
      w.old = now;
    }
    return ids.length ? { ids, text: texts.join('; ') } : undefined;
  }
}
