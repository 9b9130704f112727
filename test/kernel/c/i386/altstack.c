/* sigaltstack (compat_stack_t) with an SA_ONSTACK handler, and interval timers (old_itimerval32) with pause. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
static char stack[16384];
static volatile int on_alt, ticks;
static void h(int sig) { int x; on_alt = (char *)&x >= stack && (char *)&x < stack + sizeof stack; (void)sig; }
static void tick(int sig) { (void)sig; ticks++; }
int main(void) {
  stack_t ss = { .ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0 }, old;
  printf("sigaltstack %d\n", sigaltstack(&ss, &old));
  printf("old flags %d\n", old.ss_flags);
  struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = h; sa.sa_flags = SA_ONSTACK;
  sigaction(SIGUSR2, &sa, 0);
  raise(SIGUSR2);
  printf("handler on alt stack: %d\n", on_alt);
  sigaltstack(0, &old); printf("now size %u flags %d\n", (unsigned)old.ss_size, old.ss_flags);
  signal(SIGALRM, tick);
  struct itimerval it = {{0, 10000}, {0, 10000}}, got;
  setitimer(ITIMER_REAL, &it, 0);
  while (ticks < 3) pause();
  getitimer(ITIMER_REAL, &got);
  printf("ticks %d interval %ld\n", ticks, (long)got.it_interval.tv_usec);
  return 0;
}
