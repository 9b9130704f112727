// The NASM front-end's entry point (.asm / .nasm sources): binds the statement parser to the
// shared Intel instruction parser (NASM dialect) and the encoder's mnemonic table.

import { ParsedSource, SourceReader } from '../ir';
import { isKnownMnemonic } from '../x86/encode';
import { parseIntelInstruction } from '../x86/intel';
import { InsnHooks, NasmOptions, parseNasmWith } from './statements';

const hooks: InsnHooks = {
  parseInsn: (text, loc, opts) => parseIntelInstruction(text, loc, 'nasm', { defaultRel: opts.defaultRel }),
  isMnemonic: isKnownMnemonic,
};

/** Parses one NASM source file into statements (macros expanded, local labels renamed) and diagnostics. */
export function parseNasm(file: string, text: string, reader: SourceReader, opts?: NasmOptions): ParsedSource {
  return parseNasmWith(hooks, file, text, reader, opts);
}
