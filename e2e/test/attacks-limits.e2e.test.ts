import { randomUUID } from "node:crypto";
import { once } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { createVerifier } from "@udaconnect/auth";
import { MAX_CHECK_INS_PER_BATCH, MAX_CHECK_INS_PER_CALL, READ_MAX_BYTES } from "@udaconnect/ingest";
import { startQueryApi, type QueryApiOptions, type RunningQueryApi } from "@udaconnect/query-api";
import { IngestService, StreamCheckInsRequestSchema } from "@udaconnect/schemas";
import { eventually } from "@udaconnect/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAttackPipeline, type AttackPipeline } from "./attack-pipeline";
import { outcome } from "./rpc-calls";
import { queryApiOptions } from "@udaconnect/query-api/test-options";

/**
 * Resource limits: each one bounded and answered clearly while another client is served.
 * The time limits are set short here; their defaults are in ingest/src/config.ts and
 * query-api/src/config.ts (docs/security.md lists them).
 */

const LIMITS = { maxConcurrentStreams: 8, requestTimeoutMs: 1_500, idleTimeoutMs: 2_000 };
const QUERY_LIMITS = { requestTimeoutMs: 1_500, headersTimeoutMs: 1_000 };

let pipeline: AttackPipeline;
let personId: string;
let attendee: string;
let operator: string;

beforeAll(async () => {
  pipeline = await startAttackPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl"), ingest: LIMITS, queryApi: QUERY_LIMITS });
  personId = `limits-${randomUUID().slice(0, 8)}`;
  operator = `Bearer ${await pipeline.token({ subject: "ops", role: "operator" })}`;
  attendee = `Bearer ${await pipeline.token({ subject: personId, role: "attendee" })}`;
  await client(operator).registerPerson({ personId, firstName: "Lim", lastName: "Its", companyName: "Attack Suite" });
  await eventually(async () => expect((await pipeline.snapshot()).persons).toBe(1));
});

afterAll(async () => {
  await pipeline?.stop();
});

/**
 * A test with `connectHttp2` (HTTP/2 sessions of its own) and `startQueryApiInstance` (more query
 * API instances); each session is destroyed, and each instance closed, after the test whether it
 * passed or not.
 */
const limitsTest = it.extend<{
  connectHttp2: (url: string, options?: http2.ClientSessionOptions) => http2.ClientHttp2Session;
  startQueryApiInstance: (options: QueryApiOptions) => Promise<RunningQueryApi>;
}>({
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  connectHttp2: async ({}, use) => {
    const sessions: http2.ClientHttp2Session[] = [];
    try {
      await use((url, options) => {
        const session = http2.connect(url, options);
        // The gateway resetting or closing it is what these tests provoke; unheard, that error would end the run.
        session.on("error", () => {});
        sessions.push(session);
        return session;
      });
    } finally {
      for (const session of sessions) session.destroy();
    }
  },
  // biome-ignore lint/correctness/noEmptyPattern: the form vitest requires for a fixture without dependencies
  startQueryApiInstance: async ({}, use) => {
    const instances: RunningQueryApi[] = [];
    try {
      await use(async (options) => {
        const instance = await startQueryApi(options);
        instances.push(instance);
        return instance;
      });
    } finally {
      await Promise.all(instances.map((instance) => instance.close()));
    }
  },
});

const client = (authorization: string) => createClient(IngestService, pipeline.ingest("connect", authorization));
const checkIn = () => ({
  eventId: randomUUID(),
  personId,
  latitude: 40.4168,
  longitude: -3.7038,
  occurredAt: timestampFromDate(new Date(Date.now() - 60_000)),
});

/** Another client, on its own connections, is served: a check-in written and a person read. */
async function othersAreServed(): Promise<void> {
  expect(await outcome(client(attendee).recordLocation({ checkIn: checkIn() }))).toBe("OK");
  const read = await fetch(`${pipeline.queryApiUrl}/v1/persons/${personId}`, { headers: { authorization: attendee } });
  expect(read.status).toBe(200);
  await read.body?.cancel();
}

