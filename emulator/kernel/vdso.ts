// The vDSO build: arch/x86/entry/vdso/*.S assembled by Trapdoor's assembler and written as the
// ELF shared object Linux maps into every process as [vdso] (ET_DYN, .dynsym with hash tables,
// symbol versions LINUX_2.6, .dynamic), with the [vvar] data page it reads defined here once:
// VVAR_LAYOUT gives the offsets, vvarHeader() the `.set` lines the sources include, writeVvar()
// the bytes the machine puts in the page.

import * as fs from 'fs';
import * as path from 'path';
import { assembleObject } from '../asm/assemble';
import { formatDiagnostic, parseSource } from '../asm/index';
import { Diagnostic, SourceReader } from '../asm/ir';
import { link } from '../asm/link';
import { cacheKey, loadCachedValue, storeCachedValue } from './build-cache';
import { ByteWriter, StringTable } from '../elf/bytes';
import { LineRow, OutSymbol } from '../elf/writer';
import {
  EHDR_SIZE, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFOSABI_SYSV, EM_X86_64, ET_DYN, EV_CURRENT, PF_R, PF_X, PHDR_SIZE, PT_DYNAMIC,
  PT_LOAD, PT_NOTE, SHDR_SIZE, SHF_ALLOC, SHF_EXECINSTR, SHF_WRITE, SHN_ABS, SHT_DYNSYM, SHT_NOTE, SHT_PROGBITS,
  SHT_STRTAB, SHT_SYMTAB, STB_GLOBAL, STB_LOCAL, STB_WEAK, STT_FILE, STT_FUNC, STT_NOTYPE, STT_OBJECT, SYM_SIZE,
} from '../elf/types';

const PAGE = 4096;
/** Pages of [vvar] and [vvar_vclock] below the vDSO, as Linux 6.18 maps them (the loader's defaults). */
export const VDSO_VVAR_PAGES = 4;
export const VDSO_VCLOCK_PAGES = 2;
/** Where the time data lives, from the vDSO's first byte: the first page of [vvar]. */
export const VVAR_DATA_OFFSET = -(VDSO_VVAR_PAGES + VDSO_VCLOCK_PAGES) * PAGE;
/** The vDSO's code starts on its second page; the first holds the ELF headers and dynamic tables. */
const TEXT_ADDRESS = PAGE;

/** Highest clock id with a slot in base[] (CLOCK_TAI); Linux's vDSO handles no higher id either. */
export const VDSO_MAX_CLOCK = 11;
/**
 * No clock source the vDSO may read: every call makes the system call (Linux's
 * VDSO_CLOCKMODE_NONE, also 0), so a [vvar] page nobody filled is safe: the kernel answers.
 */
export const VCLOCK_NONE = 0;
/** The vDSO reads the TSC (Linux's VDSO_CLOCKMODE_TSC). */
export const VCLOCK_TSC = 1;

/**
 * The [vvar] time data (little-endian, all unsigned). A clock reads
 *   ns = base[clock] + ((tsc - cycle_last) * mult >> shift)     (128-bit product, shift < 64)
 * and splits ns into seconds and nanoseconds; base[] is indexed by clock id and holds
 * nanoseconds since the clock's epoch at the moment the TSC was cycle_last (u64 ns lasts
 * until the year 2554). Unhandled ids have a zero slot.
 */
export const VVAR_LAYOUT = {
  seq: { offset: 0, size: 4 },             // even when stable, odd while the kernel writes
  clock_mode: { offset: 4, size: 4 },      // VCLOCK_TSC, or VCLOCK_NONE (0: not filled)
  cycle_last: { offset: 8, size: 8 },      // the TSC at the base moment
  mult: { offset: 16, size: 8 },           // cycles -> ns << shift
  shift: { offset: 24, size: 4 },
  hres_res: { offset: 28, size: 4 },       // clock_getres of the precise clocks (ns)
  coarse_res: { offset: 32, size: 4 },     // the tick: clock_getres and granularity of *_COARSE (ns)
  tz_minuteswest: { offset: 36, size: 4 }, // struct timezone for gettimeofday
  tz_dsttime: { offset: 40, size: 4 },
  base: { offset: 48, size: 8 * (VDSO_MAX_CLOCK + 1) },
} as const;
export type VvarLayout = typeof VVAR_LAYOUT;

