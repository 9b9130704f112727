// The vDSO: built by our assembler into an ELF shared object that readelf, our reader and GNU as
// agree with, and that really works: a native C probe maps it above a [vvar] page filled by
// writeVvar, finds the functions as glibc does (hash tables + LINUX_2.6 version) and calls them.
// Exact checks: mult = 0 freezes time at the bases; otherwise the result is bracketed by host
// RDTSC reads taken just before and after the call.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Cpu } from '../../emulator/cpu';
import { readElf } from '../../emulator/elf/reader';
import { AddressSpace, PROT_EXEC, PROT_USER, PROT_WRITE } from '../../emulator/memory';
import { ET_DYN, PT_DYNAMIC, PT_LOAD } from '../../emulator/elf/types';
import { VDSO_VCLOCK_PAGES, VDSO_VVAR_PAGES, VVAR_LAYOUT, VvarParams, buildVdso, clockMultShift, vdsoUnit, vvarClockNs, writeVvar } from '../../emulator/kernel/vdso';
import { requireTools, tempDir } from '../helpers/tools';

const FUNCS = ['__vdso_clock_gettime', '__vdso_gettimeofday', '__vdso_time', '__vdso_getcpu', '__vdso_clock_getres'];

// The probe: argv = vdso file, vvar file, operations. Prints one line per operation.
const PROBE = String.raw`
#include <elf.h>
#define ElfW(type) Elf64_##type
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>

static const char *strtab; static ElfW(Sym) *symtab; static uint16_t *versym; static ElfW(Verdef) *verdef;
static uint32_t *sysv; static uint32_t *gnu; static uintptr_t bias;

static uint32_t elf_hash(const char *s) { uint32_t h = 0, g; while (*s) { h = (h << 4) + (unsigned char)*s++; g = h & 0xf0000000; if (g) h ^= g >> 24; h &= ~g; } return h; }
static uint32_t gnu_hash(const char *s) { uint32_t h = 5381; while (*s) h = h * 33 + (unsigned char)*s++; return h; }

/* parse_vdso.c's vdso_match_version: the symbol's version index must name LINUX_2.6. */
static int version_ok(uint32_t i, const char *ver) {
  uint16_t ndx = versym[i] & 0x7fff;
  ElfW(Verdef) *d = verdef;
  for (;;) {
    if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == ndx) break;
    if (!d->vd_next) return 0;
    d = (ElfW(Verdef) *)((char *)d + d->vd_next);
  }
  ElfW(Verdaux) *a = (ElfW(Verdaux) *)((char *)d + d->vd_aux);
  return d->vd_hash == elf_hash(ver) && !strcmp(strtab + a->vda_name, ver);
}
static int sym_ok(uint32_t i, const char *name, const char *ver) {
  ElfW(Sym) *s = &symtab[i];
  return ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx != SHN_UNDEF && !strcmp(strtab + s->st_name, name) && version_ok(i, ver);
}
static void *lookup_sysv(const char *name, const char *ver) {
  uint32_t nb = sysv[0], *bucket = sysv + 2, *chain = bucket + nb;
  for (uint32_t i = bucket[elf_hash(name) % nb]; i; i = chain[i]) if (sym_ok(i, name, ver)) return (void *)(bias + symtab[i].st_value);
  return 0;
}
static void *lookup_gnu(const char *name, const char *ver) {
  uint32_t nb = gnu[0], off = gnu[1], nbloom = gnu[2], shift = gnu[3], h = gnu_hash(name);
  uint64_t *bloom = (uint64_t *)(gnu + 4); uint32_t *buckets = (uint32_t *)(bloom + nbloom), *chain = buckets + nb;
  uint64_t w = bloom[(h / 64) % nbloom];
  if (!((w >> (h % 64)) & (w >> ((h >> shift) % 64)) & 1)) return 0;
  for (uint32_t i = buckets[h % nb]; i; i++) {
    uint32_t c = chain[i - off];
    if ((c | 1) == (h | 1) && sym_ok(i, name, ver)) return (void *)(bias + symtab[i].st_value);
    if (c & 1) break;
  }
  return 0;
}
static void *find(const char *name) {
  void *a = lookup_sysv(name, "LINUX_2.6"), *b = lookup_gnu(name, "LINUX_2.6");
  if (a != b) { printf("mismatch %s sysv=%p gnu=%p\n", name, a, b); exit(3); }
  return a;
}
static unsigned long long tsc(void) { unsigned lo, hi; __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)); return ((unsigned long long)hi << 32) | lo; }

static unsigned char *slurp(const char *p, size_t *n) {
  FILE *f = fopen(p, "rb"); if (!f) { perror(p); exit(2); }
  static unsigned char buf[1 << 20]; *n = fread(buf, 1, sizeof buf, f); fclose(f);
  unsigned char *m = malloc(*n); memcpy(m, buf, *n); return m;
}

int main(int argc, char **argv) {
  size_t vn, dn; unsigned char *img = slurp(argv[1], &vn), *vv = slurp(argv[2], &dn);
  size_t below = VVAR_BELOW, size = below + ((vn + 4095) & ~4095UL);
  unsigned char *area = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memcpy(area, vv, dn); memcpy(area + below, img, vn);
  mprotect(area, below, PROT_READ); mprotect(area + below, size - below, PROT_READ | PROT_EXEC);
  ElfW(Ehdr) *eh = (ElfW(Ehdr) *)(area + below); ElfW(Phdr) *ph = (ElfW(Phdr) *)((char *)eh + eh->e_phoff);
  ElfW(Dyn) *dyn = 0; int loaded = 0;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD && !loaded) { bias = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr; loaded = 1; }
    if (ph[i].p_type == PT_DYNAMIC) dyn = (ElfW(Dyn) *)((char *)eh + ph[i].p_offset);
  }
  for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
    void *p = (void *)(bias + dyn->d_un.d_ptr);
    switch (dyn->d_tag) {
      case DT_STRTAB: strtab = p; break; case DT_SYMTAB: symtab = p; break; case DT_HASH: sysv = p; break;
      case DT_GNU_HASH: gnu = p; break; case DT_VERSYM: versym = p; break; case DT_VERDEF: verdef = p; break;
    }
  }
  if (!strtab || !symtab || !sysv || !gnu || !versym || !verdef) { printf("missing dynamic entries\n"); return 3; }
  int (*cg)(int, struct timespec *) = find("__vdso_clock_gettime");
  int (*gr)(int, struct timespec *) = find("__vdso_clock_getres");
  int (*gtod)(struct timeval *, struct timezone *) = find("__vdso_gettimeofday");
  long (*tm)(long *) = find("__vdso_time");
  long (*gc)(unsigned *, unsigned *, void *) = find("__vdso_getcpu");
  printf("found %ld %ld %ld %ld %ld\n", (long)((char *)cg - (char *)eh), (long)((char *)gr - (char *)eh), (long)((char *)gtod - (char *)eh), (long)((char *)tm - (char *)eh), (long)((char *)gc - (char *)eh));
  printf("notfound %d %d\n", find("__vdso_nonexistent") == 0, lookup_sysv("__vdso_time", "LINUX_2.5") == 0);
  for (int i = 3; i < argc; i++) {
    const char *op = argv[i];
    if (!strncmp(op, "gettime:", 8)) {
      struct timespec ts = { -1, -1 }; int c = atoi(op + 8);
      unsigned long long t0 = tsc(); int r = cg(c, &ts); unsigned long long t1 = tsc();
      printf("gettime %d %d %lld %ld %llu %llu\n", c, r, (long long)ts.tv_sec, ts.tv_nsec, t0, t1);
    } else if (!strncmp(op, "syscall:", 8)) {
      struct timespec ts; int c = atoi(op + 8); long r = syscall(SYS_clock_gettime, c, &ts);
      printf("syscall %d %ld %lld %ld\n", c, r, (long long)ts.tv_sec, ts.tv_nsec);
    } else if (!strncmp(op, "getres:", 7)) {
      struct timespec ts = { -1, -1 }; int c = atoi(op + 7); int r = gr(c, &ts);
      printf("getres %d %d %lld %ld\n", c, r, (long long)ts.tv_sec, ts.tv_nsec);
    } else if (!strcmp(op, "gtod")) {
      struct timeval tv = { -1, -1 }; struct timezone tz = { 99, 99 }; int r = gtod(&tv, &tz);
      int r2 = gtod(0, 0);
      printf("gtod %d %lld %ld %d %d %d\n", r, (long long)tv.tv_sec, (long)tv.tv_usec, tz.tz_minuteswest, tz.tz_dsttime, r2);
    } else if (!strcmp(op, "time")) {
      long t = -1; long r = tm(&t); long r2 = tm(0);
      printf("time %ld %ld %ld\n", r, t, r2);
    } else if (!strcmp(op, "getcpu")) {
      unsigned cpu = 7, node = 7; long r = gc(&cpu, &node, 0);
      printf("getcpu %ld %u %u %ld\n", r, cpu, node, gc(0, 0, 0));
    }
  }
  return 0;
}
`;

