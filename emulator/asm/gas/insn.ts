// The GAS front-end's link to the instruction parsers (AT&T and Intel syntax), which live in
// emulator/asm/x86/. Bound on first use so directive/label/macro handling works and is testable
// even in a tree where an instruction parser is not built yet.

import { AsmError, Insn, SourceLoc } from '../ir';

type AttParser = (text: string, loc: SourceLoc) => Insn;
type IntelParser = (text: string, loc: SourceLoc, dialect: 'gas' | 'nasm') => Insn;

let att: AttParser | undefined;
let intel: IntelParser | undefined;

function load<T>(module: string, name: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const m = require(module) as Record<string, unknown>;
    if (typeof m[name] === 'function') return m[name] as T;
  } catch {
    // fall through to the error below
  }
  throw new AsmError(`instruction parser \`${name}' is not available`);
}

export function parseAtt(text: string, loc: SourceLoc): Insn {
  att ??= load<AttParser>('../x86/att', 'parseAttInstruction');
  return att(text, loc);
}

export function parseIntel(text: string, loc: SourceLoc): Insn {
  intel ??= load<IntelParser>('../x86/intel', 'parseIntelInstruction');
  return intel(text, loc, 'gas');
}
