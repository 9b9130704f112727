// The ELF loader for executables (ET_EXEC, static-pie ET_DYN placed as Linux 6.x places it with
// ASLR off, and dynamically linked programs, whose PT_INTERP interpreter interp.ts maps) and the
// initial process stack exactly as Linux's create_elf_tables builds it:
// strings at the top (execfn, env, args), platform string, AT_RANDOM bytes, then argc/argv/envp/auxv.
// An ELF32 i386 executable (EM_386) becomes a compatibility-mode process, as Linux's
// compat_binfmt_elf makes it: everything below 4 GiB (the stack at IA32_PAGE_OFFSET, the mmap
// area under it), the vectors as 32-bit words, the 32-bit vDSO with AT_SYSINFO (its
// __kernel_vsyscall), platform "i686", and CS = __USER32_CS.

import { readElf, ElfFormatError, ElfFile } from '../../elf/reader';
import { EM_386, EM_X86_64, ET_DYN, ET_EXEC, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_INTERP, PT_LOAD } from '../../elf/types';
import { SELECTORS } from '../abi';
import { buildVdso32 } from '../vdso32';
import { PAGE_SIZE } from '../../memory';
import { E2BIG, EINVAL, ENOEXEC } from './errno';
import { InterpFile, InterpOpener, interpreterOf, mapInterpreter, pieBase } from './interp';
import { Mm, Vma, anonVma, pageDown, pageUp, MMAP_BASE, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_TOP, TASK_SIZE } from './mm';

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8;
export const AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16;
export const AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_RSEQ_FEATURE_SIZE = 27;
export const AT_RSEQ_ALIGN = 28, AT_EXECFN = 31, AT_SYSINFO = 32, AT_SYSINFO_EHDR = 33, AT_MINSIGSTKSZ = 51;

/** Linux's ELF_ET_DYN_BASE on x86-64 (2/3 of the 47-bit space, not page-aligned): a static-pie's brk starts at its page end. */
export const ELF_ET_DYN_BASE = Math.floor(TASK_SIZE / 3) * 2;
/** An i386 process's TASK_SIZE and stack top on a 64-bit kernel (IA32_PAGE_OFFSET): 4 GiB less two pages. */
export const IA32_PAGE_OFFSET = 0xffffe000;
/** Its mmap_base with ASLR off: the top less the 128 MiB minimum stack gap, as for 64-bit processes. */
export const IA32_MMAP_BASE = IA32_PAGE_OFFSET - 128 * 1024 * 1024;
/** ELF_ET_DYN_BASE for an i386 process (mmap_is_ia32). */
export const IA32_ELF_ET_DYN_BASE = 0x400000;

/** execve failed: `errno` is what Linux returns (positive); `message` is for the CLI. */
export class ExecError extends Error {
  constructor(readonly errno: number, message: string) { super(message); this.name = 'ExecError'; }
}

export interface VdsoImage {
  /** The vDSO shared object's bytes (mapped r-x as [vdso]). */
  image: Uint8Array;
  /** The 32-bit vDSO: offset of __kernel_vsyscall, which AT_SYSINFO points at. */
  entry?: number;
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
  /** The vDSO of a 64-bit program; an i386 program gets `vdso32` (by default the one vdso32.ts builds, when `vdso` is given). */
  vdso?: VdsoImage;
  vdso32?: VdsoImage;
  /** The program file's identity for /proc/self/maps. */
  path?: string;
  dev?: { major: number; minor: number };
  inode?: number;
  uid?: number; euid?: number; gid?: number; egid?: number;
  /** AT_HWCAP (CPUID.1:EDX), AT_HWCAP2, AT_MINSIGSTKSZ: defaults are this machine's (AMD EPYC, 6.18) except HWCAP2 = 0 (no FSGSBASE). */
  hwcap?: number; hwcap2?: number; minsigstksz?: number;
  /** Opens a dynamically linked program's interpreter (PT_INTERP); without it such a program is ENOEXEC. */
  interp?: InterpOpener;
}

