// The kernel build: every .S file of the kernel tree, assembled by Trapdoor's own assembler and
// linked at KERNEL_BASE, as Linux's Makefiles would. Like Linux's build it first generates
// headers: asm-offsets.h and vmcall.h from abi.ts, and the system call tables from
// syscall_64.tbl / syscall_32.tbl (a number whose handler the kernel does not define gets
// sys_ni_syscall, so "implemented" simply means "a handler exists in the tree").

import * as fs from 'fs';
import * as path from 'path';
import { assembleObject } from '../asm/assemble';
import { formatDiagnostic, parseSource } from '../asm/index';
import { Diagnostic, SourceReader } from '../asm/ir';
import { link } from '../asm/link';
import { ObjectFile } from '../asm/object';
import { LineRow, OutSection } from '../elf/writer';
import { KERNEL_BASE, asmOffsetsHeader, vmcallHeader } from './abi';
import { SyscallAbi, SyscallTables, loadSyscallTables } from './syscalls/table';
import { cacheKey, loadCached, storeCached } from './build-cache';
import { vdso32Header } from './vdso32';

export interface KernelSyscall {
  nr: number;
  abi: SyscallAbi;
  name: string;
  /** The handler the table names (`sys_write`), whether or not the kernel defines it. */
  entry: string;
  /** The function the table really points at: `entry`, or `sys_ni_syscall`. */
  handler: string;
  implemented: boolean;
  address: bigint;
}

export interface KernelImage {
  treeDir: string;
  entry: bigint;
  sections: (OutSection & { address: bigint })[];
  /** Global and local symbols with their addresses. */
  symbols: Map<string, bigint>;
  /** Functions and data sorted by address, for address -> symbol+offset. */
  sortedSymbols: { name: string; address: bigint; size: bigint }[];
  lines: LineRow[];
  syscalls: KernelSyscall[];
  files: string[];
}

