// Little-endian byte helpers for the ELF and DWARF code: a growable writer, and a bounds-checked
// reader that throws ElfFormatError (never RangeError) so hostile files fail with a clear message.

/** Any structural problem in an ELF file or its DWARF: the only error the readers throw. */
export class ElfFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfFormatError';
  }
}

export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
  }
  /** Little-endian unsigned integer of `size` bytes (1, 2, 4 or 8). */
  uint(v: number | bigint, size: number): void {
    let u = BigInt.asUintN(size * 8, BigInt(v));
    this.room(size);
    for (let i = 0; i < size; i++) {
      this.buf[this.length++] = Number(u & 0xffn);
      u >>= 8n;
    }
  }
  u16(v: number): void { this.uint(v, 2); }
  u32(v: number | bigint): void { this.uint(v, 4); }
  u64(v: number | bigint): void { this.uint(v, 8); }
  uleb(v: number | bigint): void {
    let u = BigInt(v);
    if (u < 0n) throw new RangeError('uleb128 of a negative value');
    do {
      const byte = Number(u & 0x7fn);
      u >>= 7n;
      this.u8(u !== 0n ? byte | 0x80 : byte);
    } while (u !== 0n);
  }
  sleb(v: number | bigint): void {
    let s = BigInt(v);
    for (;;) {
      const byte = Number(s & 0x7fn);
      s >>= 7n;
      const done = (s === 0n && (byte & 0x40) === 0) || (s === -1n && (byte & 0x40) !== 0);
      this.u8(done ? byte : byte | 0x80);
      if (done) return;
    }
  }
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  /** NUL-terminated UTF-8 string. */
  cstring(s: string): void {
    this.bytes(new TextEncoder().encode(s));
    this.u8(0);
  }
  zeros(n: number): void {
    this.room(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  alignTo(a: number): void {
    this.zeros((a - (this.length % a)) % a);
  }
  /** Overwrites `size` bytes at `at` (for lengths known only after the body is written). */
  patch(at: number, v: number | bigint, size: number): void {
    let u = BigInt.asUintN(size * 8, BigInt(v));
    for (let i = 0; i < size; i++) {
      this.buf[at + i] = Number(u & 0xffn);
      u >>= 8n;
    }
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** A string table: offset 0 is the empty string; equal strings share one entry. */
export class StringTable {
  private readonly w = new ByteWriter();
  private readonly seen = new Map<string, number>();
  constructor() {
    this.w.u8(0);
    this.seen.set('', 0);
  }
  add(s: string): number {
    let off = this.seen.get(s);
    if (off === undefined) {
      off = this.w.length;
      this.w.cstring(s);
      this.seen.set(s, off);
    }
    return off;
  }
  finish(): Uint8Array {
    return this.w.finish();
  }
}

/** A cursor over `bytes[start, end)`; every read is checked against `end`. */
export class ByteReader {
  pos: number;
  constructor(readonly bytes: Uint8Array, start: number, readonly end: number, private readonly what: string) {
    if (start < 0 || end > bytes.length || start > end) throw new ElfFormatError(`${what}: range 0x${start.toString(16)}..0x${end.toString(16)} is outside the data`);
    this.pos = start;
  }
  get left(): number {
    return this.end - this.pos;
  }
  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new ElfFormatError(`${this.what}: truncated at 0x${this.pos.toString(16)} (need ${n} bytes)`);
  }
  fail(message: string): never {
    throw new ElfFormatError(`${this.what}: ${message} at 0x${this.pos.toString(16)}`);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  u16(): number {
    this.need(2);
    const b = this.bytes, p = this.pos;
    this.pos += 2;
    return b[p] | (b[p + 1] << 8);
  }
  u32(): number {
    this.need(4);
    const b = this.bytes, p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 0x1000000;
  }
  u64(): bigint {
    const lo = this.u32();
    const hi = this.u32();
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  /** An unsigned value of `size` bytes (1, 2, 4 or 8) as a bigint. */
  uint(size: number): bigint {
    switch (size) {
      case 1: return BigInt(this.u8());
      case 2: return BigInt(this.u16());
      case 4: return BigInt(this.u32());
      case 8: return this.u64();
      default: return this.fail(`unsupported integer size ${size}`);
    }
  }
  uleb(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
  }
  sleb(): bigint {
    let result = 0n;
    let shift = 0n;
    let b: number;
    do {
      b = this.u8();
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
    } while (b & 0x80);
    if (shift < 64n && (b & 0x40) !== 0) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }
  /** A uleb128 that must fit a safe integer (counts, indices, lengths). */
  ulebNumber(): number {
    const v = this.uleb();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('value too large');
    return Number(v);
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  /** NUL-terminated string; the terminator must lie inside the range. */
  cstring(): string {
    const i = this.bytes.indexOf(0, this.pos);
    if (i < 0 || i >= this.end) this.fail('unterminated string');
    const s = decodeUtf8(this.bytes.subarray(this.pos, i));
    this.pos = i + 1;
    return s;
  }
}

const decoder = new TextDecoder('utf-8');
export function decodeUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** The NUL-terminated string at `offset` of a string table (section bytes). */
export function stringAt(table: Uint8Array, offset: number, what: string): string {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= table.length) throw new ElfFormatError(`${what}: string offset 0x${offset.toString(16)} is outside its table (size 0x${table.length.toString(16)})`);
  const end = table.indexOf(0, offset);
  if (end < 0) throw new ElfFormatError(`${what}: unterminated string at 0x${offset.toString(16)}`);
  return decodeUtf8(table.subarray(offset, end));
}
