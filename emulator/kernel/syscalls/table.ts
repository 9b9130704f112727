// The syscall tables: parses syscall_64.tbl / syscall_32.tbl (Linux's format) into entries. This is
// the single source of syscall numbers and names for the kernel image, the tracer, the
// `trapdoor syscalls` command and the views. Loading the files happens only in loadSyscallTables().

import * as fs from 'fs';
import * as path from 'path';

/** The ABI a process uses to enter the kernel: the 64-bit table (syscall) or the i386 one (int $0x80). */
export type SyscallAbi = '64' | 'i386';

export interface SyscallEntry {
  nr: number;
  abi: SyscallAbi;
  name: string;
  /** Handler symbol; `sys_ni_syscall` for numbers Linux reserves without implementing them. */
  entry: string;
  /** The .tbl's own abi column: common, 64 and x32 in the 64-bit table, i386 in the other. */
  tableAbi: 'common' | '64' | 'x32' | 'i386';
  /** The compat entry point column (i386 table), when present and not "-". */
  compatEntry?: string;
  /** The call never returns to its caller (exit, exit_group). */
  noreturn: boolean;
  /** Linux reserves the number but has no entry point for it. */
  reserved: boolean;
}

/** Where the .tbl files live, relative to the repository (and to a bundle's root). */
export const TABLE_DIR = path.join('emulator', 'kernel', 'arch', 'x86', 'entry', 'syscalls');
export const TABLE_FILES: Record<SyscallAbi, string> = { '64': 'syscall_64.tbl', i386: 'syscall_32.tbl' };

const TABLE_ABIS = new Set(['common', '64', 'x32', 'i386']);

/** Parses the text of a .tbl file. `file` only names the source in error messages. */
export function parseSyscallTable(text: string, abi: SyscallAbi, file = TABLE_FILES[abi]): SyscallEntry[] {
  const entries: SyscallEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*/, '').trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const where = `${file}:${i + 1}`;
    if (f.length < 3 || f.length > 6) throw new Error(`${where}: expected <number> <abi> <name> [<entry> [<compat> [noreturn]]]`);
    if (!/^\d+$/.test(f[0])) throw new Error(`${where}: bad syscall number '${f[0]}'`);
    if (!TABLE_ABIS.has(f[1])) throw new Error(`${where}: unknown abi '${f[1]}'`);
    if ((abi === 'i386') !== (f[1] === 'i386')) throw new Error(`${where}: abi '${f[1]}' does not belong in ${file}`);
    if (f.length === 6 && f[5] !== 'noreturn') throw new Error(`${where}: unknown flag '${f[5]}'`);
    const e: SyscallEntry = {
      nr: Number(f[0]),
      abi,
      name: f[2],
      entry: f[3] ?? 'sys_ni_syscall',
      tableAbi: f[1] as SyscallEntry['tableAbi'],
      noreturn: f[5] === 'noreturn',
      reserved: f.length === 3,
    };
    if (f[4] !== undefined && f[4] !== '-') e.compatEntry = f[4];
    entries.push(e);
  }
  return entries;
}

/** One ABI's table with lookups by number and by name. */
export class SyscallTable {
  private readonly byNr = new Map<number, SyscallEntry>();
  private readonly x32ByNr = new Map<number, SyscallEntry>();
  private readonly byName = new Map<string, SyscallEntry>();

  constructor(readonly abi: SyscallAbi, readonly entries: readonly SyscallEntry[]) {
    for (const e of entries) {
      // x32 numbers live in their own space (bit 30 set by the caller), so they never shadow native ones.
      const map = e.tableAbi === 'x32' ? this.x32ByNr : this.byNr;
      if (map.has(e.nr)) throw new Error(`${TABLE_FILES[abi]}: number ${e.nr} appears twice (${map.get(e.nr)!.name}, ${e.name})`);
      map.set(e.nr, e);
      if (e.tableAbi !== 'x32' && !this.byName.has(e.name)) this.byName.set(e.name, e);
    }
  }

  /** The native entry for a number (common/64 or i386), undefined for gaps and out-of-range numbers. */
  get(nr: number): SyscallEntry | undefined {
    return this.byNr.get(nr);
  }

  /** The x32 entry for a number without the x32 bit (512..547 are x32-only). */
  getX32(nr: number): SyscallEntry | undefined {
    return this.x32ByNr.get(nr) ?? this.byNr.get(nr);
  }

  lookup(name: string): SyscallEntry | undefined {
    return this.byName.get(name);
  }

  name(nr: number): string | undefined {
    return this.byNr.get(nr)?.name;
  }

  /** NR_syscalls: one past the highest native number (the kernel's range check). */
  get count(): number {
    let max = -1;
    for (const nr of this.byNr.keys()) max = Math.max(max, nr);
    return max + 1;
  }
}

export interface SyscallTables {
  '64': SyscallTable;
  i386: SyscallTable;
}

/** Builds both tables from their texts (a bundler can hand the files over as strings). */
export function tablesFromText(text64: string, text32: string): SyscallTables {
  return {
    '64': new SyscallTable('64', parseSyscallTable(text64, '64')),
    i386: new SyscallTable('i386', parseSyscallTable(text32, 'i386')),
  };
}

/** Finds the directory holding the .tbl files: beside the sources, or the source tree when run from out/. */
export function findTableDir(start = __dirname): string {
  // Beside the sources (emulator/kernel/syscalls), or in the kernel tree copied next to a bundle (dist/kernel).
  const candidates = [path.join(start, '..', 'arch', 'x86', 'entry', 'syscalls'), path.join(start, 'kernel', 'arch', 'x86', 'entry', 'syscalls')];
  for (let dir = start, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, TABLE_DIR));
  for (const c of candidates) if (fs.existsSync(path.join(c, TABLE_FILES['64']))) return c;
  throw new Error(`cannot find ${TABLE_FILES['64']} near ${start}`);
}

let cached: SyscallTables | undefined;

/**
 * The tables, read once. `readText` replaces the file system (webpack's raw-text imports, tests);
 * by default the files are found relative to this module.
 */
export function loadSyscallTables(readText?: (file: string) => string): SyscallTables {
  if (readText) return tablesFromText(readText(TABLE_FILES['64']), readText(TABLE_FILES.i386));
  if (!cached) {
    const dir = findTableDir();
    const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
    cached = tablesFromText(read(TABLE_FILES['64']), read(TABLE_FILES.i386));
  }
  return cached;
}

/** The name strace prints for a call: the table's name, or syscall_0x3e8 for unknown numbers. */
export function syscallDisplayName(abi: SyscallAbi, nr: number, tables = loadSyscallTables()): string {
  return tables[abi].name(nr) ?? `syscall_0x${nr.toString(16)}`;
}