/** The `.set` lines the vDSO sources include as "asm/vvar.h" (generated, like asm-offsets.h). */
export function vvarHeader(): string {
  const lines = ['/* Generated from VVAR_LAYOUT in emulator/kernel/vdso.ts: do not edit. */'];
  for (const [name, f] of Object.entries(VVAR_LAYOUT)) lines.push(`\t.set VVAR_${name}, ${f.offset}`);
  lines.push(`\t.set VCLOCK_TSC, ${VCLOCK_TSC}`, `\t.set VCLOCK_NONE, ${VCLOCK_NONE}`);
  // A symbol of .text (not an absolute one, which `sym(%rip)` would take as a bare displacement):
  // the data page sits a fixed distance below the image, whose .text starts at TEXT_ADDRESS.
  lines.push('/* The [vvar] data page, a fixed distance below the vDSO (Linux\'s vvar_page symbol). */');
  lines.push('\t.text', '.Lvdso_text_start:', `\t.set vvar_page, .Lvdso_text_start - ${TEXT_ADDRESS - VVAR_DATA_OFFSET}`);
  return lines.join('\n') + '\n';
}

export interface VvarParams {
  /** The TSC (the machine's cpu.cycles) at the base moment. */
  cycleLast: bigint;
  /** ns = cycles * mult >> shift; clockMultShift(hz) gives them for a clock rate. mult 0 freezes time at the bases. */
  mult: bigint;
  shift: number;
  /** Clocks at the base moment, in ns since their epochs. */
  realtimeNs: bigint;
  monotonicNs: bigint;
  /** Default: monotonicNs (nothing was suspended). */
  boottimeNs?: bigint;
  /** Default: monotonicNs (no NTP slewing, so the raw clock equals the monotonic one). */
  monotonicRawNs?: bigint;
  /** Default: realtimeNs + 37 s (the TAI-UTC offset since 2017). */
  taiNs?: bigint;
  /** Default 'tsc'; 'none' sends every call to the system call. */
  clockMode?: 'tsc' | 'none';
  hresResNs?: number;
  /** Default 4 ms (HZ=250); must divide 10^9. */
  coarseResNs?: number;
  tzMinutesWest?: number;
  tzDstTime?: number;
}

/** mult and shift (32) for a TSC of `hz` cycles per second: ns = cycles * mult >> 32. */
export function clockMultShift(hz: number): { mult: bigint; shift: number } {
  if (!(hz > 0)) throw new RangeError(`clock rate ${hz} Hz`);
  return { mult: (1_000_000_000n << 32n) / BigInt(Math.round(hz)), shift: 32 };
}

