/*
 * linkage.h: how the kernel's assembly declares its symbols, as Linux's include/linux/linkage.h
 * does. A function gets a global name, an ELF type and a size, so the debugger can show
 * "sys_write+12" and set a breakpoint on "sys_write".
 */
#ifndef _LINUX_LINKAGE_H
#define _LINUX_LINKAGE_H

/* A function called with `call` and returning with `ret`. */
#define SYM_FUNC_START(name)	.globl name ; .type name, @function ; name:
#define SYM_FUNC_END(name)	.size name, . - name
/* A function only this file calls (not global). */
#define SYM_FUNC_START_LOCAL(name)	.type name, @function ; name:

/* Code entered some other way (SYSCALL, an interrupt gate, iretq's return): no C conventions. */
#define SYM_CODE_START(name)	.globl name ; .type name, @function ; name:
#define SYM_CODE_END(name)	.size name, . - name

/* Data with a name. */
#define SYM_DATA_START(name)	.globl name ; .type name, @object ; name:
#define SYM_DATA_END(name)	.size name, . - name

#endif
