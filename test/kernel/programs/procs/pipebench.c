/* Throughput: argv[1] MiB from a child to its parent through a pipe, 64 KiB writes. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 16;
  static char buf[65536];
  int p[2]; pipe(p);
  pid_t c = fork();
  if (c == 0) { close(p[0]); for (long i = 0; i < mib * 16; i++) write(p[1], buf, sizeof buf); _exit(0); }
  close(p[1]);
  long total = 0; ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) total += n;
  waitpid(c, 0, 0);
  printf("%ld bytes\n", total);
  return 0;
}