describe("ingest", () => {
  it(`answers a message over ${READ_MAX_BYTES} bytes with RESOURCE_EXHAUSTED, over Connect and gRPC`, async () => {
    const huge = { personId, firstName: "x".repeat(READ_MAX_BYTES + 1), lastName: "L", companyName: "C" };

    expect(await outcome(client(operator).registerPerson(huge))).toBe("RESOURCE_EXHAUSTED");
    expect(await outcome(createClient(IngestService, pipeline.ingest("grpc", operator)).registerPerson(huge))).toBe("RESOURCE_EXHAUSTED");
    await othersAreServed();
  });

  it(`answers more than ${MAX_CHECK_INS_PER_CALL} check-ins in a call, or ${MAX_CHECK_INS_PER_BATCH} in a batch, with RESOURCE_EXHAUSTED`, async () => {
    const many = (n: number) => Array.from({ length: n }, checkIn);
    async function* one<T>(message: T) {
      yield message;
    }
    const stream = async () => {
      for await (const _ of client(attendee).streamCheckIns(one({ batchId: 1n, checkIns: many(MAX_CHECK_INS_PER_BATCH + 1) })));
    };

    expect(await outcome(client(attendee).recordLocations(one({ checkIns: many(MAX_CHECK_INS_PER_CALL + 1) })))).toBe("RESOURCE_EXHAUSTED");
    expect(await outcome(stream())).toBe("RESOURCE_EXHAUSTED");
    await othersAreServed();
  });

  limitsTest("advertises at most N streams per HTTP/2 connection and cancels calls whose request does not arrive in time", async ({ connectHttp2 }) => {
    const session = connectHttp2(pipeline.ingestUrl);
    await once(session, "remoteSettings");
    const started = Date.now();
    // Each call sends its headers and 5 bytes of a message, then stalls (slowloris on HTTP/2).
    const stalled = Array.from({ length: LIMITS.maxConcurrentStreams }, () => stalledCall(session, "/udaconnect.v1.IngestService/RecordLocation"));

    expect(session.remoteSettings.maxConcurrentStreams).toBe(LIMITS.maxConcurrentStreams);
    await othersAreServed();
    const closed = await Promise.all(stalled);
    expect(closed.map((c) => c.rstCode)).toEqual(stalled.map(() => http2.constants.NGHTTP2_CANCEL));
    expect(Math.min(...closed.map((c) => c.at - started))).toBeGreaterThanOrEqual(LIMITS.requestTimeoutMs - 100);
    expect(Math.max(...closed.map((c) => c.at - started))).toBeLessThan(LIMITS.requestTimeoutMs + 2_000);
  });

  limitsTest("stops reading a stream whose client never reads the answers, and closes its idle connection", async ({ connectHttp2 }) => {
    const before = (await pipeline.snapshot()).locations;
    // A window of 0: the gateway may send headers but not one byte of an answer.
    const session = connectHttp2(pipeline.ingestUrl, { settings: { initialWindowSize: 0 } });
    const closed = once(session, "close");
    const stream = session.request({
      ":method": "POST",
      ":path": "/udaconnect.v1.IngestService/StreamCheckIns",
      "content-type": "application/grpc",
      te: "trailers",
      authorization: attendee,
    });
    stream.on("error", () => {});
    const batches = 1_000;
    for (let batchId = 1; batchId <= batches; batchId += 1) {
      stream.write(grpcFrame(toBinary(StreamCheckInsRequestSchema, create(StreamCheckInsRequestSchema, { batchId: BigInt(batchId), checkIns: [checkIn()] }))));
    }

    await othersAreServed();
    await closed;
    // The gateway reads on while its answers fit the stream's write buffer (16 KiB, some 300 answers
    // of one check-in), then stops: the rest stay unread in HTTP/2 flow control until the connection closes.
    const appended = (await settledLocations()) - before - 1;
    console.info(`a client that never reads: ${appended} of ${batches} batches read before the gateway stopped reading`);
    expect(appended).toBeGreaterThanOrEqual(1);
    expect(appended).toBeLessThanOrEqual(400);
  });

  it("answers HTTP/1.1 headers or a body trickled past the request time with 408 and closes the connection", async () => {
    const [headers, body] = await Promise.all([
      trickle(pipeline.ingestUrl, "POST /udaconnect.v1.IngestService/RecordLocation HTTP/1.1\r\nHost: ingest\r\n", (i) => `X-Slow-${i}: y\r\n`),
      trickle(
        pipeline.ingestUrl,
        "POST /udaconnect.v1.IngestService/RecordLocation HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{",
        () => " ",
        othersAreServed,
      ),
    ]);

    expect(headers.statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(body.statusLine).toBe("HTTP/1.1 408 Request Timeout");
    expect(Math.max(headers.closedAfterMs, body.closedAfterMs)).toBeLessThan(LIMITS.requestTimeoutMs + 2_000);
  });
});

describe("query API", () => {
  it("answers a body over its 1 MiB limit with 413 problem+json", async () => {
    const response = await fetch(`${pipeline.queryApiUrl}/api/persons`, {
      method: "POST",
      headers: { authorization: operator, "content-type": "application/json" },
      body: JSON.stringify({ first_name: "x".repeat(1024 * 1024), last_name: "L", company_name: "C" }),
    });

    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(await response.json()).toMatchObject({ status: 413 });
    await othersAreServed();
  });

  it("answers headers or a body trickled past their time with 408 problem+json and closes the connection", async () => {
    const [headers, body] = await Promise.all([
      trickle(pipeline.queryApiUrl, "GET /v1/persons HTTP/1.1\r\nHost: api\r\n", (i) => `X-Slow-${i}: y\r\n`),
      trickle(
        pipeline.queryApiUrl,
        `POST /api/persons HTTP/1.1\r\nHost: api\r\nAuthorization: ${operator}\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{`,
        () => " ",
        othersAreServed,
      ),
    ]);

    expect([headers.statusLine, headers.contentType]).toEqual(["HTTP/1.1 408 Request Timeout", "application/problem+json"]);
    expect([body.statusLine, body.contentType]).toEqual(["HTTP/1.1 408 Request Timeout", "application/problem+json"]);
    expect(headers.closedAfterMs).toBeLessThan(QUERY_LIMITS.headersTimeoutMs + 2_000);
    expect(body.closedAfterMs).toBeLessThan(QUERY_LIMITS.requestTimeoutMs + 2_000);
  });
});

describe("the query API's rate limit", () => {
  limitsTest("is per instance: two instances let one token through twice the limit", async ({ startQueryApiInstance }) => {
    const instances = await Promise.all(
      [1, 2].map(() =>
        startQueryApiInstance(
          queryApiOptions({ databaseUrl: pipeline.database.url, port: 0, auth: createVerifier(pipeline.keys.keySet), rateLimitPerMinute: 3 }),
        ),
      ),
    );

    const statuses: number[][] = [];
    for (const instance of instances) {
      const row: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const response = await fetch(`${instance.url}/v1/persons/${personId}`, { headers: { authorization: operator } });
        row.push(response.status);
        await response.body?.cancel();
      }
      statuses.push(row);
    }

    expect(statuses).toEqual([
      [200, 200, 200, 429],
      [200, 200, 200, 429],
    ]);
  });
});