export interface LoadedProgram {
  /** An i386 program: compatibility mode, 32-bit stack and vectors, the 32-bit vDSO. */
  compat: boolean;
  /** The user code and stack segments it starts with (start_thread: __USER_CS, compat_start_thread: __USER32_CS). */
  cs: number;
  ss: number;
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

function toNum(v: bigint, what: string, taskSize = TASK_SIZE): number {
  if (v < 0n || v > BigInt(taskSize)) throw new ExecError(EINVAL, `${what} 0x${v.toString(16)} is outside the user address space`);
  return Number(v);
}

/** Parses and checks an executable: a typed ExecError (never anything else) when it cannot run. */
export function checkElf(bytes: Uint8Array): ElfFile {
  let elf: ElfFile;
  try { elf = readElf(bytes); } catch (e) {
    if (e instanceof ElfFormatError) throw new ExecError(ENOEXEC, `not a valid ELF executable: ${e.message}`);
    throw e;
  }
  if (!(elf.elfClass === 64 && elf.machine === EM_X86_64) && !(elf.elfClass === 32 && elf.machine === EM_386)) {
    throw new ExecError(ENOEXEC, 'not an x86-64 or i386 ELF executable (only x86-64 programs, and i386 ones in compatibility mode, run here)');
  }
  if (elf.type !== ET_EXEC && elf.type !== ET_DYN) throw new ExecError(ENOEXEC, `ELF type ${elf.type} is not an executable (ET_EXEC or static-pie ET_DYN)`);
  if (elf.elfClass === 32 && elf.segments.some(s => s.type === PT_INTERP)) {
    throw new ExecError(ENOEXEC, 'dynamically linked i386 program (it has a PT_INTERP program interpreter): only static i386 executables run here');
  }
  if (!elf.segments.some(s => s.type === PT_LOAD)) throw new ExecError(ENOEXEC, 'the ELF file has no PT_LOAD segment');
  return elf;
}

/** Loads `bytes` into a fresh Mm (no VMAs yet) and builds the initial stack. Throws only ExecError. */
export function loadElf(mm: Mm, bytes: Uint8Array, opts: LoadOptions): LoadedProgram {
  const elf = checkElf(bytes);
  const compat = elf.elfClass === 32;
  const word = compat ? 4 : 8;
  const taskSize = compat ? IA32_PAGE_OFFSET : TASK_SIZE, stackTop = compat ? IA32_PAGE_OFFSET : STACK_TOP;
  mm.mmapBase = compat ? IA32_MMAP_BASE : MMAP_BASE;
  mm.taskSize = taskSize;
  mm.stackTop = stackTop;
  mm.compat = compat;
  const loads = elf.segments.filter(s => s.type === PT_LOAD);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = compat ? dv.getUint32(28, true) : Number(dv.getBigUint64(32, true));
  const gnuStack = elf.segments.find(s => s.type === PT_GNU_STACK);
  // An i386 program without PT_GNU_STACK runs with READ_IMPLIES_EXEC (elf_read_implies_exec):
  // what it may read it may execute, its stack included.
  const readImpliesExec = compat && gnuStack === undefined;
  const execStack = (gnuStack !== undefined && (gnuStack.flags & PF_X) !== 0) || readImpliesExec;

  // Strings first (Linux copies them before mapping the image); check their total size.
  const execfn = opts.execfn ?? opts.argv[0] ?? '';
  const argvB = opts.argv.map(a => enc.encode(a + '\0'));
  const envB = opts.envp.map(a => enc.encode(a + '\0'));
  const execfnB = enc.encode(execfn + '\0');
  const strBytes = [...argvB, ...envB, execfnB].reduce((n, b) => n + b.length, 0);
  if (strBytes + 8 * (argvB.length + envB.length + 64) > mm.stackLimit / 4) throw new ExecError(E2BIG, 'argument list too long');

  let p = stackTop - 8;  // sizeof(void *) of the 64-bit kernel, for i386 programs too
  p -= execfnB.length; const execfnAddr = p;
  const envpAddrs: number[] = new Array(envB.length);
  const argvAddrs: number[] = new Array(argvB.length);
  for (let i = envB.length - 1; i >= 0; i--) { p -= envB[i].length; envpAddrs[i] = p; }
  for (let i = argvB.length - 1; i >= 0; i--) { p -= argvB[i].length; argvAddrs[i] = p; }
  // setup_arg_pages: the stack VMA reaches 128 KiB below the page holding the strings.
  const stackStart = pageDown(p) - 128 * 1024;
  mm.insert({ ...anonVma(stackStart, stackTop, PROT_READ | PROT_WRITE | (execStack ? PROT_EXEC : 0), 'stack', '[stack]') });
  const w = (addr: number, b: Uint8Array): void => mm.populate(addr, b);
  w(execfnAddr, execfnB);
  envB.forEach((b, i) => w(envpAddrs[i], b));
  argvB.forEach((b, i) => w(argvAddrs[i], b));

  // The image: ET_EXEC at its addresses; a static-pie top-down in the mmap area (Linux >= 5.x, no interpreter).
  let lo = Infinity, hi = 0, maxAlign = PAGE_SIZE;
  for (const s of loads) {
    const va = toNum(s.vaddr, 'p_vaddr', taskSize), mem = toNum(s.memsz, 'p_memsz', taskSize);
    if (s.filesz > s.memsz) throw new ExecError(EINVAL, 'a PT_LOAD segment has p_filesz > p_memsz');
    if ((va - s.offset) % PAGE_SIZE !== 0) throw new ExecError(EINVAL, `PT_LOAD at 0x${va.toString(16)}: p_offset and p_vaddr are not congruent modulo the page size`);
    if (s.offset + Number(s.filesz) > bytes.length) throw new ExecError(ENOEXEC, 'a PT_LOAD segment runs past the end of the file');
    lo = Math.min(lo, pageDown(va)); hi = Math.max(hi, va + mem);
    const al = Number(s.align);
    if (al > maxAlign && (al & (al - 1)) === 0) maxAlign = al;
  }
  let bias = 0;
  // A dynamically linked program: its interpreter is opened before anything is mapped (interp.ts).
  const interpPath = compat ? undefined : interpreterOf(elf, bytes);
  let interpFile: InterpFile | undefined;
  if (interpPath !== undefined) {
    if (!opts.interp) throw new ExecError(ENOEXEC, `dynamically linked program: no way to open its interpreter ${interpPath}`);
    const f = opts.interp(interpPath);
    if (typeof f === 'number') throw new ExecError(f, `cannot open the program interpreter ${interpPath}`);
    interpFile = f;
  }
  if (elf.type === ET_DYN && interpFile) bias = pieBase(maxAlign) - lo;   // a PIE: at ELF_ET_DYN_BASE
  else if (elf.type === ET_DYN) {
    const at = mm.getUnmappedArea(pageUp(hi) - lo, maxAlign);
    if (at === undefined) throw new ExecError(ENOEXEC, 'no room for the program image');
    bias = at - lo;
  }
  if (bias + pageUp(hi) > taskSize) throw new ExecError(EINVAL, 'the program image does not fit the user address space');
  const file = { name: opts.path ?? execfn, dev: opts.dev ?? { major: 0, minor: 0 }, inode: opts.inode ?? 0 };
  let brkStart = 0;
  for (const s of loads) {
    const va = bias + Number(s.vaddr), filesz = Number(s.filesz), memsz = Number(s.memsz);
    const prot = protOf(s.flags) | (readImpliesExec && (s.flags & PF_R) ? PROT_EXEC : 0);
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
  if (elf.type === ET_DYN && !interpFile) brkStart = pageUp(compat ? IA32_ELF_ET_DYN_BASE : ELF_ET_DYN_BASE);
  mm.startBrk = mm.brk = brkStart;

  // AT_PHDR: where the program headers are in memory (inside the PT_LOAD that holds e_phoff).
  let phdr = 0;
  for (const s of loads) {
    if (phoff >= s.offset && phoff < s.offset + Number(s.filesz)) { phdr = bias + Number(s.vaddr) + (phoff - s.offset); break; }
  }

  // The interpreter, top-down in the mmap area; the process starts in it (AT_BASE = its load address).
  const ld = interpFile ? mapInterpreter(mm, interpFile) : undefined;

  // The vDSO: [vvar] pages then the image, one top-down area below the program (map_vdso).
  let vdsoBase: number | undefined, vvarBase: number | undefined;
  const vdso = compat ? opts.vdso32 ?? (opts.vdso ? buildVdso32() : undefined) : opts.vdso;
  if (vdso) {
    const vv = (vdso.vvarPages ?? 4) * PAGE_SIZE, vc = (vdso.vclockPages ?? 2) * PAGE_SIZE;
    const size = vv + vc + pageUp(vdso.image.length);
    const at = mm.getUnmappedArea(size);
    if (at === undefined) throw new ExecError(ENOEXEC, 'no room for the vDSO');
    vvarBase = at; vdsoBase = at + vv + vc;
    if (vv) mm.mapFixed(at, at + vv, { ...anonVma(0, 0, PROT_READ, 'special', '[vvar]') });
    if (vc) mm.mapFixed(at + vv, vdsoBase, { ...anonVma(0, 0, PROT_READ, 'special', '[vvar_vclock]') });
    mm.mapFixed(vdsoBase, at + size, { ...anonVma(0, 0, PROT_READ | PROT_EXEC, 'special', '[vdso]'), data: vdso.image });
  }

  // create_elf_tables: align, platform string, random bytes, then the vectors.
  p = Math.floor(p / 16) * 16;   // arch_align_stack with ASLR off
  const platform = enc.encode(compat ? 'i686\0' : 'x86_64\0');
  p -= platform.length; const platformAddr = p; w(p, platform);
  p -= 16; const randomAddr = p; w(p, opts.random.subarray(0, 16));
  const progEntry = bias + Number(elf.entry);
  const entry = ld ? ld.entry : progEntry;
  const auxv: [number, number][] = [];
  // ARCH_DLINFO_IA32 puts the door first: AT_SYSINFO, the address of __kernel_vsyscall.
  if (vdsoBase !== undefined && compat) auxv.push([AT_SYSINFO, vdsoBase + (vdso?.entry ?? 0)]);
  if (vdsoBase !== undefined) auxv.push([AT_SYSINFO_EHDR, vdsoBase]);
  auxv.push([AT_MINSIGSTKSZ, opts.minsigstksz ?? 0xd30], [AT_HWCAP, opts.hwcap ?? 0x178bfbff], [AT_PAGESZ, PAGE_SIZE],
    [AT_CLKTCK, 100], [AT_PHDR, phdr], [AT_PHENT, compat ? 32 : 56], [AT_PHNUM, loadsCount(elf)], [AT_BASE, ld?.base ?? 0], [AT_FLAGS, 0],
    [AT_ENTRY, progEntry], [AT_UID, opts.uid ?? 0], [AT_EUID, opts.euid ?? opts.uid ?? 0], [AT_GID, opts.gid ?? 0],
    [AT_EGID, opts.egid ?? opts.gid ?? 0], [AT_SECURE, 0], [AT_RANDOM, randomAddr], [AT_HWCAP2, opts.hwcap2 ?? 0],
    [AT_EXECFN, execfnAddr], [AT_PLATFORM, platformAddr], [AT_RSEQ_FEATURE_SIZE, 28], [AT_RSEQ_ALIGN, 32], [AT_NULL, 0]);
  // The vectors are words of the program's size (elf_addr_t: 4 bytes for an i386 program).
  const items = (argvAddrs.length + 1) + (envpAddrs.length + 1) + 1;
  const sp = Math.floor((p - auxv.length * 2 * word - items * word) / 16) * 16;
  const words: number[] = [argvAddrs.length, ...argvAddrs, 0, ...envpAddrs, 0];
  for (const [k, v] of auxv) words.push(k, v);
  const table = new Uint8Array(words.length * word);
  const tv = new DataView(table.buffer);
  words.forEach((x, i) => (compat ? tv.setUint32(i * 4, x >>> 0, true) : tv.setBigUint64(i * 8, BigInt.asUintN(64, BigInt(x)), true)));
  w(sp, table);

  const cs = compat ? SELECTORS.__USER32_CS : SELECTORS.__USER_CS;
  return { compat, cs, ss: SELECTORS.__USER_DS, entry, stackPointer: sp, brkStart, loadBias: bias, phdr, vdsoBase, vvarBase, execfnAddr, randomAddr,
    argvAddrs, envpAddrs, auxv, vmas: mm.vmas.map(v => ({ ...v })) };
}

/** e_phnum (the reader's segment list holds every program header). */
function loadsCount(elf: ElfFile): number {
  return elf.segments.length;
}
