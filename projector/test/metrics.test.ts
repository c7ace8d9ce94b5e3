import { describe, expect, it } from "vitest";
import { createProjectorMetrics } from "../src/metrics/projector-metrics";
import { formatProgress, progressOf } from "../src/rebuild/progress";

describe("projector metrics", () => {
  it("renders counters, histograms, lag and freshness in the Prometheus text format", async () => {
    const metrics = createProjectorMetrics(() => 1_000_030_000);
    metrics.observeBatch({ topic: "t", partition: 2, records: 7, applied: 6, deadLettered: 1, seconds: 0.02, lag: 5n, lastEventTimeMs: 1_000_000_000 });

    const { text } = await metrics.scrape();

    expect(text).toContain('udaconnect_projector_events_applied_total{topic="t"} 6\n');
    expect(text).toContain('udaconnect_projector_dead_lettered_total{topic="t"} 1\n');
    expect(text).toContain('udaconnect_projector_batch_size_records_bucket{le="10",topic="t"} 1\n');
    expect(text).toContain('udaconnect_projector_batch_size_records_bucket{le="1",topic="t"} 0\n');
    expect(text).toContain('udaconnect_projector_apply_seconds_bucket{le="0.025",topic="t"} 1\n');
    expect(text).toContain('udaconnect_projector_apply_seconds_count{topic="t"} 1\n');
    expect(text).toContain('udaconnect_projector_lag_records{topic="t",partition="2"} 5\n');
    expect(text).toContain('udaconnect_projector_event_time_freshness_seconds{topic="t",partition="2"} 30\n');
    expect(text).toContain("# TYPE udaconnect_projector_apply_seconds histogram\n");
  });
});

describe("rebuild progress", () => {
  it("derives events/s, lag and ETA from two samples", () => {
    const first = { atMs: 0, consumed: 1_000n, end: 11_000n };
    const second = { atMs: 2_000, consumed: 5_000n, end: 11_000n };

    expect(formatProgress(3, progressOf(undefined, first))).toBe("rebuild: generation 3: 1000/11000 records, 0 events/s, lag 10000, ETA unknown");
    expect(formatProgress(3, progressOf(first, second))).toBe("rebuild: generation 3: 5000/11000 records, 2000 events/s, lag 6000, ETA 3s");
  });
});
