/*
 * Threads and processes of an i386 program: pthread_create gives each thread its own TLS entry
 * (clone with CLONE_SETTLS and a struct user_desc), a futex-protected counter, then fork and
 * waitpid. The __thread variable shows each thread reads its own copy through %gs.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static __thread int tls = 5;
static int counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *run(void *arg) {
  tls += (int)(long)arg;
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&mu);
    counter++;
    pthread_mutex_unlock(&mu);
  }
  return (void *)(long)tls;
}

int main(void) {
  pthread_t t[2];
  for (long i = 0; i < 2; i++) pthread_create(&t[i], 0, run, (void *)(i + 1));
  void *r0, *r1;
  pthread_join(t[0], &r0);
  pthread_join(t[1], &r1);
  printf("main tls %d, threads %ld %ld, counter %d\n", tls, (long)r0, (long)r1, counter);
  fflush(stdout);
  pid_t p = fork();
  if (p == 0) {
    printf("child tls %d\n", tls);
    return 3;
  }
  int st;
  waitpid(p, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  return 0;
}
