// One 4 KiB guest page: its bytes, its permission bits, and a reference count so that a later
// fork can share pages copy-on-write (a writer with refCount > 1 copies first).

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** Permission bits of a page (Intel's PTE names: P, R/W, U/S and NX inverted as X). */
export const PROT_PRESENT = 1;
export const PROT_WRITE = 2;
export const PROT_USER = 4;
export const PROT_EXEC = 8;
/** Readable + writable + user, the usual anonymous user mapping. */
export const PROT_RW_USER = PROT_PRESENT | PROT_WRITE | PROT_USER;

export class Page {
  readonly data: Uint8Array;
  readonly view: DataView;
  prot: number;
  refCount = 1;
  /**
   * Shared copy-on-write since a fork: while more than one address space holds the page, the first
   * to write gets its own copy (AddressSpace.breakCow).
   */
  cow = false;
  /** Number of cached decoded blocks that start in or overlap this page (self-modifying code check). */
  codeBlocks = 0;

  constructor(prot: number, data?: Uint8Array) {
    this.data = data ?? new Uint8Array(PAGE_SIZE);
    this.view = new DataView(this.data.buffer, this.data.byteOffset, PAGE_SIZE);
    this.prot = prot;
  }
}
