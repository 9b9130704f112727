// The ELF loader for static executables (ET_EXEC, and static-pie ET_DYN placed as Linux 6.x places
// it with ASLR off) and the initial process stack exactly as Linux's create_elf_tables builds it:
// strings at the top (execfn, env, args), platform string, AT_RANDOM bytes, then argc/argv/envp/auxv.

import { readElf, ElfFormatError, ElfFile } from '../../elf/reader';
import { EM_X86_64, ET_DYN, ET_EXEC, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD } from '../../elf/types';
import { PAGE_SIZE } from '../../memory';
import { E2BIG, EINVAL, ENOEXEC } from './errno';
import { Mm, Vma, anonVma, pageDown, pageUp, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_TOP, TASK_SIZE } from './mm';

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8;
export const AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16;
export const AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_RSEQ_FEATURE_SIZE = 27;
export const AT_RSEQ_ALIGN = 28, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51;

/** Linux's ELF_ET_DYN_BASE on x86-64 (2/3 of the 47-bit space, not page-aligned): a static-pie's brk starts at its page end. */
export const ELF_ET_DYN_BASE = Math.floor(TASK_SIZE / 3) * 2;

/** execve failed: `errno` is what Linux returns (positive); `message` is for the CLI. */
export class ExecError extends Error {
  constructor(readonly errno: number, message: string) { super(message); this.name = 'ExecError'; }
}

export interface VdsoImage {
  /** The vDSO shared object's bytes (mapped r-x as [vdso]). */
  image: Uint8Array;
  /** Pages of [vvar] below it (Linux 6.18: 4) and of [vvar_vclock] (2). */
  vvarPages?: number;
  vclockPages?: number;
}

export interface LoadOptions {
  argv: string[];
  envp: string[];
  /** The path as given to execve (AT_EXECFN and /proc/self/exe's basis); default argv[0]. */
  execfn?: string;
  /** 16 bytes for AT_RANDOM (reproducible runs pass seeded bytes). */
  random: Uint8Array;
  vdso?: VdsoImage;
  /** The program file's identity for /proc/self/maps. */
  path?: string;
  dev?: { major: number; minor: number };
  inode?: number;
  uid?: number; euid?: number; gid?: number; egid?: number;
  /** AT_HWCAP (CPUID.1:EDX), AT_HWCAP2, AT_MINSIGSTKSZ: defaults are this machine's (AMD EPYC, 6.18) except HWCAP2 = 0 (no FSGSBASE). */
  hwcap?: number; hwcap2?: number; minsigstksz?: number;
}

export interface LoadedProgram {
  entry: number;
  stackPointer: number;
  brkStart: number;
  loadBias: number;
  phdr: number;
  vdsoBase: number | undefined;
  vvarBase: number | undefined;
  execfnAddr: number;
  randomAddr: number;
  /** argv[0..] and envp[0..] string addresses, and the auxv pairs in stack order (AT_NULL last). */
  argvAddrs: number[];
  envpAddrs: number[];
  auxv: [number, number][];
  vmas: Vma[];
}

const enc = new TextEncoder();

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

function toNum(v: bigint, what: string): number {
  if (v < 0n || v > BigInt(TASK_SIZE)) throw new ExecError(EINVAL, `${what} 0x${v.toString(16)} is outside the user address space`);
  return Number(v);
}

/** Parses and checks an executable: a typed ExecError (never anything else) when it cannot run. */
export function checkElf(bytes: Uint8Array): ElfFile {
  let elf: ElfFile;
  try { elf = readElf(bytes); } catch (e) {
    if (e instanceof ElfFormatError) throw new ExecError(ENOEXEC, `not a valid ELF executable: ${e.message}`);
    throw e;
  }
  if (elf.elfClass !== 64 || elf.machine !== EM_X86_64) throw new ExecError(ENOEXEC, 'not an x86-64 ELF executable (only 64-bit x86-64 programs run here)');
  if (elf.type !== ET_EXEC && elf.type !== ET_DYN) throw new ExecError(ENOEXEC, `ELF type ${elf.type} is not an executable (ET_EXEC or static-pie ET_DYN)`);
  if (elf.segments.some(s => s.type === PT_INTERP)) {
    throw new ExecError(ENOEXEC, 'dynamically linked program (it has a PT_INTERP program interpreter): only static executables are supported for now; rebuild with -static or -static-pie');
  }
  if (!elf.segments.some(s => s.type === PT_LOAD)) throw new ExecError(ENOEXEC, 'the ELF file has no PT_LOAD segment');
  return elf;
}

