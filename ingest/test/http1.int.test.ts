import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encodeConsistencyToken, locationsTopic, topicName } from "@udaconnect/schemas";
import { eventually } from "@udaconnect/test-support";
import { gatewayTest } from "./fixtures";
import { OCCURRED_AT, expectedLocationRecorded, startHarness, uniquePersonId, type Harness } from "./harness";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness(inject("kafkaBrokers"));
});

afterAll(async () => {
  await harness?.stop();
});

/** What `curl -H 'content-type: application/json' -d '…' URL` sends: plain HTTP/1.1, no Connect headers. */
async function postJson(path: string, body: unknown): Promise<{ status: number; type: string | null; body: unknown }> {
  const response = await fetch(`${harness.server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
}

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${harness.server.url}${path}`);
  return { status: response.status, body: await response.json() };
}

describe("Connect unary over plain HTTP/1.1 JSON", () => {
  it("records a check-in posted with proto field names", async () => {
    const personId = uniquePersonId();
    const eventId = randomUUID();

    const reply = await postJson("/udaconnect.v1.IngestService/RecordLocation", {
      check_in: { event_id: eventId, person_id: personId, latitude: -33.8688, longitude: 151.2093, occurred_at: OCCURRED_AT.toISOString() },
    });

    const records = await harness.reader.records(locationsTopic, personId);
    const [record] = records;
    const consistencyToken = encodeConsistencyToken([
      { topic: topicName(locationsTopic, harness.namespace), partition: record?.partition ?? -1, nextOffset: BigInt(record?.offset ?? -1) + 1n },
    ]);
    expect(reply).toEqual({ status: 200, type: "application/json", body: { eventId, consistencyToken } });
    expect(records.map((r) => r.event)).toEqual([expectedLocationRecorded({ eventId, personId, latitude: -33.8688, longitude: 151.2093 })]);
  });

  it("answers a refused check-in with HTTP 400 and the Connect error naming the field", async () => {
    const personId = uniquePersonId();
    const before = await harness.reader.endOffsets(locationsTopic);

    const reply = await postJson("/udaconnect.v1.IngestService/RecordLocation", {
      checkIn: { personId, latitude: "NaN", longitude: 10, occurredAt: OCCURRED_AT.toISOString() },
    });

    expect(reply).toEqual({
      status: 400,
      type: "application/json",
      body: { code: "invalid_argument", message: "check_in.latitude: must be a finite number, got NaN" },
    });
    expect(await harness.reader.endOffsets(locationsTopic)).toEqual(before);
  });
});

describe("probes", () => {
  it("/healthz says the process is up and /readyz that Kafka is connected", async () => {
    expect(await getJson("/healthz")).toEqual({ status: 200, body: { status: "ok" } });
    await eventually(async () => expect(await getJson("/readyz")).toEqual({ status: 200, body: { status: "ready" } }), {
      timeoutMs: 10_000,
    });
  });

  it("answers other paths with a JSON 404", async () => {
    expect(await getJson("/nowhere")).toEqual({ status: 404, body: { status: "not found", path: "/nowhere" } });
  });

  gatewayTest("answers over HTTP/2 as well", async ({ connectHttp2 }) => {
    const session = connectHttp2(harness.server.url);

    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ":path": "/healthz" });
      let data = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (data += chunk));
      stream.on("end", () => resolve(data));
      stream.on("error", reject);
    });

    expect(JSON.parse(body)).toEqual({ status: "ok" });
  });
});
