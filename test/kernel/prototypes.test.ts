// The syscall prototypes header (include/linux/syscall-prototypes.h): every entry point of both .tbl
// files has one, spot checks against Linux's declarations, and argument counts that agree with the
// strace signatures in emulator/trace/signatures.ts.

import * as assert from 'assert';
import * as fs from 'fs';
import { findPrototypeFile, loadPrototypes, parsePrototypes, signatureFor } from '../../emulator/kernel/syscalls/prototypes';
import { loadSyscallTables, SyscallEntry } from '../../emulator/kernel/syscalls/table';
import { SIGNATURES } from '../../emulator/trace/signatures';

/**
 * Calls whose strace signature deliberately differs from the C argument count, with the count
 * signatures.ts has today (so a change there shows up here):
 *  - clone: one 'cloneFlags' special argument; the printer builds the whole list itself.
 *  - futex: one 'futexArgs' special argument: strace prints only the arguments the operation uses.
 *  - rt_sigreturn: a placeholder argument; the frame printer replaces the line.
 */
const SIGNATURE_EXCEPTIONS: Record<string, number> = { clone: 1, futex: 1, rt_sigreturn: 1, prctl: 2 };

describe('syscall prototypes (syscall-prototypes.h)', () => {
  const protos = loadPrototypes();
  const tables = loadSyscallTables();
  const entries = [...tables['64'].entries, ...tables.i386.entries];

  it('the header is found beside the .tbl tree and parses', () => {
    assert.ok(fs.existsSync(findPrototypeFile()), findPrototypeFile());
    assert.ok(protos.size > 500, `${protos.size} prototypes`);
  });

  it('every entry point of both tables (and the compat column) has a prototype', () => {
    const missing = new Set<string>();
    let checked = 0;
    for (const e of entries) {
      if (e.reserved) continue;
      for (const ep of [e.entry, e.compatEntry]) {
        if (ep === undefined) continue;
        checked++;
        if (!protos.has(ep)) missing.add(ep);
      }
    }
    assert.deepStrictEqual([...missing].sort(), []);
    assert.ok(checked > 850, `${checked} entry points checked`);
  });

  it('declares nothing the tables do not name (no stale prototypes)', () => {
    const named = new Set<string>();
    for (const e of entries) {
      if (!e.reserved) named.add(e.entry);
      if (e.compatEntry) named.add(e.compatEntry);
    }
    assert.deepStrictEqual([...protos.keys()].filter((k) => !named.has(k)).sort(), []);
  });

  it('spot checks: Linux types and names', () => {
    const text = (ep: string) => protos.get(ep)!.text;
    assert.strictEqual(text('sys_read'), 'asmlinkage long sys_read(unsigned int fd, char __user *buf, size_t count)');
    assert.deepStrictEqual(protos.get('sys_write'), {
      returnType: 'long',
      args: [{ type: 'unsigned int', name: 'fd' }, { type: 'const char __user *', name: 'buf' }, { type: 'size_t', name: 'count' }],
      text: 'asmlinkage long sys_write(unsigned int fd, const char __user *buf, size_t count)',
    });
    assert.deepStrictEqual(protos.get('sys_openat')!.args.map((a) => a.name), ['dfd', 'filename', 'flags', 'mode']);
    assert.strictEqual(protos.get('sys_openat')!.args[3].type, 'umode_t');
    assert.deepStrictEqual(protos.get('sys_mmap')!.args.map((a) => a.name), ['addr', 'len', 'prot', 'flags', 'fd', 'off']);
    assert.deepStrictEqual(protos.get('sys_execve')!.args.map((a) => a.type),
      ['const char __user *', 'const char __user *const __user *', 'const char __user *const __user *']);
    assert.deepStrictEqual(protos.get('sys_exit_group')!.args, [{ type: 'int', name: 'error_code' }]);
    // x86-64 is CONFIG_CLONE_BACKWARDS: tls before child_tidptr.
    assert.deepStrictEqual(protos.get('sys_clone')!.args.map((a) => a.name),
      ['clone_flags', 'newsp', 'parent_tidptr', 'tls', 'child_tidptr']);
    assert.deepStrictEqual(protos.get('sys_getpid')!.args, []);
    assert.deepStrictEqual(protos.get('sys_io_submit')!.args[2], { type: 'struct iocb __user * __user *', name: 'iocbpp' });
  });

  it('spot checks: i386 and compat entry points', () => {
    const i = tables.i386;
    const arity = (ep: string) => protos.get(ep)!.args.length;
    assert.strictEqual(i.lookup('mmap')!.entry, 'sys_old_mmap');
    assert.strictEqual(arity('sys_old_mmap'), 1);
    assert.strictEqual(arity(i.lookup('mmap')!.compatEntry!), 1); // compat_sys_ia32_mmap
    assert.strictEqual(arity(i.lookup('mmap2')!.entry), 6); // sys_mmap_pgoff
    assert.strictEqual(arity(i.lookup('pread64')!.entry), 5); // offset split in two halves
    assert.strictEqual(arity(i.lookup('_llseek')!.entry), 5);
    assert.strictEqual(arity(i.lookup('sigsuspend')!.entry), 3); // CONFIG_OLD_SIGSUSPEND3
    assert.strictEqual(protos.get('compat_sys_open')!.args[0].type, 'const char __user *');
    assert.strictEqual(protos.get('compat_sys_lseek')!.args[1].type, 'compat_off_t');
    assert.deepStrictEqual(protos.get('compat_sys_execve')!.args.map((a) => a.type),
      ['const char __user *', 'const compat_uptr_t __user *', 'const compat_uptr_t __user *']);
    assert.strictEqual(arity('compat_sys_ia32_clone'), 5);
    assert.strictEqual(arity('compat_sys_fanotify_mark'), 6); // the 64-bit mask in two halves
    assert.strictEqual(arity('compat_sys_rt_sigreturn'), 0);
  });

  it('signatureFor gives the user-facing form', () => {
    assert.strictEqual(signatureFor('sys_write', 'write'), 'write(unsigned int fd, const char *buf, size_t count)');
    assert.strictEqual(signatureFor('sys_getpid', 'getpid'), 'getpid(void)');
    assert.strictEqual(signatureFor('sys_execve', 'execve'),
      'execve(const char *filename, const char *const *argv, const char *const *envp)');
    assert.strictEqual(signatureFor('sys_io_submit', 'io_submit'), 'io_submit(aio_context_t ctx_id, long nr, struct iocb **iocbpp)');
    assert.strictEqual(signatureFor('sys_newuname', 'uname'), 'uname(struct new_utsname *name)');
    assert.throws(() => signatureFor('sys_no_such_call', 'x'), /no prototype/);
    for (const e of entries) if (!e.reserved) assert.ok(!/__user|asmlinkage|sys_/.test(signatureFor(e.entry, e.name)), e.name);
  });

  it('argument counts agree with the strace signatures (x86-64 entry first, else i386)', () => {
    const disagreements: string[] = [];
    let compared = 0;
    for (const [name, sig] of Object.entries(SIGNATURES)) {
      const e: SyscallEntry | undefined = tables['64'].lookup(name) ?? tables.i386.lookup(name);
      if (!e || e.reserved) continue;
      compared++;
      const n = protos.get(e.entry)!.args.length;
      const want = SIGNATURE_EXCEPTIONS[name];
      if (want !== undefined) {
        assert.strictEqual(sig.args.length, want, `${name}: signatures.ts changed; revisit SIGNATURE_EXCEPTIONS`);
        continue;
      }
      if (sig.args.length !== n) disagreements.push(`${name}: signatures.ts ${sig.args.length}, ${e.entry} ${n}`);
    }
    assert.deepStrictEqual(disagreements, []);
    assert.ok(compared > 100, `${compared} compared`);
  });

  it('the parser rejects unnamed arguments, duplicates and non-prototypes', () => {
    assert.throws(() => parsePrototypes('asmlinkage long sys_x(int);'), /needs a type and a name/);
    assert.throws(() => parsePrototypes('asmlinkage long sys_x(void);\nasmlinkage long sys_x(void);'), /declared twice/);
    assert.throws(() => parsePrototypes('\n\nlong sys_x(void);'), /:3: expected/);
    const p = parsePrototypes('/* c; */ asmlinkage long\n  sys_y(int a,\n\tstruct s __user * __user *b); // tail');
    assert.deepStrictEqual(p.get('sys_y')!.args, [{ type: 'int', name: 'a' }, { type: 'struct s __user * __user *', name: 'b' }]);
  });
});
