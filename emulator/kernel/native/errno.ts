// Errno numbers for the native services, taken from the tracer's table (emulator/trace/errno.ts),
// which is the one place that lists Linux's values; services return these negated (-ENOENT).

import { errnoValue } from '../../trace/errno';

function e(name: string): number {
  const v = errnoValue(name);
  if (v === undefined) throw new Error(`unknown errno ${name}`);
  return v;
}

export const EPERM = e('EPERM'), ENOENT = e('ENOENT'), ESRCH = e('ESRCH'), EINTR = e('EINTR'), EIO = e('EIO');
export const ENXIO = e('ENXIO'), E2BIG = e('E2BIG'), ENOEXEC = e('ENOEXEC'), EBADF = e('EBADF');
export const EAGAIN = e('EAGAIN'), ENOMEM = e('ENOMEM'), EACCES = e('EACCES'), EFAULT = e('EFAULT');
export const EBUSY = e('EBUSY'), EEXIST = e('EEXIST'), EXDEV = e('EXDEV'), ENODEV = e('ENODEV');
export const ENOTDIR = e('ENOTDIR'), EISDIR = e('EISDIR'), EINVAL = e('EINVAL'), ENFILE = e('ENFILE');
export const EMFILE = e('EMFILE'), ENOTTY = e('ENOTTY'), EFBIG = e('EFBIG'), ENOSPC = e('ENOSPC');
export const ESPIPE = e('ESPIPE'), EROFS = e('EROFS'), EMLINK = e('EMLINK'), EPIPE = e('EPIPE');
export const ERANGE = e('ERANGE'), ENAMETOOLONG = e('ENAMETOOLONG'), ENOSYS = e('ENOSYS');
export const ENOTEMPTY = e('ENOTEMPTY'), ELOOP = e('ELOOP'), EOVERFLOW = e('EOVERFLOW');
export const EOPNOTSUPP = e('EOPNOTSUPP'), ETXTBSY = e('ETXTBSY');

/** The negated errno for a Node.js system error (err.code 'ENOENT' ...), EIO when unknown. */
export function hostErrno(err: unknown): number {
  const code = (err as { code?: unknown } | null)?.code;
  const v = typeof code === 'string' ? errnoValue(code) : undefined;
  return -(v ?? EIO);
}
