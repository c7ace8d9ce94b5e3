import { Counter, Gauge, Histogram, renderMetrics } from "./prometheus";

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
  observeBatch(observation: BatchObservation): void;
  /** Prometheus text exposition format 0.0.4. */
  render(): string;
}

/** The projector's metrics, hand-written (no client library): a handful of series. */
export function createProjectorMetrics(now: () => number = Date.now): ProjectorMetrics {
  const applied = new Counter("udaconnect_projector_events_applied_total", "Records applied to the read models (not counting redeliveries or dead letters).");
  const deadLettered = new Counter("udaconnect_projector_dead_lettered_total", "Records that could not be projected, sent to the dead-letter topic.");
  const batchSize = new Histogram("udaconnect_projector_batch_size_records", "Records per partition batch.", [1, 10, 50, 100, 250, 500, 1000, 2500, 5000]);
  const applySeconds = new Histogram("udaconnect_projector_apply_seconds", "Time to apply one partition batch (one transaction).", [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  const lag = new Gauge("udaconnect_projector_lag_records", "Records of the partition not projected yet, at the last batch.");
  const lastEvent = new Gauge("udaconnect_projector_last_event_timestamp_seconds", "Kafka timestamp of the last record projected.");
  const freshness = new Gauge("udaconnect_projector_event_time_freshness_seconds", "Now minus the Kafka timestamp of the last record projected.");
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
      }
    },
    render() {
      freshness.clear();
      for (const [labels, seconds] of lastEvent.entries()) {
        freshness.set(labels, Math.max(0, now() / 1000 - seconds));
      }
      return renderMetrics([applied, deadLettered, batchSize, applySeconds, lag, lastEvent, freshness]);
    },
  };
}
