// Hostile files: random mutations and truncations of valid executables must make the reader
// and the line map fail with ElfFormatError (or succeed), never with any other exception or hang.

import * as assert from 'assert';
import { LineMap } from '../../emulator/elf/linemap';
import { ElfFormatError, readElf } from '../../emulator/elf/reader';
import { Rng } from '../helpers/random';
import { sample } from './sample';

const RUNS = Number(process.env.TRAPDOOR_ELF_FUZZ ?? 20000);
const INTERESTING = [0n, 1n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xfffffff0n, 0x7fffffffffffffffn, 0xffffffffffffffffn];

/** Positions that matter: ELF/program headers, section headers, and the non-loaded tail (DWARF, symbols, strings). */
function position(rng: Rng, img: Uint8Array, tail: number, shoff: number): number {
  const r = rng.next();
  if (r < 0.3) return rng.int(Math.min(img.length, 0x180));
  if (r < 0.55) return shoff + rng.int(img.length - shoff);
  if (r < 0.9) return tail + rng.int(shoff - tail);
  return rng.int(img.length);
}

function mutate(rng: Rng, base: Uint8Array, tail: number, shoff: number): Uint8Array {
  const kind = rng.int(10);
  if (kind === 0) return base.slice(0, rng.int(base.length));            // truncation
  const img = base.slice();
  const edits = 1 + rng.int(kind < 5 ? 1 : 4);
  for (let e = 0; e < edits; e++) {
    const at = position(rng, img, tail, shoff);
    if (kind < 4) {
      img[at] ^= 1 << rng.int(8);
    } else if (kind < 7) {
      img[at] = rng.int(256);
    } else {
      let v = BigInt.asUintN(64, rng.pick(INTERESTING) + BigInt(rng.int(3) - 1));
      const size = rng.pick([2, 4, 8]);
      for (let i = 0; i < size && at + i < img.length; i++, v >>= 8n) img[at + i] = Number(v & 0xffn);
    }
  }
  if (rng.int(8) === 0) return img.slice(0, rng.int(img.length));
  return img;
}

describe('ELF reader under hostile input', function () {
  it(`${RUNS} random mutations and truncations throw nothing but ElfFormatError`, function () {
    this.timeout(120000);
    const bases = [sample(64).image, sample(32).image];
    // Where the non-loaded sections start (DWARF, symbols) and where the section headers start.
    const regions = bases.map((b) => {
      const e = readElf(b);
      const tail = Math.min(...e.sections.filter((s) => s.addr === 0n && s.offset > 0).map((s) => s.offset));
      const dv = new DataView(b.buffer, b.byteOffset);
      return [tail, e.elfClass === 64 ? Number(dv.getBigUint64(0x28, true)) : dv.getUint32(0x20, true)];
    });
    const rng = new Rng(0x7a9d00);
    let warned = 0;
    let rejected = 0;
    let accepted = 0;
    for (let n = 0; n < RUNS; n++) {
      const base = bases[n % 2];
      const [tail, shoff] = regions[n % 2];
      const img = mutate(rng, base, tail, shoff);
      try {
        const e = readElf(img);
        for (const s of e.sections) e.sectionData(s.name);
        const map = LineMap.fromElf(e);
        if (map.warnings.length > 0) warned++;
        for (const a of [e.entry, e.entry + 5n, 0n]) map.lookup(a);
        for (const f of map.files()) map.addressesOf(f, 5);
        accepted++;
      } catch (err) {
        if (!(err instanceof ElfFormatError)) {
          const diff: string[] = [];
          for (let i = 0; i < Math.min(img.length, base.length); i++) if (img[i] !== base[i]) diff.push(`0x${i.toString(16)}: ${base[i]}->${img[i]}`);
          assert.fail(`mutation ${n} (length ${img.length}/${base.length}, ${diff.join(', ')}) threw ${(err as Error).stack}`);
        }
        assert.ok(err.message.length > 0);
        rejected++;
      }
    }
    console.log(`      ${accepted} read (${warned} of them with a damaged line table), ${rejected} rejected with ElfFormatError`);
    assert.ok(rejected > RUNS / 20 && accepted > RUNS / 20, 'the mutations exercise both outcomes');
  });
});
