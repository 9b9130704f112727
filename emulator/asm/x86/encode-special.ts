// Instructions where GNU as (or NASM) departs from "match the written operands, pick the shortest":
// selector loads without 66, segment-register moves, xchg's operand order, implicit xmm0, far
// branches, and the direction pseudo-prefixes {load}/{store}.

import { OpCodeOperandKind as K } from 'iced-x86';
import { Insn, Operand } from '../ir';
import type { OpForm } from './optable';
import { regInfo, resizeGpr } from './registers';
import type { Pseudo } from './encode-prefixes';

export interface Special {
  forms: OpForm[];
  operands: Operand[];
  /** The AT&T suffix does not select among the forms (ltr, mov to/from Sreg). */
  ignoreOpSize: boolean;
  /** Encode this instruction instead (GNU as's `xchg %rax,%rax` is `nop`). */
  instead?: Insn;
}

/** Selector loads that GNU as encodes without an operand-size prefix whatever the register width. */
const SELECTOR_LOADS = new Set(['ltr', 'lldt', 'lmsw', 'verr', 'verw']);
const ACC = new Set(['al', 'ax', 'eax', 'rax']);
const FAR_FORM = /_(m16(16|32|64)|ptr16(16|32))$/;

const isReg = (o: Operand | undefined, cls?: string): boolean => o?.kind === 'reg' && (!cls || regInfo(o.reg)?.cls === cls);

/** The forms to consider for `insn` (mnemonic already normalized) and possibly rewritten operands. */
export function special(mnemonic: string, operands: Operand[], forms: OpForm[] | undefined, insn: Insn, bitness: number, pseudo: Pseudo): Special | undefined {
  if (!forms) return undefined;
  const to32 = (o: Operand): Operand => (o.kind === 'reg' && regInfo(o.reg)?.cls === 'gpr' && regInfo(o.reg)!.bits !== 32 ? { kind: 'reg', reg: resizeGpr(o.reg, 32) ?? o.reg } : o);
  if (insn.far) {
    // ljmp/lcall/jmp far: only the m16:xx and ptr16:xx forms; GNU as's default is m16:32, NASM's
    // in 64-bit mode m16:64 (REX.W).
    const far = forms.filter((f) => FAR_FORM.test(f.name));
    return { forms: far, operands, ignoreOpSize: false };
  }
  if (SELECTOR_LOADS.has(mnemonic) && operands.length === 1) {
    // `ltr %ax` is 0f 00 d8: the selector is 16 bits whatever the prefix, so GNU as omits it.
    return { forms: forms.filter((f) => f.name.endsWith('_r32m16')), operands: operands.map(to32), ignoreOpSize: true };
  }
  if (mnemonic === 'mov' && operands.length === 2 && operands.some((o) => isReg(o, 'seg'))) {
    const other = operands.find((o) => !isReg(o, 'seg'))!;
    // Segment register moves: memory is always 16 bits (no 66), and a 64-bit GPR gets no REX.W.
    if (other.kind === 'mem') return { forms: forms.filter((f) => /r32m16/.test(f.name)), operands, ignoreOpSize: true };
    if (other.kind === 'reg' && regInfo(other.reg)?.bits === 64) return { forms, operands: operands.map(to32), ignoreOpSize: true };
  }
  if ((mnemonic === 'xchg' || mnemonic === 'test') && operands.length === 2) {
    let [a, b] = operands;
    // Only one direction exists; GNU as's {load} swaps the registers instead.
    if (pseudo.load && isReg(a) && isReg(b)) [a, b] = [b, a];
    if (mnemonic === 'test') return { forms, operands: [a, b], ignoreOpSize: false };
    // GNU as writes `xchg %rax,%rax` as a plain nop (NASM keeps 48 90).
    if (insn.syntax !== 'nasm' && bitness === 64 && isReg(a) && isReg(b) && a.kind === 'reg' && b.kind === 'reg' && a.reg === 'rax' && b.reg === 'rax') {
      return { forms, operands, ignoreOpSize: false, instead: { ...insn, mnemonic: 'nop', operands: [], opSize: 0 } };
    }
    // xchg is symmetric: put the accumulator second (90+r form) and memory first (87 /r).
    const swap = (a.kind === 'reg' && ACC.has(a.reg) && a.reg !== 'al' && !(b.kind === 'reg' && ACC.has(b.reg))) || b.kind === 'mem';
    let fs = forms;
    // In 64-bit mode 90 is nop, so `xchg %eax,%eax` must use 87 c0.
    if (bitness === 64 && a.kind === 'reg' && b.kind === 'reg' && a.reg === 'eax' && b.reg === 'eax') fs = forms.filter((f) => !f.name.endsWith('_EAX'));
    return { forms: fs, operands: swap ? [b, a] : [a, b], ignoreOpSize: false };
  }
  if ((mnemonic === 'blendvps' || mnemonic === 'blendvpd' || mnemonic === 'pblendvb') && operands.length === 3) {
    const last = operands[2];
    // The SSE4.1 forms read xmm0 implicitly; GAS lets AT&T code write it.
    if (last.kind === 'reg' && last.reg === 'xmm0') return { forms, operands: operands.slice(0, 2), ignoreOpSize: false };
  }
  return { forms, operands, ignoreOpSize: false };
}

/** {load}/{store}: the form whose ModRM.reg holds the destination (load) or the source (store). */
export function directionOf(form: OpForm): 'load' | 'store' | undefined {
  const k = form.kinds;
  if (k.length < 2) return undefined;
  const regAt = k.findIndex((x) => REG_FIELD.has(x));
  const rmAt = k.findIndex((x) => RM_FIELD.has(x));
  if (regAt < 0 || rmAt < 0) return undefined;
  return regAt < rmAt ? 'load' : 'store';
}

const REG_FIELD = new Set<number>([K.r8_reg, K.r16_reg, K.r32_reg, K.r64_reg, K.mm_reg, K.xmm_reg, K.ymm_reg]);
const RM_FIELD = new Set<number>([K.r8_or_mem, K.r16_or_mem, K.r32_or_mem, K.r64_or_mem, K.mm_or_mem, K.xmm_or_mem, K.ymm_or_mem,
  K.r16_rm, K.r32_rm, K.r64_rm, K.mm_rm, K.xmm_rm, K.ymm_rm]);
