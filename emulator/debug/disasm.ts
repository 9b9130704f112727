// Instruction knowledge for the debugger, from iced-x86: what kind of control transfer an
// instruction is (stepping over calls and syscalls, stepping out), GAS-syntax disassembly with
// symbols for the Disassembly view, and "does a call end here" for the stack unwinder.
// Every wasm object is freed (TOOLING.md); nothing here runs on the CPU's hot path.

import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction, Mnemonic, OpKind } from 'iced-x86';
import { DebugMemory } from './memory';

/** How control leaves an instruction. */
export type Flow = 'next' | 'call' | 'syscall' | 'int' | 'ret' | 'jump' | 'invalid';

export interface InsnInfo {
  address: bigint;
  length: number;
  /** The address after it (where a call or syscall returns to). */
  next: bigint;
  flow: Flow;
  mnemonic: string;
}

export interface DisasmLine extends InsnInfo {
  bytes: Uint8Array;
  /** GAS (AT&T) syntax, or Intel syntax; branch targets and rip-relative operands get `<symbol+off>`. */
  text: string;
  /** The symbol this instruction is at, when it is its first byte (`_start`, `sys_write`). */
  label?: string;
}

export type Symbolizer = (address: bigint) => string | undefined;
export type Syntax = 'gas' | 'intel';

const MAX_LEN = 15;

/** Decoder modes: 64-bit code, or the 32-bit code of an i386 program (compatibility mode). */
export type CodeBits = 32 | 64;

/**
 * How to decode code at `address` for a task whose user code is i386 code (`userCode32`: the
 * task runs in compatibility mode; the CPU's code32 while it is in user mode): 32-bit below
 * 4 GiB, where all of an i386 program lies; the kernel (and the rest) is 64-bit code.
 */
export function codeBits(address: bigint, userCode32: boolean): CodeBits {
  return userCode32 && address >= 0n && address < 0x100000000n ? 32 : 64;
}

function flowOf(i: Instruction): Flow {
  if (i.isInvalid) return 'invalid';
  switch (i.mnemonic) {
    case Mnemonic.Call: return 'call';
    case Mnemonic.Syscall: case Mnemonic.Sysenter: return 'syscall';
    case Mnemonic.Int: case Mnemonic.Int1: case Mnemonic.Int3: case Mnemonic.Into: return 'int';
    case Mnemonic.Ret: case Mnemonic.Retf: case Mnemonic.Iret: case Mnemonic.Iretd: case Mnemonic.Iretq:
    case Mnemonic.Sysret: case Mnemonic.Sysretq: case Mnemonic.Sysexit: return 'ret';
    case Mnemonic.Jmp: return 'jump';
  }
  return i.isJccShortOrNear ? 'jump' : 'next';
}

/** Decodes instructions from `bytes` (taken at `address`), at most `count`. */
function decodeMany(bytes: Uint8Array, address: bigint, count: number, each: (i: Instruction, offset: number) => void, bits: CodeBits = 64): void {
  const d = new Decoder(bits, bytes, DecoderOptions.None);
  const ins = new Instruction();
  try {
    d.ip = BigInt.asUintN(64, address);
    for (let n = 0; n < count && d.canDecode; n++) {
      const at = d.position;
      d.decodeOut(ins);
      // A truncated instruction at the end of readable memory is not an instruction.
      if (ins.isInvalid && at + MAX_LEN > bytes.length && bytes.length - at < MAX_LEN) {
        each(ins, at);
        break;
      }
      each(ins, at);
    }
  } finally {
    ins.free();
    d.free();
  }
}

/** The instruction at `address`, or undefined when its memory cannot be read. */
export function decodeAt(mem: DebugMemory, address: bigint, bits: CodeBits = 64): InsnInfo | undefined {
  const bytes = mem.read(address, MAX_LEN);
  if (bytes.length === 0) return undefined;
  let out: InsnInfo | undefined;
  decodeMany(bytes, address, 1, (i) => {
    out = { address, length: i.length || 1, next: address + BigInt(i.length || 1), flow: flowOf(i), mnemonic: Mnemonic[i.mnemonic]?.toLowerCase() ?? '' };
  }, bits);
  return out;
}

