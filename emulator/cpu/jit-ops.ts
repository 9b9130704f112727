// Inline code generators for the common instruction families (integer ALU, inc/dec/neg/not, mov,
// movzx/movsx, lea, setcc/cmovcc, jumps, call/ret, push/pop, nops). Each emits JS that does exactly
// what the closure of the same instruction does (alu.ts, moves.ts, control.ts), and returns false for
// forms it does not cover, which then run through the closure. Memory accesses come first, so a
// fault leaves the state untouched; the flag record is deferred (jit-flags.ts).

import { Mnemonic } from 'iced-x86';
import { Opnd, K_REG, K_MEM, K_IMM, K_BRANCH, SEG_FS, SEG_GS } from './decode';
import { OP_ADD, OP_ADC, OP_SUB, OP_SBB, OP_LOGIC, OP_INC, OP_DEC } from './flags';
import { Gen, defGen, FULL_WRITERS } from './jit';
import { emitLoad, emitStore } from './jit-mem';

const TWO32 = '4294967296';
const isInt = (o: Opnd | undefined): o is Opnd => o !== undefined && (o.k === K_REG || o.k === K_MEM || o.k === K_IMM);

/** The effective address of a memory operand, as makeEa computes it. */
function ea(g: Gen, o: Opnd): string {
  const b = o.base, x = o.index, s = o.scale, d = o.disp;
  let e: string;
  if (o.a32) {
    const parts = [b >= 0 ? g.rl(b) : '', x >= 0 ? `${g.rl(x)}*${s}` : '', `${d}`].filter((p) => p !== '');
    e = `((${parts.join('+')})>>>0)`;
  } else {
    const parts: string[] = [];
    if (b >= 0) parts.push(`${g.rh(b)}*${TWO32}+(${g.rl(b)}>>>0)`);
    if (x >= 0) parts.push(`(${g.rh(x)}*${TWO32}+(${g.rl(x)}>>>0))*${s}`);
    if (d !== 0 || parts.length === 0) parts.push(`${d}`);
    e = `(${parts.join('+')})`;
  }
  if (o.seg === SEG_FS) e = o.lin32 ? `((${e}+c.fsBase)>>>0)` : `(${e}+c.fsBase)`;
  else if (o.seg === SEG_GS) e = o.lin32 ? `((${e}+c.gsBase)>>>0)` : `(${e}+c.gsBase)`;
  return e;
}

/** Declares locals lo (and hi when size is 8) holding the operand as a getter of makeGet reads it.
 *  A memory operand's address is kept in `ea<i>` for a later write back. */
function read(g: Gen, o: Opnd, size: number, lo: string, hi: string): void {
  if (o.k === K_REG) {
    const l = g.rl(o.r);
    if (o.h8) g.emit(`const ${lo}=(${l}>>8)&255;`);
    else if (size === 1) g.emit(`const ${lo}=${l}&255;`);
    else if (size === 2) g.emit(`const ${lo}=${l}&65535;`);
    else if (size === 4) g.emit(`const ${lo}=${l};`);
    else g.emit(`const ${lo}=${l},${hi}=${g.rh(o.r)};`);
  } else if (o.k === K_IMM) {
    if (size === 1) g.emit(`const ${lo}=${o.lo & 255};`);
    else if (size === 2) g.emit(`const ${lo}=${o.lo & 0xffff};`);
    else if (size === 4) g.emit(`const ${lo}=${o.lo};`);
    else g.emit(`const ${lo}=${o.lo},${hi}=${o.hi};`);
  } else {
    const a = g.v('ea');
    g.emit(`const ${a}=${ea(g, o)};`);
    emitLoad(g, size, a, lo, hi);
  }
}

/** Stores lo/hi into the operand as makePut does; `rmw` reuses the address the read computed. */
function write(g: Gen, o: Opnd, size: number, lo: string, hi: string, rmw: boolean): void {
  if (o.k === K_REG) {
    const l = g.wl(o.r), h = g.wh(o.r);
    if (o.h8) g.emit(`${l}=(${l}&-65281)|((${lo}&255)<<8);`);
    else if (size === 1) g.emit(`${l}=(${l}&-256)|(${lo}&255);`);
    else if (size === 2) g.emit(`${l}=(${l}&-65536)|(${lo}&65535);`);
    else if (size === 4) g.emit(`${l}=${lo};${h}=0;`);
    else g.emit(`${l}=${lo};${h}=${hi};`);
    return;
  }
  emitStore(g, size, rmw ? g.v('ea') : ea(g, o), lo, hi);
  g.wrote = true;
}

