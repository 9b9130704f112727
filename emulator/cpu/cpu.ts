// The CPU: block cache (decode once per basic block with iced-x86, compile to closures; a block run
// often is then compiled to one JS function by jit.ts), the run loop with instruction budgets and
// breakpoints, direct links between blocks, and exception delivery (IDT, or a stop in bare mode).
// Breakpoints cost almost nothing: a block ends right before any breakpoint address, so the check
// is one flag per block start (blocks are re-split when the set changes).

import { CpuState } from './state';
import { AddressSpace } from '../memory/address-space';
import { GuestFault, VEC_UD, VEC_PF, VEC_DF, PF_I } from '../memory/fault';
import { decodeBlock, Desc } from './decode';
import { compilers, ud } from './table';
import { Exec } from './operands';
import { costOf } from './cost';
import { deliver } from './interrupts';
import { compileBlock, BlockFn } from './jit';
import './jit-ops';
import './alu'; import './moves'; import './muldiv'; import './shift'; import './bits'; import './control';
import './string'; import './system'; import './sse-int'; import './sse-int2'; import './sse-move'; import './sse-float'; import './x87'; import './x87-env';

export type StopReason =
  | { kind: 'budget' }
  | { kind: 'hlt' }
  | { kind: 'vmcall' }
  | { kind: 'breakpoint'; address: number }
  /** An access touched a watched range (AddressSpace.setWatches): after the instruction, as a #DB trap. */
  | { kind: 'watch' }
  | { kind: 'exception'; vector: number; errorCode?: number; cr2?: number }
  | { kind: 'triple-fault' };

const MAX_BLOCK = 64;
const BUDGET: StopReason = { kind: 'budget' };
const HLT: StopReason = { kind: 'hlt' };
const VMCALL: StopReason = { kind: 'vmcall' };
const WATCH: StopReason = { kind: 'watch' };
/** `stop` value of a watch hit (the other values: state.ts). */
const STOP_WATCH = 4;

interface Block {
  addr: number;
  /** The address after the block's last instruction. */
  end: number;
  /** A breakpoint is set at `addr` (run() stops before entering, and the JIT's in-place loop is not used). */
  bp: boolean;
  /** Decoded as 32-bit code (compatibility mode): the same bytes mean something else in 64-bit mode. */
  m32: boolean;
  n: number;
  execs: Exec[];
  addrs: number[];
  nexts: number[];
  costs: number[];
  pages: number[];
  valid: boolean;
  /** Decoded instructions, kept until the block is compiled to JS. */
  descs: Desc[] | null;
  /** Executions through the closures so far. */
  hits: number;
  fn: BlockFn | null;
  /** The blocks that followed this one last (a two-entry cache in front of the Map). */
  link0: Block | null;
  link1: Block | null;
}

/** A set of addresses that tells its owner about each change (to re-split blocks). */
export class BreakpointSet extends Set<number> {
  onChange: ((a: number, added: boolean) => void) | null = null;
  override add(a: number): this {
    if (!this.has(a)) { super.add(a); this.onChange?.(a, true); }
    return this;
  }
  override delete(a: number): boolean {
    if (!super.delete(a)) return false;
    this.onChange?.(a, false);
    return true;
  }
  override clear(): void {
    for (const a of [...this]) this.delete(a);
  }
}

export class Cpu extends CpuState {
  /** Addresses where run() stops before executing the instruction (not the first one of a run). */
  readonly breakpoints = new BreakpointSet();
  /** The last host-side error turned into #UD (a bug in the emulator, kept for diagnosis). */
  lastInternalError: unknown = null;
  /** Executions of a block through the closures before it is compiled to JS (0: at once, Infinity: never). */
  jitThreshold = 16;
  private blocks = new Map<number, Block>();
  private pageBlocks = new Map<number, Block[]>();
  /** Each address space's decoded blocks, kept while another process runs (a context switch is cheap). */
  private readonly caches = new Map<AddressSpace, { blocks: Map<number, Block>; pageBlocks: Map<number, Block[]> }>();

