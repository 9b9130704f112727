// Differential tests against the real NASM 2.16: float constants of every width (`nasm -f bin`
// bytes vs ours), and whole programs (nasm -f elf64 + ld vs our assembler and linker) whose
// allocated sections must hold identical bytes.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { assembleProgram } from '../../../emulator/asm/index';
import { parse } from './util';
import { Rng } from '../../helpers/random';
import { repoRoot, requireTools, tempDir } from '../../helpers/tools';

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
}

/** Contents of each PROGBITS section of an ELF64 file, by name. */
function sections(elf: Buffer): Map<string, string> {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const hdr = (i: number): { name: number; type: number; off: number; size: number } => {
    const b = shoff + i * shentsize;
    return { name: elf.readUInt32LE(b), type: elf.readUInt32LE(b + 4), off: Number(elf.readBigUInt64LE(b + 0x18)), size: Number(elf.readBigUInt64LE(b + 0x20)) };
  };
  const strs = hdr(shstrndx);
  const out = new Map<string, string>();
  for (let i = 1; i < shnum; i++) {
    const h = hdr(i);
    const end = elf.indexOf(0, strs.off + h.name);
    const name = elf.toString('latin1', strs.off + h.name, end);
    if (h.type === 1 && /^\.(text|data|rodata)/.test(name)) out.set(name, elf.subarray(h.off, h.off + h.size).toString('hex'));
  }
  return out;
}

const PROGRAMS: Record<string, string> = {
  hello: fs.readFileSync(path.join(repoRoot, 'test', 'corpus', 'hello-nasm', 'hello-nasm.asm'), 'latin1'),
  classic: 'section .data\nmsg db "Hello, world", 10\nlen equ $ - msg\nsection .text\nglobal _start\n_start: mov eax, 1\nmov edi, 1\nlea rsi, [rel msg]\nmov edx, len\nsyscall\nmov eax, 60\nxor edi, edi\nsyscall\n',
  macros: [
    '%define SYS_exit 60', '%macro sys 1-2 0', '  mov eax, %1', '  mov edi, %2', '  syscall', '%endmacro',
    '%macro loopn 1', '  mov ecx, %1', '%%top: dec ecx', '  jnz %%top', '%endmacro',
    'section .rodata', 'tbl: dd 1.5, -2.25', '  dq 3.14159', '  dt 1e10', '  dw "ab", \'c\'', '  align 8', 'tail: db 1',
    '%assign i 0', '%rep 5', '  db i*i', '%assign i i+1', '%endrep',
    'section .text', 'global _start', '_start:', '.a: loopn 3', '  jmp .b', '  align 16', '.b: lea rax, [rel tbl]',
    '  times 3 nop', '  sys SYS_exit',
  ].join('\n'),
  strucs: [
    'struc pt', '.x: resd 1', '.y: resd 1', 'endstruc', 'section .data', 'p1: istruc pt', 'at pt.x, dd 1', 'at pt.y, dd 2', 'iend',
    'p2: times pt_size db 0xaa', 'section .bss', 'buf: resb 100', 'alignb 16', 'big: resq 4',
    'section .text', 'global _start', '_start: mov eax, [rel p1 + pt.y]', 'mov ebx, pt_size', 'lea rdi, [rel buf]', 'mov eax, 60', 'syscall',
  ].join('\n'),
};

describe('NASM front-end against nasm 2.16', function () {
  this.timeout(30000);

  it('encodes 2,000 random float constants exactly as nasm -f bin does', function () {
    requireTools(this, 'nasm');
    const rng = new Rng(0xf10a7);
    const lines: string[] = [];
    const dirs = ['db', 'dw', 'dd', 'dq', 'dt'];
    for (let i = 0; i < 2000; i++) {
      const digits = (n: number): string => Array.from({ length: n }, () => rng.int(10)).join('');
      const kind = rng.int(4);
      let lit = kind === 0 ? `${digits(1 + rng.int(3))}.${digits(rng.int(12))}` : kind === 1 ? `${digits(1 + rng.int(6))}e${rng.int(2) ? '-' : ''}${rng.int(60)}`
        : kind === 2 ? `0.${digits(1 + rng.int(20))}e-${rng.int(330)}` : `${digits(1 + rng.int(20))}.${digits(1 + rng.int(20))}e${rng.int(40)}`;
      if (rng.int(3) === 0) lit = '-' + lit;
      lines.push(`${dirs[i % dirs.length]} ${lit}`);
    }
    // NASM's overflow quirks at the top of each format (see floats.ts).
    lines.push('dd 5.5e38', 'dd 1e39', 'dq 1e309', 'dw 70000.0', 'dw 65520.0', 'db 1000.0', 'db 464.0', 'db 480.0', 'db 500.0', 'dd 1e-50', 'dt 1e-4940');
    const dir = tempDir('trapdoor-nasm-');
    try {
      fs.writeFileSync(path.join(dir, 'f.asm'), lines.join('\n') + '\n');
      run('nasm', ['-f', 'bin', '-w-all', '-o', 'f.bin', 'f.asm'], dir);
      const ref = fs.readFileSync(path.join(dir, 'f.bin'));
      const ours = parse(lines.join('\n')).stmts.slice(2);
      let off = 0;
      let same = 0;
      const bad: string[] = [];
      ours.forEach((s, i) => {
        assert.ok(s.kind === 'data' && s.items[0] instanceof Uint8Array, lines[i]);
        const mine = Buffer.from(s.items[0] as Uint8Array);
        const theirs = ref.subarray(off, off + mine.length);
        off += mine.length;
        if (mine.equals(theirs)) same++;
        else bad.push(`${lines[i]}: nasm ${theirs.toString('hex')} ours ${mine.toString('hex')}`);
      });
      console.log(`      ${same} of ${lines.length} float constants identical to nasm`);
      assert.deepStrictEqual(bad.slice(0, 10), []);
      assert.strictEqual(off, ref.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, src] of Object.entries(PROGRAMS)) {
    it(`links "${name}" to the same section bytes as nasm -f elf64 + ld`, function () {
      requireTools(this, 'nasm', 'ld');
      const dir = tempDir('trapdoor-nasm-');
      try {
        fs.writeFileSync(path.join(dir, 'p.asm'), src);
        run('nasm', ['-f', 'elf64', '-o', 'p.o', 'p.asm'], dir);
        run('ld', ['-o', 'ref', 'p.o'], dir);
        const ref = sections(fs.readFileSync(path.join(dir, 'ref')));
        const r = assembleProgram([{ path: path.join(dir, 'p.asm'), text: src }]);
        assert.deepStrictEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
        const ours = sections(Buffer.from(r.image!));
        assert.deepStrictEqual([...ours.keys()].sort(), [...ref.keys()].sort());
        for (const [sec, bytes] of ref) assert.strictEqual(ours.get(sec), bytes, `section ${sec}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
