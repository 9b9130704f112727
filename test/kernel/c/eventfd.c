/* eventfd counter semantics: writes add, a read takes the whole count (or 1 in semaphore mode),
 * an empty counter blocks or fails with EAGAIN, the counter cannot overflow, poll sees it; and
 * O_NONBLOCK EAGAIN on pipes and sockets. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void) {
  uint64_t v = 0;
  int e = eventfd(3, EFD_CLOEXEC);
  show("eventfd", e >= 0 ? 0 : -1);
  v = 4;
  show("write 4", write(e, &v, 8));
  show("read", read(e, &v, 8));
  printf("  = %llu\n", (unsigned long long)v);
  show("read short buffer", read(e, &v, 4));
  show("write short buffer", write(e, &v, 7));
  v = ~0ULL;
  show("write all ones", write(e, &v, 8));
  v = 0xfffffffffffffffeULL;
  show("write max", write(e, &v, 8));
  int fl = fcntl(e, F_GETFL);
  fcntl(e, F_SETFL, fl | O_NONBLOCK);
  v = 1;
  show("write past max", write(e, &v, 8));
  show("read max", read(e, &v, 8));
  printf("  = %llu\n", (unsigned long long)v);
  show("read empty", read(e, &v, 8));
  fflush(stdout);

  /* A child blocks on the empty counter until the parent adds to it. */
  fcntl(e, F_SETFL, fl);
  pid_t p = fork();
  if (p == 0) {
    uint64_t got;
    if (read(e, &got, 8) != 8) _exit(1);
    _exit((int)got);
  }
  v = 7;
  write(e, &v, 8);
  int st;
  waitpid(p, &st, 0);
  printf("child read %d\n", WEXITSTATUS(st));

  int s = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
  struct pollfd f = {s, POLLIN | POLLOUT, 0};
  show("poll", poll(&f, 1, 0));
  printf("  revents %#x\n", f.revents);
  show("sem read", read(s, &v, 8));
  printf("  = %llu\n", (unsigned long long)v);
  show("sem read", read(s, &v, 8));
  show("sem read empty", read(s, &v, 8));
  f.events = POLLIN;
  show("poll empty", poll(&f, 1, 0));
  show("eventfd bad flags", eventfd(0, 1));
  show("old eventfd", syscall(SYS_eventfd, 5));

  /* O_NONBLOCK elsewhere. */
  int pp[2];
  pipe2(pp, O_NONBLOCK);
  char buf[16];
  show("pipe empty", read(pp[0], buf, sizeof buf));
  static char big[70000];
  show("pipe fill", write(pp[1], big, sizeof big));
  show("pipe full", write(pp[1], big, 1));
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
  show("socket empty", read(sv[0], buf, sizeof buf));
  show("accept nothing", accept4(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), NULL, NULL, 0));
  return 0;
}
