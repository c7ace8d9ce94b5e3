/*
 * A stand-in for the service images in the ops command's cluster tests, installed as
 * /bin/node so that the rebuild Job's command (node /app/dist/cli.js rebuild
 * --grace-seconds N) runs it unchanged. Without those arguments it runs until SIGTERM like a
 * service; with FAKE_HTTP_PORT it answers HTTP there: GET /metrics with FAKE_METRICS (the
 * projector's ops server), GET /v1/projection/status with FAKE_PROJECTION_STATUS, or 401 when
 * that is unset (query-api with authentication on), anything else 404.
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
#include <netinet/in.h>
#include <sys/socket.h>

static void on_term(int sig) {
  (void)sig;
  _exit(130);
}

static void say(const char *line) {
  printf("%s\n", line);
  fflush(stdout);
}

static void answer(int fd, int status, const char *type, const char *body) {
  char head[256];
  const char *text = status == 200 ? "OK" : status == 401 ? "Unauthorized" : "Not Found";
  int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status, text, type, strlen(body));
  if (write(fd, head, (size_t)n) < 0 || write(fd, body, strlen(body)) < 0) return;
}

static void serve(int port) {
  int server = socket(AF_INET, SOCK_STREAM, 0), on = 1;
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_ANY)};
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (server < 0 || bind(server, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(server, 16) < 0) {
    perror("fake: listen");
    exit(1);
  }
  for (;;) {
    int fd = accept(server, NULL, NULL);
    if (fd < 0) continue;
    char request[2048] = {0};
    if (read(fd, request, sizeof request - 1) > 0) {
      const char *metrics = getenv("FAKE_METRICS"), *status = getenv("FAKE_PROJECTION_STATUS");
      if (strncmp(request, "GET /metrics ", 13) == 0 && metrics != NULL) {
        answer(fd, 200, "text/plain; version=0.0.4", metrics);
      } else if (strncmp(request, "GET /v1/projection/status ", 26) == 0) {
        if (status != NULL) answer(fd, 200, "application/json", status);
        else answer(fd, 401, "application/problem+json", "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"a bearer token is required\"}");
      } else {
        answer(fd, 404, "text/plain", "not found\n");
      }
    }
    close(fd);
  }
}

int main(int argc, char **argv) {
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  if (argc != 5 || strcmp(argv[1], "/app/dist/cli.js") != 0 || strcmp(argv[2], "rebuild") != 0 || strcmp(argv[3], "--grace-seconds") != 0) {
    const char *port = getenv("FAKE_HTTP_PORT");
    if (port != NULL) serve(atoi(port));
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