interface ProbeResult { lines: string[][] }

describe('vDSO', function () {
  this.timeout(30000);
  const vdso = buildVdso();

  it('is an ET_DYN shared object our ELF reader reads, its functions in .symtab', function () {
    const elf = readElf(vdso.image);
    assert.strictEqual(elf.type, ET_DYN);
    const load = elf.segments.filter((s) => s.type === PT_LOAD);
    assert.strictEqual(load.length, 1);
    assert.strictEqual(load[0].vaddr, 0n);
    assert.strictEqual(load[0].flags, 5, 'PT_LOAD is r-x');
    assert.ok(elf.segments.some((s) => s.type === PT_DYNAMIC));
    for (const f of FUNCS) {
      const s = elf.symbols.find((x) => x.name === f);
      assert.ok(s && s.size > 0n, `${f} in .symtab with a size`);
      assert.strictEqual(Number(s!.value), vdso.symbols.get(f));
    }
    for (const [alias, f] of [['clock_gettime', '__vdso_clock_gettime'], ['time', '__vdso_time'], ['gettimeofday', '__vdso_gettimeofday'], ['getcpu', '__vdso_getcpu']]) {
      const s = elf.symbols.find((x) => x.name === alias)!;
      assert.strictEqual(s.binding, 2, `${alias} is weak`);
      assert.strictEqual(s.value, elf.symbols.find((x) => x.name === f)!.value);
    }
    assert.strictEqual(vdso.vvarPages, VDSO_VVAR_PAGES);
    assert.strictEqual(vdso.vclockPages, VDSO_VCLOCK_PAGES);
    assert.strictEqual(vdso.vvarOffset, -(VDSO_VVAR_PAGES + VDSO_VCLOCK_PAGES) * 4096);
    assert.strictEqual(buildVdso(), vdso, 'cached per process');
    assert.ok(vdso.lines.some((l) => path.basename(l.file) === 'vclock_gettime.S'), 'line rows point at the sources');
  });

  it('readelf sees the four functions at version LINUX_2.6 and a valid dynamic section', function () {
    requireTools(this, 'readelf');
    const dir = tempDir('trapdoor-vdso-');
    try {
      const file = path.join(dir, 'vdso.so');
      fs.writeFileSync(file, vdso.image);
      const r = spawnSync('readelf', ['-W', '--dyn-syms', '-V', '-d', file], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      assert.strictEqual(r.stderr, '', 'readelf has no complaint');
      for (const f of [...FUNCS, 'clock_gettime', 'gettimeofday', 'time', 'getcpu']) {
        assert.match(r.stdout, new RegExp(`FUNC +(GLOBAL|WEAK) +DEFAULT +\\d+ ${f}@@LINUX_2\\.6\\n`), f);
      }
      assert.match(r.stdout, /Library soname: \[linux-vdso\.so\.1\]/);
      for (const tag of ['HASH', 'GNU_HASH', 'STRTAB', 'SYMTAB', 'STRSZ', 'SYMENT', 'VERSYM', 'VERDEF', 'NULL']) assert.match(r.stdout, new RegExp(`\\(${tag}\\)`), tag);
      assert.match(r.stdout, /\(VERDEFNUM\) +2/);
      assert.match(r.stdout, /Flags: BASE +Index: 1 +Cnt: 1 +Name: linux-vdso\.so\.1/);
      assert.match(r.stdout, /Flags: none +Index: 2 +Cnt: 1 +Name: LINUX_2\.6/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('its code is byte for byte what GNU as makes of the same sources', function () {
    requireTools(this, 'gcc', 'as', 'objcopy');
    const dir = tempDir('trapdoor-vdso-as-');
    try {
      const unit = vdsoUnit();
      fs.writeFileSync(path.join(dir, 'unit.S'), unit.text);
      for (const [name, text] of unit.headers) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
      const run = (cmd: string, args: string[]): void => {
        const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: dir });
        assert.strictEqual(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
      };
      run('gcc', ['-c', '-x', 'assembler-with-cpp', '-I', dir, 'unit.S', '-o', 'unit.o']);
      const relocs = spawnSync('readelf', ['-rW', 'unit.o'], { encoding: 'utf8', cwd: dir }).stdout;
      assert.match(relocs, /no relocations/, 'everything resolves inside the vDSO');
      run('objcopy', ['-O', 'binary', '--only-section=.text', 'unit.o', 'text.bin']);
      const gnu = fs.readFileSync(path.join(dir, 'text.bin'));
      const text = readElf(vdso.image).sections.find((s) => s.name === '.text')!;
      assert.strictEqual(text.size, gnu.length);
      assert.deepStrictEqual(Buffer.from(vdso.image.subarray(text.offset, text.offset + text.size)), gnu);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('natively (a C probe maps and calls it)', function () {
    let dir = '';
    let exe = '';
    before(function () {
      requireTools(this, 'gcc');
      dir = tempDir('trapdoor-vdso-native-');
      fs.writeFileSync(path.join(dir, 'probe.c'), PROBE);
      fs.writeFileSync(path.join(dir, 'vdso.so'), vdso.image);
      exe = path.join(dir, 'probe');
      const below = -vdso.vvarOffset;
      const r = spawnSync('gcc', ['-O1', `-DVVAR_BELOW=${below}`, '-o', exe, path.join(dir, 'probe.c')], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
    });
    after(function () {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const probe = (p: VvarParams, ops: string[]): ProbeResult => {
      const page = new Uint8Array(4096);
      writeVvar(page, p);
      fs.writeFileSync(path.join(dir, 'vvar.bin'), page);
      const r = spawnSync(exe, [path.join(dir, 'vdso.so'), path.join(dir, 'vvar.bin'), ...ops], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, `probe failed (${r.status} ${r.signal}): ${r.stdout}${r.stderr}`);
      const lines = r.stdout.trim().split('\n').map((l) => l.split(' '));
      const found = lines.find((l) => l[0] === 'found')!;
      assert.deepStrictEqual(found.slice(1).map(Number), ['__vdso_clock_gettime', '__vdso_clock_getres', '__vdso_gettimeofday', '__vdso_time', '__vdso_getcpu'].map((f) => vdso.symbols.get(f)));
      assert.deepStrictEqual(lines.find((l) => l[0] === 'notfound'), ['notfound', '1', '1'], 'absent names and other versions are not found');
      return { lines: lines.filter((l) => l[0] !== 'found' && l[0] !== 'notfound') };
    };
    const ns = (sec: string, nsec: string): bigint => BigInt(sec) * 1_000_000_000n + BigInt(nsec);
    const CLOCKS = [0, 1, 4, 5, 6, 7, 11];

    it('mult = 0: every clock is exactly its base (coarse ones rounded down to the tick)', function () {
      const p: VvarParams = { cycleLast: 0n, mult: 0n, shift: 0, realtimeNs: 1_700_000_000_123_456_789n, monotonicNs: 12_345_678_901n,
        boottimeNs: 17_345_678_901n, monotonicRawNs: 12_345_677_901n, tzMinutesWest: -60, tzDstTime: 1 };
      const { lines } = probe(p, [...CLOCKS.map((c) => `gettime:${c}`), ...[0, 1, 4, 5, 6, 7, 11].map((c) => `getres:${c}`), 'gtod', 'time', 'getcpu']);
      const get = lines.filter((l) => l[0] === 'gettime');
      assert.strictEqual(get.length, CLOCKS.length);
      for (const l of get) {
        assert.strictEqual(l[2], '0', `clock ${l[1]} returns 0`);
        assert.strictEqual(ns(l[3], l[4]), vvarClockNs(p, Number(l[1]), 0n), `clock ${l[1]}`);
        assert.ok(Number(l[4]) < 1e9);
      }
      assert.strictEqual(ns(get[0][3], get[0][4]), 1_700_000_000_123_456_789n);
      assert.strictEqual(ns(get[3][3], get[3][4]), 1_700_000_000_120_000_000n, 'REALTIME_COARSE is on a 4 ms tick');
      assert.strictEqual(ns(get[6][3], get[6][4]), 1_700_000_037_123_456_789n, 'TAI = UTC + 37 s');
      for (const l of lines.filter((x) => x[0] === 'getres')) assert.deepStrictEqual(l.slice(2), ['0', '0', l[1] === '5' || l[1] === '6' ? '4000000' : '1'], `getres ${l[1]}`);
      assert.deepStrictEqual(lines.find((l) => l[0] === 'gtod'), ['gtod', '0', '1700000000', '123456', '-60', '1', '0']);
      assert.deepStrictEqual(lines.find((l) => l[0] === 'time'), ['time', '1700000000', '1700000000', '1700000000']);
      assert.deepStrictEqual(lines.find((l) => l[0] === 'getcpu'), ['getcpu', '0', '0', '0', '0']);
    });

    it('clocks the vDSO does not handle go to the real system call', function () {
      const p: VvarParams = { cycleLast: 0n, mult: 0n, shift: 0, realtimeNs: 5_000_000_000n, monotonicNs: 5_000_000_000n };
      const { lines } = probe(p, ['gettime:2', 'gettime:3', 'gettime:100', 'gettime:-1', 'getres:2', 'getres:100']);
      const [cpu, thread, bad, neg, res, badres] = lines;
      // CPU time of this fresh process: far below the frozen 5 s base, and not an error.
      assert.strictEqual(cpu[2], '0');
      assert.ok(ns(cpu[3], cpu[4]) < 2_000_000_000n, `process CPU time ${cpu[3]}.${cpu[4]}`);
      assert.strictEqual(thread[2], '0');
      assert.strictEqual(bad[2], '-22', 'an unknown clock gets -EINVAL from the kernel (raw, as Linux\'s vDSO returns it)');
      assert.strictEqual(neg[2], '-22', 'clock -1 (a CPU clock of a pid that is not ours) also goes to the kernel');
      assert.deepStrictEqual(res.slice(2), ['0', '0', '1']);
      assert.strictEqual(badres[2], '-22');
    });

    it('clock_mode none: every call is the system call (the host\'s clocks)', function () {
      const p: VvarParams = { cycleLast: 0n, mult: 0n, shift: 0, realtimeNs: 7n, monotonicNs: 7n, clockMode: 'none' };
      const { lines } = probe(p, ['syscall:1', 'gettime:1', 'syscall:1', 'gettime:0', 'gtod', 'time']);
      const [before, got, after, real, gtod, time] = lines;
      assert.strictEqual(got[2], '0');
      const t = ns(got[3], got[4]);
      assert.ok(ns(before[3], before[4]) <= t && t <= ns(after[3], after[4]), 'MONOTONIC between two system calls');
      const now = BigInt(Date.now()) * 1_000_000n;
      assert.ok(ns(real[3], real[4]) - now < 60_000_000_000n && now - ns(real[3], real[4]) < 60_000_000_000n, 'REALTIME is the host\'s');
      assert.ok(Math.abs(Number(gtod[2]) - Date.now() / 1000) < 60);
      assert.ok(Math.abs(Number(time[1]) - Date.now() / 1000) < 60);
    });

    it('reads the TSC: the time lies between the host RDTSCs around the call', function () {
      // shift 4 and a 40-bit shift (its products exceed 64 bits): both exact given the TSC bracket.
      for (const [mult, shift] of [[3n << 4n, 4], [1n << 40n, 40]] as const) {
        const p: VvarParams = { cycleLast: 1000n, mult, shift, realtimeNs: 1_000_000_000_000_000_000n, monotonicNs: 42n };
        const { lines } = probe(p, ['gettime:1', 'gettime:0', 'gettime:6']);
        for (const l of lines) {
          const clock = Number(l[1]);
          const got = ns(l[3], l[4]);
          const lo = vvarClockNs(p, clock, BigInt(l[5]))!, hi = vvarClockNs(p, clock, BigInt(l[6]))!;
          assert.ok(lo <= got && got <= hi, `clock ${clock} (mult ${mult}, shift ${shift}): ${lo} <= ${got} <= ${hi}`);
          assert.ok(got > vvarClockNs(p, clock, 1000n)! || clock === 6, 'time advanced from the base');
        }
      }
      // A TSC behind cycle_last counts as no elapsed time.
      const p: VvarParams = { cycleLast: (1n << 64n) - 1n, mult: 1n, shift: 0, realtimeNs: 9n, monotonicNs: 123_456_789_012n };
      const l = probe(p, ['gettime:1']).lines[0];
      assert.strictEqual(ns(l[3], l[4]), 123_456_789_012n);
    });
  });

  describe('in Trapdoor\'s CPU (RDTSC = emulated cycles)', function () {
    const VDSO = 0x7ff7f0000000, STACK = 0x7ff000000000, RET = 0x401000, KTEXT = -0x7f000000;
    const setup = (p: VvarParams): { cpu: Cpu; mem: AddressSpace } => {
      const mem = new AddressSpace();
      const page = new Uint8Array(4096);
      writeVvar(page, p);
      mem.map(VDSO + vdso.vvarOffset, 4096, PROT_USER);
      mem.writeBytes(VDSO + vdso.vvarOffset, page);
      mem.map(VDSO, Math.ceil(vdso.image.length / 4096) * 4096, PROT_USER | PROT_EXEC);
      mem.writeBytes(VDSO, vdso.image);
      mem.map(STACK, 0x10000, PROT_USER | PROT_WRITE);
      mem.map(KTEXT, 0x1000, PROT_EXEC);
      mem.writeBytes(KTEXT, Uint8Array.from([0xf4]));          // LSTAR -> hlt: a system call stops the run
      const cpu = new Cpu(mem);
      cpu.setReg('cs', 0x33n); cpu.setReg('ss', 0x2bn); cpu.setRflags(0x202);
      cpu.lstar = KTEXT; cpu.star = (0x23n << 48n) | (0x10n << 32n);
      mem.map(RET, 0x1000, PROT_USER | PROT_EXEC);              // the caller: run() stops at its breakpoint
      mem.writeBytes(RET, Uint8Array.from([0x90]));
      cpu.breakpoints.add(RET);
      return { cpu, mem };
    };
    const call = (cpu: Cpu, mem: AddressSpace, fn: string, args: bigint[]): void => {
      const sp = STACK + 0x8000;
      mem.writeU64(sp, BigInt(RET));                            // as if `call` had pushed RET
      cpu.setReg('rsp', BigInt(sp));
      ['rdi', 'rsi'].forEach((r, i) => cpu.setReg(r, args[i] ?? 0n));
      cpu.rip = VDSO + vdso.symbols.get(fn)!;
    };

    it('clock_gettime computes base + (cycles - cycle_last) * mult >> shift', function () {
      const { mult, shift } = clockMultShift(1e9 / 3);           // 3 ns per cycle
      const p: VvarParams = { cycleLast: 1000n, mult, shift, realtimeNs: 1_700_000_000_999_999_000n, monotonicNs: 5_000_000_000n };
      for (const clock of [0, 1, 6]) {
        const { cpu, mem } = setup(p);
        cpu.cycles = 1_000_000;
        const ts = STACK + 0x100;
        call(cpu, mem, '__vdso_clock_gettime', [BigInt(clock), BigInt(ts)]);
        const c0 = BigInt(cpu.cycles);
        const stop = cpu.run(10_000);
        assert.deepStrictEqual(stop, { kind: 'breakpoint', address: RET }, `clock ${clock} returns to its caller`);
        const c1 = BigInt(cpu.cycles);
        assert.strictEqual(cpu.getReg('rax'), 0n);
        const got = mem.readU64(ts) * 1_000_000_000n + mem.readU64(ts + 8);
        const lo = vvarClockNs(p, clock, c0)!, hi = vvarClockNs(p, clock, c1)!;
        assert.ok(lo <= got && got <= hi, `clock ${clock}: ${lo} <= ${got} <= ${hi}`);
        assert.ok(mem.readU64(ts + 8) < 1_000_000_000n);
      }
    });

    it('an unhandled clock makes the clock_gettime system call (rax = 228 at SYSCALL)', function () {
      const { cpu, mem } = setup({ cycleLast: 0n, mult: 0n, shift: 0, realtimeNs: 0n, monotonicNs: 0n });
      call(cpu, mem, '__vdso_clock_gettime', [2n, BigInt(STACK + 0x100)]);
      assert.deepStrictEqual(cpu.run(10_000), { kind: 'hlt' });
      assert.strictEqual(cpu.getReg('rax'), 228n);
      assert.strictEqual(cpu.getReg('rdi'), 2n);
    });

    it('a [vvar] page nobody filled (all zero) sends every clock to the system call', function () {
      const { cpu, mem } = setup({ cycleLast: 0n, mult: 0n, shift: 0, realtimeNs: 0n, monotonicNs: 0n });
      mem.writeBytes(VDSO + vdso.vvarOffset, new Uint8Array(4096));
      for (const [fn, nr] of [['__vdso_clock_gettime', 228n], ['__vdso_clock_getres', 229n], ['__vdso_time', 201n], ['__vdso_gettimeofday', 96n]] as const) {
        call(cpu, mem, fn, [1n, BigInt(STACK + 0x100)]);
        assert.deepStrictEqual(cpu.run(10_000), { kind: 'hlt' }, fn);
        assert.strictEqual(cpu.getReg('rax'), nr, fn);
        cpu.setReg('cs', 0x33n); cpu.setReg('ss', 0x2bn);
      }
    });

    it('time and gettimeofday', function () {
      const p: VvarParams = { cycleLast: 0n, mult: 0n, shift: 0, realtimeNs: 1_234_567_890_987_654_321n, monotonicNs: 1n, tzMinutesWest: 120 };
      let { cpu, mem } = setup(p);
      call(cpu, mem, '__vdso_time', [BigInt(STACK + 0x100)]);
      assert.deepStrictEqual(cpu.run(10_000), { kind: 'breakpoint', address: RET });
      assert.strictEqual(cpu.getReg('rax'), 1_234_567_890n);
      assert.strictEqual(mem.readU64(STACK + 0x100), 1_234_567_890n);
      ({ cpu, mem } = setup(p));
      call(cpu, mem, '__vdso_gettimeofday', [BigInt(STACK + 0x100), BigInt(STACK + 0x200)]);
      assert.deepStrictEqual(cpu.run(10_000), { kind: 'breakpoint', address: RET });
      assert.deepStrictEqual([mem.readU64(STACK + 0x100), mem.readU64(STACK + 0x108), mem.readU64(STACK + 0x200) & 0xffffffffn], [1_234_567_890n, 987_654n, 120n]);
    });
  });

  it('writeVvar writes the layout (seq even again) and clockMultShift converts a clock rate', function () {
    const page = new Uint8Array(4096);
    const dv = new DataView(page.buffer);
    dv.setUint32(VVAR_LAYOUT.seq.offset, 6, true);
    const { mult, shift } = clockMultShift(2.5e9);
    writeVvar(page, { cycleLast: 77n, mult, shift, realtimeNs: 5n, monotonicNs: 6n });
    assert.strictEqual(dv.getUint32(VVAR_LAYOUT.seq.offset, true), 8);
    assert.strictEqual(dv.getBigUint64(VVAR_LAYOUT.cycle_last.offset, true), 77n);
    assert.strictEqual(dv.getBigUint64(VVAR_LAYOUT.base.offset + 8 * 5, true), 5n, 'REALTIME_COARSE shares REALTIME\'s base');
    assert.strictEqual(vvarClockNs({ cycleLast: 0n, mult, shift, realtimeNs: 0n, monotonicNs: 0n }, 1, 2_500_000_000n), 999_999_999n);
    assert.throws(() => writeVvar(page, { cycleLast: 0n, mult, shift, realtimeNs: 0n, monotonicNs: 0n, coarseResNs: 3_000_000 }), /divide/);
  });
});
