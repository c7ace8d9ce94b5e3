import { createMetricsRegistry, scrape } from "@udaconnect/observability";
import { Counter, Gauge, Histogram } from "prom-client";

/** What one projected batch tells the metrics. */
export interface BatchObservation {
  readonly topic: string;
  readonly partition: number;
  readonly records: number;
  readonly applied: number;
  readonly deadLettered: number;
  readonly seconds: number;
  /** The partition's high watermark minus its checkpoint after the batch. */
  readonly lag: bigint;
  /** Kafka timestamp (ms) of the batch's last record: the event time now projected. */
  readonly lastEventTimeMs: number | undefined;
}

export interface ProjectorMetrics {
  /** One observation per partition batch, never per record: the hot path stays free of metrics work. */
  observeBatch(observation: BatchObservation): void;
  /** What GET /metrics answers: the Prometheus text exposition of this projector's registry. */
  scrape(): Promise<{ readonly contentType: string; readonly text: string }>;
}

/** The projector's series and Node.js's runtime metrics, in a registry of its own. */
export function createProjectorMetrics(now: () => number = Date.now): ProjectorMetrics {
  const registry = createMetricsRegistry();
  const registers = [registry];
  const byTopic = { labelNames: ["topic"] as const, registers };
  const byPartition = { labelNames: ["topic", "partition"] as const, registers };
  const applied = new Counter({
    name: "udaconnect_projector_events_applied_total",
    help: "Records applied to the read models (not counting redeliveries or dead letters).",
    ...byTopic,
  });
  const deadLettered = new Counter({
    name: "udaconnect_projector_dead_lettered_total",
    help: "Records that could not be projected, sent to the dead-letter topic.",
    ...byTopic,
  });
  const batchSize = new Histogram({
    name: "udaconnect_projector_batch_size_records",
    help: "Records per partition batch.",
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000],
    ...byTopic,
  });
  const applySeconds = new Histogram({
    name: "udaconnect_projector_apply_seconds",
    help: "Time to apply one partition batch (one transaction).",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ...byTopic,
  });
  const lag = new Gauge({ name: "udaconnect_projector_lag_records", help: "Records of the partition not projected yet, at the last batch.", ...byPartition });
  const lastEventSeconds = new Map<string, { topic: string; partition: string; seconds: number }>();
  const lastEvent = new Gauge({
    name: "udaconnect_projector_last_event_timestamp_seconds",
    help: "Kafka timestamp of the last record projected.",
    ...byPartition,
  });
  new Gauge({
    name: "udaconnect_projector_event_time_freshness_seconds",
    help: "Now minus the Kafka timestamp of the last record projected.",
    ...byPartition,
    // Computed at each scrape: it grows while nothing is projected.
    collect() {
      this.reset();
      for (const { topic, partition, seconds } of lastEventSeconds.values()) {
        this.set({ topic, partition }, Math.max(0, now() / 1000 - seconds));
      }
    },
  });
  return {
    observeBatch(o) {
      const topic = { topic: o.topic };
      const partition = { topic: o.topic, partition: String(o.partition) };
      applied.inc(topic, o.applied);
      deadLettered.inc(topic, o.deadLettered);
      batchSize.observe(topic, o.records);
      applySeconds.observe(topic, o.seconds);
      lag.set(partition, Number(o.lag));
      if (o.lastEventTimeMs !== undefined) {
        lastEvent.set(partition, o.lastEventTimeMs / 1000);
        lastEventSeconds.set(`${o.topic}\u0000${o.partition}`, { ...partition, seconds: o.lastEventTimeMs / 1000 });
      }
    },
    scrape: () => scrape(registry),
  };
}
