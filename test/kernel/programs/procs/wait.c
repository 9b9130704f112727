/* Every way a child can end, as wait4 and waitid report it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

static void show(const char *what, int st) {
  if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("%s: killed by %d%s\n", what, WTERMSIG(st), WCOREDUMP(st) ? " (core)" : "");
  else printf("%s: status %#x\n", what, st);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* unbuffered: forked children must not repeat the parent's output */
  struct rlimit nocore = {0, 0};
  setrlimit(RLIMIT_CORE, &nocore);
  int st;
  for (int code = 0; code < 4; code++) {
    pid_t c = fork();
    if (c == 0) _exit(code * 40);
    pid_t r = waitpid(c, &st, 0);
    printf("pid matches: %d; ", r == c);
    show("exit", st);
  }
  pid_t c = fork();
  if (c == 0) { *(volatile int *)0 = 1; _exit(1); }
  waitpid(c, &st, 0); show("null write", st);
  c = fork();
  if (c == 0) { abort(); }
  waitpid(c, &st, 0); show("abort", st);
  c = fork();
  if (c == 0) { for (;;) pause(); }
  printf("WNOHANG while running: %d\n", waitpid(c, &st, WNOHANG));
  kill(c, SIGKILL);
  waitpid(c, &st, 0); show("SIGKILL", st);
  /* several zombies, reaped in any order by wait(-1) */
  for (int i = 0; i < 5; i++) if (fork() == 0) _exit(10 + i);
  int sum = 0;
  for (int i = 0; i < 5; i++) { wait(&st); sum += WEXITSTATUS(st); }
  printf("five zombies reaped, statuses sum %d\n", sum);
  printf("no children left: %d %s\n", wait(&st), strerror(errno));
  /* waitid with P_PID */
  c = fork();
  if (c == 0) _exit(42);
  siginfo_t si; memset(&si, 0, sizeof si);
  int r = waitid(P_PID, c, &si, WEXITED);
  printf("waitid %d: signo %d code %d status %d pid ok %d\n", r, si.si_signo, si.si_code, si.si_status, si.si_pid == c);
  /* an orphan is adopted: its parent id changes */
  int p[2]; pipe(p);
  c = fork();
  if (c == 0) {
    pid_t mid = getpid();
    if (fork() == 0) {
      close(p[0]);
      while (getppid() == mid) usleep(1000);
      write(p[1], "adopted\n", 8);
      _exit(0);
    }
    _exit(0);
  }
  close(p[1]);
  waitpid(c, &st, 0);
  char buf[16] = {0};
  ssize_t n = read(p[0], buf, sizeof buf - 1);
  printf("orphan: %zd %s", n, buf);
  /* vfork + _exit: the parent waits for the child to let go */
  volatile int shared = 0;
  c = vfork();
  if (c == 0) { shared = 1; _exit(3); }
  waitpid(c, &st, 0);
  printf("vfork child ran first: %d; ", shared); show("vfork", st);
  /* job control: a child stops itself, the parent sees it stopped, continues it, sees that too */
  c = fork();
  if (c == 0) { raise(SIGSTOP); _exit(4); }
  waitpid(c, &st, WUNTRACED);
  printf("stopped: %d by %d\n", WIFSTOPPED(st), WSTOPSIG(st));
  kill(c, SIGCONT);
  waitpid(c, &st, WCONTINUED);
  printf("continued: %d\n", WIFCONTINUED(st));
  waitpid(c, &st, 0); show("after SIGCONT", st);
  return 0;
}
