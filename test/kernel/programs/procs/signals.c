#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/time.h>
#include <sys/wait.h>
static volatile int hits, depth, maxdepth;
static char altstack[65536];
static void on_alrm(int s) { hits++; }
static void on_usr1(int s) { depth++; if (depth > maxdepth) maxdepth = depth; if (depth < 2) raise(SIGUSR2); depth--; }
static void on_usr2(int s) { depth++; if (depth > maxdepth) maxdepth = depth; depth--; }
static void on_seg(int s) { char c; int on = (&c >= altstack && &c < altstack + sizeof altstack); printf("segv handler on altstack: %d\n", on); fflush(stdout); _exit(7); }
int main(void) {
  int p[2]; char b[8];
  struct sigaction sa; memset(&sa, 0, sizeof sa);
  /* 1. EINTR: a read on an empty pipe interrupted by SIGALRM without SA_RESTART */
  pipe(p);
  sa.sa_handler = on_alrm; sigaction(SIGALRM, &sa, 0);
  alarm(1);
  ssize_t n = read(p[0], b, 8);
  printf("read without SA_RESTART: %zd %s hits=%d\n", n, n < 0 ? strerror(errno) : "", hits);
  /* 2. SA_RESTART: the read is restarted; a child writes after the alarm */
  sa.sa_flags = SA_RESTART; sigaction(SIGALRM, &sa, 0);
  pid_t c = fork();
  if (c == 0) { usleep(1500000); write(p[1], "late", 4); _exit(0); }
  alarm(1);
  n = read(p[0], b, 8);
  printf("read with SA_RESTART: %zd hits=%d\n", n, hits);
  waitpid(c, 0, 0);
  /* 3. setitimer with an interval, and pause */
  struct itimerval it = { {0, 100000}, {0, 100000} };
  setitimer(ITIMER_REAL, &it, 0);
  for (int i = 0; i < 3; i++) pause();
  struct itimerval off = {0}; setitimer(ITIMER_REAL, &off, 0);
  printf("after 3 pauses hits=%d\n", hits);
  /* 4. nested: SIGUSR1's handler raises SIGUSR2 */
  sa.sa_handler = on_usr1; sa.sa_flags = 0; sigaction(SIGUSR1, &sa, 0);
  sa.sa_handler = on_usr2; sigaction(SIGUSR2, &sa, 0);
  raise(SIGUSR1);
  printf("nested depth %d\n", maxdepth);
  /* 5. sigsuspend */
  sigset_t block, old; sigemptyset(&block); sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  raise(SIGUSR1);
  sigset_t none; sigemptyset(&none);
  int r = sigsuspend(&none);
  sigset_t now; sigprocmask(SIG_SETMASK, 0, &now);
  printf("sigsuspend %d %s, USR1 blocked again: %d\n", r, strerror(errno), sigismember(&now, SIGUSR1));
  /* 6. kill a child: status */
  c = fork();
  if (c == 0) { for (;;) ; }
  kill(c, SIGTERM); int st; waitpid(c, &st, 0);
  printf("child killed: signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
  /* 7. sigaltstack + SIGSEGV */
  stack_t ss = { altstack, 0, sizeof altstack }; sigaltstack(&ss, 0);
  sa.sa_handler = on_seg; sa.sa_flags = SA_ONSTACK; sigaction(SIGSEGV, &sa, 0);
  *(volatile int *)8 = 1;
  return 1;
}
