// The static linker: objects of one or more source files -> a static executable, as
// `ld -static` would make it from GNU as's objects. Sections of the same name are concatenated in
// input order, globals resolve across files, every fixup is evaluated with final addresses, and
// the symbol table and line rows go to the ELF writer.

import { EvalEnv, ExprError, UnknownSymbol, Value, evaluate } from './expr';
import { Diagnostic, SourceLoc } from './ir';
import { ObjSymbol, ObjectFile } from './object';
import { ExecutableLayout, LineRow, OutSection, OutSymbol, layoutExecutable, writeExecutable } from '../elf/writer';

export interface LinkResult {
  image?: Uint8Array;
  diagnostics: Diagnostic[];
  entry: bigint;
  /** Defined symbols by name (globals and file-local ones), for the debugger. */
  symbols: OutSymbol[];
  lines: LineRow[];
  sections: { name: string; address: bigint; size: number }[];
  /** Every output section with its address and final contents (nobits: no data). */
  outSections: (OutSection & { address: bigint })[];
}

export interface LinkOptions {
  compDir?: string;
  producer?: string;
  /**
   * Lay the sections out from this address, each on its own page, instead of as ld places an
   * executable; no ELF file is written (the kernel image is loaded by the machine itself).
   */
  base?: bigint;
  /** The entry symbol, `_start` by default; `null` for an image without one. */
  entry?: string | null;
}

/** Sections one after another from `base`, each starting on a new 4 KiB page (its own permissions). */
function layoutFrom(base: bigint, sections: OutSection[]): ExecutableLayout {
  let at = base;
  const addresses: bigint[] = [];
  for (const s of sections) {
    at = (at + 4095n) & ~4095n;
    addresses.push(at);
    at += BigInt(s.size);
  }
  return { addresses };
}

interface Placement {
  out: number;
  offset: number;
}


/** Sections go to exec, read-only, writable, then nobits, as ld's default script groups them. */
function rank(o: { flags: { exec: boolean; write: boolean }; nobits: boolean }): number {
  if (o.flags.exec) return 0;
  if (!o.flags.write) return 1;
  return o.nobits ? 3 : 2;
}

