// Shared helpers of the GAS front-end tests: an in-memory SourceReader, parsing shortcuts and
// compact views of statements and diagnostics that read well in assertions.

import { tryConst } from '../../../emulator/asm/expr';
import { parseGas } from '../../../emulator/asm/gas/parser';
import { DataItem, ParsedSource, SourceReader, Stmt } from '../../../emulator/asm/ir';

export function memReader(files: Record<string, string>): SourceReader {
  return {
    read(path: string) {
      return path in files ? { path, text: files[path] } : undefined;
    },
  };
}

export function parse(text: string, file = 't.s', files: Record<string, string> = {}): ParsedSource {
  return parseGas(file, text, memReader(files));
}

/** Diagnostics as `line:col: severity: message` strings. */
export function diags(p: ParsedSource): string[] {
  return p.diagnostics.map((d) => `${d.loc.line}:${d.loc.col}: ${d.severity}: ${d.message}`);
}

/** Bytes of all data statements (items must be constants, or symbols set to constants before), in order. */
export function dataBytes(p: ParsedSource): number[] {
  const out: number[] = [];
  const sets = new Map<string, bigint>();
  for (const s of p.stmts) {
    if (s.kind === 'set') {
      const v = tryConst(s.expr, (n) => sets.get(n));
      if (v !== undefined) sets.set(s.name, v);
    }
    if (s.kind !== 'data') continue;
    for (const it of s.items) out.push(...itemBytes(it, s.width, sets));
  }
  return out;
}

function itemBytes(it: DataItem, width: number, sets: Map<string, bigint>): number[] {
  if (it instanceof Uint8Array) return [...it];
  const v = tryConst(it, (n) => sets.get(n));
  if (v === undefined) throw new Error('data item is not a constant');
  const out: number[] = [];
  let u = BigInt.asUintN(width * 8, v);
  for (let i = 0; i < width; i++, u >>= 8n) out.push(Number(u & 0xffn));
  return out;
}

/** One line per statement: `line:col kind detail` (names with \u0002 shown as `#`). */
export function brief(p: ParsedSource): string[] {
  return p.stmts.map((s) => `${s.loc.line}:${s.loc.col} ${describe(s)}`.replace(/\u0002/g, '#'));
}

function describe(s: Stmt): string {
  switch (s.kind) {
    case 'label': return `label ${s.name}`;
    case 'insn': return `insn ${s.insn.mnemonic}`;
    case 'set': return `set ${s.name}`;
    case 'section': return `section ${s.name}${s.flags !== undefined ? ` ${s.flags}` : ''}${s.type ? ` ${s.type}` : ''}`;
    case 'global': case 'local': case 'weak': case 'extern': return `${s.kind} ${s.names.join(',')}`;
    case 'type': return `type ${s.name} ${s.type}`;
    case 'data': return `data${s.width}`;
    case 'bits': return `bits ${s.bits}`;
    default: return s.kind;
  }
}
