// The encoder's instruction table: every iced-x86 Code valid in a bitness, reduced once (lazily)
// to plain JS objects indexed by lowercase Intel mnemonic, so matching an instruction never
// reads wasm properties. Only legacy and VEX encodings (what GNU as emits without AVX-512).

import { Code, CodeExt, EncodingKind, Mnemonic, MemorySizeExt, OpCodeOperandKind as K } from 'iced-x86';

export interface OpForm {
  code: number;
  /** iced Code name, for debugging and the few special cases. */
  name: string;
  mnemonic: string;
  /** OpCodeOperandKind per operand, Intel order. */
  kinds: number[];
  /**
   * The size an AT&T suffix selects: the first general register operand's width (the
   * destination of movzx), else the memory operand's width for memory-only forms (x87), else
   * the operand size (push imm, ret).
   */
  sizeKey: number;
  /** Width in bits of the memory operand, 0 when not fixed. */
  memBits: number;
  vex: boolean;
  /** Fewest written operands the form can take (implicit string/st0/1 operands may go unwritten). */
  minOps: number;
  /** Some operand is memory (explicit, moffs, string or xlat), so iced's memory fields are used. */
  hasMemory: boolean;
}

const GPR_KIND_BITS = new Map<number, number>([
  [K.r8_or_mem, 8], [K.r8_reg, 8], [K.r8_opcode, 8], [K.al, 8], [K.cl, 8],
  [K.r16_or_mem, 16], [K.r16_reg, 16], [K.r16_reg_mem, 16], [K.r16_rm, 16], [K.r16_opcode, 16], [K.ax, 16], [K.dx, 16],
  [K.r32_or_mem, 32], [K.r32_reg, 32], [K.r32_reg_mem, 32], [K.r32_rm, 32], [K.r32_opcode, 32], [K.r32_vvvv, 32], [K.eax, 32],
  [K.r64_or_mem, 64], [K.r64_reg, 64], [K.r64_reg_mem, 64], [K.r64_rm, 64], [K.r64_opcode, 64], [K.r64_vvvv, 64], [K.rax, 64],
]);

/** Kinds an encoder never produces for GNU-as-compatible output (AVX-512, MPX, AMX, masks). */
const UNSUPPORTED = new Set<number>([
  K.r32_or_mem_mpx, K.r64_or_mem_mpx, K.bnd_or_mem_mpx, K.bnd_reg, K.mem_mpx, K.mem_mib, K.k_or_mem, K.k_reg, K.kp1_reg,
  K.k_rm, K.k_vvvv, K.zmm_or_mem, K.zmm_reg, K.zmm_rm, K.zmm_vvvv, K.zmmp3_vvvv, K.xmmp3_vvvv, K.mem_vsib32z,
  K.mem_vsib64z, K.sibmem, K.tmm_reg, K.tmm_rm, K.tmm_vvvv, K.xmm_is5, K.ymm_is5, K.imm4_m2z,
]);

/** Bits of a general-register operand kind, or undefined. */
export function gprKindBits(kind: number): number | undefined {
  return GPR_KIND_BITS.get(kind);
}

const tables = new Map<number, Map<string, OpForm[]>>();

// Kinds encode.ts's align() lets go unwritten (keep in step with it).
const STRING_LIKE = new Set<number>([K.es_rDI, K.seg_rSI, K.seg_rDI, K.seg_rBX_al]);
const IMPLICIT = new Set<number>([...STRING_LIKE, K.st0, K.imm8_const_1, K.sti_opcode]);
const ACC_LIKE = new Set<number>([K.al, K.ax, K.eax, K.rax, K.dx]);
const MEMORY_KINDS = new Set<number>([K.mem, K.mem_offs, K.mem_vsib32x, K.mem_vsib64x, K.mem_vsib32y, K.mem_vsib64y, K.es_rDI, K.seg_rDI, K.seg_rSI, K.seg_rBX_al,
  K.r8_or_mem, K.r16_or_mem, K.r32_or_mem, K.r64_or_mem, K.mm_or_mem, K.xmm_or_mem, K.ymm_or_mem]);

// Decoder-only duplicates of encodings GNU as never emits: `Fcom_st0_sti_DCD0`, `Test_rm8_imm8_F6r1`,
// 486-era cmpxchg, Knights Corner, and SAL's /6 alias (GNU as encodes sal as shl, /4).
const ALTERNATE = /_(?:D[CDEF][0-9A-F]{2}|F[67]r1)$|^Sal_|^Reservednop|^Bndc|_0F0D$|_KNC_|Undoc|^Cmpxchg486/;

/** The forms of every mnemonic valid in `bitness`, built on first use. */
export function formTable(bitness: 16 | 32 | 64): Map<string, OpForm[]> {
  let t = tables.get(bitness);
  if (t) return t;
  t = new Map();
  const codeNames = Code as unknown as Record<number, string>;
  const mnemonicNames = Mnemonic as unknown as Record<number, string>;
  const count = Object.keys(Code).length / 2;
  for (let code = 1; code < count; code++) {
    const name = codeNames[code];
    if (ALTERNATE.test(name)) continue;
    const o = CodeExt.opCode(code);
    try {
      if (!o.isInstruction || !o.isAvailableInMode(bitness)) continue;
      const enc = o.encoding;
      if (enc !== EncodingKind.Legacy && enc !== EncodingKind.VEX) continue;
      const kinds: number[] = [];
      for (let k = 0; k < o.opCount; k++) kinds.push(o.opKind(k));
      if (kinds.some((k) => UNSUPPORTED.has(k))) continue;
      const memBits = MemorySizeExt.size(o.memorySize) * 8;
      let sizeKey = 0;
      for (const k of kinds) {
        const b = GPR_KIND_BITS.get(k);
        if (b !== undefined && k !== K.cl && k !== K.dx) { sizeKey = b; break; }
      }
      // Memory-only forms: the operand size when it matters (fldenv m14/m28), else the width (fld m32/m64).
      if (sizeKey === 0 && kinds.length > 0 && kinds.every((k) => k === K.mem)) sizeKey = o.operandSize || memBits;
      if (sizeKey === 0) sizeKey = o.operandSize;
      const mnemonic = mnemonicNames[o.mnemonic].toLowerCase();
      const hasMemory = kinds.some((k) => MEMORY_KINDS.has(k));
      const str = kinds.some((k) => STRING_LIKE.has(k));
      const minOps = kinds.filter((k) => !(IMPLICIT.has(k) || (str && ACC_LIKE.has(k)))).length;
      const form: OpForm = { code, name, mnemonic, kinds, sizeKey, memBits, vex: enc === EncodingKind.VEX, minOps, hasMemory };
      let list = t.get(mnemonic);
      if (!list) t.set(mnemonic, (list = []));
      list.push(form);
    } finally {
      o.free();
    }
  }
  tables.set(bitness, t);
  return t;
}
