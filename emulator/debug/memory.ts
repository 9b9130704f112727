// The debugger's view of guest memory: reads and writes by 64-bit address, with no permission
// checks (kernel and user alike), stopping quietly at the first page that is not mapped.

import { AddressSpace } from '../memory/address-space';

/** Addresses as the CPU holds them: canonical, signed, exact in a double. */
const canon = (a: bigint): number => Number(BigInt.asIntN(64, a));

export interface DebugMemory {
  /** Up to `len` bytes from `addr`; shorter when an unmapped page comes first. */
  read(addr: bigint, len: number): Uint8Array;
  /** Writes what it can; returns how many bytes were written. */
  write(addr: bigint, bytes: Uint8Array): number;
}

export function debugMemory(space: AddressSpace): DebugMemory {
  return {
    read(addr, len) {
      const out = new Uint8Array(Math.max(0, len));
      let done = 0;
      while (done < out.length) {
        const a = canon(BigInt.asUintN(64, addr + BigInt(done)));
        const k = Math.min(out.length - done, 4096 - (((a % 4096) + 4096) % 4096));
        try {
          out.set(space.readBytes(a, k), done);
        } catch {
          break;
        }
        done += k;
      }
      return out.subarray(0, done);
    },
    write(addr, bytes) {
      let done = 0;
      while (done < bytes.length) {
        const a = canon(BigInt.asUintN(64, addr + BigInt(done)));
        const k = Math.min(bytes.length - done, 4096 - (((a % 4096) + 4096) % 4096));
        try {
          space.writeBytes(a, bytes.subarray(done, done + k));
        } catch {
          break;
        }
        done += k;
      }
      return done;
    },
  };
}

/** A little-endian unsigned value of `size` bytes, or undefined when it cannot be read whole. */
export function readUnsigned(mem: DebugMemory, addr: bigint, size: number): bigint | undefined {
  const b = mem.read(addr, size);
  if (b.length < size) return undefined;
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}
