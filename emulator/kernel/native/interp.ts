// Dynamically linked programs: the program interpreter (PT_INTERP, on Linux /lib64/ld-linux-x86-64.so.2)
// is mapped next to the program, as Linux's load_elf_interp does, and the process starts in it.
// ld.so then finds the program through the auxiliary vector (AT_PHDR, AT_ENTRY, AT_BASE = where
// the interpreter itself lies) and maps the shared libraries with ordinary open/mmap calls.

import { readElf, ElfFormatError, ElfFile } from '../../elf/reader';
import { EM_X86_64, ET_DYN, ET_EXEC, PF_R, PF_W, PF_X, PT_INTERP, PT_LOAD } from '../../elf/types';
import { PAGE_SIZE } from '../../memory';
import { errnoValue } from '../../trace/errno';
import { ENOEXEC } from './errno';
import { ELF_ET_DYN_BASE, ExecError } from './loader';
import { Mm, anonVma, pageDown, pageUp, PROT_EXEC, PROT_READ, PROT_WRITE, TASK_SIZE } from './mm';

/** The interpreter's file, as the kernel opened it (open_exec). */
export interface InterpFile {
  bytes: Uint8Array;
  /** The name /proc/self/maps shows (the file's real path). */
  path: string;
  dev: { major: number; minor: number };
  inode: number;
}

/** Opens the interpreter named by PT_INTERP (a guest path): its file, or a positive errno for execve. */
export type InterpOpener = (guestPath: string) => InterpFile | number;

/** "Accessing a corrupted shared library": execve's answer for an interpreter that is no ELF object. */
const ELIBBAD = errnoValue('ELIBBAD') ?? 80;

/** The PT_INTERP string of `elf` (without its NUL), or undefined for a static program. */
export function interpreterOf(elf: ElfFile, bytes: Uint8Array): string | undefined {
  const s = elf.segments.find((x) => x.type === PT_INTERP);
  if (!s) return undefined;
  const n = Number(s.filesz);
  if (n < 2 || n > PAGE_SIZE || s.offset + n > bytes.length || bytes[s.offset + n - 1] !== 0) {
    throw new ExecError(ENOEXEC, 'the PT_INTERP segment does not hold a NUL-terminated path');
  }
  return Buffer.from(bytes.subarray(s.offset, s.offset + n - 1)).toString('latin1');
}

/**
 * Where a PIE with an interpreter is loaded: ELF_ET_DYN_BASE rounded down to its largest segment
 * alignment (Linux 6.x, ASLR off: 0x555555554000 for the usual 4 KiB alignment).
 */
export function pieBase(maxAlign: number): number {
  const a = Math.max(maxAlign, PAGE_SIZE);
  return Math.floor(ELF_ET_DYN_BASE / a) * a;
}

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

/**
 * load_elf_interp: the interpreter's PT_LOAD segments, placed together top-down in the mmap area
 * (one area of their total size, so they keep their distances), the bss of the last page zeroed
 * and the rest of it anonymous. Returns its load address (AT_BASE) and entry point.
 */
export function mapInterpreter(mm: Mm, f: InterpFile): { base: number; entry: number } {
  let elf: ElfFile;
  try { elf = readElf(f.bytes); } catch (e) {
    if (e instanceof ElfFormatError) throw new ExecError(ELIBBAD, `the program interpreter ${f.path} is not a valid ELF file: ${e.message}`);
    throw e;
  }
  if (elf.elfClass !== 64 || elf.machine !== EM_X86_64) throw new ExecError(ELIBBAD, `the program interpreter ${f.path} is not an x86-64 ELF file`);
  if (elf.type !== ET_DYN && elf.type !== ET_EXEC) throw new ExecError(ELIBBAD, `the program interpreter ${f.path} is not a shared object`);
  if (elf.segments.some((s) => s.type === PT_INTERP)) throw new ExecError(ELIBBAD, `the program interpreter ${f.path} wants an interpreter itself`);
  const loads = elf.segments.filter((s) => s.type === PT_LOAD);
  if (loads.length === 0) throw new ExecError(ELIBBAD, `the program interpreter ${f.path} has no PT_LOAD segment`);
  let lo = Infinity, hi = 0;
  for (const s of loads) {
    const va = Number(s.vaddr), mem = Number(s.memsz);
    if (s.filesz > s.memsz || (va - s.offset) % PAGE_SIZE !== 0 || s.offset + Number(s.filesz) > f.bytes.length || va + mem > TASK_SIZE) {
      throw new ExecError(ELIBBAD, `the program interpreter ${f.path} has a bad PT_LOAD segment`);
    }
    lo = Math.min(lo, pageDown(va));
    hi = Math.max(hi, va + mem);
  }
  let bias = 0;
  if (elf.type === ET_DYN) {
    const at = mm.getUnmappedArea(pageUp(hi) - lo);
    if (at === undefined) throw new ExecError(ENOEXEC, 'no room for the program interpreter');
    bias = at - lo;
  }
  const file = { name: f.path, dev: f.dev, inode: f.inode };
  for (const s of loads) {
    const va = bias + Number(s.vaddr), filesz = Number(s.filesz), memsz = Number(s.memsz);
    const prot = protOf(s.flags);
    const fileEnd = pageUp(va + filesz), memEnd = pageUp(va + memsz);
    if (filesz > 0) {
      mm.mapFixed(pageDown(va), fileEnd, {
        prot, shared: false, kind: 'file', name: file.name, offset: pageDown(s.offset), dev: file.dev, inode: file.inode,
        data: f.bytes, zeroFrom: memsz > filesz ? va + filesz : undefined,
      });
    }
    const anonStart = filesz > 0 ? fileEnd : pageDown(va);
    if (memEnd > anonStart) mm.mapFixed(anonStart, memEnd, anonVma(0, 0, prot, 'anon', ''));
  }
  return { base: bias, entry: bias + Number(elf.entry) };
}
