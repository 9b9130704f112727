/* Blocking socket calls, ppoll, pselect and eventfd reads interrupted by a signal with a handler
 * (no SA_RESTART): each fails with EINTR once the handler has run. Then SO_RCVTIMEO: a receive
 * (and an accept) that waits no longer than that, and a timed wait a signal cuts short. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static volatile int hits;
static void on_alarm(int sig) { (void)sig; hits++; }

/* The signal comes 20 ms from now (on the emulated machine: emulated time). */
static void soon(void) {
  struct itimerval t = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &t, NULL);
}

static void show(const char *what, long r) {
  printf("%s: %ld %s (handler ran %d times)\n", what, r, r < 0 ? strerror(errno) : "", hits);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  char buf[8];
  soon();
  show("recv", recv(sv[0], buf, sizeof buf, 0));
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, "intr.sock");
  unlink(a.sun_path);
  bind(l, (struct sockaddr *)&a, sizeof a);
  listen(l, 1);
  soon();
  show("accept", accept(l, NULL, NULL));
  struct pollfd f = {sv[0], POLLIN, 0};
  soon();
  show("ppoll", ppoll(&f, 1, NULL, NULL));
  fd_set r;
  FD_ZERO(&r);
  FD_SET(sv[0], &r);
  soon();
  show("select", select(sv[0] + 1, &r, NULL, NULL, NULL));
  int e = eventfd(0, 0);
  uint64_t v;
  soon();
  show("eventfd read", read(e, &v, 8));
  struct timeval tv = {0, 50000};
  show("SO_RCVTIMEO", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  show("recv, timed", recv(sv[0], buf, sizeof buf, 0));
  setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  show("accept, timed", accept(l, NULL, NULL));
  tv.tv_usec = 0;
  tv.tv_sec = 5;
  setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  soon();
  show("recv, timed, interrupted", recv(sv[0], buf, sizeof buf, 0));
  socklen_t tl = sizeof tv;
  getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, &tl);
  printf("SO_RCVTIMEO is %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
  unlink(a.sun_path);
  return 0;
}
