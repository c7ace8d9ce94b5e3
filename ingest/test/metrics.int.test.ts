import { randomUUID } from "node:crypto";
import { ConnectError } from "@connectrpc/connect";
import { readExposition, type Sample } from "@udaconnect/observability";
import { afterEach, describe, expect, inject, it } from "vitest";
import { client, startHarness, transports, uniquePersonId, type Harness } from "./harness";
import { batch, batches, checkIn } from "./streams";

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const value = (samples: readonly Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe("GET /metrics", () => {
  it("shows the process's memory and event-loop lag, and each RPC by method and status code", async () => {
    harness = await startHarness(inject("kafkaBrokers"));
    const grpc = client(transports["gRPC (HTTP/2)"](harness.server.url));
    const personId = uniquePersonId();
    await grpc.recordLocation({ checkIn: checkIn(personId, randomUUID()) });
    const refused = await grpc
      .recordLocation({ checkIn: checkIn(personId, randomUUID(), { latitude: 91 }) })
      .catch((e: unknown) => ConnectError.from(e).rawMessage);
    for await (const _ of grpc.streamCheckIns(batches(batch(1, [checkIn(personId, randomUUID())])))) {
      // Read the stream to its end: the call is counted when it ends.
    }

    const response = await fetch(`${harness.server.url}/metrics`);
    const samples = readExposition(await response.text());

    expect(refused).toBe("check_in.latitude: must be between -90 and 90, got 91");
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(value(samples, "process_resident_memory_bytes")).toBeGreaterThan(10 * 1024 * 1024);
    expect(value(samples, "process_resident_memory_bytes")).toBeLessThan(8 * 1024 ** 3);
    expect(value(samples, "nodejs_heap_size_used_bytes")).toBeGreaterThan(1024 * 1024);
    expect(value(samples, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(samples, "nodejs_eventloop_lag_seconds")).toBeLessThan(5);
    expect(value(samples, "udaconnect_ingest_rpcs_total", { method: "RecordLocation", code: "ok" })).toBe(1);
    expect(value(samples, "udaconnect_ingest_rpcs_total", { method: "RecordLocation", code: "invalid_argument" })).toBe(1);
    expect(value(samples, "udaconnect_ingest_rpcs_total", { method: "StreamCheckIns", code: "ok" })).toBe(1);
    expect(value(samples, "udaconnect_ingest_rpc_duration_seconds_count", { method: "RecordLocation", code: "ok" })).toBe(1);
    expect(value(samples, "udaconnect_ingest_rpc_duration_seconds_sum", { method: "RecordLocation", code: "ok" })).toBeGreaterThan(0);
    expect(value(samples, "udaconnect_ingest_rpc_duration_seconds_sum", { method: "RecordLocation", code: "ok" })).toBeLessThan(10);
  });
});
