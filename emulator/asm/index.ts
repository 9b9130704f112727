// The assembler's public entry: source files -> a static ELF executable with symbols and a line
// table. The syntax is chosen by file name, as users expect: .s/.S are GNU as, .asm/.nasm NASM.

import * as fs from 'fs';
import * as path from 'path';
import { assembleObject } from './assemble';
import { Diagnostic, ParsedSource, SourceReader, formatDiagnostic } from './ir';
import { LinkResult, link } from './link';
import { ObjectFile } from './object';
import { parseGas } from './gas/parser';
import { parseNasm } from './nasm/parser';

export { formatDiagnostic };
export type { Diagnostic };

export interface SourceInput {
  /** Path as the user wrote it; used in diagnostics and the line table. */
  path: string;
  /** Text of the file; read from disk when absent. */
  text?: string;
}

export interface AssembleOptions {
  /** 32 for an i386 ELF32 executable (`--32`); default 64. */
  bits?: 32 | 64;
  /** Extra folders searched by `.include` / `%include`. */
  includePaths?: string[];
  /** Reads included files; default: the file system. */
  reader?: SourceReader;
  compDir?: string;
  /** Link at this address, page per section, without writing an ELF file (the kernel image). */
  base?: bigint;
  /** Entry symbol (default `_start`); null for none. */
  entry?: string | null;
}

export interface AssembleResult extends Partial<LinkResult> {
  /** The executable, when there were no errors. */
  image?: Uint8Array;
  diagnostics: Diagnostic[];
  objects: ObjectFile[];
}

export type Syntax = 'gas' | 'nasm';

export function syntaxOf(file: string): Syntax {
  return /\.(asm|nasm|inc)$/i.test(file) ? 'nasm' : 'gas';
}

/** A reader over the file system, searching the including file's folder, then `includePaths`. */
export function fileReader(includePaths: string[] = []): SourceReader {
  return {
    read(p: string, fromFile: string) {
      const candidates = path.isAbsolute(p) ? [p] : [path.join(path.dirname(fromFile), p), p, ...includePaths.map((d) => path.join(d, p))];
      for (const c of candidates) {
        try {
          return { path: c, text: fs.readFileSync(c, 'latin1') };
        } catch {
          // try the next folder
        }
      }
      return undefined;
    },
  };
}

export function parseSource(file: string, text: string, reader: SourceReader, bits: 32 | 64): ParsedSource {
  return syntaxOf(file) === 'nasm' ? parseNasm(file, text, reader, { bits }) : parseGas(file, text, reader, { bits });
}

/**
 * A program is 32-bit when every source starts (before any code or data) with `.code32` or
 * `bits 32`, as a user who writes that at the top means an i386 program.
 */
function startsIn32Bit(parsed: ParsedSource[]): boolean {
  return parsed.length > 0 && parsed.every((p) => {
    for (const st of p.stmts) {
      if (st.kind === 'bits') return st.bits === 32;
      if (st.kind === 'insn' || st.kind === 'data' || st.kind === 'space' || st.kind === 'times') return false;
    }
    return false;
  });
}

/** Assembles and links: all errors of all files are returned, sorted by file and line. */
export function assembleProgram(inputs: SourceInput[], opts: AssembleOptions = {}): AssembleResult {
  const reader = opts.reader ?? fileReader(opts.includePaths);
  const diagnostics: Diagnostic[] = [];
  const objects: ObjectFile[] = [];
  const texts: { path: string; text: string }[] = [];
  for (const input of inputs) {
    let text = input.text;
    if (text === undefined) {
      try {
        text = fs.readFileSync(input.path, 'latin1');
      } catch (e) {
        diagnostics.push({ loc: { file: input.path, line: 0, col: 0 }, severity: 'error', message: `can't open ${input.path} for reading: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}` });
        continue;
      }
    }
    texts.push({ path: input.path, text });
  }
  let bits = opts.bits ?? 64;
  let parsedAll = texts.map((t) => parseSource(t.path, t.text, reader, bits));
  if (opts.bits === undefined && startsIn32Bit(parsedAll)) {
    bits = 32;
    parsedAll = texts.map((t) => parseSource(t.path, t.text, reader, bits));
  }
  for (const parsed of parsedAll) {
    const { object, diagnostics: d } = assembleObject(parsed, bits);
    diagnostics.push(...d);
    objects.push(object);
  }
  const failed = (): boolean => diagnostics.some((d) => d.severity === 'error');
  if (failed() || objects.length === 0) return { diagnostics: sortDiagnostics(diagnostics), objects };
  const linked = link(objects, { compDir: opts.compDir, producer: 'Trapdoor assembler', base: opts.base, entry: opts.entry });
  diagnostics.push(...linked.diagnostics);
  return { ...linked, image: failed() ? undefined : linked.image, diagnostics: sortDiagnostics(diagnostics), objects };
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const files: string[] = [];
  for (const d of ds) if (!files.includes(d.loc.file)) files.push(d.loc.file);
  return [...ds].sort((a, b) => files.indexOf(a.loc.file) - files.indexOf(b.loc.file) || a.loc.line - b.loc.line || a.loc.col - b.loc.col);
}
