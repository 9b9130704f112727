/* AF_INET on 127.0.0.1 inside the machine: a TCP echo server and its client in two processes
 * (port 0: the kernel picks one, getsockname tells it), then UDP datagrams with sendto/recvfrom. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  show("SO_REUSEADDR", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  show("bind", bind(s, (struct sockaddr *)&a, sizeof a));
  socklen_t al = sizeof a;
  show("getsockname", getsockname(s, (struct sockaddr *)&a, &al));
  printf("  family %d addr %s port>0 %d\n", a.sin_family, inet_ntoa(a.sin_addr), ntohs(a.sin_port) > 0);
  show("listen", listen(s, 8));
  fflush(stdout);

  pid_t p = fork();
  if (p == 0) {
    int c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (connect(c, (struct sockaddr *)&a, sizeof a) < 0) _exit(2);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const char *words[] = {"alpha", "beta", "gamma"};
    for (int i = 0; i < 3; i++) {
      char buf[16];
      size_t len = strlen(words[i]);
      if (write(c, words[i], len) != (ssize_t)len) _exit(3);
      if (recv(c, buf, len, MSG_WAITALL) != (ssize_t)len || memcmp(buf, words[i], len)) _exit(4);
    }
    close(c);
    _exit(0);
  }
  struct sockaddr_in peer;
  socklen_t pl = sizeof peer;
  int c = accept(s, (struct sockaddr *)&peer, &pl);
  printf("accepted from %s, len %u\n", inet_ntoa(peer.sin_addr), pl);
  char buf[64];
  ssize_t n;
  int total = 0;
  while ((n = read(c, buf, sizeof buf)) > 0) {
    write(c, buf, n);
    total += n;
  }
  printf("echoed %d bytes, then %zd\n", total, n);
  int st;
  waitpid(p, &st, 0);
  printf("client exit %d\n", WEXITSTATUS(st));
  int err = -1;
  socklen_t el = sizeof err;
  show("SO_ERROR", getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el));
  printf("  = %d\n", err);
  close(c);

  /* A port in use, a refused connection. */
  int t = socket(AF_INET, SOCK_STREAM, 0);
  show("bind in use", bind(t, (struct sockaddr *)&a, sizeof a));
  close(s);
  show("connect refused", connect(t, (struct sockaddr *)&a, sizeof a));
  close(t);

  /* UDP: datagrams between two sockets. */
  int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in b = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(u2, (struct sockaddr *)&b, sizeof b);
  socklen_t bl = sizeof b;
  getsockname(u2, (struct sockaddr *)&b, &bl);
  show("sendto", sendto(u1, "datagram", 8, 0, (struct sockaddr *)&b, sizeof b));
  struct sockaddr_in from;
  socklen_t fl = sizeof from;
  n = recvfrom(u2, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
  printf("recvfrom %zd %.*s from %s len %u\n", n, (int)n, buf, inet_ntoa(from.sin_addr), fl);
  show("sendto back", sendto(u2, "reply", 5, 0, (struct sockaddr *)&from, fl));
  n = recv(u1, buf, sizeof buf, 0);
  printf("reply %zd %.*s\n", n, (int)n, buf);
  show("recv empty", recv(u1, buf, sizeof buf, MSG_DONTWAIT));
  return 0;
}
