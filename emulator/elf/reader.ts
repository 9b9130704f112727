// Reads any little-endian ELF file (ours, GNU ld's, gcc/musl/glibc static executables) into
// plain records: header, program headers, section headers, the symbol table. Every offset and
// size is checked against the file; a bad file gives ElfFormatError, never a RangeError or garbage.

import { ByteReader, ElfFormatError, stringAt } from './bytes';
import { EHDR_SIZE, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, PHDR_SIZE, PT_LOAD, SHDR_SIZE, SHN_XINDEX, SHT_NOBITS, SHT_NULL, SHT_SYMTAB, SYM_SIZE } from './types';

export { ElfFormatError };

export interface ElfSegment { type: number; flags: number; offset: number; vaddr: bigint; filesz: bigint; memsz: bigint; align: bigint }
export interface ElfSection { name: string; type: number; flags: bigint; addr: bigint; offset: number; size: number; link: number; info: number; entsize: number }
export interface ElfSymbol { name: string; value: bigint; size: bigint; type: number; binding: number; shndx: number }

export interface ElfFile {
  elfClass: 32 | 64;
  type: number;
  machine: number;
  entry: bigint;
  segments: ElfSegment[];
  sections: ElfSection[];
  symbols: ElfSymbol[];
  /** The file bytes of the first section of that name (a view, not a copy); undefined for NOBITS or none. */
  sectionData(name: string): Uint8Array | undefined;
}

const hex = (n: number | bigint): string => '0x' + n.toString(16);
const PN_XNUM = 0xffff;

/** A file offset or size that must be a safe number. */
function num(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfFormatError(`${what} ${hex(v)} is too large`);
  return Number(v);
}

function checkRange(bytes: Uint8Array, offset: number, size: number, what: string): void {
  if (offset + size > bytes.length) throw new ElfFormatError(`${what} at ${hex(offset)} (size ${hex(size)}) runs past the end of the file (${hex(bytes.length)} bytes)`);
}

export function readElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) throw new ElfFormatError('not an ELF file');
  if (bytes[4] !== ELFCLASS32 && bytes[4] !== ELFCLASS64) throw new ElfFormatError(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== ELFDATA2LSB) throw new ElfFormatError(bytes[5] === 2 ? 'big-endian ELF files are not supported' : `unknown ELF data encoding ${bytes[5]}`);
  const cls: 32 | 64 = bytes[4] === ELFCLASS64 ? 64 : 32;
  const word = cls === 64 ? 8 : 4;
  if (bytes.length < EHDR_SIZE[cls]) throw new ElfFormatError(`truncated ELF header (${bytes.length} bytes)`);

  const h = new ByteReader(bytes, 16, EHDR_SIZE[cls], 'ELF header');
  const type = h.u16();
  const machine = h.u16();
  h.u32();                                   // e_version
  const entry = h.uint(word);
  const phoff = num(h.uint(word), 'e_phoff');
  const shoff = num(h.uint(word), 'e_shoff');
  h.u32();                                   // e_flags
  h.u16();                                   // e_ehsize
  const phentsize = h.u16();
  let phnum = h.u16();
  const shentsize = h.u16();
  let shnum = h.u16();
  let shstrndx = h.u16();

  // The loader needs the program headers most: report a truncated table before anything else.
  if (phnum !== PN_XNUM && phnum > 0) checkRange(bytes, phoff, phnum * phentsize, 'truncated program header table');
  // Section headers next: with many sections or segments the real counts live in section 0.
  const rawSections: (Omit<ElfSection, 'name'> & { nameOff: number })[] = [];
  if (shoff !== 0) {
    if (shentsize < SHDR_SIZE[cls]) throw new ElfFormatError(`bad e_shentsize ${shentsize}`);
    checkRange(bytes, shoff, shentsize, 'section header table');
    const s0 = readShdr(bytes, shoff, cls, 0);
    if (shnum === 0) shnum = num(BigInt(s0.size), 'section count');
    if (shstrndx === SHN_XINDEX) shstrndx = s0.link;
    if (phnum === PN_XNUM) phnum = s0.info;
    checkRange(bytes, shoff, shnum * shentsize, `section header table (${shnum} entries)`);
    for (let i = 0; i < shnum; i++) rawSections.push(readShdr(bytes, shoff + i * shentsize, cls, i));
  }

  const segments: ElfSegment[] = [];
  if (phnum > 0) {
    if (phentsize < PHDR_SIZE[cls]) throw new ElfFormatError(`bad e_phentsize ${phentsize}`);
    checkRange(bytes, phoff, phnum * phentsize, 'truncated program header table');
    for (let i = 0; i < phnum; i++) {
      const r = new ByteReader(bytes, phoff + i * phentsize, phoff + i * phentsize + PHDR_SIZE[cls], `program header ${i}`);
      const ptype = r.u32();
      let flags = cls === 64 ? r.u32() : 0;
      const offset = num(r.uint(word), `program header ${i}: p_offset`);
      const vaddr = r.uint(word);
      r.uint(word);                          // p_paddr
      const filesz = r.uint(word);
      const memsz = r.uint(word);
      if (cls === 32) flags = r.u32();
      const align = r.uint(word);
      checkRange(bytes, offset, num(filesz, `program header ${i}: p_filesz`), `segment ${i}`);
      if (ptype === PT_LOAD && filesz > memsz) throw new ElfFormatError(`segment ${i}: p_filesz ${hex(filesz)} exceeds p_memsz ${hex(memsz)}`);
      segments.push({ type: ptype, flags, offset, vaddr, filesz, memsz, align });
    }
  }

  let names: Uint8Array | undefined;
  if (shstrndx !== 0 && shstrndx < rawSections.length) {
    const s = rawSections[shstrndx];
    if (s.type !== SHT_NOBITS) names = bytes.subarray(s.offset, s.offset + s.size);
  }
  const sections: ElfSection[] = rawSections.map(({ nameOff, ...s }, i) => ({
    name: names && (nameOff !== 0 || i !== 0) ? stringAt(names, nameOff, `section ${i} name`) : '',
    ...s,
  }));

  const symbols = readSymbols(bytes, sections, cls);
  return {
    elfClass: cls, type, machine, entry, segments, sections, symbols,
    sectionData(name: string): Uint8Array | undefined {
      const s = sections.find((x) => x.name === name);
      if (!s || s.type === SHT_NOBITS || s.type === SHT_NULL) return undefined;
      return bytes.subarray(s.offset, s.offset + s.size);
    },
  };
}

