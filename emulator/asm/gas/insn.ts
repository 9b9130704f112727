// The GAS front-end's link to the instruction parsers: AT&T syntax by default, Intel syntax
// (GNU as flavour) after `.intel_syntax`. Both live in emulator/asm/x86/.

import { Insn, SourceLoc } from '../ir';
import { parseAttInstruction } from '../x86/att';
import { parseIntelInstruction } from '../x86/intel';

export function parseAtt(text: string, loc: SourceLoc): Insn {
  return parseAttInstruction(text, loc);
}

export function parseIntel(text: string, loc: SourceLoc): Insn {
  return parseIntelInstruction(text, loc, 'gas');
}