/** True when an instruction that ends exactly at `ra` is a call: `ra` is then a plausible return address. */
export function followsCall(mem: DebugMemory, ra: bigint, bits: CodeBits = 64): boolean {
  // call rel32 is 5 bytes; call *%reg 2-3; call *mem up to 7 (with a SIB and disp32), 8+ with prefixes.
  for (const len of [5, 2, 3, 6, 7, 4, 8, 9]) {
    const at = ra - BigInt(len);
    const bytes = mem.read(at, len);
    if (bytes.length < len) continue;
    let ok = false;
    decodeMany(bytes, at, 1, (i) => { ok = !i.isInvalid && i.length === len && i.mnemonic === Mnemonic.Call; }, bits);
    if (ok) return true;
  }
  return false;
}

/**
 * `count` instructions from `address` (which must be an instruction boundary), formatted.
 * Unreadable memory ends the list early.
 */
export function disassemble(mem: DebugMemory, address: bigint, count: number, symbolize?: Symbolizer, syntax: Syntax = 'gas', bits: CodeBits = 64): DisasmLine[] {
  const bytes = mem.read(address, count * MAX_LEN);
  const lines: DisasmLine[] = [];
  const f = new Formatter(syntax === 'gas' ? FormatterSyntax.Gas : FormatterSyntax.Intel);
  try {
    f.ripRelativeAddresses = false; // show the absolute target, as objdump does
    f.smallHexNumbersInDecimal = false; // `$0x1`, as objdump prints it
    f.uppercaseHex = false;
    f.branchLeadingZeros = false;
    decodeMany(bytes, address, count, (i, off) => {
      const len = i.length || 1;
      const at = address + BigInt(off);
      let text = i.isInvalid ? '(bad)' : f.format(i);
      const target = i.isInvalid ? undefined : referencedAddress(i);
      const sym = target !== undefined ? symbolize?.(target) : undefined;
      if (sym) text += ` <${sym}>`;
      const own = symbolize?.(at);
      lines.push({
        address: at, length: len, next: at + BigInt(len), flow: flowOf(i), mnemonic: Mnemonic[i.mnemonic]?.toLowerCase() ?? '',
        bytes: bytes.slice(off, off + len), text, label: own && !own.includes('+') ? own : undefined,
      });
    }, bits);
  } finally {
    f.free();
  }
  return lines;
}

/** The address a branch goes to or a rip-relative operand names. */
function referencedAddress(i: Instruction): bigint | undefined {
  for (let k = 0; k < i.opCount; k++) {
    const kind = i.opKind(k);
    if (kind === OpKind.NearBranch64 || kind === OpKind.NearBranch32 || kind === OpKind.NearBranch16) return i.nearBranchTarget;
  }
  if (i.isIpRelMemoryOperand) return i.ipRelMemoryAddress;
  return undefined;
}

/**
 * A start address from which decoding falls exactly on `address` after `count` instructions or
 * fewer (x86 cannot be decoded backwards; try starts, preferring `hint`, e.g. the symbol's start).
 */
export function startBefore(mem: DebugMemory, address: bigint, count: number, hint?: bigint, bits: CodeBits = 64): bigint {
  const tryFrom = (start: bigint): bigint[] | undefined => {
    const bytes = mem.read(start, Number(address - start));
    if (bytes.length !== Number(address - start)) return undefined;
    const starts: bigint[] = [];
    let end = start;
    decodeMany(bytes, start, bytes.length, (i, off) => { starts.push(start + BigInt(off)); end = start + BigInt(off + (i.length || 1)); }, bits);
    return end === address ? starts : undefined;
  };
  const candidates: bigint[] = [];
  if (hint !== undefined && hint <= address && address - hint <= BigInt(count * MAX_LEN)) candidates.push(hint);
  for (let back = count * MAX_LEN; back >= count; back--) candidates.push(address - BigInt(back));
  for (const c of candidates) {
    const starts = tryFrom(c);
    if (starts && starts.length >= count) return starts[starts.length - count];
    if (starts && c === hint) return hint;
  }
  return address - BigInt(count); // no sync found: the view shows what decodes from there
}
