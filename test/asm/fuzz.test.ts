// Hostile input never crashes the assembler: random and mutated sources (GAS and NASM) only
// ever produce diagnostics or an executable. Seeded: a failure prints the seed and the source.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram } from '../../emulator/asm/index';
import { SourceReader } from '../../emulator/asm/ir';
import { Rng } from '../helpers/random';
import { repoRoot } from '../helpers/tools';

const COUNT = Number(process.env.TRAPDOOR_FUZZ_COUNT ?? 10000);
const SEED = Number(process.env.TRAPDOOR_FUZZ_SEED ?? 20261123);

const noFiles: SourceReader = { read: () => undefined };

function seeds(): { gas: string[]; nasm: string[] } {
  const gas: string[] = [];
  const nasm: string[] = [];
  const corpus = path.join(repoRoot, 'test', 'corpus');
  for (const d of fs.readdirSync(corpus)) {
    const dir = path.join(corpus, d);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir)) {
      if (f.endsWith('.s')) gas.push(fs.readFileSync(path.join(dir, f), 'latin1'));
      if (f.endsWith('.asm')) nasm.push(fs.readFileSync(path.join(dir, f), 'latin1'));
    }
  }
  gas.push(fs.readFileSync(path.join(repoRoot, 'examples', 'hello.s'), 'latin1'));
  nasm.push(fs.readFileSync(path.join(repoRoot, 'examples', 'hello.asm'), 'latin1'));
  return { gas, nasm };
}

const TOKENS = [
  'mov', 'movq', 'add', 'jmp', 'call', 'lea', 'push', 'rep', 'lock', 'syscall', 'db', 'dq', 'times', 'equ',
  '.macro', '.endm', '.rept', '.endr', '.if', '.endif', '.section', '.byte', '.quad', '.ascii', '.set', '.align', '.fill',
  '%macro', '%endmacro', '%define', '%rep', '%endrep', '%if', '%endif', '%include', '.include',
  '%rax', '%eax', '%al', 'rax', 'eax', '[rax+rbx*8+16]', '(%rax,%rbx,8)', '$1', '$-1', '0x7fffffffffffffff', '1f', '1b',
  'label:', 'x', '.', '$', '$$', '"str', '"ok"', "'c", ',', '(', ')', '[', ']', '*', '+', '-', '<<', '\\', ';', '#', '\n', ' ', '\t',
  '99999999999999999999999', '-0x8000000000000000', '.L1', 'byte', 'qword ptr', 'rel', 'st(1)', 'xmm0', '%xmm15', 'ymm3',
];

function mutate(src: string, rng: Rng): string {
  let s = src;
  const edits = 1 + rng.int(6);
  for (let i = 0; i < edits; i++) {
    const p = rng.int(s.length + 1);
    switch (rng.int(6)) {
      case 0: s = s.slice(0, p) + s.slice(p + 1 + rng.int(20)); break;
      case 1: s = s.slice(0, p) + rng.pick(TOKENS) + s.slice(p); break;
      case 2: s = s.slice(0, p) + String.fromCharCode(rng.int(256)) + s.slice(p); break;
      case 3: {
        const lines = s.split('\n');
        const a = rng.int(lines.length);
        const b = rng.int(lines.length);
        [lines[a], lines[b]] = [lines[b], lines[a]];
        s = lines.join('\n');
        break;
      }
      case 4: {
        const lines = s.split('\n');
        const a = rng.int(lines.length);
        lines.splice(rng.int(lines.length), 0, lines[a]);
        s = lines.join('\n');
        break;
      }
      default: s = s.slice(0, p); break;
    }
  }
  return s;
}

function soup(rng: Rng): string {
  const n = 1 + rng.int(60);
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick(TOKENS) + (rng.int(4) === 0 ? '\n' : ' ');
  return s;
}

describe('fuzz: random and mutated sources never crash the assembler', function () {
  it(`${COUNT} sources (seed ${SEED}) give diagnostics or an executable, never an exception`, function () {
    const { gas, nasm } = seeds();
    const rng = new Rng(SEED);
    let produced = 0;
    let diagnosed = 0;
    for (let i = 0; i < COUNT; i++) {
      const useNasm = rng.int(3) === 0;
      const base = useNasm ? rng.pick(nasm) : rng.pick(gas);
      const text = rng.int(4) === 0 ? soup(rng) : mutate(base, rng);
      const file = useNasm ? 'fuzz.asm' : rng.int(5) === 0 ? 'fuzz.S' : 'fuzz.s';
      let r;
      try {
        r = assembleProgram([{ path: file, text }], { reader: noFiles });
      } catch (e) {
        assert.fail(`case ${i} (seed ${SEED}, ${file}) threw ${(e as Error).stack}\n--- source ---\n${text}`);
      }
      for (const d of r.diagnostics) {
        assert.ok(d.loc.line >= 0 && d.loc.col >= 0 && d.message.length > 0, `bad diagnostic ${JSON.stringify(d)}`);
      }
      if (r.image) produced++;
      else diagnosed++;
    }
    console.log(`      ${produced} assembled, ${diagnosed} rejected with diagnostics`);
    assert.ok(diagnosed > 0 && produced > 0, 'the generator should make both valid and invalid sources');
  });
});
