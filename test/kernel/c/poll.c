/* poll, ppoll, select and pselect6 on pipes, a regular file and /dev/null: timeouts of 0, -1 and
 * positive ones (a child writes after sleeping), end of file and a closed reader. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void) {
  int p[2];
  pipe(p);
  struct pollfd f[3] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {-1, POLLIN, 0}};
  show("poll empty, 0", poll(f, 1, 0));
  show("poll both, 0", poll(f, 3, 0));
  printf("  revents %#x %#x %#x\n", f[0].revents, f[1].revents, f[2].revents);
  write(p[1], "x", 1);
  show("poll with data, -1", poll(f, 1, -1));
  printf("  revents %#x\n", f[0].revents);
  char c;
  read(p[0], &c, 1);

  /* A positive timeout runs out on emulated time; then a child's write ends the wait. */
  show("poll 50 ms", poll(f, 1, 50));
  fflush(stdout);
  pid_t k = fork();
  if (k == 0) {
    struct timespec ts = {0, 20000000};
    nanosleep(&ts, NULL);
    write(p[1], "late", 4);
    _exit(0);
  }
  show("poll until the child writes", poll(f, 1, 5000));
  printf("  revents %#x\n", f[0].revents);
  char buf[8];
  read(p[0], buf, sizeof buf);
  int st;
  wait(&st); /* before the next waits: a child's SIGCHLD restarts a traced process's select */

  fd_set r, w;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_SET(p[0], &r);
  FD_SET(p[1], &w);
  struct timeval tv = {0, 0};
  show("select, 0", select(p[1] + 1, &r, &w, NULL, &tv));
  printf("  r %d w %d\n", FD_ISSET(p[0], &r), FD_ISSET(p[1], &w));
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  tv.tv_sec = 0;
  tv.tv_usec = 30000;
  show("select 30 ms", select(p[0] + 1, &r, NULL, NULL, &tv));
  printf("  left %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);

  struct timespec ts = {1, 0};
  f[0].events = POLLIN;
  close(p[1]);
  show("ppoll after the writer closed", ppoll(f, 1, &ts, NULL));
  printf("  revents %#x\n", f[0].revents);
  FD_ZERO(&r);
  FD_SET(p[0], &r);
  show("pselect at end of file", pselect(p[0] + 1, &r, NULL, NULL, &ts, NULL));
  printf("  r %d\n", FD_ISSET(p[0], &r));
  close(p[0]);

  /* A write end whose reader is gone: POLLERR. */
  pipe(p);
  close(p[0]);
  f[0].fd = p[1];
  f[0].events = POLLOUT;
  show("poll, no reader", poll(f, 1, 0));
  printf("  revents %#x\n", f[0].revents);
  close(p[1]);

  int fd = open("/dev/null", O_RDWR);
  int file = open("poll.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
  struct pollfd g[3] = {{fd, POLLIN | POLLOUT, 0}, {file, POLLIN | POLLOUT | POLLPRI, 0}, {99, POLLIN, 0}};
  show("poll /dev/null, a file, a bad fd", poll(g, 3, -1));
  printf("  revents %#x %#x %#x\n", g[0].revents, g[1].revents, g[2].revents);
  FD_ZERO(&r);
  FD_SET(50, &r);
  show("select bad fd", select(51, &r, NULL, NULL, NULL));
  show("ppoll bad timeout pointer", syscall(SYS_ppoll, g, 1, 1, NULL, 8));
  show("poll bad array", syscall(SYS_poll, 16, 1, 0));
  ts.tv_nsec = 2000000000;
  show("ppoll bad nsec", syscall(SYS_ppoll, g, 1, &ts, NULL, 8));
  show("select nfds < 0", syscall(SYS_select, -1, NULL, NULL, NULL, NULL));
  show("select, 0 fds, 0", syscall(SYS_select, 0, NULL, NULL, NULL, &tv));
  unlink("poll.txt");
  return 0;
}
