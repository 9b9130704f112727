// Padding for alignment inside code, byte for byte as GNU as 2.40 emits it (measured on this
// machine): the longest NOP patterns first, the remainder last, and a short jump over the
// padding when it would take more than a few NOPs to execute.

// Index = length. 64-bit code: the 0F 1F /0 long NOPs with growing address forms.
const NOPS64: number[][] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x0f, 0x1f, 0x00],
  [0x0f, 0x1f, 0x40, 0x00],
  [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

// 32-bit code: `lea 0(%esi,%eiz,1), %esi`-style NOPs that every i386 runs.
const NOPS32: number[][] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x8d, 0x76, 0x00],
  [0x8d, 0x74, 0x26, 0x00],
  [0x8d, 0x74, 0x26, 0x00, 0x90],
  [0x8d, 0xb6, 0x00, 0x00, 0x00, 0x00],
  [0x8d, 0xb4, 0x26, 0x00, 0x00, 0x00, 0x00],
];

/** More NOPs than this (counted in longest patterns) and GNU as jumps over the padding instead. */
const MAX_NOPS = { 64: 7, 32: 2 };

/** `n` bytes of padding for code of the given bitness; 16-bit code gets plain 0x90s. */
export function nopFill(n: number, bits: number): Uint8Array {
  const out = new Uint8Array(n);
  if (bits === 16) return out.fill(0x90);
  const table = bits === 64 ? NOPS64 : NOPS32;
  const longest = table.length - 1;
  let p = 0;
  if (Math.floor(n / longest) > MAX_NOPS[bits === 64 ? 64 : 32]) {
    // jmp rel8 (or rel32 when the gap is too wide for a byte).
    if (n - 2 <= 127) {
      out.set([0xeb, n - 2]);
      p = 2;
    } else {
      const d = n - 5;
      out.set([0xe9, d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, (d >>> 24) & 0xff]);
      p = 5;
    }
  }
  while (p < n) {
    const k = Math.min(n - p, longest);
    out.set(table[k], p);
    p += k;
  }
  return out;
}
