/*
 * The memory of an i386 process: the stack grows far below its first 128 KiB, mmap places areas
 * under 4 GiB (below the stack), the segment registers are as exec left them (DS = ES =
 * __USER_DS), and /proc/self/maps shows no [vsyscall] page.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int deep(int n) {
  volatile char pad[4096];
  pad[0] = (char)n;
  return n == 0 ? 0 : deep(n - 1) + pad[0];
}

int main(void) {
  unsigned short ds, es, ss, cs;
  __asm__ volatile("movw %%ds, %0\n\tmovw %%es, %1\n\tmovw %%ss, %2\n\tmovw %%cs, %3" : "=r"(ds), "=r"(es), "=r"(ss), "=r"(cs));
  printf("cs %#x ds %#x es %#x ss %#x\n", cs, ds, es, ss);
  printf("deep %d\n", deep(1000)); /* 4 MiB of stack */
  void *a = mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *b = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap %p %p\n", a, b);
  void *hint = mmap((void *)0x40000000, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("hint %p\n", hint);
  char maps[8192];
  int fd = open("/proc/self/maps", O_RDONLY);
  int n = 0, r;
  while ((r = read(fd, maps + n, sizeof maps - 1 - n)) > 0) n += r;
  maps[n] = 0;
  fputs(maps, stdout);
  return 0;
}
