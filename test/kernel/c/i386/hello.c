/* The smallest glibc program: printf's buffer goes out in one write at exit. */
#include <stdio.h>

int main(int argc, char **argv) {
  printf("Hello, %s world! argc=%d\n", "i386", argc);
  return 3;
}
