// Writes a complete static executable: ELF header, program headers, the sections the linker
// gives, .symtab/.strtab/.shstrtab and, when there are line rows, DWARF 5 line information.
// The file looks like what GNU ld makes of GNU as output, so binutils and gdb read it as usual.

import { ByteWriter, StringTable } from './bytes';
import { DebugSection, buildDebugSections } from './dwarf-debug';
import { OutSection, ExecutableLayout, PAGE, planExecutable, layoutExecutable } from './layout';
import { LineRow, toSequences } from './sequences';
import {
  EHDR_SIZE, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFOSABI_SYSV, EM_386, EM_X86_64, ET_EXEC, EV_CURRENT, PF_R,
  PHDR_SIZE, PT_LOAD, SHDR_SIZE, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_WRITE, SHN_ABS, SHN_UNDEF,
  SHT_NOBITS, SHT_PROGBITS, SHT_STRTAB, SHT_SYMTAB, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_FILE, STT_FUNC, STT_NOTYPE,
  STT_OBJECT, STT_SECTION, SYM_SIZE,
} from './types';

export { OutSection, ExecutableLayout, layoutExecutable, LineRow };

export interface OutSymbol {
  name: string;
  value: bigint;
  size: bigint;
  /** Index into the sections array given to writeExecutable, or 'abs', or 'undef'. */
  section: number | 'abs' | 'undef';
  binding: 'local' | 'global' | 'weak';
  type: 'notype' | 'object' | 'func' | 'section' | 'file';
}

export interface WriteOptions {
  elfClass: 32 | 64;
  entry: bigint;
  sections: OutSection[];
  layout: ExecutableLayout;
  symbols: OutSymbol[];        // locals are sorted before globals here, as ELF requires
  lines?: LineRow[];           // sorted by address; rows of different sections are separate sequences
  compDir?: string;            // DW_AT_comp_dir (default: the current directory, as GNU as does)
  producer?: string;           // DW_AT_producer
}

const BINDING = { local: STB_LOCAL, global: STB_GLOBAL, weak: STB_WEAK } as const;
const TYPE = { notype: STT_NOTYPE, object: STT_OBJECT, func: STT_FUNC, section: STT_SECTION, file: STT_FILE } as const;

interface Shdr {
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
}

