// A disk cache for the kernel image, so a new process (each `trapdoor run`, each debug session)
// does not assemble the kernel again. The key hashes everything the image depends on: every file
// of the kernel tree, the generated headers, and the code of the assembler itself (the bundle, or
// the compiled modules), so any change to either builds afresh. A damaged entry is rebuilt.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KernelImage } from './build';

const FORMAT = 1;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (!e.name.endsWith('.ts')) out.push(p);
  }
  return out.sort();
}

/** The modules whose code shapes the image: this bundle, or the compiled assembler, ELF and kernel modules. */
function builderCode(): string[] {
  const mods = Object.keys(require.cache).filter((f) => /[\\/]emulator[\\/](asm|elf|kernel)[\\/]/.test(f));
  return mods.length > 0 ? mods.sort() : [__filename];
}

export function cacheKey(treeDir: string, generated: string[]): string {
  const h = crypto.createHash('sha256');
  h.update(`format ${FORMAT}\n`);
  h.update(`${treeDir}\n`); // the image names its source files: another copy of the tree is another image
  // The tree is read each time (a teacher may have just edited it); the builder's code, which
  // cannot change while this process runs, is hashed once.
  for (const f of filesUnder(treeDir)) {
    h.update(path.relative(treeDir, f));
    h.update(fs.readFileSync(f));
  }
  h.update(builderCodeHash());
  for (const g of generated) h.update(g);
  return h.digest('hex').slice(0, 32);
}

let builderHash: string | undefined;
/** A hash of the assembler's, linker's and kernel builder's own code (once per process). */
export function builderCodeHash(): string {
  if (builderHash === undefined) {
    const h = crypto.createHash('sha256');
    for (const f of builderCode()) {
      h.update(path.basename(f));
      h.update(fs.readFileSync(f));
    }
    builderHash = h.digest('hex');
  }
  return builderHash;
}

/**
 * Entries kept in the cache folder (kernel images and vDSOs; each is a few hundred KiB): the least
 * recently used go first, so a teacher editing the kernel all day never fills the disk.
 */
export const MAX_CACHE_ENTRIES = 24;

function prune(dir: string): void {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (names.length <= MAX_CACHE_ENTRIES) return;
  const aged = names.map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { f } of aged.slice(0, names.length - MAX_CACHE_ENTRIES)) fs.rmSync(path.join(dir, f), { force: true });
}

/** A hit makes the entry young again (it is in use). */
function touch(file: string): void {
  try { const now = new Date(); fs.utimesSync(file, now, now); } catch { /* only its age */ }
}

export function cacheDir(): string {
  return process.env.TRAPDOOR_CACHE_DIR ?? path.join(os.tmpdir(), 'trapdoor-kernel-cache');
}

const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? { $big: v.toString() } : v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v);
const unbig = (_k: string, v: unknown): unknown => {
  if (v && typeof v === 'object') {
    const o = v as { $big?: string; $bytes?: string };
    if (o.$big !== undefined) return BigInt(o.$big);
    if (o.$bytes !== undefined) return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
  }
  return v;
};

export function loadCached(key: string): KernelImage | undefined {
  try {
    const file = path.join(cacheDir(), `${key}.json`);
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'), unbig) as KernelImage & { symbols: [string, bigint][] };
    touch(file);
    return { ...raw, symbols: new Map(raw.symbols) };
  } catch {
    return undefined;
  }
}

/** Any JSON-able value (with bigints and byte arrays) under `name` in the cache, or undefined. */
export function loadCachedValue(name: string): unknown {
  try {
    const file = path.join(cacheDir(), `${name}.json`);
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'), unbig);
    touch(file);
    return v;
  } catch {
    return undefined;
  }
}

export function storeCachedValue(name: string, value: unknown): void {
  try {
    const dir = cacheDir();
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `${name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(value, big));
    fs.renameSync(tmp, path.join(dir, `${name}.json`));
    prune(dir);
  } catch {
    // A cache that cannot be written only costs time.
  }
}

export function storeCached(key: string, image: KernelImage): void {
  try {
    const dir = cacheDir();
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `${key}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify({ ...image, symbols: [...image.symbols] }, big));
    fs.renameSync(tmp, path.join(dir, `${key}.json`)); // atomic: readers never see half a file
    prune(dir);
  } catch {
    // A cache that cannot be written only costs time.
  }
}
