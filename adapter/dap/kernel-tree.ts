// The launch attribute `kernel`: a folder holding a modified kernel tree, laid out like the one
// shipped with Trapdoor (arch/, fs/, include/, kernel/, mm/ ...). It is built at launch (a build
// error becomes the launch's error, with file:line:col), booted instead of the shipped kernel, and
// its files are the ones the stack frames, breakpoints and loaded sources show.

import * as fs from 'fs';
import * as path from 'path';
import { formatDiagnostic } from '../../emulator/asm/index';
import { KernelBuildError } from '../../emulator/kernel/build';
import { VdsoBuildError } from '../../emulator/kernel/vdso';

const MARKER = path.join('arch', 'x86', 'entry', 'entry_64.S');

export class KernelTreeError extends Error {}

/** The folder, when it looks like a kernel tree; a KernelTreeError saying what is missing otherwise. */
export function checkKernelTree(dir: string): string {
  if (!fs.existsSync(dir)) throw new KernelTreeError(`kernel: ${dir} does not exist`);
  if (!fs.statSync(dir).isDirectory()) throw new KernelTreeError(`kernel: ${dir} is not a folder`);
  for (const need of [MARKER, path.join('arch', 'x86', 'entry', 'syscalls', 'syscall_64.tbl'), path.join('arch', 'x86', 'entry', 'vdso')]) {
    if (!fs.existsSync(path.join(dir, need))) {
      throw new KernelTreeError(`kernel: ${dir} is not a kernel tree (no ${need}); copy Trapdoor's emulator/kernel folder and change it`);
    }
  }
  return dir;
}

/** The text of a launch error caused by the kernel tree, or undefined for other errors. */
export function kernelErrorText(e: unknown): string | undefined {
  if (e instanceof KernelTreeError) return e.message;
  if (e instanceof KernelBuildError || e instanceof VdsoBuildError) {
    const what = e instanceof KernelBuildError ? 'the kernel' : 'the vDSO';
    return `${what} does not build:\n${e.diagnostics.map(formatDiagnostic).join('\n')}`;
  }
  return undefined;
}