/** The complete executable file: headers, sections, .symtab/.strtab/.shstrtab and, with lines, DWARF. */
export function writeExecutable(o: WriteOptions): Uint8Array {
  const cls = o.elfClass;
  const word = cls === 64 ? 8 : 4;
  const plan = planExecutable(cls, o.sections);
  plan.addresses.forEach((a, i) => {
    if (o.layout.addresses[i] !== a) throw new RangeError(`section ${o.sections[i].name}: layout address 0x${o.layout.addresses[i]?.toString(16)} is not the one layoutExecutable gives (0x${a.toString(16)})`);
  });

  const w = new ByteWriter();
  w.zeros(plan.headerSize);
  const shdrs: Shdr[] = [{ name: '', type: 0, flags: 0, addr: 0n, offset: 0, size: 0, link: 0, info: 0, align: 0, entsize: 0 }];
  const shIndex: number[] = [];
  for (const i of plan.order) {
    const s = o.sections[i];
    if (!s.nobits && s.size > 0) {
      w.zeros(plan.offsets[i] - w.length);
      if (s.data) w.bytes(s.data);
      else w.zeros(s.size);
    }
    shIndex[i] = shdrs.length;
    shdrs.push({
      name: s.name, type: s.nobits ? SHT_NOBITS : SHT_PROGBITS,
      flags: SHF_ALLOC | (s.flags.write ? SHF_WRITE : 0) | (s.flags.exec ? SHF_EXECINSTR : 0),
      addr: plan.addresses[i], offset: plan.offsets[i], size: plan.sizes[i], link: 0, info: 0, align: s.align, entsize: 0,
    });
  }
  w.zeros(plan.fileEnd - w.length);

  const addNonAlloc = (name: string, type: number, data: Uint8Array, align: number, extra: Partial<Shdr> = {}): number => {
    w.alignTo(align);
    shdrs.push({ name, type, flags: 0, addr: 0n, offset: w.length, size: data.length, link: 0, info: 0, align, entsize: 0, ...extra });
    w.bytes(data);
    return shdrs.length - 1;
  };

  if (o.lines && o.lines.length > 0) {
    const ranges = plan.addresses.map((a, i) => ({ start: a, end: a + BigInt(o.sections[i].size) }));
    const sequences = toSequences(o.lines, ranges);
    if (sequences.length > 0) {
      const debug: DebugSection[] = buildDebugSections({
        elfClass: cls, sequences, compDir: o.compDir ?? defaultCompDir(), producer: o.producer ?? 'Trapdoor assembler',
      });
      for (const d of debug) {
        addNonAlloc(d.name, SHT_PROGBITS, d.data, d.align, d.strings ? { flags: SHF_MERGE | SHF_STRINGS, entsize: 1 } : {});
      }
    }
  }

  // Symbols: null entry, locals, then globals and weaks (sh_info = index of the first non-local).
  const strtab = new StringTable();
  const sym = new ByteWriter();
  sym.zeros(SYM_SIZE[cls]);
  const locals = o.symbols.filter((s) => s.binding === 'local');
  const others = o.symbols.filter((s) => s.binding !== 'local');
  for (const s of [...locals, ...others]) {
    const name = strtab.add(s.name);
    const info = (BINDING[s.binding] << 4) | TYPE[s.type];
    let shndx: number;
    if (s.section === 'abs') shndx = SHN_ABS;
    else if (s.section === 'undef') shndx = SHN_UNDEF;
    else if (shIndex[s.section] !== undefined) shndx = shIndex[s.section];
    else throw new RangeError(`symbol ${s.name}: no section ${s.section}`);
    if (cls === 64) {
      sym.u32(name); sym.u8(info); sym.u8(0); sym.u16(shndx); sym.u64(s.value); sym.u64(s.size);
    } else {
      sym.u32(name); sym.u32(s.value); sym.u32(s.size); sym.u8(info); sym.u8(0); sym.u16(shndx);
    }
  }
  const symtabIndex = addNonAlloc('.symtab', SHT_SYMTAB, sym.finish(), word, { entsize: SYM_SIZE[cls], info: 1 + locals.length });
  const strtabIndex = addNonAlloc('.strtab', SHT_STRTAB, strtab.finish(), 1);
  shdrs[symtabIndex].link = strtabIndex;

  const shstrtab = new StringTable();
  for (const s of shdrs) shstrtab.add(s.name);
  shstrtab.add('.shstrtab');
  const shstrIndex = shdrs.length;
  addNonAlloc('.shstrtab', SHT_STRTAB, shstrtab.finish(), 1);

  w.alignTo(word);
  const shoff = w.length;
  for (const s of shdrs) {
    w.u32(shstrtab.add(s.name));
    w.u32(s.type);
    w.uint(s.flags, word);
    w.uint(s.addr, word);
    w.uint(s.offset, word);
    w.uint(s.size, word);
    w.u32(s.link);
    w.u32(s.info);
    w.uint(s.align, word);
    w.uint(s.entsize, word);
  }

  // Headers last, now that every offset is known.
  const out = w.finish();
  const h = new ByteWriter();
  h.bytes(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, cls === 64 ? ELFCLASS64 : ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV]));
  h.zeros(8);
  h.u16(ET_EXEC);
  h.u16(cls === 64 ? EM_X86_64 : EM_386);
  h.u32(EV_CURRENT);
  h.uint(o.entry, word);
  h.uint(EHDR_SIZE[cls], word);              // e_phoff: right after this header
  h.uint(shoff, word);
  h.u32(0);                                  // e_flags
  h.u16(EHDR_SIZE[cls]);
  h.u16(PHDR_SIZE[cls]);
  h.u16(1 + plan.segments.length);
  h.u16(SHDR_SIZE[cls]);
  h.u16(shdrs.length);
  h.u16(shstrIndex);
  const phdr = (flags: number, offset: number, vaddr: bigint, filesz: number, memsz: number): void => {
    h.u32(PT_LOAD);
    if (cls === 64) h.u32(flags);
    h.uint(offset, word);
    h.uint(vaddr, word);
    h.uint(vaddr, word);                     // p_paddr = p_vaddr, as ld sets it
    h.uint(filesz, word);
    h.uint(memsz, word);
    if (cls === 32) h.u32(flags);
    h.uint(PAGE, word);
  };
  phdr(PF_R, 0, plan.base, plan.headerSize, plan.headerSize);
  for (const s of plan.segments) phdr(s.flags, s.offset, s.vaddr, s.filesz, s.memsz);
  out.set(h.finish(), 0);
  return out;
}

/** GNU as records the directory it ran in; without a Node process (a browser build), ".". */
function defaultCompDir(): string {
  return typeof process !== 'undefined' && typeof process.cwd === 'function' ? process.cwd() : '.';
}