async function settledLocations(): Promise<number> {
  let previous = -1;
  for (;;) {
    const now = (await pipeline.snapshot()).locations;
    if (now === previous) return now;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function grpcFrame(message: Uint8Array): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

function stalledCall(session: http2.ClientHttp2Session, path: string): Promise<{ rstCode: number; at: number }> {
  const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" }, { endStream: false });
  stream.on("error", () => {});
  stream.write(Buffer.from([0, 0, 0, 0, 10]));
  return new Promise((resolve) => stream.on("close", () => resolve({ rstCode: stream.rstCode ?? -1, at: Date.now() })));
}

/**
 * Sends `start`, then one `piece` every 100 ms until the server closes the connection;
 * `meanwhile` runs once the trickle is under way.
 */
async function trickle(baseUrl: string, start: string, piece: (i: number) => string, meanwhile?: () => Promise<void>) {
  const url = new URL(baseUrl);
  const socket = net.connect(Number(url.port), url.hostname);
  const opened = Date.now();
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on("error", () => {});
  socket.write(start);
  let i = 0;
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(piece(i++));
  }, 100);
  const closed = once(socket, "close");
  await meanwhile?.();
  await closed;
  clearInterval(timer);
  const [statusLine = ""] = received.split("\r\n");
  const contentType = /^content-type: *(.*)$/im.exec(received)?.[1]?.trim();
  return { statusLine, contentType, closedAfterMs: Date.now() - opened };
}
