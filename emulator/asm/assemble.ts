// The assembler driver: statements of one source file -> an ObjectFile. It lays out sections,
// relaxes jumps the way GNU as does (every jmp/jcc starts short and grows to rel32 until nothing
// changes), decides which expressions are constants "at this point" (as GNU as's one-pass reading
// does: a forward reference gets the full-size field), and records fixups and line rows.

import { Encoded, Resolved, encodeInsn } from './x86/encode';
import { EvalEnv, Expr, ExprError, UnknownSymbol, Value, evaluate } from './expr';
import { AsmError, Diagnostic, Insn, ParsedSource, SourceLoc, Stmt } from './ir';
import { ObjFixup, ObjSection, ObjSymbol, ObjectFile, parseSectionFlags } from './object';
import { nopFill } from './nops';

type LaidStmt = Extract<Stmt, { kind: 'label' | 'insn' | 'data' | 'space' | 'fill' | 'align' | 'times' | 'org' | 'set' }>;

interface Item {
  stmt: LaidStmt;
  /** Position in source order, to tell backward from forward references. */
  index: number;
  bits: 16 | 32 | 64;
  section: number;
  /** GNU as starts a new frag after each relaxable jump and alignment: label differences across frags are not constant while reading. */
  frag: number;
  offset: number;
  size: number;
  longBranch: boolean;
  /** Encoding that depends on no symbol, done once. */
  fixed?: Encoded;
  /** The error this item gave in the last pass (reported once, in the final pass). */
  error?: AsmError;
}

interface SymbolDefAt {
  item: Item;
}

const MAX_PASSES = 100;

export class ObjectAssembler {
  private readonly sections: ObjSection[] = [];
  private readonly sectionIndex = new Map<string, number>();
  private readonly items: Item[] = [];
  private readonly symbols = new Map<string, ObjSymbol>();
  /** Every definition of a name in source order (`.set` may redefine). */
  private readonly defs = new Map<string, SymbolDefAt[]>();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly fragCounter: number[] = [];
  private readonly cursor: number[] = [];
  private finalPass = false;

  constructor(private readonly file: string, private readonly bits: 32 | 64) {}

  run(parsed: ParsedSource): { object: ObjectFile; diagnostics: Diagnostic[] } {
    this.diagnostics.push(...parsed.diagnostics);
    this.collect(parsed.stmts);
    this.layout();
    this.emit();
    this.finishSymbols();
    return {
      object: { file: this.file, bits: this.bits, sections: this.sections, symbols: this.symbols },
      diagnostics: this.diagnostics,
    };
  }

