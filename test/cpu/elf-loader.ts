// Test-only ELF64 loader: maps an executable's PT_LOAD segments into an AddressSpace as user pages
// and reads its symbol table, so a natively built test program can run in the emulator.

import { AddressSpace, PROT_USER, PROT_WRITE, PROT_EXEC } from '../../emulator/memory';

export interface LoadedElf { entry: number; symbols: Map<string, number>; }

export function loadElf(mem: AddressSpace, file: Uint8Array): LoadedElf {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const u64 = (o: number) => Number(dv.getBigUint64(o, true));
  const entry = u64(24), phoff = u64(32), shoff = u64(40);
  const phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  const shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true);
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (dv.getUint32(p, true) !== 1) continue;
    const flags = dv.getUint32(p + 4, true), off = u64(p + 8), vaddr = u64(p + 16), filesz = u64(p + 32), memsz = u64(p + 40);
    const start = Math.floor(vaddr / 4096) * 4096;
    let prot = PROT_USER;
    if (flags & 2) prot |= PROT_WRITE;
    if (flags & 1) prot |= PROT_EXEC;
    // Pages shared by two segments keep the union of permissions.
    for (let a = start; a < vaddr + memsz; a += 4096) {
      const old = mem.pageAt(a);
      if (old) old.prot |= prot; else mem.map(a, 4096, prot);
    }
    mem.writeBytes(vaddr, file.subarray(off, off + filesz));
  }
  const symbols = new Map<string, number>();
  for (let i = 0; i < shnum; i++) {
    const s = shoff + i * shentsize;
    if (dv.getUint32(s + 4, true) !== 2) continue; // SHT_SYMTAB
    const off = u64(s + 24), size = u64(s + 32), link = dv.getUint32(s + 40, true), ent = u64(s + 56);
    const strOff = u64(shoff + link * shentsize + 24);
    for (let k = off; k < off + size; k += ent) {
      let n = strOff + dv.getUint32(k, true), name = '';
      while (file[n]) name += String.fromCharCode(file[n++]);
      if (name) symbols.set(name, u64(k + 8));
    }
  }
  return { entry, symbols };
}
