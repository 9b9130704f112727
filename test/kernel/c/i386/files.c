/* stdio and the file calls glibc makes for them: openat, writev, _llseek, read, statx, getdents64 ... */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void) {
  char buf[256];
  int fd = open("data.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
  if (fd < 0) { perror("open"); return 1; }
  struct iovec iov[2] = {{"Hello, ", 7}, {"files\n", 6}};
  writev(fd, iov, 2);
  off_t o = lseek(fd, 0, SEEK_SET);
  ssize_t n = read(fd, buf, sizeof buf);
  struct stat st;
  fstat(fd, &st);
  printf("read %d bytes at %ld: %.*s", (int)n, (long)o, (int)n, buf);
  printf("size=%ld mode=%o\n", (long)st.st_size, st.st_mode & 0777);
  lseek(fd, -6, SEEK_END);
  n = read(fd, buf, sizeof buf);
  printf("tail %.*s", (int)n, buf);
  close(fd);
  if (stat("data.txt", &st) == 0) printf("stat size %ld\n", (long)st.st_size);
  if (lstat("nonexistent", &st) < 0) perror("lstat");
  struct utsname u;
  uname(&u);
  printf("sysname %s machine %s\n", u.sysname, u.machine);
  void *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap %p\n", p);
  munmap(p, 8192);
  DIR *d = opendir(".");
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d))) if (!strcmp(e->d_name, "data.txt")) count++;
  closedir(d);
  printf("found %d\n", count);
  unlink("data.txt");
  fprintf(stderr, "to stderr\n");
  return 7;
}
