import type { FastifyInstance } from "fastify";

const BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  readonly labels: string;
  readonly counts: number[];
  sum: number;
  count: number;
}

/**
 * Prometheus text exposition of request latency, by method, route pattern (not the raw
 * URL: ids would explode the series) and status. Hand-rolled: one histogram needs no client library.
 */
export function registerMetrics(app: FastifyInstance): void {
  const series = new Map<string, Series>();
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    const labels = `method="${request.method}",route="${route.replace(/["\\\n]/g, "_")}",status="${reply.statusCode}"`;
    let s = series.get(labels);
    if (s === undefined) {
      s = { labels, counts: BUCKETS_S.map(() => 0), sum: 0, count: 0 };
      series.set(labels, s);
    }
    const seconds = reply.elapsedTime / 1000;
    BUCKETS_S.forEach((bound, i) => {
      if (seconds <= bound) {
        s.counts[i] = (s.counts[i] ?? 0) + 1;
      }
    });
    s.sum += seconds;
    s.count += 1;
  });
  app.get(
    "/metrics",
    {
      schema: {
        operationId: "metrics",
        tags: ["operations"],
        summary: "Prometheus metrics: request latency histograms by route",
        security: [],
        response: {
          200: {
            description: "Prometheus text format 0.0.4.",
            content: {
              "text/plain": {
                schema: { type: "string" },
                example: 'http_request_duration_seconds_count{method="GET",route="/v1/persons",status="200"} 3\n',
              },
            },
          },
        },
      },
    },
    async (_request, reply) => reply.type("text/plain; version=0.0.4; charset=utf-8").send(exposition([...series.values()])),
  );
}

function exposition(all: readonly Series[]): string {
  const lines = [
    "# HELP http_request_duration_seconds Time from request received to response sent.",
    "# TYPE http_request_duration_seconds histogram",
  ];
  for (const s of all) {
    BUCKETS_S.forEach((bound, i) => lines.push(`http_request_duration_seconds_bucket{${s.labels},le="${bound}"} ${s.counts[i] ?? 0}`));
    lines.push(`http_request_duration_seconds_bucket{${s.labels},le="+Inf"} ${s.count}`);
    lines.push(`http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
    lines.push(`http_request_duration_seconds_count{${s.labels}} ${s.count}`);
  }
  return `${lines.join("\n")}\n`;
}
