// The C prototypes of the syscall entry points, read from include/linux/syscall-prototypes.h: the
// "signature" column of `trapdoor syscalls` and the Syscall Table view. The header is found from the
// .tbl directory (table.ts's findTableDir), so the two data files travel together.

import * as fs from 'fs';
import * as path from 'path';
import { findTableDir } from './table';

export interface PrototypeArg {
  /** The C type as Linux writes it, `__user` included: `const char __user *`. */
  type: string;
  name: string;
}

export interface Prototype {
  returnType: string;
  args: PrototypeArg[];
  /** The whole declaration on one line, as the header has it (without the `;`). */
  text: string;
}

export const PROTOTYPE_FILE = 'syscall-prototypes.h';
/** Where the header sits relative to the .tbl directory (arch/x86/entry/syscalls). */
const FROM_TABLE_DIR = ['..', '..', '..', '..', 'include', 'linux'];

const IDENT = /^[A-Za-z_]\w*$/;

/** Parses the header's text into entry point -> prototype. `file` only names the source in errors. */
export function parsePrototypes(text: string, file = PROTOTYPE_FILE): Map<string, Prototype> {
  const protos = new Map<string, Prototype>();
  // Blank out comments but keep newlines, so statement line numbers stay right for error messages.
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
  let line = 1;
  for (const raw of code.split(';')) {
    const where = `${file}:${line + countNewlines(raw.slice(0, raw.length - raw.trimStart().length))}`;
    line += countNewlines(raw);
    const stmt = raw.replace(/\s+/g, ' ').trim();
    if (stmt === '') continue;
    const m = /^asmlinkage (.+?) ?\b([A-Za-z_]\w*) ?\((.*)\)$/.exec(stmt);
    if (!m) throw new Error(`${where}: expected 'asmlinkage <type> <name>(<args>)', got '${stmt}'`);
    const [, returnType, entry, argText] = m;
    if (protos.has(entry)) throw new Error(`${where}: ${entry} declared twice`);
    const args = argText.trim() === 'void' ? [] : argText.split(',').map((a) => parseArg(a, `${where}: ${entry}`));
    if (args.length > 6) throw new Error(`${where}: ${entry} has ${args.length} arguments; a syscall has at most 6`);
    protos.set(entry, { returnType: returnType.trim(), args, text: normalizeText(stmt) });
  }
  return protos;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** `const char __user *buf` -> { type: 'const char __user *', name: 'buf' }; unnamed arguments are errors. */
function parseArg(text: string, where: string): PrototypeArg {
  const m = /^(.*?)([A-Za-z_]\w*)$/.exec(text.trim());
  const type = m ? normalizeType(m[1]) : '';
  // A lone type (`int`, `size_t`) would leave the type empty or end in a keyword-ish word; the
  // header's rule is that every argument is named, so insist on both halves.
  if (!m || type === '' || !/[\w*]$/.test(type) || !IDENT.test(m[2])) {
    throw new Error(`${where}: argument '${text.trim()}' needs a type and a name`);
  }
  return { type, name: m[2] };
}

/** Linux's spacing: `struct iocb __user * __user *`, `const char __user *const __user *`. */
function normalizeType(t: string): string {
  return t
    .replace(/\s+/g, ' ')
    .replace(/\s*\*\s*/g, ' * ')
    .replace(/\* (?=\*|const\b)/g, '*')
    .trim();
}

/** The declaration with Linux's spacing: `long sys_write(unsigned int fd, const char __user *buf, ...)`. */
function normalizeText(stmt: string): string {
  return stmt.replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ ,/g, ',');
}

/** The argument list a user reads: no `__user` annotations, stars against the name. */
export function userArg(a: PrototypeArg): string {
  const type = a.type.replace(/\b__user\b/g, '').replace(/\s+/g, ' ').replace(/\* \*/g, '**').trim();
  const compact = type.replace(/\* (?=\w)/g, '*');
  return compact.endsWith('*') ? `${compact}${a.name}` : `${compact} ${a.name}`;
}

/** Finds the header: include/linux beside the .tbl files' arch/ tree. */
export function findPrototypeFile(start?: string): string {
  return path.join(findTableDir(start), ...FROM_TABLE_DIR, PROTOTYPE_FILE);
}

let cached: Map<string, Prototype> | undefined;

/**
 * The prototypes, read once. `readText` replaces the file system (a bundler's raw-text import,
 * tests); it is asked for PROTOTYPE_FILE.
 */
export function loadPrototypes(readText?: (file: string) => string): Map<string, Prototype> {
  if (readText) return parsePrototypes(readText(PROTOTYPE_FILE));
  if (!cached) {
    const file = findPrototypeFile();
    cached = parsePrototypes(fs.readFileSync(file, 'utf8'), file);
  }
  return cached;
}

/**
 * The user-facing signature of syscall `name` whose handler is `entry`:
 * signatureFor('sys_write', 'write') -> 'write(unsigned int fd, const char *buf, size_t count)'.
 * Throws for an entry point the header does not declare (every .tbl entry has one; a test checks).
 */
export function signatureFor(entry: string, name: string, protos = loadPrototypes()): string {
  const p = protos.get(entry);
  if (!p) throw new Error(`no prototype for syscall entry point '${entry}' in ${PROTOTYPE_FILE}`);
  return `${name}(${p.args.length === 0 ? 'void' : p.args.map(userArg).join(', ')})`;
}