/** Fills the [vvar] data page (`page` starts at the page) for `p`, bumping seq as the kernel does. */
export function writeVvar(page: Uint8Array | DataView, p: VvarParams): void {
  const dv = page instanceof DataView ? page : new DataView(page.buffer, page.byteOffset, page.byteLength);
  const coarse = p.coarseResNs ?? 4_000_000;
  if (coarse <= 0 || 1_000_000_000 % coarse !== 0) throw new RangeError(`coarse resolution ${coarse} ns does not divide a second`);
  if (p.shift < 0 || p.shift > 63) throw new RangeError(`shift ${p.shift} is outside 0..63`);
  const L = VVAR_LAYOUT;
  const seq = dv.getUint32(L.seq.offset, true);
  dv.setUint32(L.seq.offset, (seq | 1) >>> 0, true);      // odd: readers wait
  dv.setUint32(L.clock_mode.offset, p.clockMode === 'none' ? VCLOCK_NONE : VCLOCK_TSC, true);
  dv.setBigUint64(L.cycle_last.offset, BigInt.asUintN(64, p.cycleLast), true);
  dv.setBigUint64(L.mult.offset, BigInt.asUintN(64, p.mult), true);
  dv.setUint32(L.shift.offset, p.shift, true);
  dv.setUint32(L.hres_res.offset, p.hresResNs ?? 1, true);
  dv.setUint32(L.coarse_res.offset, coarse, true);
  dv.setInt32(L.tz_minuteswest.offset, p.tzMinutesWest ?? 0, true);
  dv.setInt32(L.tz_dsttime.offset, p.tzDstTime ?? 0, true);
  const base = new Array<bigint>(VDSO_MAX_CLOCK + 1).fill(0n);
  base[0] = base[5] = p.realtimeNs;                        // REALTIME, REALTIME_COARSE
  base[1] = base[6] = p.monotonicNs;                       // MONOTONIC, MONOTONIC_COARSE
  base[4] = p.monotonicRawNs ?? p.monotonicNs;
  base[7] = p.boottimeNs ?? p.monotonicNs;
  base[11] = p.taiNs ?? p.realtimeNs + 37_000_000_000n;
  base.forEach((v, i) => dv.setBigUint64(L.base.offset + 8 * i, BigInt.asUintN(64, v), true));
  dv.setUint32(L.seq.offset, ((seq | 1) + 1) >>> 0, true); // even again: stable
}

/** What `clock` reads for `p` when the TSC is `tsc` (the model the vDSO code computes); undefined: it makes the system call. */
export function vvarClockNs(p: VvarParams, clock: number, tsc: bigint): bigint | undefined {
  const delta = tsc > p.cycleLast ? tsc - p.cycleLast : 0n;
  const elapsed = BigInt.asUintN(64, (delta * p.mult) >> BigInt(p.shift));
  const coarse = BigInt(p.coarseResNs ?? 4_000_000);
  const raw = p.monotonicRawNs ?? p.monotonicNs, boot = p.boottimeNs ?? p.monotonicNs, tai = p.taiNs ?? p.realtimeNs + 37_000_000_000n;
  const base: Record<number, bigint> = { 0: p.realtimeNs, 1: p.monotonicNs, 4: raw, 5: p.realtimeNs, 6: p.monotonicNs, 7: boot, 11: tai };
  if (base[clock] === undefined || p.clockMode === 'none') return undefined;
  const ns = BigInt.asUintN(64, base[clock] + elapsed);
  return clock === 5 || clock === 6 ? ns - (ns % coarse) : ns;
}

export interface VdsoBuild {
  /** The shared object, mapped r-x as [vdso] (all of it: headers, code, section headers). */
  image: Uint8Array;
  /** Every function of .symtab (exported and local) -> its offset in the image. */
  symbols: Map<string, number>;
  /** The exported (dynamic) names, each version LINUX_2.6. */
  exports: string[];
  vvarPages: number;
  vclockPages: number;
  /** The [vvar] data page's offset from the vDSO's first byte (negative). */
  vvarOffset: number;
  vvarLayout: VvarLayout;
  /** Line rows with image offsets as addresses, for the debugger. */
  lines: LineRow[];
  sources: string[];
}

