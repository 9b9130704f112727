/*
 * Signal handlers of an i386 program: SIGUSR1 without SA_SIGINFO (a sigframe_ia32; glibc gives
 * no restorer, so the handler returns into the vDSO's __kernel_sigreturn), then a SIGSEGV
 * handler with SA_SIGINFO (an rt_sigframe_ia32) that leaves with siglongjmp.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile int got;
static sigjmp_buf env;

static void on_usr1(int sig) { got = sig; }

static void on_segv(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  printf("SIGSEGV %d at %p code %d\n", sig, si->si_addr, si->si_code);
  siglongjmp(env, 1);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  volatile double x = 1.5;
  kill(getpid(), SIGUSR1);
  printf("got %d, x %.2f\n", got, x * 2);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGSEGV, &sa, NULL);
  if (sigsetjmp(env, 1) == 0) *(volatile int *)16 = 1;
  sigset_t s;
  sigprocmask(SIG_BLOCK, NULL, &s);
  printf("back, SIGSEGV blocked: %d\n", sigismember(&s, SIGSEGV));
  return 0;
}
