// Signal frames of i386 programs (Linux's arch/x86/kernel/signal_32.c, built by a 64-bit kernel
// for a compatibility-mode task): the handler runs in compatibility mode, on a frame of 32-bit
// words, and returns through sigreturn (119) or rt_sigreturn (173) of the i386 table.
//
//   struct sigframe_ia32 (no SA_SIGINFO)        struct rt_sigframe_ia32 (SA_SIGINFO)
//     0 pretcode   (the handler's return)         0 pretcode
//     4 sig        (its argument)                  4 sig, 8 pinfo, 12 puc (its arguments)
//     8 struct sigcontext_32 sc                   16 compat_siginfo_t info (128 bytes)
//    96 struct _fpstate_32 (unused, 624)         144 struct ucontext_ia32 uc:
//   720 extramask (signals 33-64 of the mask)           flags, link, stack (12), sigcontext_32, sigmask
//   724 retcode (8)                              260 retcode (8)
// and the FPU state above the frame (fsave header, then the fxsave image at +112), which
// sc.fpstate points at. pretcode is the sa_restorer glibc gives, else the vDSO's
// __kernel_sigreturn / __kernel_rt_sigreturn. retcode holds the old `int $0x80` return sequence
// that debuggers recognise; the handler returns into it only when there is no vDSO either.

import { Machine } from '../machine';
import { PtRegsField, SELECTORS, TASK } from './abi';
import { SigAction } from './native/process';
import { SignalEvent } from '../trace/event';
import { buildVdso32 } from './vdso32';
import { descriptorBase } from './tls';

/** What the frame code needs of the Signals object (signal.ts). */
export interface FrameKit {
  m: Machine;
  reg(regs: number, f: PtRegsField): bigint;
  setReg(regs: number, f: PtRegsField, v: bigint): void;
  altStack: { sp: bigint; flags: number; size: bigint };
  onAltStack(sp: bigint): boolean;
  saveFpu(): Uint8Array;
  restoreFpu(b: Uint8Array): void;
  setMask(v: bigint): void;
}

const SA_RESTORER = 0x04000000n, SA_SIGINFO = 4n, SA_ONSTACK = 0x08000000n;
const SS_DISABLE = 2, SS_ONSTACK = 1;
const FIX_EFLAGS = 0x40dd5n;
const NR_SIGRETURN = 119, NR_RT_SIGRETURN = 173;

// struct sigcontext_32: the 16-bit selectors, then 32-bit registers.
const SC = { gs: 0, fs: 4, es: 8, ds: 12, di: 16, si: 20, bp: 24, sp: 28, bx: 32, dx: 36, cx: 40, ax: 44, trapno: 48, err: 52, ip: 56, cs: 60, flags: 64, spAtSignal: 68, ss: 72, fpstate: 76, oldmask: 80, cr2: 84 };
const SC_REGS: [keyof typeof SC, PtRegsField][] = [['di', 'di'], ['si', 'si'], ['bp', 'bp'], ['sp', 'sp'], ['bx', 'bx'], ['dx', 'dx'], ['cx', 'cx'], ['ax', 'ax'], ['ip', 'ip']];
const FRAME = { sc: 8, extramask: 720, retcode: 724, size: 732 };
const RT = { info: 16, uc: 144, ucStack: 144 + 8, ucMcontext: 144 + 20, ucSigmask: 144 + 108, retcode: 260, size: 268 };
/** The legacy fsave header before the fxsave image in an i386 FPU frame (struct _fpstate_32). */
const FSAVE_HEADER = 112, FXSAVE_SIZE = 512;

/** Whether the interrupted code runs in compatibility mode (pt_regs->cs is __USER32_CS). */
export function isIa32(cs: bigint): boolean {
  return (Number(cs) & 0xfffc) === (SELECTORS.__USER32_CS & 0xfffc);
}

/** The vDSO's __kernel_sigreturn or __kernel_rt_sigreturn in the running task's process (undefined: no vDSO). */
function vdsoSigreturn(m: Machine, rt: boolean): bigint | undefined {
  const base = m.space.readU64(m.currentTask + TASK.TASK_vdso);
  if (base === 0n) return undefined;
  const off = buildVdso32(m.kernel.treeDir).symbols.get(rt ? '__kernel_rt_sigreturn' : '__kernel_sigreturn') ?? 0;
  return base + BigInt(off);
}

