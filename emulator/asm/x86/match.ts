// Operand matching for the encoder: does an IR operand (with its resolved value) fit an iced-x86
// OpCodeOperandKind? Immediate ranges follow GNU as: a constant picks the sign-extended imm8
// form when it fits the operand size; a relocatable value needs a full-size field.

import { OpCodeOperandKind as K } from 'iced-x86';
import { Operand } from '../ir';
import { RegInfo, regInfo } from './registers';
import type { Resolved } from './encode';

/** An IR operand with what the encoder learned about it before matching. */
export interface Prepared {
  op: Operand;
  reg?: RegInfo;
  /** Immediate (or branch target) resolution. */
  imm?: Resolved;
  /** Memory operand: resolved displacement (const 0 when absent), base/index registers. */
  disp?: Resolved;
  base?: RegInfo;
  index?: RegInfo;
}

export interface MatchCtx {
  bitness: 16 | 32 | 64;
  /** `movabs`: only the imm64 and moffs forms. */
  movabs: boolean;
  /** The form's sizeKey, for immediates that GNU as truncates with a warning. */
  sizeKey: number;
}

const i8 = (v: bigint): boolean => v >= -128n && v <= 127n;
const between = (v: bigint, lo: bigint, hi: bigint): boolean => v >= lo && v <= hi;
const S64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Does a constant fit an immediate kind? `truncOk` lets the operand-sized field take anything (GNU warns). */
export function immFits(kind: number, v: bigint, sizeKey: number): boolean {
  const s = S64(v);
  switch (kind) {
    case K.imm8: return sizeKey === 8 || between(s, -128n, 255n);
    case K.imm8_const_1: return s === 1n;
    case K.imm8sex16: return between(s, -32768n, 65535n) && i8(BigInt.asIntN(16, s));
    case K.imm8sex32: return between(s, -(1n << 31n), (1n << 32n) - 1n) && i8(BigInt.asIntN(32, s));
    case K.imm8sex64: return i8(s);
    case K.imm16: return sizeKey === 16 || between(s, -32768n, 65535n);
    case K.imm32: return sizeKey === 32 || between(s, -(1n << 31n), (1n << 32n) - 1n);
    case K.imm32sex64: return between(s, -(1n << 31n), (1n << 31n) - 1n);
    case K.imm64: return true;
    default: return false;
  }
}

/** Field size in bytes of an immediate kind that can carry a relocation (undefined: cannot). */
export function immFieldSize(kind: number): 1 | 2 | 4 | 8 | undefined {
  switch (kind) {
    case K.imm8: return 1;
    case K.imm16: return 2;
    case K.imm32: case K.imm32sex64: return 4;
    case K.imm64: return 8;
    default: return undefined;
  }
}

export const IMM_KINDS = new Set<number>([K.imm8, K.imm8_const_1, K.imm8sex16, K.imm8sex32, K.imm8sex64, K.imm16, K.imm32, K.imm32sex64, K.imm64]);
export const SHORT_BRANCH = new Set<number>([K.br16_1, K.br32_1, K.br64_1]);
export const NEAR_BRANCH = new Set<number>([K.br16_2, K.br32_4, K.br64_4]);
export const STRING_KINDS = new Set<number>([K.es_rDI, K.seg_rSI, K.seg_rDI, K.seg_rBX_al]);

const REG_KIND: Record<number, [string, number]> = {
  [K.r8_reg]: ['gpr', 8], [K.r8_opcode]: ['gpr', 8],
  [K.r16_reg]: ['gpr', 16], [K.r16_reg_mem]: ['gpr', 16], [K.r16_rm]: ['gpr', 16], [K.r16_opcode]: ['gpr', 16],
  [K.r32_reg]: ['gpr', 32], [K.r32_reg_mem]: ['gpr', 32], [K.r32_rm]: ['gpr', 32], [K.r32_opcode]: ['gpr', 32], [K.r32_vvvv]: ['gpr', 32],
  [K.r64_reg]: ['gpr', 64], [K.r64_reg_mem]: ['gpr', 64], [K.r64_rm]: ['gpr', 64], [K.r64_opcode]: ['gpr', 64], [K.r64_vvvv]: ['gpr', 64],
  [K.seg_reg]: ['seg', 16], [K.cr_reg]: ['cr', 0], [K.dr_reg]: ['dr', 0], [K.tr_reg]: ['tr', 0],
  [K.mm_reg]: ['mm', 64], [K.mm_rm]: ['mm', 64],
  [K.xmm_reg]: ['xmm', 128], [K.xmm_rm]: ['xmm', 128], [K.xmm_vvvv]: ['xmm', 128], [K.xmm_is4]: ['xmm', 128],
  [K.ymm_reg]: ['ymm', 256], [K.ymm_rm]: ['ymm', 256], [K.ymm_vvvv]: ['ymm', 256], [K.ymm_is4]: ['ymm', 256],
  [K.sti_opcode]: ['st', 80],
};

