/*
 * set_thread_area and get_thread_area by hand: a free entry (-1), reading it back, the errors
 * (an index outside 12-14, a 16-bit segment, no free entry), and %fs loaded with the selector
 * of a new entry reading that segment's memory.
 */
#include <asm/ldt.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int data[4] = {11, 22, 33, 44};

static void show(const char *what, long r, struct user_desc *u) {
  printf("%s: %ld entry %d base %s limit %#x 32bit %d pages %d\n", what, r, (int)u->entry_number,
         u->base_addr == (unsigned)(unsigned long)&data[1] ? "data+4" : u->base_addr ? "?" : "0",
         u->limit, u->seg_32bit, u->limit_in_pages);
}

int main(void) {
  struct user_desc u;
  memset(&u, 0, sizeof u);
  u.entry_number = -1;
  u.base_addr = (unsigned)(unsigned long)&data[1];
  u.limit = 0xfff;
  u.seg_32bit = 1;
  u.useable = 1;
  long r = syscall(SYS_set_thread_area, &u);
  show("set", r, &u);
  unsigned short sel = u.entry_number * 8 + 3, gs;
  int v;
  __asm__ volatile("movw %1, %%fs\n\tmovl %%fs:4, %0" : "=r"(v) : "r"(sel));
  __asm__ volatile("movw %%gs, %0" : "=r"(gs));
  printf("%%fs = %#x reads %d, glibc's %%gs = %#x\n", sel, v, gs);
  struct user_desc g;
  memset(&g, 0, sizeof g);
  g.entry_number = u.entry_number;
  r = syscall(SYS_get_thread_area, &g);
  show("get", r, &g);
  g.entry_number = 14;
  r = syscall(SYS_get_thread_area, &g);
  show("get 14 (empty)", r, &g);
  u.entry_number = 15;
  printf("entry 15: %ld\n", syscall(SYS_set_thread_area, &u));
  u.entry_number = -1;
  u.seg_32bit = 0;
  printf("16-bit: %ld\n", syscall(SYS_set_thread_area, &u));
  u.seg_32bit = 1;
  long a = syscall(SYS_set_thread_area, &u);
  u.entry_number = -1;
  long b = syscall(SYS_set_thread_area, &u);
  printf("full: %ld %ld\n", a, b);
  __asm__ volatile("movw %w0, %%fs" : : "r"(0));
  return 0;
}