  constructor(mem: AddressSpace) {
    super(mem);
    this.attach(mem);
    this.breakpoints.onChange = (a, added) => this.breakpointChanged(a, added);
  }

  /** Re-splits the cached blocks a breakpoint change concerns: those holding `a` past their start
   * (added), those that ended at `a` because of it (removed), and flags the block starting at `a`. */
  private breakpointChanged(a: number, added: boolean): void {
    // Other address spaces' blocks are decoded again when they next run.
    this.caches.clear();
    const at = this.blocks.get(a);
    if (at) at.bp = added;
    const hit: Block[] = [];
    for (const pn of [Math.floor(a / 4096), Math.floor((a - 1) / 4096)]) {
      for (const b of this.pageBlocks.get(pn) ?? []) {
        if (b.valid && (added ? b.addr < a && a < b.end : b.end === a) && !hit.includes(b)) hit.push(b);
      }
    }
    for (const b of hit) this.invalidateBlock(b);
  }

  private invalidateBlock(b: Block): void {
    b.valid = false;
    if (this.blocks.get(b.addr) === b) this.blocks.delete(b.addr);
    for (const q of b.pages) {
      const p = this.mem.pages.get(q);
      if (p && p.codeBlocks > 0) p.codeBlocks--;
      const list = this.pageBlocks.get(q);
      if (list) { const k = list.indexOf(b); if (k >= 0) list.splice(k, 1); }
    }
  }

  /** Switches to another address space (a context switch): the block cache is per address space. */
  attach(mem: AddressSpace): void {
    if (this.mem !== mem) {
      this.caches.set(this.mem, { blocks: this.blocks, pageBlocks: this.pageBlocks });
      const c = this.caches.get(mem);
      if (c) {
        this.blocks = c.blocks;
        this.pageBlocks = c.pageBlocks;
      } else {
        // A new address space (fork, execve) shares the kernel, so it starts with the kernel's
        // decoded blocks (negative addresses) instead of decoding every kernel path again.
        const blocks = new Map<number, Block>(), pageBlocks = new Map<number, Block[]>();
        for (const [a, b] of this.blocks) if (a < 0) blocks.set(a, b);
        for (const [pn, l] of this.pageBlocks) if (pn < 0) pageBlocks.set(pn, l.slice());
        this.blocks = blocks;
        this.pageBlocks = pageBlocks;
      }
      this.caches.delete(mem);
    }
    this.mem = mem;
    // Code is written in a space that is not running only by the kernel's services (execve): then
    // that space's cache is simply dropped.
    mem.onCodeWrite = (pn) => { if (this.mem === mem) this.invalidatePage(pn); else this.caches.delete(mem); };
    mem.onWatch = () => { if (this.stop === 0) this.stop = STOP_WATCH; };
    // Compiled blocks check for a stop after each memory access only while something is watched.
    mem.onWatchingChanged = () => { if (this.mem === mem) this.flushCode(); else this.caches.delete(mem); };
    mem.user = (this.cs & 3) === 3;
  }

  /** Forgets an address space that is gone (its process exited or exec'd). */
  release(mem: AddressSpace): void {
    this.caches.delete(mem);
  }

  flushCode(): void {
    for (const b of this.blocks.values()) b.valid = false;
    for (const pn of this.pageBlocks.keys()) { const p = this.mem.pages.get(pn); if (p) p.codeBlocks = 0; }
    this.blocks.clear();
    this.pageBlocks.clear();
  }

  private invalidatePage(pn: number): void {
    const list = this.pageBlocks.get(pn);
    if (!list) return;
    this.pageBlocks.delete(pn);
    for (const b of list) {
      if (!b.valid) continue;
      b.valid = false;
      if (this.blocks.get(b.addr) === b) this.blocks.delete(b.addr);
      for (const q of b.pages) {
        const p = this.mem.pages.get(q);
        if (p && p.codeBlocks > 0) p.codeBlocks--;
        if (q !== pn) {
          const other = this.pageBlocks.get(q);
          if (other) { const k = other.indexOf(b); if (k >= 0) other.splice(k, 1); }
        }
      }
    }
  }