/** Loads `bytes` into a fresh Mm (no VMAs yet) and builds the initial stack. Throws only ExecError. */
export function loadElf(mm: Mm, bytes: Uint8Array, opts: LoadOptions): LoadedProgram {
  const elf = checkElf(bytes);
  const loads = elf.segments.filter(s => s.type === PT_LOAD);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = Number(dv.getBigUint64(32, true));
  const execStack = elf.segments.some(s => s.type === PT_GNU_STACK && (s.flags & PF_X));

  // Strings first (Linux copies them before mapping the image); check their total size.
  const execfn = opts.execfn ?? opts.argv[0] ?? '';
  const argvB = opts.argv.map(a => enc.encode(a + '\0'));
  const envB = opts.envp.map(a => enc.encode(a + '\0'));
  const execfnB = enc.encode(execfn + '\0');
  const strBytes = [...argvB, ...envB, execfnB].reduce((n, b) => n + b.length, 0);
  if (strBytes + 8 * (argvB.length + envB.length + 64) > mm.stackLimit / 4) throw new ExecError(E2BIG, 'argument list too long');

  let p = STACK_TOP - 8;
  p -= execfnB.length; const execfnAddr = p;
  const envpAddrs: number[] = new Array(envB.length);
  const argvAddrs: number[] = new Array(argvB.length);
  for (let i = envB.length - 1; i >= 0; i--) { p -= envB[i].length; envpAddrs[i] = p; }
  for (let i = argvB.length - 1; i >= 0; i--) { p -= argvB[i].length; argvAddrs[i] = p; }
  // setup_arg_pages: the stack VMA reaches 128 KiB below the page holding the strings.
  const stackStart = pageDown(p) - 128 * 1024;
  mm.insert({ ...anonVma(stackStart, STACK_TOP, PROT_READ | PROT_WRITE | (execStack ? PROT_EXEC : 0), 'stack', '[stack]') });
  const w = (addr: number, b: Uint8Array): void => mm.populate(addr, b);
  w(execfnAddr, execfnB);
  envB.forEach((b, i) => w(envpAddrs[i], b));
  argvB.forEach((b, i) => w(argvAddrs[i], b));

  // The image: ET_EXEC at its addresses; a static-pie top-down in the mmap area (Linux >= 5.x, no interpreter).
  let lo = Infinity, hi = 0, maxAlign = PAGE_SIZE;
  for (const s of loads) {
    const va = toNum(s.vaddr, 'p_vaddr'), mem = toNum(s.memsz, 'p_memsz');
    if (s.filesz > s.memsz) throw new ExecError(EINVAL, 'a PT_LOAD segment has p_filesz > p_memsz');
    if ((va - s.offset) % PAGE_SIZE !== 0) throw new ExecError(EINVAL, `PT_LOAD at 0x${va.toString(16)}: p_offset and p_vaddr are not congruent modulo the page size`);
    if (s.offset + Number(s.filesz) > bytes.length) throw new ExecError(ENOEXEC, 'a PT_LOAD segment runs past the end of the file');
    lo = Math.min(lo, pageDown(va)); hi = Math.max(hi, va + mem);
    const al = Number(s.align);
    if (al > maxAlign && (al & (al - 1)) === 0) maxAlign = al;
  }
  let bias = 0;
  if (elf.type === ET_DYN) {
    const at = mm.getUnmappedArea(pageUp(hi) - lo, maxAlign);
    if (at === undefined) throw new ExecError(ENOEXEC, 'no room for the program image');
    bias = at - lo;
  }
  if (bias + pageUp(hi) > TASK_SIZE) throw new ExecError(EINVAL, 'the program image does not fit the user address space');
  const file = { name: opts.path ?? execfn, dev: opts.dev ?? { major: 0, minor: 0 }, inode: opts.inode ?? 0 };
  let brkStart = 0;
  for (const s of loads) {
    const va = bias + Number(s.vaddr), filesz = Number(s.filesz), memsz = Number(s.memsz);
    const prot = protOf(s.flags);
    const fileEnd = pageUp(va + filesz), memEnd = pageUp(va + memsz);
    if (filesz > 0 || memsz === 0) {
      const start = pageDown(va);
      // Bytes of the last file page beyond p_filesz are zeroed when the segment has a bss (padzero).
      mm.mapFixed(start, Math.max(fileEnd, start + PAGE_SIZE), {
        prot, shared: false, kind: 'file', name: file.name, offset: pageDown(s.offset), dev: file.dev, inode: file.inode,
        data: bytes, zeroFrom: memsz > filesz ? va + filesz : undefined,
      });
    }
    const anonStart = filesz > 0 ? fileEnd : pageDown(va);
    if (memEnd > anonStart) mm.mapFixed(anonStart, memEnd, anonVma(0, 0, prot, 'anon', ''));
    brkStart = Math.max(brkStart, memEnd);
  }
  if (elf.type === ET_DYN) brkStart = pageUp(ELF_ET_DYN_BASE);
  mm.startBrk = mm.brk = brkStart;

  // AT_PHDR: where the program headers are in memory (inside the PT_LOAD that holds e_phoff).
  let phdr = 0;
  for (const s of loads) {
    if (phoff >= s.offset && phoff < s.offset + Number(s.filesz)) { phdr = bias + Number(s.vaddr) + (phoff - s.offset); break; }
  }

  // The vDSO: [vvar] pages then the image, one top-down area below the program (map_vdso).
  let vdsoBase: number | undefined, vvarBase: number | undefined;
  if (opts.vdso) {
    const vv = (opts.vdso.vvarPages ?? 4) * PAGE_SIZE, vc = (opts.vdso.vclockPages ?? 2) * PAGE_SIZE;
    const size = vv + vc + pageUp(opts.vdso.image.length);
    const at = mm.getUnmappedArea(size);
    if (at === undefined) throw new ExecError(ENOEXEC, 'no room for the vDSO');
    vvarBase = at; vdsoBase = at + vv + vc;
    if (vv) mm.mapFixed(at, at + vv, { ...anonVma(0, 0, PROT_READ, 'special', '[vvar]') });
    if (vc) mm.mapFixed(at + vv, vdsoBase, { ...anonVma(0, 0, PROT_READ, 'special', '[vvar_vclock]') });
    mm.mapFixed(vdsoBase, at + size, { ...anonVma(0, 0, PROT_READ | PROT_EXEC, 'special', '[vdso]'), data: opts.vdso.image });
  }

  // create_elf_tables: align, platform string, random bytes, then the vectors.
  p = Math.floor(p / 16) * 16;   // arch_align_stack with ASLR off
  const platform = enc.encode('x86_64\0');
  p -= platform.length; const platformAddr = p; w(p, platform);
  p -= 16; const randomAddr = p; w(p, opts.random.subarray(0, 16));
  const entry = bias + Number(elf.entry);
  const auxv: [number, number][] = [];
  if (vdsoBase !== undefined) auxv.push([AT_SYSINFO_EHDR, vdsoBase]);
  auxv.push([AT_MINSIGSTKSZ, opts.minsigstksz ?? 0xd30], [AT_HWCAP, opts.hwcap ?? 0x178bfbff], [AT_PAGESZ, PAGE_SIZE],
    [AT_CLKTCK, 100], [AT_PHDR, phdr], [AT_PHENT, 56], [AT_PHNUM, loadsCount(elf)], [AT_BASE, 0], [AT_FLAGS, 0],
    [AT_ENTRY, entry], [AT_UID, opts.uid ?? 0], [AT_EUID, opts.euid ?? opts.uid ?? 0], [AT_GID, opts.gid ?? 0],
    [AT_EGID, opts.egid ?? opts.gid ?? 0], [AT_SECURE, 0], [AT_RANDOM, randomAddr], [AT_HWCAP2, opts.hwcap2 ?? 0],
    [AT_EXECFN, execfnAddr], [AT_PLATFORM, platformAddr], [AT_RSEQ_FEATURE_SIZE, 28], [AT_RSEQ_ALIGN, 32], [AT_NULL, 0]);
  const items = (argvAddrs.length + 1) + (envpAddrs.length + 1) + 1;
  const sp = Math.floor((p - auxv.length * 16 - items * 8) / 16) * 16;
  const words: number[] = [argvAddrs.length, ...argvAddrs, 0, ...envpAddrs, 0];
  for (const [k, v] of auxv) words.push(k, v);
  const table = new Uint8Array(words.length * 8);
  const tv = new DataView(table.buffer);
  words.forEach((x, i) => tv.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(x)), true));
  w(sp, table);

  return { entry, stackPointer: sp, brkStart, loadBias: bias, phdr, vdsoBase, vvarBase, execfnAddr, randomAddr,
    argvAddrs, envpAddrs, auxv, vmas: mm.vmas.map(v => ({ ...v })) };
}

/** e_phnum (the reader's segment list holds every program header). */
function loadsCount(elf: ElfFile): number {
  return elf.segments.length;
}
