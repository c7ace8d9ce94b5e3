import { createMetricsRegistry, scrape } from "@udaconnect/observability";
import type { FastifyInstance } from "fastify";
import { Histogram } from "prom-client";

/**
 * GET /metrics: request latency by method, route pattern (not the raw URL: ids would explode
 * the series) and status, with Node.js's runtime metrics, from this app's own registry.
 */
export function registerMetrics(app: FastifyInstance): void {
  const registry = createMetricsRegistry();
  const requestSeconds = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from request received to response sent.",
    labelNames: ["method", "route", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) };
    requestSeconds.observe(labels, reply.elapsedTime / 1000);
  });
  app.get(
    "/metrics",
    {
      schema: {
        operationId: "metrics",
        tags: ["operations"],
        summary: "Prometheus metrics: request latency histograms by route, Node.js process and runtime metrics",
        security: [],
        response: {
          200: {
            description: "Prometheus text format 0.0.4.",
            content: {
              "text/plain": {
                schema: { type: "string" },
                example: 'http_request_duration_seconds_count{method="GET",route="/v1/persons",status="200"} 3\nprocess_resident_memory_bytes 81743872\n',
              },
            },
          },
        },
      },
    },
    async (_request, reply) => {
      const { contentType, text } = await scrape(registry);
      return reply.type(contentType).send(text);
    },
  );
}