  private compile(rip: number): Block {
    const off = rip & 4095;
    const want = 4096 - off + 15;
    const bytes = this.mem.fetch(rip, want);
    const m32 = this.code32;
    // One block per address: one decoded for the other mode goes (the cache is keyed by address).
    const old = this.blocks.get(rip);
    if (old !== undefined) this.invalidateBlock(old);
    const descs = decodeBlock(bytes, rip, m32 ? 32 : 64, 4096 - off, MAX_BLOCK);
    if (this.breakpoints.size > 0) {
      // End the block right before a breakpoint, so run() checks it at a block start.
      const k = descs.findIndex((d, i) => i > 0 && this.breakpoints.has(d.addr));
      if (k > 0) descs.length = k;
    }
    const b: Block = {
      addr: rip, end: descs[descs.length - 1].next, bp: this.breakpoints.has(rip), m32, n: descs.length, execs: [], addrs: [], nexts: [], costs: [], pages: [], valid: true,
      descs, hits: 0, fn: null, link0: null, link1: null,
    };
    for (const d of descs) {
      b.addrs.push(d.addr); b.nexts.push(d.next); b.costs.push(costOf(d.mnem));
      b.execs.push(this.compileOne(d, bytes, rip, want));
    }
    const first = Math.floor(rip / 4096);
    const lastByte = descs[descs.length - 1].next - 1;
    b.pages.push(first);
    if (Math.floor(lastByte / 4096) !== first) b.pages.push(first + 1);
    for (const pn of b.pages) {
      this.mem.markCode(pn);
      let list = this.pageBlocks.get(pn);
      if (!list) this.pageBlocks.set(pn, list = []);
      list.push(b);
    }
    this.blocks.set(rip, b);
    return b;
  }

  private compileOne(d: Desc, bytes: Uint8Array, rip: number, want: number): Exec {
    if (d.invalid) {
      // Truncated by an unfetchable page: the fetch of the missing byte faults (#PF with I/D).
      if (bytes.length < want && d.addr + 15 > rip + bytes.length) {
        const missing = rip + bytes.length;
        return (c) => { c.mem.fetch(missing, 1); ud(); };
      }
      return () => ud();
    }
    const f = compilers[d.mnem];
    let e: Exec | null = null;
    try { e = f ? f(d) : null; } catch (err) { this.lastInternalError = err; e = null; }
    return e ?? (() => ud());
  }

  step(): StopReason { return this.run(1); }

  /** An external interrupt (the local APIC timer): taken now, between two instructions, through the IDT. */
  interrupt(vector: number): void {
    const at = this.rip;
    try { deliver(this, vector, undefined, false); } catch (e) { this.fault(e, at); }
  }

  /** The block at `rip`, found through the links of the block that ran before it when possible. */
  private lookup(prev: Block | null, rip: number): Block | undefined {
    const m32 = this.code32;
    // Links never cross the user/kernel boundary: kernel blocks are shared by every address
    // space, and the user block a kernel block returned to last may belong to another process.
    if (prev !== null && (prev.addr < 0) === (rip < 0)) {
      const a = prev.link0;
      if (a !== null && a.addr === rip && a.valid && a.m32 === m32) return a;
      const b = prev.link1;
      if (b !== null && b.addr === rip && b.valid && b.m32 === m32) return b;
    }
    const b = this.blocks.get(rip);
    if (b === undefined || b.m32 !== m32) return undefined;
    if (prev !== null && (prev.addr < 0) === (rip < 0)) { prev.link1 = prev.link0; prev.link0 = b; }
    return b;
  }

