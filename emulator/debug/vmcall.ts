// Taking back a vmcall whose service could not answer yet (the debugger's terminal has no input
// for a read): the CPU goes back to the vmcall instruction with its counters as before it ran, so
// running on executes it again, and a re-execution of the run (time travel), where the answer is
// at hand at once, counts the same instructions and cycles.

import { Mnemonic } from 'iced-x86';
import { Cpu } from '../cpu';
import { costOf } from '../cpu/cost';

/** `vmcall` is 0f 01 c1. */
const VMCALL_LENGTH = 3;

/** Call right after the CPU stopped for a vmcall (RIP after it) and its service threw. */
export function undoVmcall(cpu: Cpu): void {
  cpu.rip -= VMCALL_LENGTH;
  cpu.instructions -= 1;
  cpu.cycles -= costOf(Mnemonic.Vmcall);
}
