import type { V1Deployment, V1Job, V1StatefulSet } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { formatStatus } from "./format-status";
import { lagFromProjectionStatus, lagFromProjectorMetrics } from "./projection-lag";
import { statusReport } from "./status-report";

const deployments: V1Deployment[] = [
  {
    metadata: { name: "query-api", generation: 1 },
    spec: { replicas: 2, selector: {}, template: {} },
    status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  },
  {
    metadata: { name: "projector", generation: 4 },
    spec: { replicas: 3, selector: {}, template: {} },
    status: { observedGeneration: 4, replicas: 3, readyReplicas: 1, updatedReplicas: 3, availableReplicas: 1 },
  },
];
const sets: V1StatefulSet[] = [
  {
    metadata: { name: "postgis", generation: 1 },
    spec: { replicas: 1, selector: {}, serviceName: "postgis", template: {} },
    status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, updatedReplicas: 1, currentRevision: "a", updateRevision: "a" },
  },
];
const jobs: V1Job[] = [
  {
    metadata: { name: "migrate", labels: { "app.kubernetes.io/component": "migrate" } },
    status: {
      startTime: new Date("2026-12-02T08:00:00Z"),
      completionTime: new Date("2026-12-02T08:00:12Z"),
      conditions: [{ type: "Complete", status: "True" }],
    },
  },
  {
    metadata: { name: "projector-rebuild-20261202-090000", labels: { "app.kubernetes.io/component": "rebuild" } },
    status: {
      startTime: new Date("2026-12-02T09:00:00Z"),
      conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", lastTransitionTime: new Date("2026-12-02T09:01:05Z") }],
    },
  },
  {
    metadata: { name: "projector-rebuild-20261202-091500", labels: { "app.kubernetes.io/component": "rebuild" } },
    status: { startTime: new Date("2026-12-02T09:15:00Z"), active: 1 },
  },
];
const queryApiAnswer = JSON.stringify({
  partitions: [
    { topic: "udaconnect.persons.v1", partition: 0, projected_offset: 10, end_offset: 10, lag: 0 },
    { topic: "udaconnect.locations.v1", partition: 1, projected_offset: 90, end_offset: 95, lag: 5 },
    { topic: "udaconnect.locations.v1", partition: 0, projected_offset: 50, end_offset: 52, lag: 2 },
  ],
  end_offsets_known: true,
  newest_check_in_at: "2026-12-02T09:14:59.000Z",
});

describe("status", () => {
  it("prints rollouts, the Job history newest first, and the lag per partition", () => {
    const report = statusReport("udaconnect", deployments, sets, jobs, lagFromProjectionStatus(queryApiAnswer));
    expect(formatStatus(report)).toBe(
      [
        "Workloads in namespace udaconnect:",
        "  KIND         NAME       READY  UP-TO-DATE  STATE",
        "  Deployment   projector  1/3    3           progressing: 1 of 3 replicas available",
        "  Deployment   query-api  2/2    2           ready",
        "  StatefulSet  postgis    1/1    1           ready",
        "",
        "Jobs (newest first):",
        "  NAME                               COMPONENT  OUTCOME                       STARTED                   DURATION",
        "  projector-rebuild-20261202-091500  rebuild    running                       2026-12-02T09:15:00.000Z  running",
        "  projector-rebuild-20261202-090000  rebuild    failed: BackoffLimitExceeded  2026-12-02T09:00:00.000Z  1m5s",
        "  migrate                            migrate    succeeded                     2026-12-02T08:00:00.000Z  12s",
        "",
        "Projection lag (from query-api /v1/projection/status): 7 records, newest check-in 2026-12-02T09:14:59.000Z",
        "  TOPIC                    PARTITION  LAG",
        "  udaconnect.locations.v1  0          2",
        "  udaconnect.locations.v1  1          5",
        "  udaconnect.persons.v1    0          0",
      ].join("\n"),
    );
  });

  it("gives machines the same report as JSON", () => {
    const report = statusReport("udaconnect", deployments, sets, jobs, { source: "unavailable", reasons: ["query-api: no Service query-api"] });
    const json = JSON.parse(JSON.stringify(report));
    expect(json.workloads[0]).toEqual({
      kind: "Deployment",
      name: "projector",
      desired: 3,
      ready: 1,
      upToDate: 3,
      state: "progressing",
      message: "1 of 3 replicas available",
    });
    expect(json.jobs[1]).toEqual({
      name: "projector-rebuild-20261202-090000",
      component: "rebuild",
      outcome: "failed",
      reason: "BackoffLimitExceeded",
      startedAt: "2026-12-02T09:00:00.000Z",
      finishedAt: "2026-12-02T09:01:05.000Z",
      durationSeconds: 65,
    });
    expect(json.projection).toEqual({ source: "unavailable", reasons: ["query-api: no Service query-api"] });
    expect(formatStatus(report).split("\n").slice(-2)).toEqual(["Projection lag: unknown", "  query-api: no Service query-api"]);
  });
});

describe("lagFromProjectorMetrics", () => {
  it("takes each partition from the pod that projected its newest record (a stale owner after a rebalance is ignored)", () => {
    const podA = [
      "# TYPE udaconnect_projector_lag_records gauge",
      'udaconnect_projector_lag_records{topic="udaconnect.locations.v1",partition="0"} 40',
      'udaconnect_projector_lag_records{topic="udaconnect.locations.v1",partition="1"} 3',
      'udaconnect_projector_last_event_timestamp_seconds{topic="udaconnect.locations.v1",partition="0"} 1000',
      'udaconnect_projector_last_event_timestamp_seconds{topic="udaconnect.locations.v1",partition="1"} 1010',
    ].join("\n");
    const podB = [
      'udaconnect_projector_lag_records{topic="udaconnect.locations.v1",partition="0"} 1',
      'udaconnect_projector_last_event_timestamp_seconds{topic="udaconnect.locations.v1",partition="0"} 1020',
    ].join("\n");
    expect(lagFromProjectorMetrics([podA, podB])).toEqual({
      source: "projector-metrics",
      partitions: [
        { topic: "udaconnect.locations.v1", partition: 0, lag: 1 },
        { topic: "udaconnect.locations.v1", partition: 1, lag: 3 },
      ],
      totalLag: 4,
      newestCheckInAt: new Date(1_020_000).toISOString(),
    });
  });
});