  private error(loc: SourceLoc, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ loc, severity, message });
  }

  // -------------------------------------------------------------------------------------------
  // Pass 0: statements -> items, sections and symbols.

  private section(name: string, flags?: string, type?: string): number {
    let i = this.sectionIndex.get(name);
    if (i === undefined) {
      const f = parseSectionFlags(flags, type, name);
      i = this.sections.length;
      this.sections.push({ name, flags: f.flags, nobits: f.nobits, align: 1, size: 0, fixups: [], lines: [] });
      this.sectionIndex.set(name, i);
      this.fragCounter.push(0);
      this.cursor.push(0);
    }
    return i;
  }

  private sym(name: string): ObjSymbol {
    let s = this.symbols.get(name);
    if (!s) {
      s = { name, global: false, weak: false, type: 'notype' };
      this.symbols.set(name, s);
    }
    return s;
  }

  private collect(stmts: Stmt[]): void {
    let sec = this.section('.text');
    let bits: 16 | 32 | 64 = this.bits;
    let index = 0;
    const push = (stmt: LaidStmt): Item => {
      const item: Item = { stmt, index: index++, bits, section: sec, frag: this.fragCounter[sec], offset: -1, size: 0, longBranch: false };
      this.items.push(item);
      return item;
    };
    for (const st of stmts) {
      switch (st.kind) {
        case 'section':
          sec = this.section(st.name, st.flags, st.type);
          break;
        case 'bits':
          bits = st.bits;
          break;
        case 'label': {
          const s = this.sym(st.name);
          if (this.defs.has(st.name)) {
            this.error(st.loc, `symbol \`${st.name}' is already defined`);
            break;
          }
          s.loc = st.loc;
          this.defs.set(st.name, [{ item: push(st) }]);
          break;
        }
        case 'set': {
          const prev = this.defs.get(st.name);
          if (prev && prev.some((d) => d.item.stmt.kind === 'label')) {
            this.error(st.loc, `symbol \`${st.name}' is already defined`);
            break;
          }
          const s = this.sym(st.name);
          s.loc ??= st.loc;
          const d = { item: push(st) };
          if (prev) prev.push(d);
          else this.defs.set(st.name, [d]);
          break;
        }
        case 'global':
          for (const n of st.names) this.sym(n).global = true;
          break;
        case 'weak':
          for (const n of st.names) Object.assign(this.sym(n), { global: true, weak: true });
          break;
        case 'local':
          for (const n of st.names) this.sym(n).global = false;
          break;
        case 'extern':
          for (const n of st.names) this.sym(n);
          break;
        case 'type':
          if (st.type !== 'notype') this.sym(st.name).type = st.type === 'function' ? 'func' : 'object';
          break;
        case 'size': {
          // `.size f, . - f` means the `.` of this line: keep it as a hidden `.set` evaluated here.
          const hidden = `.L\u0001size.${st.name}.${index}`;
          this.sym(hidden);
          this.defs.set(hidden, [{ item: push({ kind: 'set', name: hidden, expr: st.expr, loc: st.loc }) }]);
          this.sym(st.name).size = { kind: 'sym', name: hidden };
          break;
        }
        case 'comm': {
          // Common symbols go straight to this object's .bss: a static link would put them there.
          const saved = sec;
          sec = this.section('.bss');
          if (st.align) push({ kind: 'align', align: st.align, loc: st.loc });
          const s = this.sym(st.name);
          if (!st.local) s.global = true;
          s.type = 'object';
          s.size = st.size;
          if (this.defs.has(st.name)) this.error(st.loc, `symbol \`${st.name}' is already defined`);
          else this.defs.set(st.name, [{ item: push({ kind: 'label', name: st.name, loc: st.loc }) }]);
          push({ kind: 'space', size: st.size, loc: st.loc });
          sec = saved;
          break;
        }
        case 'align':
        case 'org':
          push(st);
          this.fragCounter[sec]++;
          break;
        case 'insn': {
          push(st);
          if (isRelaxable(st.insn)) this.fragCounter[sec]++;
          break;
        }
        case 'data':
        case 'space':
        case 'fill':
        case 'times':
          push(st);
          break;
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Symbol values during layout.

  private secKey(i: number): string {
    return `sec:${i}`;
  }

  /** The definition a reference at `at` sees: the latest one before it, else the first one after. */
  private defFor(name: string, at: number): SymbolDefAt | undefined {
    const ds = this.defs.get(name);
    if (!ds) return undefined;
    let found: SymbolDefAt | undefined;
    for (const d of ds) if (d.item.index <= at) found = d;
    return found ?? ds[0];
  }

  /**
   * An evaluation environment at `item` whose `.` is `dot`. `track` learns whether the value is
   * known in GNU as's single reading (only earlier definitions, label differences within one frag).
   */
  private env(item: Item, dot: number, track: { early: boolean; frags: Set<number> }, depth = 0): EvalEnv {
    const secKey = this.secKey(item.section);
    return {
      dot: (): Value => ({ base: secKey, value: BigInt(dot) }),
      sectionStart: (): Value => ({ base: secKey, value: 0n }),
      symbol: (name: string): Value | undefined => {
        const d = this.defFor(name, item.index);
        if (!d) {
          track.early = false;
          return { base: `sym:${name}`, value: 0n };
        }
        const def = d.item;
        if (def.index > item.index) track.early = false;
        if (def.stmt.kind === 'label') {
          track.frags.add(def.section * 1e6 + def.frag);
          // A forward label not placed yet is estimated at the current location (a short jump).
          const off = def.offset >= 0 ? def.offset : dot;
          return { base: this.secKey(def.section), value: BigInt(off) };
        }
        if (def.stmt.kind === 'set') {
          if (depth > 64) throw new ExprError(`symbol \`${name}' is defined in terms of itself`, 0);
          const setDot = def.offset >= 0 ? def.offset : dot;
          return evaluate(def.stmt.expr, this.env(def, setDot, track, depth + 1));
        }
        return undefined;
      },
    };
  }

  private resolveAt(item: Item, dot: number): (e: Expr) => Resolved {
    return (e: Expr): Resolved => {
      const track = { early: true, frags: new Set<number>() };
      let v: Value;
      try {
        v = evaluate(e, this.env(item, dot, track));
      } catch (err) {
        if (err instanceof ExprError && this.finalPass) throw new AsmError(err.message);
        return { kind: 'reloc' };
      }
      if (v.base === undefined) {
        return track.early && track.frags.size <= 1 ? { kind: 'const', value: v.value } : { kind: 'reloc' };
      }
      if (v.base === this.secKey(item.section)) return { kind: 'local', offset: v.value };
      return { kind: 'reloc' };
    };
  }

  /** A constant needed now (sizes, counts, alignments): with the current estimates, or an error. */
  private constAt(item: Item, e: Expr, what: string): bigint {
    const track = { early: true, frags: new Set<number>() };
    let v: Value;
    try {
      v = evaluate(e, this.env(item, item.offset, track));
    } catch (err) {
      if (err instanceof UnknownSymbol) throw new AsmError(`${what}: undefined symbol \`${err.symbolName}'`);
      throw new AsmError((err as Error).message);
    }
    if (v.base !== undefined) {
      if (v.base.startsWith('sym:')) throw new AsmError(`${what}: undefined symbol \`${v.base.slice(4)}'`);
      throw new AsmError(`${what} must be a constant, not an address`);
    }
    return v.value;
  }

  // -------------------------------------------------------------------------------------------
  // Layout: sizes until nothing moves.

  private encodeItem(item: Item, insn: Insn, address: number): Encoded {
    if (item.fixed) return item.fixed;
    const resolve = this.resolveAt(item, address);
    let local = false;
    const enc = encodeInsn(insn, {
      bitness: item.bits,
      address: BigInt(address),
      resolve: (e) => {
        const r = resolve(e);
        if (r.kind === 'local') local = true;
        return r;
      },
      longBranch: item.longBranch,
    });
    // Only what the encoder computed from this layout's addresses (jumps, same-section
    // pc-relative fields) can change between passes; constants were known when the line was
    // read, and everything else is a fixup evaluated at link time.
    if (!local) item.fixed = enc;
    return enc;
  }

  private sizeOf(item: Item, offset: number): number {
    const st = item.stmt;
    switch (st.kind) {
      case 'label':
      case 'set':
        return 0;
      case 'insn': {
        const enc = this.encodeItem(item, st.insn, offset);
        if (enc.branchForm === 'long') item.longBranch = true;
        return enc.bytes.length;
      }
      case 'data':
        return st.items.reduce((n, d) => n + (d instanceof Uint8Array ? d.length : st.width), 0);
      case 'space': {
        const n = this.constAt(item, st.size, '.space size');
        if (n < 0n) throw new AsmError(`.space, .skip or .zero with negative value ${n}`);
        if (n > 1n << 30n) throw new AsmError(`.space size ${n} is too large`);
        return Number(n);
      }
      case 'fill': {
        const rep = this.constAt(item, st.repeat, '.fill repeat');
        const size = this.constAt(item, st.size, '.fill size');
        if (rep < 0n) throw new AsmError('.fill repeat count is negative');
        const sz = size > 8n ? 8n : size;
        if (rep * sz > 1n << 30n) throw new AsmError('.fill is too large');
        return Number(rep * (sz < 0n ? 0n : sz));
      }
      case 'align': {
        const a = this.constAt(item, st.align, 'alignment');
        if (a <= 0n || (a & (a - 1n)) !== 0n) throw new AsmError(`alignment not a power of 2`);
        if (a > 1n << 16n) throw new AsmError(`alignment too large: ${a}`);
        const sec = this.sections[item.section];
        sec.align = Math.max(sec.align, Number(a));
        const pad = (Number(a) - (offset % Number(a))) % Number(a);
        if (st.max !== undefined && BigInt(pad) > this.constAt(item, st.max, 'maximum skip')) return 0;
        return pad;
      }
      case 'org': {
        const target = this.constAt(item, st.offset, '.org offset');
        if (target < BigInt(offset)) throw new AsmError(`attempt to move .org backwards`);
        return Number(target) - offset;
      }
      case 'times': {
        const n = this.constAt(item, st.count, 'times count');
        if (n < 0n) throw new AsmError(`TIMES value ${n} is negative`);
        if (n > 1n << 24n) throw new AsmError(`TIMES value ${n} is too large`);
        if (n === 0n) return 0;
        const inner: Item = { ...item, stmt: st.stmt as LaidStmt, fixed: undefined };
        let total = 0;
        // Each repetition may encode differently (`times 4 jmp $`): size them in turn.
        for (let k = 0n; k < n; k++) {
          total += this.sizeOf(inner, offset + total);
          if (inner.fixed && (inner.stmt.kind === 'insn' || inner.stmt.kind === 'data')) {
            total += Number(n - k - 1n) * inner.fixed.bytes.length;
            break;
          }
        }
        if (inner.longBranch) item.longBranch = true;
        return total;
      }
    }
  }

  private layout(): void {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let moved = false;
      this.cursor.fill(0);
      for (const item of this.items) {
        const off = this.cursor[item.section];
        if (item.offset !== off) {
          moved = true;
          item.offset = off;
        }
        let size = 0;
        try {
          size = this.sizeOf(item, off);
          item.error = undefined;
        } catch (e) {
          if (!(e instanceof AsmError)) throw e;
          item.error = e;
        }
        if (size !== item.size) {
          moved = true;
          item.size = size;
        }
        this.cursor[item.section] += size;
      }
      if (!moved && pass > 0) return;
    }
    this.error({ file: this.file, line: 1, col: 1 }, 'jump relaxation did not converge');
  }

  // -------------------------------------------------------------------------------------------
  // Emission.

  private emit(): void {
    this.finalPass = true;
    for (let i = 0; i < this.sections.length; i++) {
      const s = this.sections[i];
      s.size = this.cursor[i];
      if (!s.nobits) s.data = new Uint8Array(s.size);
    }
    for (const item of this.items) {
      if (item.error) {
        this.error({ ...item.stmt.loc, col: item.error.loc?.col ?? item.stmt.loc.col }, item.error.message);
        continue;
      }
      try {
        this.emitItem(item, item.stmt, item.offset);
      } catch (e) {
        if (!(e instanceof AsmError)) throw e;
        this.error({ ...item.stmt.loc, col: e.loc?.col ?? item.stmt.loc.col }, e.message);
      }
    }
  }

  private put(item: Item, off: number, bytes: Uint8Array): void {
    const sec = this.sections[item.section];
    if (sec.nobits) {
      if (bytes.some((b) => b !== 0)) throw new AsmError(`attempt to initialize memory in a nobits section (${sec.name})`);
      return;
    }
    sec.data!.set(bytes, off);
  }

  private emitItem(item: Item, st: LaidStmt, off: number): number {
    const sec = this.sections[item.section];
    switch (st.kind) {
      case 'label':
      case 'set':
        return 0;
      case 'insn': {
        const enc = item.fixed ?? encodeInsn(st.insn, {
          bitness: item.bits,
          address: BigInt(off),
          resolve: this.resolveAt(item, off),
          longBranch: item.longBranch,
        });
        if (sec.nobits) throw new AsmError(`attempt to store code in a nobits section (${sec.name})`);
        this.put(item, off, enc.bytes);
        const end = off + enc.bytes.length;
        for (const f of enc.fixups) {
          sec.fixups.push({ offset: off + f.offset, size: f.size, pcrel: f.pcrel, signed: f.signed, expr: f.expr, dot: off, pcBase: end, loc: st.loc, branch: f.branch });
        }
        sec.lines.push({ offset: off, loc: st.loc });
        return enc.bytes.length;
      }
      case 'data': {
        let p = off;
        for (const d of st.items) {
          if (d instanceof Uint8Array) {
            this.put(item, p, d);
            p += d.length;
            continue;
          }
          if (d.kind === 'num' || st.width > 8) {
            const v = d.kind === 'num' ? d.value : this.constAt(item, d, 'data value');
            this.put(item, p, this.littleEndian(v, st.width, st.loc));
          } else {
            if (sec.nobits) throw new AsmError(`attempt to initialize memory in a nobits section (${sec.name})`);
            const f: ObjFixup = { offset: p, size: st.width as 1 | 2 | 4 | 8, pcrel: false, signed: false, expr: d, dot: off, pcBase: p, loc: st.loc };
            sec.fixups.push(f);
          }
          p += st.width;
        }
        return p - off;
      }
      case 'space': {
        const fill = st.fill ? Number(BigInt.asUintN(8, this.constAt(item, st.fill, 'fill value'))) : 0;
        if (fill !== 0) this.put(item, off, new Uint8Array(item.size).fill(fill));
        return item.size;
      }
      case 'fill': {
        const size = Number(this.constAt(item, st.size, '.fill size'));
        const value = this.constAt(item, st.value, '.fill value');
        const one = this.littleEndian(BigInt.asUintN(32, value), Math.min(Math.max(size, 0), 8), st.loc, true);
        for (let p = 0; p + one.length <= item.size && one.length > 0; p += one.length) this.put(item, off + p, one);
        return item.size;
      }
      case 'align':
      case 'org': {
        const fillExpr = st.kind === 'align' ? st.fill : st.fill;
        if (item.size === 0) return 0;
        if (fillExpr !== undefined) {
          const v = Number(BigInt.asUintN(8, this.constAt(item, fillExpr, 'fill value')));
          this.put(item, off, new Uint8Array(item.size).fill(v));
        } else if (sec.flags.exec && st.kind === 'align') {
          this.put(item, off, nopFill(item.size, item.bits));
        }
        return item.size;
      }
      case 'times': {
        const n = Number(this.constAt(item, st.count, 'times count'));
        const inner: Item = { ...item, stmt: st.stmt as LaidStmt, fixed: undefined };
        let p = off;
        for (let k = 0; k < n; k++) {
          // Size first so alignment and relaxation state of the inner statement are current.
          inner.size = this.sizeOf(inner, p);
          p += this.emitItem(inner, inner.stmt, p) || inner.size;
        }
        return p - off;
      }
    }
  }

  /** A constant in `width` bytes; GNU as warns and truncates a value that does not fit. */
  private littleEndian(v: bigint, width: number, loc: SourceLoc, quiet = false): Uint8Array {
    const out = new Uint8Array(width);
    const bits = BigInt(width * 8);
    if (!quiet && width < 8) {
      const min = -(1n << (bits - 1n));
      const max = (1n << bits) - 1n;
      if (v < min || v > max) {
        const t = BigInt.asUintN(Number(bits), v);
        this.error(loc, `value 0x${BigInt.asUintN(64, v).toString(16)} truncated to 0x${t.toString(16)}`, 'warning');
      }
    }
    let u = BigInt.asUintN(Number(bits), v);
    for (let i = 0; i < width; i++) {
      out[i] = Number(u & 0xffn);
      u >>= 8n;
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------

  private finishSymbols(): void {
    for (const [name, ds] of this.defs) {
      const s = this.sym(name);
      const d = ds[ds.length - 1].item;
      if (d.stmt.kind === 'label') s.def = { kind: 'label', section: d.section, offset: d.offset };
      else if (d.stmt.kind === 'set') s.def = { kind: 'set', expr: d.stmt.expr, section: d.section, dot: d.offset };
    }
  }
}

/** A jmp/jcc whose target is written as an expression: GNU as may grow it, so it ends a frag. */
function isRelaxable(insn: Insn): boolean {
  return /^j/.test(insn.mnemonic) && !insn.indirect && insn.operands.length === 1 && insn.operands[0].kind === 'imm' && insn.operands[0].expr.kind !== 'num';
}


export function assembleObject(parsed: ParsedSource, bits: 32 | 64): { object: ObjectFile; diagnostics: Diagnostic[] } {
  return new ObjectAssembler(parsed.file, bits).run(parsed);
}
