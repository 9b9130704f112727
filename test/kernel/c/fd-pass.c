/* Passing open files between processes over AF_UNIX (SCM_RIGHTS): a child sends the read end of
 * a pipe and a file it opened; the parent reads through the descriptors it received. A control
 * buffer too small for the files truncates them (MSG_CTRUNC), and recv without one drops them. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int send_fds(int s, const int *fds, int n, const char *data) {
  char buf[CMSG_SPACE(4 * sizeof(int))];
  memset(buf, 0, sizeof buf);
  struct iovec iov = {(void *)data, strlen(data)};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = CMSG_SPACE(n * sizeof(int))};
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(n * sizeof(int));
  memcpy(CMSG_DATA(c), fds, n * sizeof(int));
  return sendmsg(s, &m, 0);
}

static int recv_fds(int s, int *fds, int max, size_t room, int *flags) {
  char data[64], buf[256];
  struct iovec iov = {data, sizeof data};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = room};
  ssize_t r = recvmsg(s, &m, MSG_CMSG_CLOEXEC);
  *flags = m.msg_flags;
  if (r < 0) return -1;
  int n = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && n < max; i++) memcpy(&fds[n++], CMSG_DATA(c) + 4 * i, 4);
  printf("received %zd bytes \"%.*s\", %d fds, flags %#x, controllen %zu\n", r, (int)r, data, n, *flags, (size_t)m.msg_controllen);
  return n;
}

int main(void) {
  int sv[2];
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    close(sv[0]);
    int pp[2];
    pipe(pp);
    write(pp[1], "through the pipe", 16);
    close(pp[1]);
    int f = open("fd-pass.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
    write(f, "from the file", 13);
    lseek(f, 0, SEEK_SET);
    int two[2] = {pp[0], f};
    send_fds(sv[1], two, 2, "two");
    close(pp[0]);
    close(f);
    int again = open("fd-pass.txt", O_RDONLY);
    int three[3] = {again, again, again};
    send_fds(sv[1], three, 3, "cut");
    send_fds(sv[1], &again, 1, "dropped");
    close(again);
    _exit(0);
  }
  close(sv[1]);
  int st;
  waitpid(p, &st, 0);
  int fds[4], flags;
  int n = recv_fds(sv[0], fds, 4, 256, &flags);
  char buf[32];
  for (int i = 0; i < n; i++) {
    ssize_t r = read(fds[i], buf, sizeof buf);
    printf("fd %d: \"%.*s\", cloexec %d\n", i, (int)r, buf, fcntl(fds[i], F_GETFD));
    close(fds[i]);
  }
  n = recv_fds(sv[0], fds, 4, CMSG_LEN(sizeof(int)), &flags);
  for (int i = 0; i < n; i++) close(fds[i]);
  for (int i = 0; i < 2; i++) {
    ssize_t r = recv(sv[0], buf, sizeof buf, 0);
    printf("plain recv %zd \"%.*s\"\n", r, (int)r, buf);
  }
  int bad = 99;
  printf("bad fd: %d\n", send_fds(sv[0], &bad, 1, "x"));
  unlink("fd-pass.txt");
  return 0;
}
