// The cycle model: 1 cycle per simple instruction, more for multiply/divide and for the
// privilege transitions. Figures are rounded from published measurements:
// - mul/imul r64 ~3, div/idiv r64 ~ 20-40 (Agner Fog, "Instruction tables", Zen/Skylake rows);
// - SYSCALL+SYSRET about 100-150 cycles for a null system call's mode switches, INT 0x80 + IRET
//   about twice that (Soares & Stumm, "FlexSC", OSDI 2010, Table 1 on Core i7; and measurements
//   quoted in the Linux entry code discussions). We charge half of the round trip to each half.
//   SYSENTER+SYSEXIT cost what SYSCALL+SYSRET do (Intel's fast-call pair of the 32-bit world; the
//   seed articles quote fast calls as up to 25% cheaper than a software interrupt).

import { Mnemonic } from 'iced-x86';
import { costs } from './table';

const table: [number[], number][] = [
  [[Mnemonic.Mul, Mnemonic.Imul], 3],
  [[Mnemonic.Div, Mnemonic.Idiv], 25],
  [[Mnemonic.Syscall, Mnemonic.Sysretq, Mnemonic.Sysret, Mnemonic.Sysenter, Mnemonic.Sysexit, Mnemonic.Sysexitq], 60],
  [[Mnemonic.Int, Mnemonic.Int3, Mnemonic.Iretq], 120],
  [[Mnemonic.Cpuid], 100],
  [[Mnemonic.Rdtsc, Mnemonic.Rdtscp], 25],
  [[Mnemonic.Wrmsr, Mnemonic.Rdmsr], 100],
  [[Mnemonic.Swapgs], 10],
  [[Mnemonic.Sqrtsd, Mnemonic.Sqrtss, Mnemonic.Divsd, Mnemonic.Divss, Mnemonic.Sqrtpd, Mnemonic.Sqrtps, Mnemonic.Divpd, Mnemonic.Divps], 15],
];
for (const [ms, n] of table) for (const m of ms) costs[m] = n;

export function costOf(mnem: number): number { return costs[mnem] ?? 1; }