// ---- integer ALU ----

const ALU: [number, number, boolean][] = [ // mnemonic, op, writes its destination
  [Mnemonic.Add, OP_ADD, true], [Mnemonic.Adc, OP_ADC, true], [Mnemonic.Sub, OP_SUB, true], [Mnemonic.Sbb, OP_SBB, true],
  [Mnemonic.And, OP_LOGIC, true], [Mnemonic.Or, OP_LOGIC, true], [Mnemonic.Xor, OP_LOGIC, true],
  [Mnemonic.Cmp, OP_SUB, false], [Mnemonic.Test, OP_LOGIC, false],
];
const LOGIC_OP: Record<number, string> = { [Mnemonic.And]: '&', [Mnemonic.Or]: '|', [Mnemonic.Xor]: '^', [Mnemonic.Test]: '&' };

for (const [mn, op, writes] of ALU) {
  if (op !== OP_ADC && op !== OP_SBB) FULL_WRITERS.add(mn);
  defGen(mn, (g, d) => {
    const [o0, o1] = d.ops;
    if (!isInt(o0) || !isInt(o1) || d.lock) return false;
    const s = o0.size, w = s === 8;
    if (o0.k === K_MEM || o1.k === K_MEM) g.faultable();
    const a = g.v('a'), ah = w ? g.v('ah') : '0', b = g.v('b'), bh = w ? g.v('bh') : '0', r = g.v('r'), rh = w ? g.v('rh') : '0';
    let cin: string | null = null;
    if (op === OP_ADC || op === OP_SBB) { cin = g.v('ci'); g.emit(`const ${cin}=${g.carry()};`); }
    read(g, o0, s, a, ah);
    read(g, o1, s, b, bh);
    switch (op) {
      case OP_ADD:
        g.emit(w ? `const ${r}=(${a}+${b})|0,${rh}=(${ah}+${bh}+((${r}>>>0)<(${a}>>>0)?1:0))|0;` : `const ${r}=(${a}+${b})|0;`); break;
      case OP_ADC:
        g.emit(w ? `const ${r}=(${a}+${b}+${cin})|0,${rh}=(${ah}+${bh}+((${a}>>>0)+(${b}>>>0)+${cin}>4294967295?1:0))|0;` : `const ${r}=(${a}+${b}+${cin})|0;`); break;
      case OP_SUB:
        g.emit(w ? `const ${r}=(${a}-${b})|0,${rh}=(${ah}-${bh}-((${a}>>>0)<(${b}>>>0)?1:0))|0;` : `const ${r}=(${a}-${b})|0;`); break;
      case OP_SBB:
        g.emit(w ? `const ${r}=(${a}-${b}-${cin})|0,${rh}=(${ah}-${bh}-((${a}>>>0)<(${b}>>>0)+${cin}?1:0))|0;` : `const ${r}=(${a}-${b}-${cin})|0;`); break;
      default: {
        const x = LOGIC_OP[mn];
        g.emit(w ? `const ${r}=${a}${x}${b},${rh}=${ah}${x}${bh};` : `const ${r}=${a}${x}${b};`);
      }
    }
    if (writes) write(g, o0, s, r, rh, true);
    if (op === OP_LOGIC) g.produce({ op, size: s, a: '0', ah: '0', b: '0', bh: '0', r, rh, cin: null });
    else g.produce({ op, size: s, a, ah, b, bh, r, rh, cin });
    return true;
  });
}

defGen([Mnemonic.Inc, Mnemonic.Dec], (g, d) => {
  const o = d.ops[0];
  if (!isInt(o) || o.k === K_IMM || d.lock) return false;
  const s = o.size, w = s === 8, inc = d.mnem === Mnemonic.Inc;
  if (o.k === K_MEM) g.faultable();
  const a = g.v('a'), ah = w ? g.v('ah') : '0', r = g.v('r'), rh = w ? g.v('rh') : '0';
  // The preserved CF stays an expression, computed only if a consumer or a commit needs it.
  const cin = g.carry();
  read(g, o, s, a, ah);
  g.emit(`const ${r}=(${a}${inc ? '+' : '-'}1)|0;`);
  if (w) g.emit(inc ? `const ${rh}=${r}===0?(${ah}+1)|0:${ah};` : `const ${rh}=${a}===0?(${ah}-1)|0:${ah};`);
  write(g, o, s, r, rh, true);
  g.produce({ op: inc ? OP_INC : OP_DEC, size: s, a, ah, b: '1', bh: '0', r, rh, cin });
  return true;
});

