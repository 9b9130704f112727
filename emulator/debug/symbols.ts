// One symbol table for the debugger: the program's ELF symbols and the kernel image's symbols,
// looked up by name (function breakpoints, expressions) and by address (`sys_write+0x12`).

import { ElfSymbol } from '../elf/reader';
import { SHN_ABS, SHN_UNDEF, STT_FILE, STT_SECTION } from '../elf/types';

export interface DebugSymbol {
  name: string;
  address: bigint;
  size: bigint;
  origin: 'program' | 'kernel';
}

export class SymbolTable {
  private readonly byName = new Map<string, DebugSymbol>();
  /** Sorted by address; labels without a size cover up to the next symbol. */
  private readonly sorted: DebugSymbol[];

  constructor(program: ElfSymbol[], kernel: { name: string; address: bigint; size: bigint }[]) {
    const all: DebugSymbol[] = [];
    for (const s of program) {
      // Section and file symbols name no place a user would break on; absolute ones are constants.
      if (!s.name || s.type === STT_SECTION || s.type === STT_FILE || s.shndx === SHN_UNDEF || s.shndx === SHN_ABS) continue;
      all.push({ name: s.name, address: s.value, size: s.size, origin: 'program' });
    }
    for (const s of kernel) all.push({ ...s, origin: 'kernel' });
    for (const s of all) if (!this.byName.has(s.name)) this.byName.set(s.name, s);
    this.sorted = all.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  lookup(name: string): DebugSymbol | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The symbol whose extent holds `address` (or the closest one below it, within 64 KiB). */
  at(address: bigint): { name: string; offset: bigint } | undefined {
    const list = this.sorted;
    let lo = 0, hi = list.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].address <= address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    // Prefer a sized symbol that really covers the address over a later local label.
    for (let i = best; i >= 0 && i > best - 8; i--) {
      const s = list[i];
      if (s.size > 0n && address >= s.address && address < s.address + s.size) return { name: s.name, offset: address - s.address };
    }
    const s = list[best];
    if (address - s.address > 0x10000n) return undefined;
    return { name: s.name, offset: address - s.address };
  }

  /** `name` or `name+0x1c`, or undefined when no symbol is near. */
  format(address: bigint): string | undefined {
    const s = this.at(address);
    if (!s) return undefined;
    return s.offset === 0n ? s.name : `${s.name}+0x${s.offset.toString(16)}`;
  }
}