export class VdsoBuildError extends Error {
  constructor(public readonly diagnostics: Diagnostic[]) {
    super(`the vDSO does not build:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  }
}

/** The vDSO sources: every .S of arch/x86/entry/vdso in the kernel tree, sorted. */
export function vdsoSources(treeDir: string): string[] {
  const dir = path.join(treeDir, 'arch', 'x86', 'entry', 'vdso');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.S')).sort().map((f) => path.join(dir, f));
}

export function defaultTree(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    for (const c of [path.join(dir, 'emulator', 'kernel'), path.join(dir, 'dist', 'kernel'), path.join(dir, 'kernel')]) {
      if (fs.existsSync(path.join(c, 'arch', 'x86', 'entry', 'vdso'))) return c;
    }
  }
  throw new Error(`cannot find the vDSO sources (arch/x86/entry/vdso) near ${__dirname}`);
}

/**
 * The one unit the vDSO build assembles (generated): it defines BUILD_VDSO, includes the
 * generated "asm/vvar.h" (given in `headers`) and every source. GNU as takes the same text
 * through `gcc -E -x assembler-with-cpp`.
 */
export function vdsoUnit(treeDir = defaultTree()): { path: string; text: string; headers: Map<string, string>; sources: string[] } {
  const sources = vdsoSources(treeDir);
  const text = ['#define BUILD_VDSO 1', '#include "asm/vvar.h"', ...sources.map((s) => `#include "${s}"`)].join('\n') + '\n';
  return { path: path.join(treeDir, 'arch', 'x86', 'entry', 'vdso', 'generated', 'vdso-unit.S'), text, headers: new Map([['asm/vvar.h', vvarHeader()]]), sources };
}

const cache = new Map<string, VdsoBuild>();

/**
 * Builds (once per tree and process) the vDSO. The sources are guarded by `#ifdef BUILD_VDSO`
 * (so the kernel build, which assembles every .S of the tree, gets nothing from them); the
 * vDSO build assembles one generated unit that defines it and includes them all.
 */
export function buildVdso(treeDir = defaultTree()): VdsoBuild {
  const hit = cache.get(treeDir);
  if (hit) return hit;
  // On disk too, keyed like the kernel image: a new process maps the vDSO without assembling it.
  const key = cacheKey(treeDir, ['vdso64']);
  const stored = loadCachedValue(`vdso-${key}`) as (Omit<VdsoBuild, 'symbols'> & { symbols: [string, number][] }) | undefined;
  if (stored) {
    const b: VdsoBuild = { ...stored, symbols: new Map(stored.symbols) };
    cache.set(treeDir, b);
    return b;
  }
  const { path: unitPath, text: unit, headers, sources } = vdsoUnit(treeDir);
  const reader: SourceReader = {
    read(p: string, fromFile: string) {
      const v = headers.get(p);
      if (v !== undefined) return { path: path.join(path.dirname(unitPath), p), text: v };
      const full = path.isAbsolute(p) ? p : path.join(path.dirname(fromFile), p);
      return fs.existsSync(full) ? { path: full, text: fs.readFileSync(full, 'latin1') } : undefined;
    },
  };
  const { object, diagnostics } = assembleObject(parseSource(unitPath, unit, reader, 64), 64);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new VdsoBuildError(errors);
  const linked = link([object], { base: BigInt(TEXT_ADDRESS), entry: null, producer: 'Trapdoor vDSO build' });
  const linkErrors = linked.diagnostics.filter((d) => d.severity === 'error');
  if (linkErrors.length) throw new VdsoBuildError(linkErrors);
  for (const s of linked.outSections) {
    if (s.flags.write || s.nobits) throw new VdsoBuildError([{ loc: { file: unitPath, line: 1, col: 1 }, severity: 'error', message: `section ${s.name} is writable: the vDSO is mapped read-only` }]);
  }
  const image = writeVdsoElf(linked.outSections, linked.symbols);
  const symbols = new Map<string, number>();
  for (const s of linked.symbols) if (s.type === 'func' && s.section !== 'abs') symbols.set(s.name, Number(s.value));
  const build: VdsoBuild = {
    image: image.bytes, symbols, exports: image.exports, vvarPages: VDSO_VVAR_PAGES, vclockPages: VDSO_VCLOCK_PAGES,
    vvarOffset: VVAR_DATA_OFFSET, vvarLayout: VVAR_LAYOUT, lines: linked.lines, sources,
  };
  cache.set(treeDir, build);
  storeCachedValue(`vdso-${key}`, { ...build, symbols: [...build.symbols] });
  return build;
}

// ---- The shared object ---------------------------------------------------------------------

const SONAME = 'linux-vdso.so.1';
const VERSION = 'LINUX_2.6';
const DT_NULL = 0, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6, DT_STRSZ = 10, DT_SYMENT = 11, DT_SONAME = 14;
const DT_GNU_HASH = 0x6ffffef5, DT_VERSYM = 0x6ffffff0, DT_VERDEF = 0x6ffffffc, DT_VERDEFNUM = 0x6ffffffd;
const SHT_HASH = 5, SHT_DYNAMIC = 6, SHT_GNU_HASH = 0x6ffffff6, SHT_GNU_VERDEF = 0x6ffffffd, SHT_GNU_VERSYM = 0x6fffffff;
const VER_FLG_BASE = 1;
/** LINUX_VERSION_CODE of the kernel Trapdoor imitates (6.18.0), in the "Linux" note as Linux's vDSO has it. */
const LINUX_VERSION_CODE = (6 << 16) | (18 << 8);

/** The SysV hash of DT_HASH and of symbol versions (vd_hash). */
export function elfHash(name: string): number {
  let h = 0;
  for (const c of Buffer.from(name, 'latin1')) {
    h = ((h << 4) + c) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h = (h & ~g) >>> 0;
  }
  return h;
}

/** The GNU hash of DT_GNU_HASH (Bernstein's h * 33 + c). */
export function gnuHash(name: string): number {
  let h = 5381;
  for (const c of Buffer.from(name, 'latin1')) h = (h * 33 + c) >>> 0;
  return h;
}

interface DynSym { name: string; value: number; size: number; info: number; shndx: number }

interface Piece { name: string; type: number; flags: number; align: number; entsize: number; data: Uint8Array; link?: string; info?: number; addr?: number }

/** What differs between the 64-bit vDSO and the 32-bit one (vdso32.ts). */
export interface VdsoElfClass {
  cls: 32 | 64;
  machine: number;
  /** The symbol versions defined, in order (Linux's linker script order); each gets an ABS symbol. */
  versions: string[];
  /** The version of an exported function. */
  versionOf: (name: string) => string;
}
const VDSO64: VdsoElfClass = { cls: 64, machine: EM_X86_64, versions: [VERSION], versionOf: () => VERSION };

/** Lays out and writes the ELF file: dynamic tables on page 0, the linked sections from TEXT_ADDRESS. */
export function writeVdsoElf(linkedSections: { name: string; flags: { exec: boolean }; data?: Uint8Array; size: number; address: bigint }[], symbols: OutSymbol[], k: VdsoElfClass = VDSO64): { bytes: Uint8Array; exports: string[] } {
  const cls = k.cls, W = cls / 8;
  /** An address-sized field (Elf32_Addr / Elf64_Addr and the like). */
  const word = (w: ByteWriter, v: number | bigint): void => w.uint(v, W);
  const firstLinked = 9;                     // section header index of the first linked section
  const shndxOf = (s: OutSymbol): number => (typeof s.section === 'number' ? firstLinked + s.section : SHN_ABS);
  const exported = symbols.filter((s) => s.binding !== 'local' && s.type === 'func' && typeof s.section === 'number');

  // .dynsym: the null symbol, each version's own ABS symbol (as ld writes it), the functions; sorted by GNU bucket.
  const nb = exported.length + k.versions.length < 3 ? 1 : exported.length + k.versions.length < 17 ? 3 : 17;
  const dynstr = new StringTable();
  const sonameOff = dynstr.add(SONAME);
  const versionOffs = k.versions.map((v) => dynstr.add(v));
  /** Version index of each name: 1 is the base (the SONAME), the defined versions follow from 2. */
  const verIndex = (v: string): number => 2 + k.versions.indexOf(v);
  let dyn: (DynSym & { ver: number })[] = [
    ...k.versions.map((v) => ({ name: v, value: 0, size: 0, info: (STB_GLOBAL << 4) | STT_OBJECT, shndx: SHN_ABS, ver: verIndex(v) })),
    ...exported.map((s) => ({ name: s.name, value: Number(s.value), size: Number(s.size), info: ((s.binding === 'weak' ? STB_WEAK : STB_GLOBAL) << 4) | STT_FUNC, shndx: shndxOf(s), ver: verIndex(k.versionOf(s.name)) })),
  ];
  dyn = dyn.map((d, i) => ({ d, i })).sort((a, b) => (gnuHash(a.d.name) % nb) - (gnuHash(b.d.name) % nb) || a.i - b.i).map((x) => x.d);
  dyn.unshift({ name: '', value: 0, size: 0, info: 0, shndx: 0, ver: 0 });
  const n = dyn.length;
  const dynsymW = new ByteWriter();
  for (const d of dyn) {
    // Elf64_Sym: name info other shndx value size; Elf32_Sym: name value size info other shndx.
    dynsymW.u32(d.name ? dynstr.add(d.name) : 0);
    if (cls === 64) { dynsymW.u8(d.info); dynsymW.u8(0); dynsymW.u16(d.shndx); dynsymW.u64(d.value); dynsymW.u64(d.size); }
    else { dynsymW.u32(d.value); dynsymW.u32(d.size); dynsymW.u8(d.info); dynsymW.u8(0); dynsymW.u16(d.shndx); }
  }
  // .hash (SysV): buckets of chains over all symbols.
  const bucket = new Array<number>(nb).fill(0), chain = new Array<number>(n).fill(0);
  for (let i = 1; i < n; i++) { const b = elfHash(dyn[i].name) % nb; chain[i] = bucket[b]; bucket[b] = i; }
  const hashW = new ByteWriter();
  [nb, n, ...bucket, ...chain].forEach((v) => hashW.u32(v));
  // .gnu.hash: symbols from index 1, one bloom word of the class's width (shift 6), chains ending with bit 0 set.
  const gnuW = new ByteWriter();
  const hashes = dyn.map((d) => gnuHash(d.name));
  let bloom = 0n;
  for (let i = 1; i < n; i++) bloom |= (1n << BigInt(hashes[i] % cls)) | (1n << BigInt((hashes[i] >>> 6) % cls));
  [nb, 1, 1, 6].forEach((v) => gnuW.u32(v));
  word(gnuW, bloom);
  for (let b = 0; b < nb; b++) { const first = hashes.findIndex((h, i) => i >= 1 && h % nb === b); gnuW.u32(first < 0 ? 0 : first); }
  for (let i = 1; i < n; i++) { const last = i === n - 1 || hashes[i + 1] % nb !== hashes[i] % nb; gnuW.u32((hashes[i] & ~1) | (last ? 1 : 0)); }
  // .gnu.version: each symbol's version index; .gnu.version_d: the base, then each version.
  const versymW = new ByteWriter();
  dyn.forEach((d) => versymW.u16(d.ver));
  const verdefW = new ByteWriter();
  const defs: [number, string, number][] = [[1, SONAME, sonameOff], ...k.versions.map((v, i): [number, string, number] => [i + 2, v, versionOffs[i]])];
  defs.forEach(([ndx, name, off], i) => {
    verdefW.u16(1); verdefW.u16(ndx === 1 ? VER_FLG_BASE : 0); verdefW.u16(ndx); verdefW.u16(1);
    verdefW.u32(elfHash(name)); verdefW.u32(20); verdefW.u32(i < defs.length - 1 ? 28 : 0);
    verdefW.u32(off); verdefW.u32(0);
  });
  const dynstrBytes = dynstr.finish();
  const noteW = new ByteWriter();
  noteW.u32(6); noteW.u32(4); noteW.u32(0); noteW.cstring('Linux'); noteW.alignTo(4); noteW.u32(LINUX_VERSION_CODE);

  const DYN_SIZE = 2 * W;
  const pieces: Piece[] = [
    { name: '.hash', type: SHT_HASH, flags: SHF_ALLOC, align: W, entsize: 4, data: hashW.finish(), link: '.dynsym' },
    { name: '.gnu.hash', type: SHT_GNU_HASH, flags: SHF_ALLOC, align: W, entsize: 0, data: gnuW.finish(), link: '.dynsym' },
    { name: '.dynsym', type: SHT_DYNSYM, flags: SHF_ALLOC, align: W, entsize: SYM_SIZE[cls], data: dynsymW.finish(), link: '.dynstr', info: 1 },
    { name: '.dynstr', type: SHT_STRTAB, flags: SHF_ALLOC, align: 1, entsize: 0, data: dynstrBytes },
    { name: '.gnu.version', type: SHT_GNU_VERSYM, flags: SHF_ALLOC, align: 2, entsize: 2, data: versymW.finish(), link: '.dynsym' },
    { name: '.gnu.version_d', type: SHT_GNU_VERDEF, flags: SHF_ALLOC, align: W, entsize: 0, data: verdefW.finish(), link: '.dynstr', info: defs.length },
    { name: '.dynamic', type: SHT_DYNAMIC, flags: SHF_ALLOC | SHF_WRITE, align: W, entsize: DYN_SIZE, data: new Uint8Array(DYN_SIZE * 11), link: '.dynstr' },
    { name: '.note', type: SHT_NOTE, flags: SHF_ALLOC, align: 4, entsize: 0, data: noteW.finish() },
  ];
  const PHNUM = 3;
  let at = EHDR_SIZE[cls] + PHNUM * PHDR_SIZE[cls];
  for (const p of pieces) { at = Math.ceil(at / p.align) * p.align; p.addr = at; at += p.data.length; }
  if (at > TEXT_ADDRESS) throw new Error(`vDSO dynamic tables (${at} bytes) overflow the first page`);
  const addrOf = (name: string): number => pieces.find((p) => p.name === name)!.addr!;
  const dynamicW = new ByteWriter();
  [[DT_HASH, addrOf('.hash')], [DT_GNU_HASH, addrOf('.gnu.hash')], [DT_STRTAB, addrOf('.dynstr')], [DT_SYMTAB, addrOf('.dynsym')],
    [DT_STRSZ, dynstrBytes.length], [DT_SYMENT, SYM_SIZE[cls]], [DT_SONAME, sonameOff], [DT_VERSYM, addrOf('.gnu.version')],
    [DT_VERDEF, addrOf('.gnu.version_d')], [DT_VERDEFNUM, defs.length], [DT_NULL, 0]].forEach(([tag, v]) => { word(dynamicW, tag); word(dynamicW, v); });
  pieces[6].data = dynamicW.finish();
  for (const s of linkedSections) {
    pieces.push({ name: s.name, type: SHT_PROGBITS, flags: SHF_ALLOC | (s.flags.exec ? SHF_EXECINSTR : 0), align: 16, entsize: 0, data: s.data ?? new Uint8Array(s.size), addr: Number(s.address) });
  }
  const loadEnd = Math.max(...pieces.map((p) => p.addr! + p.data.length));

  // .symtab for the debugger and readelf: a file symbol, local functions, then the exported ones.
  const strtab = new StringTable();
  const symW = new ByteWriter();
  symW.zeros(SYM_SIZE[cls]);
  const sym = (name: string, info: number, shndx: number, value: bigint, size: bigint): void => {
    symW.u32(strtab.add(name));
    if (cls === 64) { symW.u8(info); symW.u8(0); symW.u16(shndx); symW.u64(value); symW.u64(size); }
    else { symW.u32(value); symW.u32(size); symW.u8(info); symW.u8(0); symW.u16(shndx); }
  };
  const locals = symbols.filter((s) => s.binding === 'local' && (s.type === 'file' || typeof s.section === 'number'));
  for (const s of locals) sym(s.name, (STB_LOCAL << 4) | (s.type === 'file' ? STT_FILE : s.type === 'func' ? STT_FUNC : STT_NOTYPE), s.type === 'file' ? SHN_ABS : shndxOf(s), s.value, s.size);
  const globals = symbols.filter((s) => s.binding !== 'local' && typeof s.section === 'number');
  for (const s of globals) sym(s.name, ((s.binding === 'weak' ? STB_WEAK : STB_GLOBAL) << 4) | (s.type === 'func' ? STT_FUNC : s.type === 'object' ? STT_OBJECT : STT_NOTYPE), shndxOf(s), s.value, s.size);
  const shstr = new StringTable();
  const tail: Piece[] = [
    { name: '.symtab', type: SHT_SYMTAB, flags: 0, align: W, entsize: SYM_SIZE[cls], data: symW.finish(), link: '.strtab', info: 1 + locals.length },
    { name: '.strtab', type: SHT_STRTAB, flags: 0, align: 1, entsize: 0, data: strtab.finish() },
    { name: '.shstrtab', type: SHT_STRTAB, flags: 0, align: 1, entsize: 0, data: new Uint8Array(0) },
  ];
  const all = [...pieces, ...tail];
  for (const p of all) shstr.add(p.name);
  tail[2].data = shstr.finish();
  const offsets = new Map<Piece, number>();
  let off = loadEnd;
  for (const p of pieces) offsets.set(p, p.addr!);
  for (const p of tail) { off = Math.ceil(off / p.align) * p.align; offsets.set(p, off); off += p.data.length; }
  const shoff = Math.ceil(off / 8) * 8;
  const out = new Uint8Array(shoff + SHDR_SIZE[cls] * (all.length + 1));
  const dv = new DataView(out.buffer);
  for (const p of all) out.set(p.data, offsets.get(p)!);
  const put = (at: number, v: number): void => { if (cls === 64) dv.setBigUint64(at, BigInt(v), true); else dv.setUint32(at, v, true); };

  // ELF header: e_entry, e_phoff and e_shoff are address-sized; the 16-bit fields follow e_flags.
  out.set([0x7f, 0x45, 0x4c, 0x46, cls === 64 ? ELFCLASS64 : ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV]);
  dv.setUint16(16, ET_DYN, true); dv.setUint16(18, k.machine, true); dv.setUint32(20, EV_CURRENT, true);
  put(24, 0); put(24 + W, EHDR_SIZE[cls]); put(24 + 2 * W, shoff);
  const h = 24 + 3 * W + 4;                    // after e_flags
  dv.setUint16(h, EHDR_SIZE[cls], true); dv.setUint16(h + 2, PHDR_SIZE[cls], true); dv.setUint16(h + 4, PHNUM, true);
  dv.setUint16(h + 6, SHDR_SIZE[cls], true); dv.setUint16(h + 8, all.length + 1, true); dv.setUint16(h + 10, all.length, true);
  const phdr = (i: number, type: number, flags: number, offset: number, size: number, align: number): void => {
    const b = EHDR_SIZE[cls] + i * PHDR_SIZE[cls];
    dv.setUint32(b, type, true);
    if (cls === 64) {
      dv.setUint32(b + 4, flags, true);
      for (const [k8, v] of [[8, offset], [16, offset], [24, offset], [32, size], [40, size], [48, align]]) dv.setBigUint64(b + k8, BigInt(v), true);
    } else {
      // Elf32_Phdr: type offset vaddr paddr filesz memsz flags align.
      [offset, offset, offset, size, size, flags, align].forEach((v, j) => dv.setUint32(b + 4 + 4 * j, v, true));
    }
  };
  const dynPiece = pieces[6], notePiece = pieces[7];
  phdr(0, PT_LOAD, PF_R | PF_X, 0, loadEnd, PAGE);
  // Read-only .dynamic: glibc (>= 2.35) then leaves it alone instead of relocating it in place.
  phdr(1, PT_DYNAMIC, PF_R, dynPiece.addr!, dynPiece.data.length, W);
  phdr(2, PT_NOTE, PF_R, notePiece.addr!, notePiece.data.length, 4);

  // Section headers (index 0 is the null one): name type flags addr offset size link info addralign entsize.
  const index = (name: string | undefined): number => (name ? all.findIndex((p) => p.name === name) + 1 : 0);
  all.forEach((p, i) => {
    const b = shoff + (i + 1) * SHDR_SIZE[cls];
    dv.setUint32(b, shstr.add(p.name), true); dv.setUint32(b + 4, p.type, true);
    let q = b + 8;
    for (const v of [p.flags, p.flags & SHF_ALLOC ? p.addr! : 0, offsets.get(p)!, p.data.length]) { put(q, v); q += W; }
    dv.setUint32(q, index(p.link), true); dv.setUint32(q + 4, p.info ?? 0, true); q += 8;
    put(q, p.align); put(q + W, p.entsize);
  });
  return { bytes: out, exports: exported.map((s) => s.name) };
}
