export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** null when the end of the log is unknown. */
  readonly lag: number | null;
}

export type ProjectionLag =
  | {
      readonly source: "query-api" | "projector-metrics";
      readonly partitions: readonly PartitionLag[];
      readonly totalLag: number | null;
      readonly newestCheckInAt: string | null;
    }
  | { readonly source: "unavailable"; readonly reasons: readonly string[] };

/** query-api's GET /v1/projection/status (query-api/src/http/projection-status-routes.ts). */
export function lagFromProjectionStatus(body: string): ProjectionLag {
  const status = JSON.parse(body) as {
    partitions?: { topic: string; partition: number; lag: number | null }[];
    newest_check_in_at?: string | null;
  };
  if (!Array.isArray(status.partitions)) {
    throw new Error("the answer has no partitions array: not query-api's /v1/projection/status?");
  }
  const partitions = status.partitions.map((p) => ({ topic: p.topic, partition: p.partition, lag: p.lag }));
  return { source: "query-api", partitions: sorted(partitions), totalLag: total(partitions), newestCheckInAt: status.newest_check_in_at ?? null };
}

const SAMPLE = /^(udaconnect_projector_lag_records|udaconnect_projector_last_event_timestamp_seconds)\{([^}]*)\}\s+(\S+)/;

/**
 * The projector pods' /metrics (Prometheus text). Each pod reports the partitions it
 * projected, as of its last batch; after a rebalance the previous owner still shows
 * its old figure, so each partition's lag is taken from the pod that projected the
 * newest record of it.
 */
export function lagFromProjectorMetrics(podMetrics: readonly string[]): ProjectionLag {
  const best = new Map<string, { lag: number; eventTime: number; topic: string; partition: number }>();
  let newest = 0;
  for (const text of podMetrics) {
    const lags = new Map<string, number>();
    const times = new Map<string, number>();
    for (const line of text.split("\n")) {
      const match = SAMPLE.exec(line);
      if (match === null) continue;
      const labels = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      const key = `${labels.topic}\u0000${labels.partition}`;
      (match[1] === "udaconnect_projector_lag_records" ? lags : times).set(key, Number(match[3]));
    }
    for (const [key, lag] of lags) {
      const eventTime = times.get(key) ?? 0;
      newest = Math.max(newest, eventTime);
      const [topic = "", partition = "0"] = key.split("\u0000");
      const previous = best.get(key);
      if (previous === undefined || eventTime > previous.eventTime) {
        best.set(key, { lag, eventTime, topic, partition: Number(partition) });
      }
    }
  }
  const partitions = [...best.values()].map(({ topic, partition, lag }) => ({ topic, partition, lag }));
  return {
    source: "projector-metrics",
    partitions: sorted(partitions),
    totalLag: total(partitions),
    newestCheckInAt: newest > 0 ? new Date(newest * 1000).toISOString() : null,
  };
}

function total(partitions: readonly PartitionLag[]): number | null {
  return partitions.some((p) => p.lag === null) ? null : partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0);
}

function sorted(partitions: PartitionLag[]): PartitionLag[] {
  return partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
