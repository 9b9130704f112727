// Direct branches: jmp/jcc/call/loop to a target (rel8 or rel32, relaxation is the driver's; NASM
// `short`/`near` pin the form) and the far direct forms `ljmp $sel, $off` / `lcall` (ptr16:16/32).

import { OpCodeOperandKind as K, OpKind } from 'iced-x86';
import { AsmError, Insn } from '../ir';
import { Expr } from '../expr';
import type { Encoded, EncodeEnv, Fixup } from './encode';
import type { OpForm } from './optable';
import { NEAR_BRANCH, Prepared, SHORT_BRANCH } from './match';
import { orderPrefixes } from './encode-rules';
import { finishPrefixes, icedEncode, instructionFor, writeLE } from './encode-build';
import type { IntelInsn } from './intel';

const templates = new Map<string, Uint8Array>();

/** The branch forms (rel8/rel16/rel32) among `forms`. */
export function branchForms(forms: OpForm[]): OpForm[] {
  return forms.filter((f) => f.kinds.length === 1 && (SHORT_BRANCH.has(f.kinds[0]) || NEAR_BRANCH.has(f.kinds[0])));
}

/** jmp/jcc/call/loop to a direct target. */
export function encodeBranch(insn: Insn, mnemonic: string, forms: OpForm[], p: Prepared, env: EncodeEnv): Encoded {
  // Branch forms exist per operand size (o16 jmp rel16 is valid in 64-bit mode); GNU as uses the
  // mode's size unless a suffix says otherwise. loop/jrcxz forms have no operand size.
  const want = insn.opSize || env.bitness;
  const counter = env.bitness === 64 ? 'RCX' : env.bitness === 32 ? 'ECX' : 'CX';
  const addrOk = (f: OpForm): boolean => !/_(R|E)?CX$/.test(f.name) || f.name.endsWith(`_${counter}`);
  const pick = (set: Set<number>): OpForm | undefined =>
    forms.find((f) => set.has(f.kinds[0]) && addrOk(f) && f.sizeKey === want) ??
    forms.find((f) => set.has(f.kinds[0]) && addrOk(f) && !f.sizeKey);
  const hint = (insn as IntelInsn).branchHint;
  let short = pick(SHORT_BRANCH);
  let near = pick(NEAR_BRANCH);
  if (hint === 'short' && short) near = undefined;
  if (hint === 'near' && near) short = undefined;
  const target = p.imm!;
  const expr = (p.op as { expr: Expr }).expr;
  const encodeForm = (f: OpForm): Uint8Array => {
    // The bytes do not depend on the address (the field is patched below): one encode per form and prefixes.
    const key = `${env.bitness}|${f.code}|${insn.prefixes.join(',')}`;
    const t = templates.get(key);
    if (t) return t.slice();
    const ins = instructionFor(f.code, insn, false);
    const k = f.kinds[0];
    ins.setOpKind(0, k === K.br16_1 || k === K.br16_2 ? OpKind.NearBranch16 : k === K.br32_1 || k === K.br32_4 ? OpKind.NearBranch32 : OpKind.NearBranch64);
    // Placeholder target: the instruction's own address, always in range.
    if (k === K.br64_1 || k === K.br64_4) ins.nearBranch64 = env.address;
    else if (k === K.br32_1 || k === K.br32_4) ins.nearBranch32 = Number(BigInt.asUintN(32, env.address));
    else ins.nearBranch16 = Number(BigInt.asUintN(16, env.address));
    const bytes = orderPrefixes(icedEncode(ins, env), env.bitness);
    if (templates.size > 10000) templates.clear();
    templates.set(key, bytes.slice());
    return bytes;
  };
  const finish = (raw: Uint8Array, size: 1 | 2 | 4, form: 'short' | 'long' | undefined): Encoded => {
    const fixups: Fixup[] = [{ offset: raw.length - size, size, pcrel: true, signed: true, expr, branch: true }];
    const { bytes } = finishPrefixes(raw, fixups, insn, env.bitness, mnemonic);
    const extra = form ? { branchForm: form } : {};
    const fieldOff = fixups[0].offset;
    if (target.kind === 'local') {
      const disp = target.offset - (env.address + BigInt(bytes.length));
      const lim = 1n << BigInt(size * 8 - 1);
      if (disp < -lim || disp >= lim) {
        if (hint === 'short' && size === 1) throw new AsmError('short jump is out of range');
        throw new AsmError(`value of ${disp} too large for field of ${size} byte${size > 1 ? 's' : ''}`);
      }
      writeLE(bytes, fieldOff, size, disp);
      return { bytes, fixups: [], ...extra };
    }
    writeLE(bytes, fieldOff, size, 0n);
    return { bytes, fixups, ...extra };
  };
  const nearSize = (f: OpForm): 2 | 4 => (f.kinds[0] === K.br16_2 ? 2 : 4);
  if (short && !near) return finish(encodeForm(short), 1, undefined);
  if (!short && near) return finish(encodeForm(near), nearSize(near), undefined);
  if (!short || !near) throw new AsmError(`operand type mismatch for \`${mnemonic}'`);
  if (target.kind === 'local' && !env.longBranch) {
    const b = encodeForm(short);
    const disp = target.offset - (env.address + BigInt(b.length));
    if (disp >= -128n && disp <= 127n) return finish(b, 1, 'short');
  }
  return finish(encodeForm(near), nearSize(near), 'long');
}

/**
 * `ljmp $sel, $off` / `lcall` (Intel order kept: selector first): EA/9A with the offset (16 or
 * 32 bits, by operand size) then the selector. Invalid in 64-bit mode.
 */
export function encodeFarDirect(insn: Insn, mnemonic: string, ps: Prepared[], env: EncodeEnv): Encoded {
  const name = insn.syntax === 'att' ? `l${mnemonic}` : mnemonic;
  if (env.bitness === 64) throw new AsmError(`unsupported instruction \`${name}'`);
  const size = insn.opSize || (env.bitness === 16 ? 16 : 32);
  if (size !== 16 && size !== 32) throw new AsmError(`invalid instruction suffix for \`${name}'`);
  const offBytes = size / 8;
  const prefix = size !== env.bitness ? [0x66] : [];
  const raw = new Uint8Array(prefix.length + 1 + offBytes + 2);
  raw.set(prefix);
  raw[prefix.length] = mnemonic === 'jmp' ? 0xea : 0x9a;
  const fixups: Fixup[] = [];
  const field = (p: Prepared, off: number, bytes: 1 | 2 | 4): void => {
    const r = p.imm!;
    if (r.kind === 'const') writeLE(raw, off, bytes, r.value);
    else fixups.push({ offset: off, size: bytes, pcrel: false, signed: false, expr: (p.op as { expr: Expr }).expr });
  };
  field(ps[1], prefix.length + 1, offBytes as 2 | 4);
  field(ps[0], prefix.length + 1 + offBytes, 2);
  const sorted = orderPrefixes(raw, env.bitness);
  return { ...finishPrefixes(sorted, fixups, insn, env.bitness, mnemonic) };
}
