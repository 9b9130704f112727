// The user's breakpoints, by address: source lines (user files and the kernel's .S files),
// functions (any symbol), instructions; each with its condition, hit condition or log message.
// Deciding whether a hit stops is here; expressions are evaluated by emulator/debug/expr.

import { EvalContext, interpolate, isTrue } from '../../emulator/debug/expr';

export type BpKind = 'source' | 'function' | 'instruction';

export interface UserBreakpoint {
  id: number;
  kind: BpKind;
  address?: bigint;
  addresses: bigint[];
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

export interface HitOutcome { stop: boolean; ids: number[]; kind: BpKind; log?: string }

let nextId = 1;

export class BreakpointTable {
  private readonly sources = new Map<string, UserBreakpoint[]>();
  private functions: UserBreakpoint[] = [];
  private instructions: UserBreakpoint[] = [];
  private byAddress = new Map<bigint, UserBreakpoint[]>();
  private idQueue: number[] = [];

  /** The next breakpoints created take these ids (a restart re-creates the client's breakpoints). */
  reuseIds(ids: number[]): void {
    this.idQueue = ids.filter((i) => i > 0);
  }

  create(kind: BpKind, addresses: bigint[], o: { condition?: string; hitCondition?: string; logMessage?: string }): UserBreakpoint {
    return { id: this.idQueue.shift() ?? nextId++, kind, addresses, condition: o.condition || undefined, hitCondition: o.hitCondition || undefined, logMessage: o.logMessage || undefined, hits: 0 };
  }

  setSource(file: string, bps: UserBreakpoint[]): void {
    this.sources.set(file, bps);
    this.reindex();
  }

  setFunctions(bps: UserBreakpoint[]): void {
    this.functions = bps;
    this.reindex();
  }

  setInstructions(bps: UserBreakpoint[]): void {
    this.instructions = bps;
    this.reindex();
  }

  private reindex(): void {
    this.byAddress = new Map();
    for (const bp of [...[...this.sources.values()].flat(), ...this.functions, ...this.instructions]) {
      for (const a of bp.addresses) {
        const list = this.byAddress.get(a) ?? [];
        list.push(bp);
        this.byAddress.set(a, list);
      }
    }
  }

  addresses(): bigint[] {
    return [...this.byAddress.keys()];
  }

  has(address: bigint): boolean {
    return this.byAddress.has(address);
  }

  /** The breakpoints at `address` (to judge a hit without counting it: a look back in time). */
  at(address: bigint): readonly UserBreakpoint[] {
    return this.byAddress.get(address) ?? [];
  }

  /** Every breakpoint with an address (their hit counts are rewound by a backward step). */
  all(): UserBreakpoint[] {
    return [...new Set([...this.byAddress.values()].flat())];
  }

  /** Counts a hit at `address` and says whether it stops (conditions, hit counts; logpoints never stop). */
  hit(address: bigint, ctx: EvalContext): HitOutcome {
    const list = this.byAddress.get(address);
    if (!list) return { stop: false, ids: [], kind: 'source' };
    const ids: number[] = [];
    let kind: BpKind = 'source';
    const logs: string[] = [];
    for (const bp of list) {
      if (bp.condition) {
        let ok: boolean;
        try {
          ok = isTrue(bp.condition, ctx);
        } catch (e) {
          // A condition that cannot be evaluated stops, with the reason: as VS Code's other debuggers do.
          logs.push(`breakpoint condition '${bp.condition}': ${(e as Error).message}\n`);
          ok = true;
        }
        if (!ok) continue;
      }
      bp.hits++;
      if (bp.hitCondition && !hitMatches(bp.hitCondition, bp.hits)) continue;
      if (bp.logMessage) {
        logs.push(interpolate(bp.logMessage, ctx) + '\n');
        continue;
      }
      ids.push(bp.id);
      kind = bp.kind;
    }
    const log = logs.length ? logs.join('') : undefined;
    return { stop: ids.length > 0, ids, kind, log };
  }
}

/** `5` or `>= 5` (stop from the 5th hit), `> 5`, `== 5`, `% 3` (every 3rd). */
export function hitMatches(cond: string, hits: number): boolean {
  const m = /^\s*(>=|>|==|=|%|<=|<)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>': return hits > n;
    case '==': case '=': return hits === n;
    case '%': return n > 0 && hits % n === 0;
    case '<': return hits < n;
    case '<=': return hits <= n;
    default: return hits >= n;
  }
}