function readShdr(bytes: Uint8Array, at: number, cls: 32 | 64, i: number): Omit<ElfSection, 'name'> & { nameOff: number } {
  const word = cls === 64 ? 8 : 4;
  const r = new ByteReader(bytes, at, at + SHDR_SIZE[cls], `section header ${i}`);
  const nameOff = r.u32();
  const type = r.u32();
  const flags = r.uint(word);
  const addr = r.uint(word);
  const offset = num(r.uint(word), `section header ${i}: sh_offset`);
  const size = num(r.uint(word), `section header ${i}: sh_size`);
  const link = r.u32();
  const info = r.u32();
  r.uint(word);                              // sh_addralign
  const ent = num(r.uint(word), `section header ${i}: sh_entsize`);
  // Section 0 may hold counts in its size field; NOBITS and NULL occupy no file space.
  if (i !== 0 && type !== SHT_NOBITS && type !== SHT_NULL) checkRange(bytes, offset, size, `section ${i} data`);
  return { nameOff, type, flags, addr, offset, size, link, info, entsize: ent };
}

function readSymbols(bytes: Uint8Array, sections: ElfSection[], cls: 32 | 64): ElfSymbol[] {
  const tab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!tab) return [];
  const entsize = tab.entsize || SYM_SIZE[cls];
  if (entsize < SYM_SIZE[cls]) throw new ElfFormatError(`.symtab: bad sh_entsize ${tab.entsize}`);
  const strSec = sections[tab.link];
  if (!strSec || strSec.type === SHT_NOBITS || tab.link === 0) throw new ElfFormatError(`.symtab: sh_link ${tab.link} is not a string table`);
  const strings = bytes.subarray(strSec.offset, strSec.offset + strSec.size);
  const out: ElfSymbol[] = [];
  const count = Math.floor(tab.size / entsize);
  for (let i = 0; i < count; i++) {
    const at = tab.offset + i * entsize;
    const r = new ByteReader(bytes, at, at + SYM_SIZE[cls], `symbol ${i}`);
    let value: bigint, size: bigint, info: number, shndx: number;
    const nameOff = r.u32();
    if (cls === 64) {
      info = r.u8(); r.u8(); shndx = r.u16(); value = r.u64(); size = r.u64();
    } else {
      value = BigInt(r.u32()); size = BigInt(r.u32()); info = r.u8(); r.u8(); shndx = r.u16();
    }
    const name = nameOff === 0 ? '' : stringAt(strings, nameOff, `symbol ${i} name`);
    out.push({ name, value, size, type: info & 0xf, binding: info >> 4, shndx });
  }
  return out;
}
