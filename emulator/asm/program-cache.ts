// A disk cache for assembled programs, next to the kernel's: pressing F5 again on an unchanged
// hello.s (or `trapdoor run` in a grading loop) loads the executable instead of assembling it.
// The key hashes the file's path and text, the options and the assembler's own code; every file
// the assembly included is recorded with the answer the reader gave (its path and a hash of its
// text, or "not found"), and asked again on a hit, so an edited include assembles afresh.
// Only clean results are kept (no diagnostics at all): warnings are always shown by a real run.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram, fileReader, AssembleResult } from './index';
import { SourceReader } from './ir';
import { builderCodeHash, cacheDir } from '../kernel/build-cache';

const FORMAT = 1;

interface Entry {
  image: string;
  reads: { p: string; from: string; path: string | null; sha: string | null }[];
}

const sha = (t: string): string => crypto.createHash('sha256').update(t, 'latin1').digest('hex');

function entryPath(key: string): string {
  return path.join(cacheDir(), 'programs', `${key}.json`);
}

/** Entries kept: the oldest (by last write) go first, so generated test programs never fill the disk. */
export const MAX_ENTRIES = 256;

function prune(dir: string): void {
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  if (names.length <= MAX_ENTRIES + 32) return; // some slack: ages are read only now and then
  const aged = names.map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
  for (const { f } of aged.slice(0, names.length - MAX_ENTRIES)) fs.rmSync(path.join(dir, f), { force: true });
}

/** Assembles `file` (like assembleProgram on it alone), through the cache when nothing has changed. */
export function assembleFileCached(file: string, opts: { bits?: 32 | 64 } = {}): Pick<AssembleResult, 'image' | 'diagnostics'> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'latin1');
  } catch {
    return assembleProgram([{ path: file }], opts); // the assembler words the error
  }
  const key = crypto.createHash('sha256')
    .update(`format ${FORMAT}\n${path.resolve(file)}\n${opts.bits ?? 'auto'}\n${builderCodeHash()}\n`)
    .update(text, 'latin1').digest('hex').slice(0, 32);
  const files = fileReader();
  try {
    const e = JSON.parse(fs.readFileSync(entryPath(key), 'utf8')) as Entry;
    const same = e.reads.every((r) => {
      const now = files.read(r.p, r.from);
      return (now?.path ?? null) === r.path && (now ? sha(now.text) : null) === r.sha;
    });
    if (same) {
      try { const now = new Date(); fs.utimesSync(entryPath(key), now, now); } catch { /* only its age */ }
      return { image: new Uint8Array(Buffer.from(e.image, 'base64')), diagnostics: [] };
    }
  } catch {
    // no entry, or a damaged one: assemble
  }
  const reads: Entry['reads'] = [];
  const reader: SourceReader = {
    read(p: string, from: string) {
      const r = files.read(p, from);
      reads.push({ p, from, path: r?.path ?? null, sha: r ? sha(r.text) : null });
      return r;
    },
  };
  const r = assembleProgram([{ path: file, text }], { ...opts, reader });
  if (r.image && r.diagnostics.length === 0) {
    try {
      const dir = path.dirname(entryPath(key));
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${entryPath(key)}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify({ image: Buffer.from(r.image).toString('base64'), reads } satisfies Entry));
      fs.renameSync(tmp, entryPath(key));
      prune(dir);
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
  return r;
}
