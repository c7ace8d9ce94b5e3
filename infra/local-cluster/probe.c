/*
 * The cluster's probe: a tiny static program for pods that need no real image (smoke tests,
 * Jobs in tests). No registry is reachable here, so this is what a test pod runs.
 *
 *   probe [say TEXT | sleep SECONDS | exit CODE]...
 *
 * Steps run in order; without steps it sleeps until SIGTERM. SIGTERM and SIGINT end it with
 * status 0, like a program that drains and exits.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_term(int sig) {
  (void)sig;
  _exit(0);
}

static int usage(void) {
  fputs("usage: probe [say TEXT | sleep SECONDS | exit CODE]...\n", stderr);
  return 2;
}

int main(int argc, char **argv) {
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  if (argc == 1) {
    for (;;) pause();
  }
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) return usage();
    const char *verb = argv[i], *arg = argv[i + 1];
    if (strcmp(verb, "say") == 0) {
      printf("%s\n", arg);
      fflush(stdout);
    } else if (strcmp(verb, "sleep") == 0) {
      unsigned left = (unsigned)strtoul(arg, NULL, 10);
      while (left > 0) left = sleep(left);
    } else if (strcmp(verb, "exit") == 0) {
      return atoi(arg);
    } else {
      return usage();
    }
  }
  return 0;
}