FULL_WRITERS.add(Mnemonic.Neg);
defGen(Mnemonic.Neg, (g, d) => {
  const o = d.ops[0];
  if (!isInt(o) || o.k === K_IMM || d.lock) return false;
  const s = o.size, w = s === 8;
  if (o.k === K_MEM) g.faultable();
  const a = g.v('a'), ah = w ? g.v('ah') : '0', r = g.v('r'), rh = w ? g.v('rh') : '0';
  read(g, o, s, a, ah);
  g.emit(w ? `const ${r}=(0-${a})|0,${rh}=(0-${ah}-(0<(${a}>>>0)?1:0))|0;` : `const ${r}=(0-${a})|0;`);
  write(g, o, s, r, rh, true);
  g.produce({ op: OP_SUB, size: s, a: '0', ah: '0', b: a, bh: ah, r, rh, cin: null });
  return true;
});

defGen(Mnemonic.Not, (g, d) => {
  const o = d.ops[0];
  if (!isInt(o) || o.k === K_IMM || d.lock) return false;
  const s = o.size, a = g.v('a'), ah = s === 8 ? g.v('ah') : '0';
  if (o.k === K_MEM) g.faultable();
  read(g, o, s, a, ah);
  write(g, o, s, `~${a}`, `~${ah}`, true);
  return true;
});

// ---- data movement ----

defGen(Mnemonic.Mov, (g, d) => {
  const [o0, o1] = d.ops;
  if (!isInt(o0) || !isInt(o1) || o0.k === K_IMM) return false;
  const s = o0.size, v = g.v('v'), vh = s === 8 ? g.v('vh') : '0';
  if (o0.k === K_MEM || o1.k === K_MEM) g.faultable();
  read(g, o1, s, v, vh);
  write(g, o0, s, v, vh, false);
  return true;
});

defGen([Mnemonic.Movzx, Mnemonic.Movsx, Mnemonic.Movsxd], (g, d) => {
  const [o0, o1] = d.ops;
  if (!isInt(o0) || !isInt(o1) || o0.k !== K_REG) return false;
  const ss = o1.size, v = g.v('v'), x = g.v('x');
  if (ss === 8) return false;
  if (o1.k === K_MEM) g.faultable();
  read(g, o1, ss, v, '');
  if (d.mnem === Mnemonic.Movzx) { write(g, o0, o0.size, v, '0', false); return true; }
  g.emit(`const ${x}=${ss === 1 ? `(${v}<<24)>>24` : ss === 2 ? `(${v}<<16)>>16` : `${v}|0`};`);
  write(g, o0, o0.size, x, `(${x}>>31)`, false);
  return true;
});

defGen(Mnemonic.Lea, (g, d) => {
  const [o0, o1] = d.ops;
  if (o0.k !== K_REG || o1.k !== K_MEM) return false;
  const lo = g.v('lo'), hi = g.v('hi');
  if (o1.a32) {
    // A 32-bit address (compatibility mode, or 0x67) is computed modulo 2^32 and zero-extended.
    const parts = [o1.base >= 0 ? g.rl(o1.base) : '', o1.index >= 0 ? `${g.rl(o1.index)}*${o1.scale}` : '', `${o1.disp | 0}`].filter((p) => p !== '');
    write(g, o0, o0.size, `((${parts.join('+')})|0)`, '0', false);
    return true;
  }
  if (o1.base < 0 && o1.index < 0) {
    const v = o1.disp;
    write(g, o0, o0.size, `${v | 0}`, `${Math.floor(v / 4294967296) | 0}`, false);
    return true;
  }
  const b = o1.base, x = o1.index, sc = o1.scale;
  const dlo = (o1.disp | 0) >>> 0, dhi = Math.floor(o1.disp / 4294967296) | 0;
  const los = [`${dlo}`], his = [`${dhi}`];
  if (b >= 0) { los.push(`(${g.rl(b)}>>>0)`); his.push(g.rh(b)); }
  if (x >= 0) { los.push(`(${g.rl(x)}>>>0)*${sc}`); his.push(`${g.rh(x)}*${sc}`); }
  g.emit(`const ${lo}=${los.join('+')};`);
  g.emit(`const ${hi}=(${his.join('+')}+Math.floor(${lo}/4294967296))|0;`);
  write(g, o0, o0.size, `(${lo}|0)`, hi, false);
  return true;
});

