// The block compiler: turns a hot basic block into one JS function (new Function) with the common
// instruction families inlined (jit-ops.ts) and the closures of the interpreter called for the rest.
// The function runs the block, loops in place while the block jumps to itself (within the budget),
// and returns the number of instructions it executed. The GPRs it uses live in locals (l<r>, h<r>)
// and are written back at every exit, before each closure call and on a fault (reloaded after a
// closure). Invariants kept for the run loop (cpu.ts):
// - a fault in instruction k leaves registers, memory and the flag record as after instruction k-1,
//   with c.jitDone = instructions completed and c.jitIdx = k (the fault's address is the block's addrs[k]);
// - c.cycles grows by the costs of the completed instructions; c.rip is exact at every exit;
// - a closure that stops the run (c.stop), redirects RIP (rep restart) or invalidates the block
//   (self-modifying code) ends the block right after it, as does an inlined store that invalidates it;
// - while memory is watched (AddressSpace.setWatches), an inlined access that hit a watch (c.stop set)
//   ends the block right after its instruction; without watches no such check is emitted.

import { Desc, K_MEM } from './decode';
import { Exec } from './operands';
import { CpuState } from './state';
import { Producer, commitCode, condOf, cf } from './jit-flags';
import { PARITY } from './flags';

/** Generates inline code for one instruction into g; false = use the closure instead. */
export type OpGen = (g: Gen, d: Desc) => boolean;
export const opGens: (OpGen | undefined)[] = [];

export function defGen(mnems: number | number[], f: OpGen): void {
  for (const m of Array.isArray(mnems) ? mnems : [mnems]) opGens[m] = f;
}

export type BlockFn = (c: CpuState, left: number) => number;

export interface JitBlock {
  readonly addr: number;
  readonly n: number;
  valid: boolean;
}

export class Gen {
  readonly out: string[] = [];
  /** The last inlined flag-setting instruction whose record is not written yet. */
  pending: Producer | null = null;
  i = 0;
  /** Set by a generator that stored to memory (a self-modifying-code check follows unless last). */
  wrote = false;
  /** Set by emitLoad/emitStore: this instruction accesses memory inline. */
  touched = false;
  /** GPRs the block reads or writes (loaded into locals on entry), and those it writes. */
  readonly used = new Set<number>();
  readonly written = new Set<number>();
  /** A jump back to the block's start must commit the flags (they may be read before being set). */
  private readonly loopFlagsLive: boolean;

  constructor(readonly descs: Desc[], readonly cum: number[], readonly start: number, readonly watch = false) {
    this.loopFlagsLive = flagsReadFirst(descs);
  }

  emit(s: string): void { this.out.push(s); }
  /** The locals holding GPR r's halves, for reading. */
  rl(r: number): string { this.used.add(r); return `l${r}`; }
  rh(r: number): string { this.used.add(r); return `h${r}`; }
  /** The same locals, for assigning. */
  wl(r: number): string { this.used.add(r); this.written.add(r); return `l${r}`; }
  wh(r: number): string { this.used.add(r); this.written.add(r); return `h${r}`; }
  /** A local name for this instruction. */
  v(name: string): string { return `${name}${this.i}`; }
  get last(): boolean { return this.i === this.descs.length - 1; }
  get next(): number { return this.descs[this.i].next; }

  /** The producer last committed, while the record still holds it: its locals can still be read. */
  committed: Producer | null = null;

  /** Writes the pending flag result into the record (before anything else may read it). */
  commit(): void {
    if (this.pending) { this.emit(commitCode(this.pending)); this.committed = this.pending; this.pending = null; }
  }
  private commitText(): string { return this.pending ? commitCode(this.pending) : ''; }
  /** Before an access that may fault: the flag record and the fault index must be exact. */
  faultable(): void { this.commit(); this.emit(`k=${this.i};`); }
  produce(p: Producer): void { this.pending = p; this.committed = null; }
  /** Condition code cc as a boolean expression. */
  cond(cc: number): string {
    const p = this.pending ?? this.committed;
    return p ? condOf(p, cc) : `c.cond(${cc})`;
  }
  /** CF as 0/1. */
  carry(): string {
    const p = this.pending ?? this.committed;
    return p ? `(${cf(p)}?1:0)` : 'c.getCF()';
  }

  /** Leaves the block after this instruction with RIP = target (an expression or a constant). */
  exitTo(target: string | number): void {
    const n = this.i + 1;
    if (target === this.start && n === this.descs.length) {
      // A jump back to the block's start: run again in place while the budget allows.
      this.emit(`done+=${n};cy+=${this.cum[n]};if(done+${n}<=left${this.watch ? '&&c.stop===0' : ''}){${this.loopFlagsLive ? this.commitText() : ''}continue;}`);
      this.emit(`c.rip=${target};${this.commitText()}${WB}c.cycles+=cy;return done;`);
      return;
    }
    this.emit(`c.rip=${target};${this.commitText()}${WB}c.cycles+=cy+${this.cum[n]};return done+${n};`);
  }
  /** A conditional branch: `cond` true goes to `taken`, else to the next instruction. */
  exitIf(cond: string, taken: number): void {
    this.emit(`if(${cond}){`);
    this.exitTo(taken);
    this.emit('}');
    this.exitTo(this.next);
  }

