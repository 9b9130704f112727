/* AF_UNIX stream server and client in two processes: bind, listen, accept4, connect, sendmsg,
 * recvmsg, getsockname, getpeername, socket options, shutdown, and the errors on the way. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, long r) {
  printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

int main(void) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  strcpy(a.sun_path, "sock");
  socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 5;
  unlink("sock");
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  show("connect before bind", connect(s, (struct sockaddr *)&a, alen));
  show("bind", bind(s, (struct sockaddr *)&a, alen));
  int t = socket(AF_UNIX, SOCK_STREAM, 0);
  show("bind again", bind(t, (struct sockaddr *)&a, alen));
  show("connect before listen", connect(t, (struct sockaddr *)&a, alen));
  close(t);
  show("listen", listen(s, 4));
  int v = -1;
  socklen_t vl = sizeof v;
  show("SO_ACCEPTCONN", getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl));
  printf("  = %d (%u)\n", v, vl);
  vl = sizeof v;
  show("SO_TYPE", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &vl));
  printf("  = %d\n", v);
  fflush(stdout);

  pid_t p = fork();
  if (p == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (connect(c, (struct sockaddr *)&a, alen) < 0) _exit(2);
    char msg1[] = "hello ", msg2[] = "server";
    struct iovec iov[2] = {{msg1, 6}, {msg2, 6}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    if (sendmsg(c, &mh, 0) != 12) _exit(3);
    char buf[32];
    ssize_t n = recv(c, buf, 12, MSG_WAITALL);
    if (n != 12 || memcmp(buf, "HELLO SERVER", 12)) _exit(4);
    shutdown(c, SHUT_RDWR);
    close(c);
    _exit(0);
  }
  struct sockaddr_un peer;
  socklen_t pl = sizeof peer;
  int c = accept4(s, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
  show("accept4", c >= 0 ? 0 : -1);
  printf("peer len %u family %d\n", pl, peer.sun_family);
  struct sockaddr_un me;
  socklen_t ml = sizeof me;
  show("getsockname", getsockname(c, (struct sockaddr *)&me, &ml));
  printf("  %u %s\n", ml, me.sun_path);
  ml = sizeof me;
  show("getpeername", getpeername(c, (struct sockaddr *)&me, &ml));
  printf("  %u\n", ml);
  char buf[64], up[64];
  struct iovec iov = {buf, sizeof buf};
  struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
  ssize_t n = recvmsg(c, &mh, 0);
  show("recvmsg", n);
  printf("  %.*s flags %d\n", (int)n, buf, mh.msg_flags);
  for (int i = 0; i < n; i++) up[i] = buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i];
  show("send", send(c, up, n, 0));
  n = read(c, buf, sizeof buf);
  show("read at end", n);
  int st;
  waitpid(p, &st, 0);
  printf("client exit %d\n", WEXITSTATUS(st));
  close(c);
  close(s);
  show("unlink", unlink("sock"));
  show("connect after unlink", connect(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, alen));
  show("getpeername unconnected", getpeername(s, (struct sockaddr *)&me, &ml));
  show("socket bad family", socket(12345, SOCK_STREAM, 0));
  show("accept on a pipe", accept(1, NULL, NULL));
  return 0;
}