/** compat_siginfo_t: the union starts at 12 (4-byte alignment), addresses are 32 bits. */
function writeSiginfo32(v: DataView, at: number, s: SignalEvent): void {
  v.setInt32(at, s.signo, true);
  v.setInt32(at + 8, s.code, true);
  if (s.addr !== undefined) v.setUint32(at + 12, Number(BigInt.asUintN(32, s.addr)), true);
  else {
    v.setInt32(at + 12, s.senderPid ?? 0, true);
    v.setInt32(at + 16, s.senderUid ?? 0, true);
  }
}

/**
 * ia32_setup_frame / ia32_setup_rt_frame. `mask` is the mask to restore after the handler.
 * False when the frame does not fit on the user stack.
 */
export function setupFrameIa32(k: FrameKit, regs: number, sig: number, act: SigAction, q: { info: SignalEvent; trapno?: number; err?: number }, mask: bigint): boolean {
  const m = k.m, c = m.cpu;
  const rt = (act.flags & SA_SIGINFO) !== 0n;
  const u32 = (f: PtRegsField): number => Number(k.reg(regs, f) & 0xffffffffn);
  let sp = BigInt(u32('sp'));
  const userSp = sp;
  if ((act.flags & SA_ONSTACK) && k.altStack.flags !== SS_DISABLE && !k.onAltStack(sp)) sp = k.altStack.sp + k.altStack.size;
  // The FPU state first (fpu__alloc_mathframe): the fxsave image 64-byte aligned, its fsave header below.
  const fx = (sp - BigInt(FXSAVE_SIZE)) & ~63n;
  const fp = fx - BigInt(FSAVE_HEADER);
  const size = rt ? RT.size : FRAME.size;
  // The i386 ABI: at the handler's first instruction, (%esp + 4) is 16-byte aligned.
  const frame = ((fp - BigInt(size) + 4n) & ~15n) - 4n;
  if (frame < 0n || !m.userMemory.read(frame, Number(sp - frame))) return false;

  const b = new DataView(new ArrayBuffer(size));
  const sc = rt ? RT.ucMcontext : FRAME.sc;
  b.setUint16(sc + SC.gs, c.gs, true);
  b.setUint16(sc + SC.fs, c.fs, true);
  b.setUint16(sc + SC.es, c.es, true);
  b.setUint16(sc + SC.ds, c.ds, true);
  for (const [o, f] of SC_REGS) b.setUint32(sc + SC[o], u32(f), true);
  b.setUint32(sc + SC.trapno, q.trapno ?? 0, true);
  b.setUint32(sc + SC.err, q.err ?? 0, true);
  b.setUint16(sc + SC.cs, u32('cs'), true);
  b.setUint32(sc + SC.flags, u32('flags'), true);
  b.setUint32(sc + SC.spAtSignal, u32('sp'), true);
  b.setUint16(sc + SC.ss, u32('ss'), true);
  b.setUint32(sc + SC.fpstate, Number(fp), true);
  b.setUint32(sc + SC.oldmask, Number(mask & 0xffffffffn), true);
  b.setUint32(sc + SC.cr2, Number(BigInt.asUintN(32, q.info.addr ?? 0n)), true);
  const retcode = rt ? RT.retcode : FRAME.retcode;
  // Without a restorer or a vDSO the handler returns into the frame's own retcode.
  const pretcode = act.flags & SA_RESTORER ? act.restorer : vdsoSigreturn(m, rt) ?? frame + BigInt(retcode);
  b.setUint32(0, Number(pretcode & 0xffffffffn), true);
  b.setInt32(4, sig, true);
  if (rt) {
    // movl $__NR_rt_sigreturn, %eax; int $0x80
    b.setUint8(retcode, 0xb8); b.setUint32(retcode + 1, NR_RT_SIGRETURN, true); b.setUint16(retcode + 5, 0x80cd, true);
    b.setUint32(8, Number(frame) + RT.info, true);
    b.setUint32(12, Number(frame) + RT.uc, true);
    writeSiginfo32(b, RT.info, q.info);
    b.setUint32(RT.ucStack, Number(k.altStack.sp & 0xffffffffn), true);
    b.setInt32(RT.ucStack + 4, k.altStack.flags === SS_DISABLE ? SS_DISABLE : k.onAltStack(userSp) ? SS_ONSTACK : 0, true);
    b.setUint32(RT.ucStack + 8, Number(k.altStack.size & 0xffffffffn), true);
    b.setBigUint64(RT.ucSigmask, mask, true);
  } else {
    // popl %eax; movl $__NR_sigreturn, %eax; int $0x80
    b.setUint16(retcode, 0xb858, true); b.setUint32(retcode + 2, NR_SIGRETURN, true); b.setUint16(retcode + 6, 0x80cd, true);
    b.setUint32(FRAME.extramask, Number(mask >> 32n), true);
  }
  // The FPU frame: the fsave header's control and status words (magic 0: an fxsave image follows).
  const fxImage = k.saveFpu();
  const hdr = new DataView(new ArrayBuffer(FSAVE_HEADER));
  hdr.setUint32(0, c.fcw | 0xffff0000, true);
  hdr.setUint32(4, c.fsw | 0xffff0000, true);
  hdr.setUint32(8, 0xffffffff, true);
  m.space.writeBytes(Number(fp), new Uint8Array(hdr.buffer));
  m.space.writeBytes(Number(fx), fxImage);
  m.space.writeBytes(Number(frame), new Uint8Array(b.buffer));

  // The handler: handler(sig) with the argument on the stack, and in %eax, %edx, %ecx
  // (regparm(3) callers); SA_SIGINFO handlers get (sig, &info, &uc).
  k.setReg(regs, 'ax', BigInt(sig));
  k.setReg(regs, 'dx', rt ? frame + BigInt(RT.info) : 0n);
  k.setReg(regs, 'cx', rt ? frame + BigInt(RT.uc) : 0n);
  k.setReg(regs, 'sp', frame);
  k.setReg(regs, 'ip', act.handler & 0xffffffffn);
  k.setReg(regs, 'flags', k.reg(regs, 'flags') & ~(0x400n | 0x10000n | 0x100n)); // DF RF TF off
  k.setReg(regs, 'cs', BigInt(SELECTORS.__USER32_CS));
  k.setReg(regs, 'ss', BigInt(SELECTORS.__USER_DS));
  c.ds = c.es = SELECTORS.__USER_DS; // FS and GS stay: the handler finds its TLS
  return true;
}