const CMOVS = [Mnemonic.Cmovo, Mnemonic.Cmovno, Mnemonic.Cmovb, Mnemonic.Cmovae, Mnemonic.Cmove, Mnemonic.Cmovne, Mnemonic.Cmovbe,
  Mnemonic.Cmova, Mnemonic.Cmovs, Mnemonic.Cmovns, Mnemonic.Cmovp, Mnemonic.Cmovnp, Mnemonic.Cmovl, Mnemonic.Cmovge, Mnemonic.Cmovle, Mnemonic.Cmovg];
defGen(CMOVS, (g, d) => {
  const [o0, o1] = d.ops;
  if (!isInt(o0) || !isInt(o1) || o0.k !== K_REG) return false;
  const s = o0.size, v = g.v('v'), vh = s === 8 ? g.v('vh') : '0';
  if (o1.k === K_MEM) g.faultable();
  read(g, o1, s, v, vh);
  g.emit(`if(${g.cond(d.cc)}){`);
  write(g, o0, s, v, vh, false);
  g.emit(s === 4 ? `}else ${g.wh(o0.r)}=0;` : '}');
  return true;
});

const SETS = [Mnemonic.Seto, Mnemonic.Setno, Mnemonic.Setb, Mnemonic.Setae, Mnemonic.Sete, Mnemonic.Setne, Mnemonic.Setbe,
  Mnemonic.Seta, Mnemonic.Sets, Mnemonic.Setns, Mnemonic.Setp, Mnemonic.Setnp, Mnemonic.Setl, Mnemonic.Setge, Mnemonic.Setle, Mnemonic.Setg];
defGen(SETS, (g, d) => {
  const o = d.ops[0];
  if (!isInt(o) || o.k === K_IMM) return false;
  if (o.k === K_MEM) g.faultable();
  write(g, o, 1, `(${g.cond(d.cc)}?1:0)`, '0', false);
  return true;
});

defGen([Mnemonic.Nop, Mnemonic.Endbr64, Mnemonic.Endbr32, Mnemonic.Pause, Mnemonic.Lfence, Mnemonic.Mfence, Mnemonic.Sfence,
  Mnemonic.Prefetchnta, Mnemonic.Prefetcht0, Mnemonic.Prefetcht1, Mnemonic.Prefetcht2, Mnemonic.Prefetchw], () => true);

// ---- control transfer and the stack (RSP is register 4) ----

/** Pushes lo:hi (push64 of control.ts: the store first, then RSP). */
function push(g: Gen, lo: string, hi: string): void {
  const sp = g.v('sp');
  g.emit(`const ${sp}=${g.rh(4)}*${TWO32}+(${g.rl(4)}>>>0)-8;`);
  emitStore(g, 8, sp, lo, hi);
  g.emit(`${g.wl(4)}=${sp}|0;${g.wh(4)}=Math.floor(${sp}/${TWO32})|0;`);
  g.wrote = true;
}
/** Pops into locals lo:hi (pop64), adding `extra` bytes to RSP (ret imm16). */
function pop(g: Gen, lo: string, hi: string, extra = 0): void {
  const sp = g.v('sp'), n = g.v('ns');
  g.emit(`const ${sp}=${g.rh(4)}*${TWO32}+(${g.rl(4)}>>>0);`);
  emitLoad(g, 8, sp, lo, hi);
  const l = g.wl(4), h = g.wh(4);
  g.emit(`const ${n}=${sp}+8;${l}=${n}|0;${h}=Math.floor(${n}/${TWO32})|0;`);
  if (extra) g.emit(`{const t=${h}*${TWO32}+(${l}>>>0)+${extra};${l}=t|0;${h}=Math.floor(t/${TWO32})|0;}`);
}

/** Compatibility mode: pushes 32 bits on ESP (push32 of control.ts: the store first, then ESP, zero-extended). */
function push32(g: Gen, lo: string): void {
  const sp = g.v('sp');
  g.emit(`const ${sp}=(${g.rl(4)}-4)>>>0;`);
  emitStore(g, 4, sp, lo, '0');
  g.emit(`${g.wl(4)}=${sp}|0;${g.wh(4)}=0;`);
  g.wrote = true;
}
/** Compatibility mode: pops 32 bits into local lo (pop32), adding `extra` bytes to ESP (ret imm16). */
function pop32(g: Gen, lo: string, extra = 0): void {
  const sp = g.v('sp');
  g.emit(`const ${sp}=${g.rl(4)}>>>0;`);
  emitLoad(g, 4, sp, lo, '');
  g.emit(`${g.wl(4)}=(${sp}+${4 + extra})|0;${g.wh(4)}=0;`);
}