const REG_OR_MEM: Record<number, [string, number]> = {
  [K.r8_or_mem]: ['gpr', 8], [K.r16_or_mem]: ['gpr', 16], [K.r32_or_mem]: ['gpr', 32], [K.r64_or_mem]: ['gpr', 64],
  [K.mm_or_mem]: ['mm', 64], [K.xmm_or_mem]: ['xmm', 128], [K.ymm_or_mem]: ['ymm', 256],
};

const FIXED_REG: Record<number, string> = {
  [K.al]: 'al', [K.cl]: 'cl', [K.ax]: 'ax', [K.dx]: 'dx', [K.eax]: 'eax', [K.rax]: 'rax', [K.st0]: 'st0',
  [K.es]: 'es', [K.cs]: 'cs', [K.ss]: 'ss', [K.ds]: 'ds', [K.fs]: 'fs', [K.gs]: 'gs',
};

export function fixedRegOf(kind: number): string | undefined {
  return FIXED_REG[kind];
}

/** Memory operand acceptable where `memBits` bits are read (0: any); IR size 0 means unspecified. */
function memOk(p: Prepared, memBits: number): boolean {
  if (p.op.kind !== 'mem') return false;
  if (p.index && (p.index.cls === 'xmm' || p.index.cls === 'ymm')) return false;
  return p.op.size === 0 || memBits === 0 || p.op.size === memBits;
}

/** Does prepared operand `p` fit operand kind `kind` of a form whose memory operand is `memBits` wide? */
export function accepts(kind: number, p: Prepared, memBits: number, ctx: MatchCtx): boolean {
  const rk = REG_KIND[kind];
  if (rk) return !!p.reg && p.reg.cls === rk[0] && p.reg.bits === rk[1];
  const rm = REG_OR_MEM[kind];
  if (rm) {
    if (p.reg) return p.reg.cls === rm[0] && p.reg.bits === rm[1];
    // r32/m16 style forms (mov from Sreg) read less memory than the register width.
    return memOk(p, rm[0] === 'gpr' && memBits && memBits < rm[1] ? memBits : rm[0] === 'gpr' ? rm[1] : memBits);
  }
  const fixed = FIXED_REG[kind];
  if (fixed) return !!p.reg && p.reg.name === fixed;
  if (IMM_KINDS.has(kind)) {
    if (p.op.kind !== 'imm' || !p.imm) return false;
    if (p.imm.kind === 'const') return immFits(kind, p.imm.value, ctx.sizeKey);
    return immFieldSize(kind) !== undefined;
  }
  switch (kind) {
    case K.mem:
      return memOk(p, memBits);
    case K.mem_offs:
      return (ctx.movabs || ctx.bitness !== 64) && p.op.kind === 'mem' && !p.base && !p.index && !p.op.ripRel && memOk(p, 0);
    case K.mem_vsib32x: case K.mem_vsib64x:
      return p.op.kind === 'mem' && p.index?.cls === 'xmm';
    case K.mem_vsib32y: case K.mem_vsib64y:
      return p.op.kind === 'mem' && p.index?.cls === 'ymm';
    case K.es_rDI: case K.seg_rDI:
      return p.op.kind === 'mem' && !p.index && !!p.base && /^[re]?di$/.test(p.base.name) && !p.op.disp;
    case K.seg_rSI:
      return p.op.kind === 'mem' && !p.index && !!p.base && /^[re]?si$/.test(p.base.name) && !p.op.disp;
    case K.seg_rBX_al:
      return p.op.kind === 'mem' && !p.index && !!p.base && /^[re]?bx$/.test(p.base.name) && !p.op.disp;
    case K.farbr2_2: case K.farbr4_2:
      return p.op.kind === 'imm';
    default:
      return false;
  }
}

/** Registers of a memory operand, looked up once. */
export function prepareMem(p: Prepared): void {
  if (p.op.kind !== 'mem') return;
  if (p.op.base) p.base = regInfo(p.op.base);
  if (p.op.index) p.index = regInfo(p.op.index);
}