  /** Calls the interpreter's closure for this instruction. */
  closure(): void {
    const n = this.i + 1;
    this.commit();
    this.committed = null; // the closure may set the flags
    // The closure works on c.lo/c.hi: write the locals back first, and reload them after it. The
    // cycles so far are added first too (rdtsc reads them), with cy adjusted so the exits add the rest.
    const ci = this.cum[this.i];
    this.emit(`k=${this.i};c.rip=${this.next};c.cycles+=cy+${ci};cy=${-ci};${WB}wb=0;E[${this.i}](c);wb=1;`);
    if (this.last) this.emit(`c.cycles+=cy+${this.cum[n]};return done+${n};`);
    else this.emit(`if(c.stop!==0||!B.valid||c.rip!==${this.next}){c.cycles+=cy+${this.cum[n]};return done+${n};}${RL}`);
  }

  /** After an inlined access while memory is watched: a hit (c.stop) ends the block after this instruction. */
  watchCheck(): void {
    const n = this.i + 1;
    this.emit(`if(c.stop!==0){c.rip=${this.next};${this.commitText()}${WB}c.cycles+=cy+${this.cum[n]};return done+${n};}`);
  }

  /** After an inlined store: a write into this block's own code ends it. */
  smcCheck(): void {
    const n = this.i + 1;
    this.emit(`if(!B.valid){c.rip=${this.next};${this.commitText()}${WB}c.cycles+=cy+${this.cum[n]};return done+${n};}`);
  }
}

/** Placeholders for the write-back and reload of the GPR locals (the sets are known at the end). */
const WB = '\u0001', RL = '\u0002';

/** True if a flag may be read in the block before all flags are written (so a loop back must commit). */
function flagsReadFirst(descs: Desc[]): boolean {
  const d = descs[0];
  // Only the common case is recognised: the block starts with an inlined full flag writer that
  // cannot fault (a fault must see the flags as they were).
  return !(d && FULL_WRITERS.has(d.mnem) && !d.ops.some((o) => o.k === K_MEM));
}
/** Mnemonics whose generator sets all six arithmetic flags without reading any (jit-ops.ts adds them). */
export const FULL_WRITERS = new Set<number>();

/** Compiles a block (throws if the generated source does not compile: a bug in a generator). */
export function compileBlock(b: JitBlock, descs: Desc[], execs: Exec[], costs: number[], watch = false): BlockFn {
  const cum = [0];
  for (const x of costs) cum.push(cum[cum.length - 1] + x);
  const g = new Gen(descs, cum, b.addr, watch);
  for (let i = 0; i < descs.length; i++) {
    g.i = i; g.wrote = false; g.touched = false;
    const d = descs[i];
    const f = d.invalid ? undefined : opGens[d.mnem];
    const mark = g.out.length, pend = g.pending, comm = g.committed;
    const ok = f !== undefined && f(g, d);
    if (!ok) { g.out.length = mark; g.pending = pend; g.committed = comm; g.closure(); continue; }
    if (g.wrote && !g.last) g.smcCheck();
    if (watch && g.touched && !g.last) g.watchCheck();
    if (i === descs.length - 1 && !d.ends) g.exitTo(d.next);
  }
  const used = [...g.used].sort((x, y) => x - y), written = [...g.written].sort((x, y) => x - y);
  const load = used.map((r) => `l${r}=L[${r}],h${r}=H[${r}]`).join(',');
  const wb = written.map((r) => `L[${r}]=l${r};H[${r}]=h${r};`).join('');
  const rl = used.map((r) => `l${r}=L[${r}];h${r}=H[${r}];`).join('');
  const body = g.out.join('\n').split(WB).join(wb).split(RL).join(rl);
  // On a fault in inlined code the locals hold the state before the faulting instruction (wb=1);
  // in a closure (wb=0) c.lo/c.hi are already the state to keep.
  const src = `return function block(c,left){const L=c.lo,H=c.hi,M=c.mem;let k=0,done=0,cy=0,wb=1${load ? ',' + load : ''};` +
    `try{for(;;){\n${body}\n}}catch(e){if(wb!==0){${wb}}c.jitDone=done+k;c.jitIdx=k;c.cycles+=cy+CUM[k];throw e;}}`;
  return new Function('E', 'B', 'CUM', 'PAR', src)(execs, b, cum, PARITY) as BlockFn;
}