const JCC = [Mnemonic.Jo, Mnemonic.Jno, Mnemonic.Jb, Mnemonic.Jae, Mnemonic.Je, Mnemonic.Jne, Mnemonic.Jbe, Mnemonic.Ja,
  Mnemonic.Js, Mnemonic.Jns, Mnemonic.Jp, Mnemonic.Jnp, Mnemonic.Jl, Mnemonic.Jge, Mnemonic.Jle, Mnemonic.Jg];
defGen(JCC, (g, d) => {
  if (!g.last || d.ops[0]?.k !== K_BRANCH) return false;
  g.exitIf(g.cond(d.cc), d.ops[0].num);
  return true;
});

// In compatibility mode (d.bits 32) the stack and indirect targets are 32-bit (control.ts).
defGen(Mnemonic.Jmp, (g, d) => {
  const o = d.ops[0];
  if (!g.last) return false;
  if (o.k === K_BRANCH) { g.exitTo(o.num); return true; }
  if (d.bits === 32) {
    if ((o.k !== K_REG && o.k !== K_MEM) || o.size !== 4) return false;
    const t = g.v('t');
    if (o.k === K_MEM) g.faultable();
    read(g, o, 4, t, '');
    g.exitTo(`(${t}>>>0)`);
    return true;
  }
  if (o.k !== K_REG && o.k !== K_MEM) return false;
  const t = g.v('t'), th = g.v('th');
  if (o.k === K_MEM) g.faultable();
  read(g, o, 8, t, th);
  g.exitTo(`(${th}*${TWO32}+(${t}>>>0))`);
  return true;
});

defGen(Mnemonic.Call, (g, d) => {
  const o = d.ops[0], r = d.next, rl = r | 0, rh = Math.floor(r / 4294967296) | 0;
  if (!g.last || (o.k !== K_BRANCH && o.k !== K_REG && o.k !== K_MEM)) return false;
  if (d.bits === 32) {
    if (o.k !== K_BRANCH && o.size !== 4) return false;
    g.faultable();
    if (o.k === K_BRANCH) { push32(g, `${rl}`); g.exitTo(o.num); return true; }
    const t = g.v('t');
    read(g, o, 4, t, '');
    push32(g, `${rl}`);
    g.exitTo(`(${t}>>>0)`);
    return true;
  }
  g.faultable();
  if (o.k === K_BRANCH) { push(g, `${rl}`, `${rh}`); g.exitTo(o.num); return true; }
  const t = g.v('t'), th = g.v('th');
  read(g, o, 8, t, th);
  push(g, `${rl}`, `${rh}`);
  g.exitTo(`(${th}*${TWO32}+(${t}>>>0))`);
  return true;
});

defGen(Mnemonic.Ret, (g, d) => {
  if (!g.last) return false;
  const n = d.ops.length > 0 ? d.ops[0].lo & 0xffff : 0;
  const t = g.v('t'), th = g.v('th');
  g.faultable();
  if (d.bits === 32) { pop32(g, t, n); g.exitTo(`(${t}>>>0)`); return true; }
  pop(g, t, th, n);
  g.exitTo(`(${th}*${TWO32}+(${t}>>>0))`);
  return true;
});

defGen(Mnemonic.Push, (g, d) => {
  const o = d.ops[0];
  if (o.size === 2 || (o.k !== K_REG && o.k !== K_IMM)) return false;
  g.faultable();
  if (d.bits === 32) { push32(g, o.k === K_REG ? g.rl(o.r) : `${o.lo}`); return true; }
  if (o.k === K_REG) {
    const v = g.v('v'), vh = g.v('vh');
    g.emit(`const ${v}=${g.rl(o.r)},${vh}=${g.rh(o.r)};`);
    push(g, v, vh);
  } else push(g, `${o.lo}`, `${o.hi}`);
  return true;
});

defGen(Mnemonic.Pop, (g, d) => {
  const o = d.ops[0];
  if (o.k !== K_REG || o.size !== (d.bits === 32 ? 4 : 8)) return false;
  const v = g.v('v'), vh = g.v('vh');
  g.faultable();
  if (d.bits === 32) { pop32(g, v); g.emit(`${g.wl(o.r)}=${v};${g.wh(o.r)}=0;`); return true; }
  pop(g, v, vh);
  g.emit(`${g.wl(o.r)}=${v};${g.wh(o.r)}=${vh};`);
  return true;
});
