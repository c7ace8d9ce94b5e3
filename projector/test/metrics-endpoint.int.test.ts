import { randomUUID } from "node:crypto";
import { readExposition, type Sample } from "@udaconnect/observability";
import { afterEach, describe, expect, inject } from "vitest";
import { startOpsServer, type OpsServer } from "../src/index";
import { locationRecorded } from "./events";
import { produce } from "./kafka-fixtures";
import { projectorTest } from "./projector-test";

let ops: OpsServer | undefined;

afterEach(async () => {
  await ops?.close();
  ops = undefined;
});

const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe("GET /metrics of the ops server", () => {
  projectorTest("shows the process's memory and event-loop lag beside the records the projector applied", async ({ topics, projectors }) => {
    const checkIn = locationRecorded({
      eventId: randomUUID(),
      personId: "erin",
      latitude: 1,
      longitude: 2,
      occurredAt: new Date("2024-05-01T10:00:00.000Z"),
      recordedAt: new Date("2024-05-01T10:00:01.000Z"),
    });
    await produce(inject("kafkaBrokers"), topics.locations, [{ key: "erin", value: checkIn }]);
    const { projector } = await projectors.start();
    ops = await startOpsServer({ host: "127.0.0.1", port: 0, metrics: () => projector.metrics.scrape(), readiness: () => projector.readiness() });
    await projectors.caughtUp(15_000);

    const response = await fetch(`${ops.url}/metrics`);
    const samples = readExposition(await response.text());

    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(value(samples, "process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(value(samples, "process_resident_memory_bytes")).toBeLessThan(8 * 1024 ** 3);
    expect(value(samples, "nodejs_heap_size_used_bytes")).toBeGreaterThan(1024 * 1024);
    expect(value(samples, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(samples, "nodejs_eventloop_lag_seconds")).toBeLessThan(5);
    expect(value(samples, "udaconnect_projector_events_applied_total", { topic: topics.locations })).toBe(1);
    expect(value(samples, "udaconnect_projector_apply_seconds_count", { topic: topics.locations })).toBeGreaterThanOrEqual(1);
  });
});
