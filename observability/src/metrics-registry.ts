import { Registry, collectDefaultMetrics } from "prom-client";

/**
 * A service's own registry (never prom-client's global one, so that tests can run several
 * services in one process), holding Node.js's process and runtime metrics from the start:
 * process_resident_memory_bytes, nodejs_heap_size_used_bytes, nodejs_eventloop_lag_seconds,
 * nodejs_gc_duration_seconds and the rest of prom-client's defaults.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** What GET /metrics answers: the registry's text exposition and its content type. */
export async function scrape(registry: Registry): Promise<{ readonly contentType: string; readonly text: string }> {
  return { contentType: registry.contentType, text: await registry.metrics() };
}
