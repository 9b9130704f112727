// The vmcall services of i386 processes (compatibility mode): set_thread_area and
// get_thread_area (tls.ts; the .S handlers in arch/x86/kernel/tls.S copy the struct user_desc),
// and the return from an i386 signal handler (signal32.ts).

import { ServiceContext } from './services';
import { USER_DESC_SIZE, doGetThreadArea, doSetThreadArea, encodeUserDesc, parseUserDesc } from './tls';

export function provideCompatServices(ctx: ServiceContext): void {
  const { on, m } = ctx;
  on('do_set_thread_area', (_m, [kinfo, canAllocate]) => {
    const info = parseUserDesc(ctx.mem.readBytes(kinfo, USER_DESC_SIZE));
    const r = doSetThreadArea(m, ctx.cur().addr, info, canAllocate !== 0, true);
    if (r.ret < 0) return r.ret;
    if (!r.allocated) return 0;
    ctx.mem.writeBytes(kinfo, encodeUserDesc(info).subarray(0, 4)); // the entry number, for put_user
    return { ret: 0, rdx: 1 };
  });
  on('ia32_sigreturn', (_m, [regs, rt]) => ctx.cur().signals.sigreturnIa32(regs, rt !== 0));
  on('do_get_thread_area', (_m, [kinfo]) => {
    const idx = new DataView(ctx.mem.readBytes(kinfo, 4).buffer).getInt32(0, true);
    const r = doGetThreadArea(m, ctx.cur().addr, idx);
    if (typeof r === 'number') return r;
    ctx.mem.writeBytes(kinfo, encodeUserDesc(r));
    return 0;
  });
}
