/* A fork bomb under RLIMIT_NPROC: fork stops with EAGAIN, and everything is reaped. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
int main(void) {
  struct rlimit lim = {64, 64};
  setrlimit(RLIMIT_NPROC, &lim);
  pid_t kids[128]; int n = 0;
  for (;;) {
    pid_t c = fork();
    if (c < 0) { printf("fork failed after %d children: %s\n", n, strerror(errno)); break; }
    if (c == 0) { for (;;) pause(); }
    kids[n++] = c;
    if (n == 128) break;
  }
  for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
  int reaped = 0, st;
  while (wait(&st) > 0) reaped++;
  printf("reaped %d\n", reaped);
  return 0;
}
