import { Code, ConnectError } from "@connectrpc/connect";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { afterEach, describe, expect, it } from "vitest";
import { uniqueNamespace } from "@udaconnect/test-support";
import { startIngestServer, type IngestServer } from "../src/index";
import { OCCURRED_AT, client, closedPort, transports } from "./harness";
import { recordingLogger } from "./recording-logger";
import { ingestOptions } from "./ingest-options";

const UNAVAILABLE_MESSAGE =
  "the event log is unavailable, so the events may not have been recorded; " +
  "retry the call with the same event ids (and person id) so that a duplicate is recognised";

let server: IngestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A gateway whose only broker address has nothing listening; the admin's retries are kept small so the test is quick. */
async function startWithoutKafka(now: () => Date = () => new Date()) {
  const logger = recordingLogger();
  server = await startIngestServer(
    ingestOptions({
      auth: "disabled",
      now,
      kafkaBrokers: `127.0.0.1:${await closedPort()}`,
      topicNamespace: uniqueNamespace(),
      port: 0,
      logger,
      appendTimeoutMs: 1_000,
      shutdownGraceMs: 5_000,
      kafka: { connectRetries: 0, connectionTimeoutMs: 500, reconnectDelayMs: 100 },
    }),
  );
  return { server, logger, ingest: client(transports["gRPC (HTTP/2)"](server.url)) };
}

async function outcome(call: Promise<unknown>): Promise<{ code: Code; message: string } | "answered"> {
  try {
    await call;
    return "answered";
  } catch (error) {
    const e = ConnectError.from(error);
    return { code: e.code, message: e.rawMessage };
  }
}

const checkIn = (latitude: number) => ({ personId: "5", latitude, longitude: 1, occurredAt: timestampFromDate(OCCURRED_AT) });

describe("when Kafka cannot be reached", () => {
  it("starts, is healthy but not ready", async () => {
    const { server } = await startWithoutKafka();

    const health = await fetch(`${server.url}/healthz`);
    const readiness = await fetch(`${server.url}/readyz`);

    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    expect([readiness.status, await readiness.json()]).toEqual([503, { status: "not ready" }]);
  });

  it("answers UNAVAILABLE after the append timeout instead of hanging, and logs the cause", async () => {
    const { ingest, logger } = await startWithoutKafka();

    const result = await outcome(ingest.recordLocation({ checkIn: checkIn(10) }));

    expect(result).toEqual({ code: Code.Unavailable, message: UNAVAILABLE_MESSAGE });
    const logged = logger.lines.find((line) => line.message === "Kafka did not acknowledge an append");
    expect((logged?.fields.err as { message?: string } | undefined)?.message).toBe("Kafka did not acknowledge within 1000 ms");
  });

  it("still refuses invalid input with INVALID_ARGUMENT", async () => {
    const { ingest } = await startWithoutKafka();

    expect(await outcome(ingest.recordLocation({ checkIn: checkIn(-100) }))).toEqual({
      code: Code.InvalidArgument,
      message: "check_in.latitude: must be between -90 and 90, got -100",
    });
  });

  it("lets a call in flight finish when closed, then refuses connections", async () => {
    let callArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => (callArrived = resolve));
    // The server reads its clock when it handles the check-in: then the call is in flight.
    const { server, ingest } = await startWithoutKafka(() => {
      callArrived();
      return new Date();
    });
    const inFlight = outcome(ingest.recordLocation({ checkIn: checkIn(20) }));
    await arrived;

    await server.close();

    expect(await inFlight).toEqual({ code: Code.Unavailable, message: UNAVAILABLE_MESSAGE });
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
