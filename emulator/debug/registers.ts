// Register facts the debugger shows and edits: the general registers in their usual order, the
// narrower names (eax, ax, al, ah, r8d...), and the RFLAGS bits by Intel's names.

export const GPRS = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

/** RFLAGS bits a user reads: Intel SDM vol. 1, 3.4.3. */
export const FLAG_BITS: { name: string; bit: number; description: string }[] = [
  { name: 'CF', bit: 0, description: 'carry' },
  { name: 'PF', bit: 2, description: 'parity' },
  { name: 'AF', bit: 4, description: 'auxiliary carry' },
  { name: 'ZF', bit: 6, description: 'zero' },
  { name: 'SF', bit: 7, description: 'sign' },
  { name: 'TF', bit: 8, description: 'trap' },
  { name: 'IF', bit: 9, description: 'interrupt enable' },
  { name: 'DF', bit: 10, description: 'direction' },
  { name: 'OF', bit: 11, description: 'overflow' },
];

interface SubReg { full: string; shift: bigint; bits: number }

const SUBREGS = new Map<string, SubReg>();
{
  const legacy: [string, string, string, string, string | undefined][] = [
    ['rax', 'eax', 'ax', 'al', 'ah'], ['rbx', 'ebx', 'bx', 'bl', 'bh'], ['rcx', 'ecx', 'cx', 'cl', 'ch'], ['rdx', 'edx', 'dx', 'dl', 'dh'],
    ['rsi', 'esi', 'si', 'sil', undefined], ['rdi', 'edi', 'di', 'dil', undefined], ['rbp', 'ebp', 'bp', 'bpl', undefined], ['rsp', 'esp', 'sp', 'spl', undefined],
  ];
  for (const [full, d, w, b, h] of legacy) {
    SUBREGS.set(d, { full, shift: 0n, bits: 32 });
    SUBREGS.set(w, { full, shift: 0n, bits: 16 });
    SUBREGS.set(b, { full, shift: 0n, bits: 8 });
    if (h) SUBREGS.set(h, { full, shift: 8n, bits: 8 });
  }
  for (let i = 8; i < 16; i++) {
    SUBREGS.set(`r${i}d`, { full: `r${i}`, shift: 0n, bits: 32 });
    SUBREGS.set(`r${i}w`, { full: `r${i}`, shift: 0n, bits: 16 });
    SUBREGS.set(`r${i}b`, { full: `r${i}`, shift: 0n, bits: 8 });
  }
  SUBREGS.set('eip', { full: 'rip', shift: 0n, bits: 32 });
}

/** Registers the CPU's getReg/setReg know by name, besides the GPRs. */
export const OTHER_REGS = ['rip', 'rflags', 'eflags', 'cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base', 'kernel_gs_base', 'cr0', 'cr2', 'cr3', 'cr4', 'mxcsr'];

export interface RegisterAccess {
  getReg(name: string): bigint;
  setReg(name: string, value: bigint): void;
}

function isFull(n: string): boolean {
  return (GPRS as readonly string[]).includes(n) || OTHER_REGS.includes(n) || /^xmm([0-9]|1[0-5])$/.test(n);
}

/** The value of a register by any of its names (`%eax` too), or undefined for a name that is not one. */
export function readRegister(cpu: RegisterAccess, name: string): bigint | undefined {
  const n = name.replace(/^[%$]/, '').toLowerCase();
  if (isFull(n)) return cpu.getReg(n);
  const s = SUBREGS.get(n);
  if (s) return (cpu.getReg(s.full) >> s.shift) & ((1n << BigInt(s.bits)) - 1n);
  const flag = FLAG_BITS.find((f) => f.name.toLowerCase() === n);
  if (flag) return (cpu.getReg('rflags') >> BigInt(flag.bit)) & 1n;
  return undefined;
}

/** Writes a register by any of its names, as the CPU would (a 32-bit write clears the upper half). Returns false for an unknown name. */
export function writeRegister(cpu: RegisterAccess, name: string, value: bigint): boolean {
  const n = name.replace(/^[%$]/, '').toLowerCase();
  if (isFull(n)) {
    cpu.setReg(n, value);
    return true;
  }
  const s = SUBREGS.get(n);
  if (s) {
    const mask = ((1n << BigInt(s.bits)) - 1n) << s.shift;
    const old = cpu.getReg(s.full);
    const v = s.bits === 32 ? BigInt.asUintN(32, value) : (old & ~mask) | ((value << s.shift) & mask);
    cpu.setReg(s.full, v);
    return true;
  }
  const flag = FLAG_BITS.find((f) => f.name.toLowerCase() === n);
  if (flag) {
    const bit = 1n << BigInt(flag.bit);
    const old = cpu.getReg('rflags');
    cpu.setReg('rflags', value & 1n ? old | bit : old & ~bit);
    return true;
  }
  return false;
}
