// Helpers for the NASM front-end tests: parse a source (with in-memory include files) and print
// statements and diagnostics as short strings that assertions can compare.

import { Expr } from '../../../emulator/asm/expr';
import { Diagnostic, Operand, ParsedSource, SourceReader, Stmt } from '../../../emulator/asm/ir';
import { parseNasm } from '../../../emulator/asm/nasm/parser';

export function memReader(files: Record<string, string>): SourceReader {
  return { read: (p) => (p in files ? { path: p, text: files[p] } : undefined) };
}

export function parse(text: string, files: Record<string, string> = {}, opts?: { bits?: 32 | 64; defines?: Record<string, string> }): ParsedSource {
  return parseNasm('t.asm', text, memReader(files), opts);
}

export function fmtExpr(e: Expr): string {
  switch (e.kind) {
    case 'num': return String(e.value);
    case 'sym': return e.name.replace('\u0002', '@');
    case 'dot': return '$';
    case 'sectionStart': return '$$';
    case 'unary': return `${e.op}${fmtExpr(e.arg)}`;
    case 'binary': return `(${fmtExpr(e.left)}${e.op}${fmtExpr(e.right)})`;
  }
}

function fmtOperand(o: Operand): string {
  if (o.kind === 'reg') return o.reg;
  if (o.kind === 'imm') return fmtExpr(o.expr);
  const parts = [o.base, o.index && `${o.index}*${o.scale}`, o.disp && fmtExpr(o.disp)].filter(Boolean);
  return `${o.size ? o.size + ':' : ''}${o.ripRel ? 'rel ' : ''}[${parts.join('+')}]`;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function fmtStmt(s: Stmt): string {
  switch (s.kind) {
    case 'label': return `label ${s.name.replace('\u0002', '@')}`;
    case 'insn': return `${[...s.insn.prefixes, s.insn.mnemonic].join(' ')} ${s.insn.operands.map(fmtOperand).join(',')}`.trim();
    case 'data': return `d${s.width} ${s.items.map((i) => (i instanceof Uint8Array ? hex(i) : fmtExpr(i))).join(' ')}`;
    case 'space': return `space ${fmtExpr(s.size)}${s.fill ? ' fill ' + fmtExpr(s.fill) : ''}`;
    case 'align': return `align ${fmtExpr(s.align)}${s.fill ? ' fill ' + fmtExpr(s.fill) : ''}`;
    case 'section': return `section ${s.name} ${s.flags} ${s.type}`;
    case 'set': return `set ${s.name.replace('\u0002', '@')} ${fmtExpr(s.expr)}`;
    case 'times': return `times ${fmtExpr(s.count)} ${fmtStmt(s.stmt)}`;
    case 'bits': return `bits ${s.bits}`;
    case 'global': case 'extern': case 'local': case 'weak': return `${s.kind} ${s.names.join(',')}`;
    case 'comm': return `comm ${s.name} ${fmtExpr(s.size)}${s.align ? ' ' + fmtExpr(s.align) : ''}`;
    case 'type': return `type ${s.name} ${s.type}`;
    case 'size': return `size ${s.name} ${fmtExpr(s.expr)}`;
    case 'fill': return `fill ${fmtExpr(s.repeat)} ${fmtExpr(s.size)} ${fmtExpr(s.value)}`;
    case 'org': return `org ${fmtExpr(s.offset)}`;
  }
}

/** Statements after the implicit `.text` entry (section + alignment) every file starts with. */
export function stmts(text: string, files?: Record<string, string>): string[] {
  return parse(text, files).stmts.slice(2).map(fmtStmt);
}

/** Statements with `line:col` in front. */
export function stmtsAt(text: string, files?: Record<string, string>): string[] {
  return parse(text, files).stmts.slice(2).map((s) => `${s.loc.file}:${s.loc.line}:${s.loc.col} ${fmtStmt(s)}`);
}

export function fmtDiag(d: Diagnostic): string {
  return `${d.loc.file}:${d.loc.line}:${d.loc.col}: ${d.severity}: ${d.message}`;
}

export function diags(text: string, files?: Record<string, string>): string[] {
  return parse(text, files).diagnostics.map(fmtDiag);
}
