// `trapdoor syscalls`: the system call table as the kernel image has it -- generated from
// syscall_64.tbl / syscall_32.tbl, with each handler's address and whether the kernel defines it.

import { buildKernel } from '../../emulator/kernel/build';
import { signatureFor } from '../../emulator/kernel/syscalls/prototypes';

export const SYSCALLS_USAGE = `usage: trapdoor syscalls [--json] [--abi 64|i386] [--implemented]

Lists the system calls: number, name, signature, handler symbol and address, implemented or not
(an unimplemented number reaches sys_ni_syscall, which returns -ENOSYS).
  --json           an array of objects: nr, name, abi, handler, entry, implemented, signature, address
  --abi ABI        only the x86-64 ("64") or the i386 ("i386") table
  --implemented    only the calls the kernel implements
`;

export function syscallsCommand(argv: string[]): number {
  let json = false;
  let abi: string | undefined;
  let onlyImplemented = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--implemented') onlyImplemented = true;
    else if (a === '--abi') {
      abi = argv[++i];
      if (abi !== '64' && abi !== 'i386') {
        process.stderr.write(`trapdoor syscalls: --abi takes 64 or i386\n${SYSCALLS_USAGE}`);
        return 2;
      }
    } else {
      process.stderr.write(`trapdoor syscalls: unknown option '${a}'\n${SYSCALLS_USAGE}`);
      return 2;
    }
  }
  const rows = buildKernel()
    .syscalls.filter((s) => (abi === undefined || s.abi === abi) && (!onlyImplemented || s.implemented))
    .map((s) => ({
      nr: s.nr,
      name: s.name,
      abi: s.abi,
      handler: s.handler,
      entry: s.entry,
      implemented: s.implemented,
      signature: signatureFor(s.entry, s.name),
      address: '0x' + s.address.toString(16),
    }));
  if (json) {
    process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
    return 0;
  }
  const out: string[] = [];
  let last = '';
  for (const r of rows) {
    if (r.abi !== last) {
      out.push(`${last ? '\n' : ''}${r.abi === '64' ? 'x86-64 (syscall, sys_call_table)' : 'i386 (int $0x80, ia32_sys_call_table)'}`);
      out.push(`${'nr'.padStart(4)}  ${'handler'.padEnd(24)} ${'address'.padEnd(18)}  signature`);
      last = r.abi;
    }
    out.push(`${String(r.nr).padStart(4)}  ${(r.implemented ? r.handler : `${r.entry} -> sys_ni_syscall`).padEnd(24)} ${r.address.padEnd(18)}  ${r.signature}`);
  }
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}