  run(budget: number): StopReason {
    // Hits the caller did not take (it did not ask for watches) are not this run's.
    if (this.mem.watchHits.length !== 0) this.mem.watchHits = [];
    let done = 0;
    let first = true;
    let prev: Block | null = null;
    while (done < budget) {
      let b = this.lookup(prev, this.rip);
      prev = null;
      if (b === undefined) {
        try { b = this.compile(this.rip); } catch (e) {
          const r = this.fault(e, this.rip);
          if (r) return r;
          if (this.mem.watchHits.length !== 0) { this.stop = 0; return WATCH; } // the exception frame went to a watched stack
          continue;
        }
      }
      const n = b.n, execs = b.execs, nexts = b.nexts;
      let i = 0;
      if (b.bp && !first) return { kind: 'breakpoint', address: this.rip };
      first = false;
      const left = budget - done;
      if (b.bp) {
        // The JIT's in-place loop would pass the breakpoint: run this block through the closures.
      } else if (b.fn === null && b.descs !== null && n <= left && ++b.hits > this.jitThreshold) {
        // A generator bug leaves the block on the closures (and is kept for diagnosis).
        try { b.fn = compileBlock(b, b.descs, execs, b.costs, this.mem.watching); } catch (e) { this.lastInternalError = e; }
        b.descs = null;
      }
      if (b.fn !== null && n <= left && !b.bp) {
        let k: number;
        try { k = b.fn(this, left); } catch (e) {
          this.instructions += this.jitDone; done += this.jitDone;
          const r = this.fault(e, b.addrs[this.jitIdx]);
          if (r) return r;
          if (this.mem.watchHits.length !== 0) { this.stop = 0; return WATCH; } // the exception frame went to a watched stack
          continue;
        }
        this.instructions += k; done += k;
        prev = b;
        if (this.stop !== 0) {
          const s = this.stop;
          this.stop = 0;
          if (s === 1) return HLT;
          if (s === 2) return VMCALL;
          if (this.mem.watchHits.length !== 0) return WATCH;
        }
        continue;
      }
      const end = n < left ? n : left;
      try {
        for (; i < end; i++) {
          this.rip = nexts[i];
          execs[i](this);
          this.cycles += b.costs[i];
          // A rep instruction that restarts itself sets RIP back: the rest of the block must wait.
          if (this.stop !== 0 || !b.valid || this.rip !== nexts[i]) { i++; break; }
        }
      } catch (e) {
        this.instructions += i; done += i;
        const r = this.fault(e, b.addrs[i]);
        if (r) return r;
        if (this.mem.watchHits.length !== 0) { this.stop = 0; return WATCH; }
        continue;
      }
      this.instructions += i; done += i;
      prev = b;
      if (this.stop !== 0) {
        const s = this.stop;
        this.stop = 0;
        if (s === 1) return HLT;
        if (s === 2) return VMCALL;
        // A mode change (3) may have overwritten the watch's 4: the hits say it.
        if (this.mem.watchHits.length !== 0) return WATCH;
      }
    }
    return BUDGET;
  }

  /** Handles a fault raised at `at`: delivers it through the IDT, or returns the stop reason. */
  private fault(e: unknown, at: number): StopReason | null {
    this.stop = 0;
    // The faulting instruction did not complete: its accesses are not reported (x86 reports a data
    // breakpoint only for an instruction that retires; it is re-executed after the handler).
    if (this.mem.watchHits.length !== 0) this.mem.watchHits = [];
    let f: GuestFault;
    if (e instanceof GuestFault) f = e;
    else { this.lastInternalError = e; f = new GuestFault(VEC_UD); }
    this.rip = at;
    if (f.vector === VEC_PF && f.cr2 !== undefined) this.cr2 = f.cr2;
    if (this.idtrLimit === 0) {
      const r: StopReason = { kind: 'exception', vector: f.vector };
      if (f.errorCode !== undefined) r.errorCode = f.errorCode;
      if (f.cr2 !== undefined) r.cr2 = f.cr2;
      return r;
    }
    try {
      deliver(this, f.vector, f.errorCode, false);
    } catch (e2) {
      if (f.vector === VEC_DF) return { kind: 'triple-fault' };
      try { this.rip = at; deliver(this, VEC_DF, 0, false); } catch { return { kind: 'triple-fault' }; }
      void e2;
    }
    return null;
  }
}

export { PF_I };
