/* Processes created and reaped one after the other (argv[1] of them). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000, ok = 0, st;
  for (int i = 0; i < n; i++) {
    pid_t c = fork();
    if (c == 0) _exit(i & 0x7f);
    if (waitpid(c, &st, 0) == c && WEXITSTATUS(st) == (i & 0x7f)) ok++;
  }
  printf("%d of %d children reaped with their status\n", ok, n);
  return 0;
}
