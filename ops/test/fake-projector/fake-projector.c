/*
 * A stand-in for the projector image in the ops command's cluster tests, installed as
 * /bin/node so that the rebuild Job's command (node /app/dist/cli.js rebuild
 * --grace-seconds N) runs it unchanged. Without those arguments it idles until SIGTERM,
 * like the projector's main process.
 *
 * The rebuild prints what projector/src/rebuild/run-rebuild.ts prints, paced by
 * FAKE_REBUILD_SECONDS (default 2), then sleeps the grace period and exits 0; with
 * FAKE_REBUILD_EXIT=N it fails with exit code N instead of switching. It refuses to run
 * without DATABASE_URL and KAFKA_BROKERS, which only the Deployment's env gives it.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void on_term(int sig) {
  (void)sig;
  _exit(130);
}

static void say(const char *line) {
  printf("%s\n", line);
  fflush(stdout);
}

int main(int argc, char **argv) {
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  if (argc != 5 || strcmp(argv[1], "/app/dist/cli.js") != 0 || strcmp(argv[2], "rebuild") != 0 || strcmp(argv[3], "--grace-seconds") != 0) {
    for (;;) pause();
  }
  if (getenv("DATABASE_URL") == NULL || getenv("KAFKA_BROKERS") == NULL) {
    fprintf(stderr, "rebuild: DATABASE_URL and KAFKA_BROKERS must be set\n");
    return 1;
  }
  const char *s = getenv("FAKE_REBUILD_SECONDS");
  int seconds = s == NULL ? 2 : atoi(s);
  const char *e = getenv("FAKE_REBUILD_EXIT");
  int fail = e == NULL ? 0 : atoi(e);
  int grace = atoi(argv[4]);
  char line[256];
  say("rebuild: building generation 2");
  for (int i = 1; i <= seconds; i++) {
    sleep(1);
    snprintf(line, sizeof line, "rebuild: generation 2: %d/%d records, 1 events/s, lag %d, ETA %ds", i, seconds, seconds - i, seconds - i);
    say(line);
  }
  if (fail != 0) {
    say("rebuild: connect ECONNREFUSED 127.0.0.1:5432");
    return fail;
  }
  say("rebuild: generation 2 is live; generation 1 retired");
  snprintf(line, sizeof line, "rebuild: dropping generation 1 in %ds (Ctrl-C keeps it; the next rebuild drops it)", grace);
  say(line);
  while (grace > 0) grace = (int)sleep((unsigned)grace);
  say("rebuild: dropped generation 1");
  return 0;
}
