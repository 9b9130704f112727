// The kernel's ways back to user mode, for "step out of the kernel": every SYSRET, IRET and SYSEXIT
// instruction in the kernel's text, found by decoding each function from its symbol to the next.
// The debugger runs to any of them at full speed, executes the one reached, and looks where it
// landed (an iretq also returns from an exception taken in the kernel itself: then on to the next).
// Found by decoding rather than by name, so a kernel tree a teacher changed is covered too.

import { Decoder, DecoderOptions, Instruction, Mnemonic } from 'iced-x86';
import { KernelImage } from '../kernel/build';
import { DebugMemory } from './memory';

const RETURNS = new Set<Mnemonic>([Mnemonic.Sysretq, Mnemonic.Sysret, Mnemonic.Iretq, Mnemonic.Iret, Mnemonic.Iretd, Mnemonic.Sysexit, Mnemonic.Sysexitq]);

export function kernelReturns(mem: DebugMemory, kernel: KernelImage): bigint[] {
  const out: bigint[] = [];
  scanKernelText(mem, kernel, (ins) => { if (RETURNS.has(ins.mnemonic)) out.push(ins.ip); });
  return out;
}

/** Visits every (valid) instruction of the kernel's text, decoding each function from its symbol to the next. */
export function scanKernelText(mem: DebugMemory, kernel: KernelImage, visit: (ins: Instruction) => void): void {
  const text = kernel.sections.filter((s) => s.flags.exec).map((s) => ({ start: s.address, end: s.address + BigInt(s.size) }));
  const starts = [...new Set(kernel.sortedSymbols.map((s) => s.address).filter((a) => text.some((t) => a >= t.start && a < t.end)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ins = new Instruction();
  try {
    for (let k = 0; k < starts.length; k++) {
      const start = starts[k];
      const section = text.find((t) => start >= t.start && start < t.end)!;
      const end = k + 1 < starts.length && starts[k + 1] < section.end ? starts[k + 1] : section.end;
      const bytes = mem.read(start, Number(end - start));
      const d = new Decoder(64, bytes, DecoderOptions.None);
      try {
        d.ip = start;
        while (d.canDecode) {
          d.decodeOut(ins);
          if (!ins.isInvalid) visit(ins);
        }
      } finally {
        d.free();
      }
    }
  } finally {
    ins.free();
  }
}