export class KernelBuildError extends Error {
  constructor(public readonly diagnostics: Diagnostic[]) {
    super(`the kernel does not build:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  }
}

const MARKER = path.join('arch', 'x86', 'entry', 'entry_64.S');
const TABLE_SOURCE = path.join('arch', 'x86', 'entry', 'syscall_64.S');

/** The kernel tree shipped with Trapdoor: beside the sources, or copied next to the bundle. */
export function findKernelTree(start = __dirname): string {
  const candidates = [start, path.join(start, 'kernel')];
  for (let dir = start, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, 'emulator', 'kernel'), path.join(dir, 'dist', 'kernel'));
  for (const c of candidates) if (fs.existsSync(path.join(c, MARKER))) return c;
  throw new Error(`cannot find the kernel sources (${MARKER}) near ${start}`);
}

function sourcesOf(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    // The vDSO is a separate shared object (vdso.ts builds it), as Linux's Makefile builds it apart.
    if (e.isDirectory()) {
      if (p.endsWith(path.join('entry', 'vdso'))) continue;
      out.push(...sourcesOf(p));
    }
    else if (e.name.endsWith('.S')) out.push(p);
  }
  return out.sort();
}

function syscallHeader(tables: SyscallTables, abi: SyscallAbi, defined: Set<string>): { text: string; rows: Omit<KernelSyscall, 'address'>[] } {
  const entries = tables[abi].entries.filter((e) => e.tableAbi !== 'x32');
  const max = entries.reduce((m, e) => Math.max(m, e.nr), -1);
  const byNr = new Map(entries.map((e) => [e.nr, e]));
  const nrName = abi === '64' ? 'NR_syscalls' : 'IA32_NR_syscalls';
  const lines = [`/* Generated from syscall_${abi === '64' ? '64' : '32'}.tbl by the kernel build: do not edit. */`];
  const rows: Omit<KernelSyscall, 'address'>[] = [];
  for (let nr = 0; nr <= max; nr++) {
    const e = byNr.get(nr);
    const wanted = e ? (abi === 'i386' ? e.compatEntry ?? e.entry : e.entry) : undefined;
    const handler = wanted && defined.has(wanted) ? wanted : 'sys_ni_syscall';
    lines.push(`__SYSCALL(${nr}, ${handler})`);
    if (e) rows.push({ nr, abi, name: e.name, entry: wanted ?? 'sys_ni_syscall', handler, implemented: handler !== 'sys_ni_syscall' });
  }
  lines.push(`\t.globl ${nrName}`, `\t.set ${nrName}, ${max + 1}`);
  return { text: lines.join('\n') + '\n', rows };
}

const cache = new Map<string, KernelImage>();

/** Builds (once per tree and process) the kernel image. Throws KernelBuildError with diagnostics. */
export function buildKernel(treeDir = findKernelTree()): KernelImage {
  const hit = cache.get(treeDir);
  if (hit) return hit;
  const virtual = new Map<string, string>([
    ['asm/asm-offsets.h', asmOffsetsHeader()],
    ['asm/vmcall.h', vmcallHeader()],
  ]);
  // (The 32-bit vDSO header comes from files of the tree, which the key hashes already: it is
  // only made -- by assembling the vDSO -- when the kernel is really built.)
  const key = cacheKey(treeDir, [...virtual.values()]);
  const stored = loadCached(key);
  if (stored && stored.treeDir === treeDir) {
    cache.set(treeDir, stored);
    return stored;
  }
  // Where the 32-bit vDSO's SYSENTER return lands (Linux links vdso-image-32.c into the kernel).
  virtual.set('asm/vdso-image-32.h', vdso32Header(treeDir));
  const includeDirs = [path.join(treeDir, 'include'), path.join(treeDir, 'arch', 'x86', 'include')];
  const reader: SourceReader = {
    read(p: string, fromFile: string) {
      const v = virtual.get(p);
      if (v !== undefined) return { path: path.join(treeDir, 'generated', p), text: v };
      for (const dir of [path.dirname(fromFile), ...includeDirs]) {
        const full = path.join(dir, p);
        if (fs.existsSync(full)) return { path: full, text: fs.readFileSync(full, 'latin1') };
      }
      return undefined;
    },
  };
  const assemble = (file: string): { object: ObjectFile; diagnostics: Diagnostic[] } =>
    assembleObject(parseSource(file, fs.readFileSync(file, 'latin1'), reader, 64), 64);

  const files = sourcesOf(treeDir);
  const tableFile = path.join(treeDir, TABLE_SOURCE);
  const objects: ObjectFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    if (f === tableFile) continue;
    const r = assemble(f);
    diagnostics.push(...r.diagnostics.filter((d) => d.severity === 'error'));
    objects.push(r.object);
  }
  const defined = new Set<string>();
  for (const o of objects) for (const s of o.symbols.values()) if (s.global && s.def) defined.add(s.name);

  // The tree's own tables: a teacher adds a call to syscall_64.tbl in their copy.
  const tableDir = path.join(treeDir, 'arch', 'x86', 'entry', 'syscalls');
  const tables = loadSyscallTables((f) => fs.readFileSync(path.join(tableDir, f), 'utf8'));
  const t64 = syscallHeader(tables, '64', defined);
  const t32 = syscallHeader(tables, 'i386', defined);
  virtual.set('generated/asm/syscalls_64.h', t64.text);
  virtual.set('generated/asm/syscalls_32.h', t32.text);
  const table = assemble(tableFile);
  diagnostics.push(...table.diagnostics.filter((d) => d.severity === 'error'));
  objects.push(table.object);
  if (diagnostics.length) throw new KernelBuildError(diagnostics);

  const linked = link(objects, { base: KERNEL_BASE, entry: 'start_kernel', producer: 'Trapdoor kernel build' });
  const errors = linked.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new KernelBuildError(errors);

  const symbols = new Map<string, bigint>();
  for (const s of linked.symbols) if (s.type !== 'file' && s.section !== 'abs') symbols.set(s.name, s.value);
  const sortedSymbols = linked.symbols
    .filter((s) => s.type === 'func' || s.type === 'object' || (s.type === 'notype' && s.section !== 'abs'))
    .filter((s) => s.section !== 'abs')
    .map((s) => ({ name: s.name, address: s.value, size: s.size }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const syscalls = [...t64.rows, ...t32.rows].map((r) => ({ ...r, address: symbols.get(r.handler) ?? 0n }));
  const image: KernelImage = {
    treeDir,
    entry: linked.entry,
    sections: linked.outSections,
    symbols,
    sortedSymbols,
    lines: linked.lines,
    syscalls,
    files,
  };
  cache.set(treeDir, image);
  storeCached(key, image);
  return image;
}
