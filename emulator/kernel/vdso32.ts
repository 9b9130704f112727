// The 32-bit vDSO that i386 processes get (Linux's arch/x86/entry/vdso/vdso32/): __kernel_vsyscall
// (the SYSENTER door, AT_SYSINFO in the auxiliary vector), __kernel_sigreturn and
// __kernel_rt_sigreturn, assembled from vdso/vdso32/*.S as i386 code by Trapdoor's assembler and
// written as an ELF32 shared object (EM_386, versions LINUX_2.6 and LINUX_2.5 as Linux's linker
// script defines them). The kernel learns where the SYSENTER return lands (int80_landing_pad)
// from vdso32Header(), as Linux's kernel links vdso-image-32.c generated from the image.

import * as fs from 'fs';
import * as path from 'path';
import { assembleObject } from '../asm/assemble';
import { parseSource } from '../asm/index';
import { SourceReader } from '../asm/ir';
import { link } from '../asm/link';
import { LineRow } from '../elf/writer';
import { EM_386 } from '../elf/types';
import { VDSO_VCLOCK_PAGES, VDSO_VVAR_PAGES, VdsoBuildError, defaultTree, writeVdsoElf } from './vdso';

const TEXT_ADDRESS = 4096;

export interface Vdso32Build {
  /** The shared object, mapped r-x as [vdso] in an i386 process. */
  image: Uint8Array;
  /** Every symbol of the image's code (exported functions and local labels) -> its offset in the image. */
  symbols: Map<string, number>;
  exports: string[];
  /** Offset of __kernel_vsyscall: AT_SYSINFO is the vDSO's address plus this. */
  entry: number;
  /** Offset of int80_landing_pad, where the kernel returns after SYSENTER. */
  landingPad: number;
  vvarPages: number;
  vclockPages: number;
  lines: LineRow[];
  sources: string[];
}

/** The sources: every .S of arch/x86/entry/vdso/vdso32, sorted. */
export function vdso32Sources(treeDir: string): string[] {
  const dir = path.join(treeDir, 'arch', 'x86', 'entry', 'vdso', 'vdso32');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.S')).sort().map((f) => path.join(dir, f));
}

const cache = new Map<string, Vdso32Build>();

/** Builds (once per tree and process) the 32-bit vDSO. Throws VdsoBuildError with diagnostics. */
export function buildVdso32(treeDir = defaultTree()): Vdso32Build {
  const hit = cache.get(treeDir);
  if (hit) return hit;
  const sources = vdso32Sources(treeDir);
  const unitPath = path.join(treeDir, 'arch', 'x86', 'entry', 'vdso', 'vdso32', 'generated', 'vdso32-unit.S');
  // The sources are guarded by BUILD_VDSO32 (the kernel build and GNU as in 64-bit mode get nothing from them).
  const unit = ['#define BUILD_VDSO32 1', ...sources.map((s) => `#include "${s}"`)].join('\n') + '\n';
  const reader: SourceReader = {
    read(p: string, fromFile: string) {
      const full = path.isAbsolute(p) ? p : path.join(path.dirname(fromFile), p);
      return fs.existsSync(full) ? { path: full, text: fs.readFileSync(full, 'latin1') } : undefined;
    },
  };
  const { object, diagnostics } = assembleObject(parseSource(unitPath, unit, reader, 32), 32);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new VdsoBuildError(errors);
  const linked = link([object], { base: BigInt(TEXT_ADDRESS), entry: null, producer: 'Trapdoor vDSO32 build' });
  const linkErrors = linked.diagnostics.filter((d) => d.severity === 'error');
  if (linkErrors.length) throw new VdsoBuildError(linkErrors);
  for (const s of linked.outSections) {
    if (s.flags.write || s.nobits) throw new VdsoBuildError([{ loc: { file: unitPath, line: 1, col: 1 }, severity: 'error', message: `section ${s.name} is writable: the vDSO is mapped read-only` }]);
  }
  const image = writeVdsoElf(linked.outSections, linked.symbols, {
    cls: 32, machine: EM_386, versions: ['LINUX_2.6', 'LINUX_2.5'],
    versionOf: (name) => (name.startsWith('__kernel_') ? 'LINUX_2.5' : 'LINUX_2.6'),
  });
  const symbols = new Map<string, number>();
  for (const s of linked.symbols) if (s.type !== 'file' && typeof s.section === 'number') symbols.set(s.name, Number(s.value));
  const need = (name: string): number => {
    const v = symbols.get(name);
    if (v === undefined) throw new VdsoBuildError([{ loc: { file: unitPath, line: 1, col: 1 }, severity: 'error', message: `the 32-bit vDSO defines no ${name}` }]);
    return v;
  };
  const build: Vdso32Build = {
    image: image.bytes, symbols, exports: image.exports, entry: need('__kernel_vsyscall'), landingPad: need('int80_landing_pad'),
    vvarPages: VDSO_VVAR_PAGES, vclockPages: VDSO_VCLOCK_PAGES, lines: linked.lines, sources,
  };
  cache.set(treeDir, build);
  return build;
}

/**
 * The kernel's view of the 32-bit vDSO (Linux's generated vdso-image-32.c): the offsets the
 * SYSENTER path needs, as `.set` lines for "asm/vdso-image-32.h".
 */
export function vdso32Header(treeDir = defaultTree()): string {
  const v = buildVdso32(treeDir);
  return ['/* Generated from the 32-bit vDSO image by the kernel build (vdso32.ts): do not edit. */',
    `\t.set vdso_image_32_sym_int80_landing_pad, 0x${v.landingPad.toString(16)}`,
    `\t.set vdso_image_32_sym___kernel_vsyscall, 0x${v.entry.toString(16)}`, ''].join('\n');
}
