/* Pipes between processes: end of file, EPIPE and SIGPIPE, O_NONBLOCK, a full pipe, a pipeline. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0); /* unbuffered: forked children must not repeat the parent's output */
  if (argc > 1) { printf("exec'd with %s\n", argv[1]); return 9; }
  int p[2], st;
  char buf[4096];
  /* EOF once every writer is gone (the child's copy too) */
  pipe(p);
  pid_t c = fork();
  if (c == 0) { close(p[0]); write(p[1], "hello", 5); _exit(0); }
  close(p[1]);
  ssize_t a = read(p[0], buf, sizeof buf), b = read(p[0], buf, sizeof buf);
  printf("read %zd then %zd (EOF)\n", a, b);
  close(p[0]); waitpid(c, &st, 0);
  /* no reader: SIGPIPE kills a writer that does not ignore it */
  pipe(p);
  c = fork();
  if (c == 0) { close(p[0]); sleep(1); write(p[1], "x", 1); _exit(0); }
  close(p[0]); close(p[1]);
  waitpid(c, &st, 0);
  printf("writer without reader: signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
  /* with SIGPIPE ignored: EPIPE */
  signal(SIGPIPE, SIG_IGN);
  pipe(p); close(p[0]);
  printf("write to a pipe without reader: %zd %s\n", write(p[1], "x", 1), strerror(errno));
  close(p[1]);
  /* O_NONBLOCK: EAGAIN on an empty pipe, and on a full one */
  pipe(p);
  fcntl(p[0], F_SETFL, O_NONBLOCK); fcntl(p[1], F_SETFL, O_NONBLOCK);
  printf("empty, nonblocking: %zd %s\n", read(p[0], buf, 1), strerror(errno));
  long total = 0; ssize_t n;
  memset(buf, 'a', sizeof buf);
  while ((n = write(p[1], buf, sizeof buf)) > 0) total += n;
  printf("pipe holds %ld bytes, then %s\n", total, strerror(errno));
  close(p[0]); close(p[1]);
  /* a blocking writer and a slow reader: 1 MiB through the pipe */
  pipe(p);
  c = fork();
  if (c == 0) {
    close(p[0]);
    for (int i = 0; i < 256; i++) write(p[1], buf, sizeof buf);
    _exit(0);
  }
  close(p[1]);
  total = 0;
  while ((n = read(p[0], buf, 1000)) > 0) total += n;
  waitpid(c, &st, 0);
  printf("1 MiB through a pipe: %ld bytes\n", total);
  /* a pipeline: producer | consumer, wired with dup2 */
  pipe(p);
  pid_t prod = fork();
  if (prod == 0) { dup2(p[1], 1); close(p[0]); close(p[1]); for (int i = 0; i < 1000; i++) printf("line %d\n", i); fflush(stdout); _exit(0); }
  pid_t cons = fork();
  if (cons == 0) {
    dup2(p[0], 0); close(p[0]); close(p[1]);
    long lines = 0; int ch;
    while ((ch = getchar()) != EOF) if (ch == '\n') lines++;
    printf("consumer counted %ld lines\n", lines);
    _exit(0);
  }
  close(p[0]); close(p[1]);
  waitpid(prod, &st, 0); waitpid(cons, &st, 0);
  /* exec: the child runs this program again with an argument */
  c = fork();
  if (c == 0) { execl(argv[0], argv[0], "again", (char *)0); _exit(127); }
  waitpid(c, &st, 0);
  printf("exec child: exited %d\n", WEXITSTATUS(st));
  printf("execve of a missing file: %d %s\n", execl("./no-such-file", "x", (char *)0), strerror(errno));
  return 0;
}