export function link(objects: ObjectFile[], opts: LinkOptions = {}): LinkResult {
  const ENTRY = opts.entry === undefined ? '_start' : opts.entry;
  const diagnostics: Diagnostic[] = [];
  const bits = objects[0]?.bits ?? 64;
  const err = (loc: SourceLoc | undefined, message: string): void => {
    diagnostics.push({ loc: loc ?? { file: objects[0]?.file ?? '<input>', line: 1, col: 1 }, severity: 'error', message });
  };

  // 1. Output sections and where each input section lands in them.
  const outs: (OutSection & { r: number; first: number })[] = [];
  const outByName = new Map<string, number>();
  const placements: (Placement | undefined)[][] = objects.map((o) => o.sections.map(() => undefined));
  let order = 0;
  for (let oi = 0; oi < objects.length; oi++) {
    for (let si = 0; si < objects[oi].sections.length; si++) {
      const s = objects[oi].sections[si];
      if (!s.flags.alloc) continue;
      let k = outByName.get(s.name);
      if (k === undefined) {
        k = outs.length;
        outs.push({ name: s.name, nobits: s.nobits, flags: { write: s.flags.write, exec: s.flags.exec }, align: 1, size: 0, r: rank(s), first: order++ });
        outByName.set(s.name, k);
      }
      const out = outs[k];
      const at = alignUp(out.size, s.align);
      out.size = at + s.size;
      out.align = Math.max(out.align, s.align);
      placements[oi][si] = { out: k, offset: at };
    }
  }
  // Stable grouping by permission; remember the permutation to fix placements.
  const sorted = outs.map((o, i) => ({ o, i })).sort((a, b) => a.o.r - b.o.r || a.o.first - b.o.first);
  const newIndex = new Map(sorted.map((x, j) => [x.i, j]));
  const sections: OutSection[] = sorted.map(({ o }) => ({ name: o.name, nobits: o.nobits, flags: o.flags, align: o.align, size: o.size, data: o.nobits ? undefined : new Uint8Array(o.size) }));
  for (const row of placements) for (const p of row) if (p) p.out = newIndex.get(p.out)!;
  const layout = opts.base !== undefined ? layoutFrom(opts.base, sections) : layoutExecutable(bits, sections);
  const addrOf = (oi: number, si: number, off: number): bigint => {
    const p = placements[oi][si];
    if (!p) return BigInt(off);
    return layout.addresses[p.out] + BigInt(p.offset + off);
  };
  for (let oi = 0; oi < objects.length; oi++) {
    objects[oi].sections.forEach((s, si) => {
      const p = placements[oi][si];
      if (p && s.data) sections[p.out].data!.set(s.data, p.offset);
    });
  }

  // 2. Globals.
  const globals = new Map<string, { oi: number; sym: ObjSymbol }>();
  for (let oi = 0; oi < objects.length; oi++) {
    for (const sym of objects[oi].symbols.values()) {
      if (!sym.global || !sym.def) continue;
      const prev = globals.get(sym.name);
      if (prev && !prev.sym.weak && !sym.weak) {
        const l = prev.sym.loc;
        err(sym.loc, `multiple definition of \`${sym.name}'${l ? ` (first defined at ${l.file}:${l.line})` : ''}`);
        continue;
      }
      if (!prev || prev.sym.weak) globals.set(sym.name, { oi, sym });
    }
  }

  // ld defines __start_NAME and __stop_NAME for a section whose name is a C identifier, so code
  // can walk a table that several files add to (the kernel's __ex_table).
  const sectionBounds = new Map<string, bigint>();
  sections.forEach((s, k) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s.name)) return;
    sectionBounds.set(`__start_${s.name}`, layout.addresses[k]);
    sectionBounds.set(`__stop_${s.name}`, layout.addresses[k] + BigInt(s.size));
  });

  // 3. Symbol values with final addresses.
  const cache = new Map<string, bigint>();
  const valueOf = (oi: number, name: string, depth: number): bigint => {
    const obj = objects[oi];
    let sym = obj.symbols.get(name);
    let owner = oi;
    if (!sym?.def) {
      const g = globals.get(name);
      if (!g) {
        const bound = sectionBounds.get(name);
        if (bound !== undefined) return bound;
        if (sym?.weak) return 0n;
        throw new UnknownSymbol(name);
      }
      sym = g.sym;
      owner = g.oi;
    }
    const key = `${owner}\u0000${name}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const def = sym.def!;
    let v: bigint;
    if (def.kind === 'label') v = addrOf(owner, def.section, def.offset);
    else {
      if (depth > 64) throw new ExprError(`symbol \`${name}' is defined in terms of itself`, 0);
      v = constValue(evaluate(def.expr, envFor(owner, def.section, def.dot, depth + 1)));
    }
    cache.set(key, v);
    return v;
  };
  const envFor = (oi: number, si: number, dot: number, depth = 0): EvalEnv => ({
    dot: (): Value => ({ value: addrOf(oi, si, dot) }),
    sectionStart: (): Value => ({ value: addrOf(oi, si, 0) }),
    symbol: (name: string): Value => ({ value: valueOf(oi, name, depth) }),
  });

  // 4. Fixups.
  for (let oi = 0; oi < objects.length; oi++) {
    const obj = objects[oi];
    obj.sections.forEach((s, si) => {
      const p = placements[oi][si];
      if (!p) return;
      const data = sections[p.out].data;
      for (const f of s.fixups) {
        let v: bigint;
        try {
          v = constValue(evaluate(f.expr, envFor(oi, si, f.dot)));
        } catch (e) {
          if (e instanceof UnknownSymbol) err(f.loc, `undefined reference to \`${e.symbolName}'`);
          else err(f.loc, (e as Error).message);
          continue;
        }
        if (f.pcrel) v -= addrOf(oi, si, f.pcBase);
        // Addresses are 64-bit: the kernel's 0xffffffff81000000 is -0x7f000000 to a sign-extended field.
        v = BigInt.asIntN(64, v);
        const bitsN = BigInt(f.size * 8);
        const signedOnly = f.pcrel || f.signed;
        const min = -(1n << (bitsN - 1n));
        const max = signedOnly ? (1n << (bitsN - 1n)) - 1n : (1n << bitsN) - 1n;
        if (f.size < 8 && (v < min || v > max)) {
          err(f.loc, f.branch ? `jump target out of range (displacement ${v} does not fit in ${f.size} bytes)` : `value ${v} (0x${BigInt.asUintN(64, v).toString(16)}) does not fit in a ${f.size}-byte ${signedOnly ? 'signed ' : ''}field`);
          continue;
        }
        if (data) writeLE(data, p.offset + f.offset, v, f.size);
      }
    });
  }

  // 5. Entry point and symbols.
  let entry = 0n;
  if (ENTRY !== null) {
    const entryOwner = globals.has(ENTRY) ? globals.get(ENTRY)!.oi : objects.findIndex((o) => o.symbols.get(ENTRY)?.def);
    if (entryOwner < 0) err(undefined, `no \`${ENTRY}' symbol: the program's entry point must be a label named ${ENTRY}`);
    else entry = valueOf(entryOwner, ENTRY, 0);
  }

  const locals: OutSymbol[] = [];
  const globalsOut: OutSymbol[] = [];
  for (let oi = 0; oi < objects.length; oi++) {
    const obj = objects[oi];
    locals.push({ name: baseName(obj.file), value: 0n, size: 0n, section: 'abs', binding: 'local', type: 'file' });
    for (const sym of obj.symbols.values()) {
      if (!sym.def || sym.name.startsWith('.L')) continue;
      if (sym.global && globals.get(sym.name)?.oi !== oi) continue;
      let value: bigint;
      let size = 0n;
      try {
        value = valueOf(oi, sym.name, 0);
        if (sym.size) size = constValue(evaluate(sym.size, envFor(oi, sym.def.section, 0)));
      } catch (e) {
        if (sym.def.kind === 'label') err(sym.loc, (e as Error).message);
        continue;
      }
      const p = sym.def.kind === 'label' ? placements[oi][sym.def.section] : undefined;
      const out: OutSymbol = {
        name: sym.name,
        value,
        size,
        section: p ? p.out : 'abs',
        binding: sym.weak ? 'weak' : sym.global ? 'global' : 'local',
        type: sym.type,
      };
      (sym.global ? globalsOut : locals).push(out);
    }
  }
  // An undefined name that was only declared global or extern and never used is not an error.

  // 6. Line rows, one sequence per output section.
  const lines: LineRow[] = [];
  for (let oi = 0; oi < objects.length; oi++) {
    objects[oi].sections.forEach((s, si) => {
      if (!placements[oi][si]) return;
      for (const l of s.lines) lines.push({ address: addrOf(oi, si, l.offset), file: l.loc.file, line: l.loc.line, column: l.loc.col });
    });
  }
  lines.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const withEnds: LineRow[] = [];
  for (let k = 0; k < sections.length; k++) {
    const start = layout.addresses[k];
    const end = start + BigInt(sections[k].size);
    const rows = lines.filter((r) => r.address >= start && r.address < end);
    if (rows.length === 0) continue;
    withEnds.push(...rows, { ...rows[rows.length - 1], address: end, endSequence: true });
  }

  const symbols = [...locals, ...globalsOut];
  const summary = sections.map((s, k) => ({ name: s.name, address: layout.addresses[k], size: s.size }));
  const outSections = sections.map((s, k) => ({ ...s, address: layout.addresses[k] }));
  const result = { diagnostics, entry, symbols, lines: withEnds, sections: summary, outSections };
  if (diagnostics.some((d) => d.severity === 'error') || opts.base !== undefined) return result;
  const image = writeExecutable({
    elfClass: bits,
    entry,
    sections,
    layout,
    symbols,
    lines: withEnds,
    compDir: opts.compDir,
    producer: opts.producer,
  });
  return { ...result, image };
}

function constValue(v: Value): bigint {
  if (v.base !== undefined) throw new ExprError('expression is not a constant or an address', 0);
  return v.value;
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function writeLE(data: Uint8Array, at: number, v: bigint, size: number): void {
  let u = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    data[at + i] = Number(u & 0xffn);
    u >>= 8n;
  }
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}
