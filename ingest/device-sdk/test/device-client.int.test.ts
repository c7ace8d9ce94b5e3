import { afterEach, describe, expect, inject, it } from "vitest";
import { createSigner, createVerifier, generateSigningKeyPair } from "@udaconnect/auth";
import { silentLogger, startIngestServer, type IngestServer } from "@udaconnect/ingest";
import { createTopics, eventually, uniqueNamespace } from "@udaconnect/test-support";
import { decodeConsistencyToken } from "@udaconnect/schemas";
import { createDeviceClient, memoryStorage, mergeConsistencyTokens, type BatchAcknowledgement, type DeviceClient, type DeviceReport } from "../src/index";
import { ingestOptions } from "@udaconnect/ingest/test-options";

let gateway: IngestServer | undefined;
let device: DeviceClient | undefined;

afterEach(async () => {
  await device?.close(0);
  await gateway?.close();
  device = gateway = undefined;
});

async function startGateway(auth: Parameters<typeof startIngestServer>[0]["auth"] = "disabled"): Promise<IngestServer> {
  const brokers = inject("kafkaBrokers");
  const namespace = uniqueNamespace();
  await createTopics(brokers, namespace);
  return startIngestServer(ingestOptions({ kafkaBrokers: brokers, topicNamespace: namespace, port: 0, logger: silentLogger, auth }));
}

describe("the device client, with no gateway reachable", () => {
  it("queues without waiting, drops and counts what does not fit, and reports the drops and connection failures", async () => {
    const reports: DeviceReport[] = [];
    device = await createDeviceClient({
      // Port 1: nothing listens there, so every connection is refused at once.
      gatewayUrl: "http://127.0.0.1:1",
      storage: memoryStorage(),
      maxQueued: 2,
      backoff: { baseMs: 10, maxMs: 20 },
      onReport: (r) => reports.push(r),
    });

    const ids = [1, 2, 3].map((n) => device?.checkIn({ personId: "p1", latitude: n, longitude: 0 }));

    expect(ids.map((id) => (id === undefined ? "dropped" : /^[0-9a-f-]{36}$/.test(id)))).toEqual([true, true, "dropped"]);
    expect(reports).toEqual([{ kind: "dropped", total: 1 }]);
    expect(await device.flush(300)).toBe(false);
    expect(device.stats()).toEqual(expect.objectContaining({ queued: 2, dropped: 1, accepted: 0 }));
    expect(device.stats().connectionFailures).toBeGreaterThan(0);
    expect(reports.some((r) => r.kind === "connection-failed")).toBe(true);
    expect(await device.close(0)).toBe(false);
  });
});

describe("the device client against a gateway", () => {
  it("delivers its check-ins in batches, and reports the one the gateway rejected with its reason", async () => {
    gateway = await startGateway();
    const reports: DeviceReport[] = [];
    device = await createDeviceClient({ gatewayUrl: gateway.url, storage: memoryStorage(), batchSize: 2, onReport: (r) => reports.push(r) });

    const ids = [10, 20, 100, 30].map((latitude) => device?.checkIn({ personId: "walker-1", latitude, longitude: 5, accuracyM: 3 }));

    expect(await device.flush(20_000)).toBe(true);
    expect(device.stats()).toEqual({ queued: 0, accepted: 3, duplicates: 0, rejected: 1, dropped: 0, connectionFailures: 0, lastError: undefined });
    expect(reports).toEqual([
      { kind: "rejected", eventId: ids[2], reason: "INVALID_LATITUDE", detail: "check_ins[0].latitude: must be between -90 and 90, got 100" },
    ]);
  });

  it("hands each answered batch to onAcknowledged with its token, and one token covering them all after flush", async () => {
    gateway = await startGateway();
    const acknowledged: BatchAcknowledgement[] = [];
    device = await createDeviceClient({ gatewayUrl: gateway.url, storage: memoryStorage(), batchSize: 3, onAcknowledged: (a) => acknowledged.push(a) });
    expect(device.consistencyToken()).toBeUndefined();

    // Three full batches, then one that appends nothing.
    const ids = Array.from({ length: 9 }, (_, n) => device?.checkIn({ personId: n % 2 === 0 ? "ann" : "ben", latitude: n, longitude: 5 }));
    const rejected = device.checkIn({ personId: "ann", latitude: 91, longitude: 5 });

    expect(await device.flush(20_000)).toBe(true);
    expect(acknowledged.flatMap((a) => a.accepted)).toEqual(ids);
    expect(acknowledged.flatMap((a) => [...a.duplicates, ...a.rejected])).toEqual([rejected]);
    // A new namespace: each partition's position after the flush is the number of check-ins it holds.
    const positions = decodeConsistencyToken(device.consistencyToken() ?? "");
    expect(positions.reduce((sum, p) => sum + p.nextOffset, 0n)).toBe(9n);
    expect(new Set(positions.map((p) => p.topic))).toEqual(new Set([expect.stringMatching(/udaconnect\.locations\.v1$/)]));
    expect(device.consistencyToken()).toBe(mergeConsistencyTokens(acknowledged.map((a) => a.consistencyToken)));
    expect(acknowledged.at(-1)).toEqual({ accepted: [], duplicates: [], rejected: [rejected], consistencyToken: undefined });
  });

  it("keeps its queue and reports the failure while its token is refused", async () => {
    const trusted = await generateSigningKeyPair("trusted");
    const stranger = await generateSigningKeyPair("stranger");
    gateway = await startGateway(createVerifier(trusted.keySet));
    const forged = await (await createSigner(stranger.privateKey))({ subject: "walker-2", role: "attendee" });
    device = await createDeviceClient({ gatewayUrl: gateway.url, storage: memoryStorage(), token: forged, backoff: { baseMs: 10, maxMs: 50 } });

    device.checkIn({ personId: "walker-2", latitude: 1, longitude: 1 });

    await eventually(() => expect(device?.stats().connectionFailures).toBeGreaterThan(1), { timeoutMs: 10_000 });
    expect(device.stats()).toEqual(expect.objectContaining({ queued: 1, accepted: 0, lastError: "[unauthenticated] token is not signed by a known key" }));
  });
});
