/* socketpair ping-pong between a parent and its child, then datagram boundaries and EOF. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  int sv[2];
  char buf[64];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) return 1;
  pid_t p = fork();
  if (p == 0) {
    close(sv[0]);
    for (int i = 0; i < 3; i++) {
      ssize_t n = read(sv[1], buf, sizeof buf);
      if (n <= 0) _exit(2);
      buf[1] = 'o';
      write(sv[1], buf, n);
    }
    ssize_t n = read(sv[1], buf, sizeof buf); /* the parent's shutdown: end of file */
    _exit(n == 0 ? 0 : 3);
  }
  close(sv[1]);
  for (int i = 0; i < 3; i++) {
    write(sv[0], "ping", 4);
    ssize_t n = read(sv[0], buf, sizeof buf);
    printf("%.*s\n", (int)n, buf);
  }
  shutdown(sv[0], SHUT_WR);
  int st;
  wait(&st);
  printf("child %d\n", WEXITSTATUS(st));
  ssize_t n = send(sv[0], "x", 1, MSG_NOSIGNAL);
  printf("write after shutdown: %zd %s\n", n, n < 0 ? strerror(errno) : "");
  close(sv[0]);

  /* Datagrams keep their boundaries; a short buffer truncates one. */
  if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) return 1;
  send(sv[0], "one", 3, 0);
  send(sv[0], "three", 5, 0);
  n = recv(sv[1], buf, sizeof buf, 0);
  printf("dgram %zd %.*s\n", n, (int)n, buf);
  n = recv(sv[1], buf, 2, MSG_TRUNC);
  printf("dgram %zd %.2s\n", n, buf);
  n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
  printf("empty: %zd %s\n", n, strerror(errno));
  return 0;
}