/**
 * sigreturn (rt = false: the sigframe_ia32 starts 8 bytes below %esp, the handler's `ret` and the
 * restorer's `popl %eax` took pretcode and sig) and rt_sigreturn (4 bytes below). Returns the
 * restored %eax, or undefined when the frame cannot be read.
 */
export function sigreturnIa32(k: FrameKit, regs: number, rt: boolean): number | undefined {
  const m = k.m, c = m.cpu;
  const frame = (k.reg(regs, 'sp') & 0xffffffffn) - (rt ? 4n : 8n);
  const size = rt ? RT.size : FRAME.size;
  const bytes = m.userMemory.read(frame, size);
  if (!bytes) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sc = rt ? RT.ucMcontext : FRAME.sc;
  const oldFlags = k.reg(regs, 'flags');
  for (const [o, f] of SC_REGS) k.setReg(regs, f, BigInt(v.getUint32(sc + SC[o], true)));
  k.setReg(regs, 'flags', (oldFlags & ~FIX_EFLAGS) | (BigInt(v.getUint32(sc + SC.flags, true)) & FIX_EFLAGS));
  k.setReg(regs, 'cs', BigInt(v.getUint16(sc + SC.cs, true) | 3));
  k.setReg(regs, 'ss', BigInt(v.getUint16(sc + SC.ss, true) | 3));
  k.setReg(regs, 'orig_ax', -1n); // no system call to restart
  // The data segments come back; a changed FS or GS is reloaded, its base from its descriptor.
  c.ds = v.getUint16(sc + SC.ds, true);
  c.es = v.getUint16(sc + SC.es, true);
  const gdt = Number(BigInt.asIntN(64, m.symbol('gdt_page') ?? 0n));
  const base = (sel: number): number => (sel & 0xfffc && gdt && sel >> 3 < 16 ? descriptorBase(m.space.readU64(gdt + (sel >> 3) * 8)) : 0);
  const fs = v.getUint16(sc + SC.fs, true), gs = v.getUint16(sc + SC.gs, true);
  if (fs !== c.fs) { c.fs = fs; c.fsBase = base(fs); }
  if (gs !== c.gs) { c.gs = gs; c.kernelGsBase = base(gs); } // the user's GS base, while in the kernel
  const mask = rt ? v.getBigUint64(RT.ucSigmask, true)
    : BigInt(v.getUint32(sc + SC.oldmask, true)) | (BigInt(v.getUint32(FRAME.extramask, true)) << 32n);
  k.setMask(mask);
  const fp = v.getUint32(sc + SC.fpstate, true);
  const fx = fp ? m.userMemory.read(BigInt(fp + FSAVE_HEADER), FXSAVE_SIZE) : undefined;
  if (fx) k.restoreFpu(fx);
  return v.getInt32(sc + SC.ax, true);
}
