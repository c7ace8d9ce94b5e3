import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { parseKafkaConnection, type KafkaConnection } from "@udaconnect/kafka-connection";
import { locationsTopic, personsTopic, topicName, type LogPosition, type TopicSpec } from "@udaconnect/schemas";
import { createTopics, eventually, loadTestEnvironment, SECURE_LISTENER_VARIABLES, uniqueNamespace } from "@udaconnect/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { locationRecorded, personRegistered } from "../src/ingest/events";
import { AppendEventsError, type OutgoingEvent } from "../src/ingest/ports";
import { createKafkaEventLog, type KafkaEventLog } from "../src/kafka/kafka-event-log";
import { KAFKA_THREADS, type KafkaThreadName } from "../src/kafka/record-producer";
import { closedPort } from "./harness";
import { recordingLogger } from "./recording-logger";
import { TopicReader } from "./topic-reader";

/**
 * The event-log port's contract, the same with the producers on either thread
 * (INGEST_KAFKA_THREAD), against the real broker: what docs/ingest.md promises
 * of an acknowledgement, ordering and consistency tokens.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NOW = timestampFromDate(new Date("2024-05-01T12:00:00Z"));

function checkIn(personId: string, latitude: number): OutgoingEvent {
  return locationRecorded({ eventId: randomUUID(), personId, latitude, longitude: 1, occurredAt: NOW }, NOW);
}

interface Started {
  readonly log: KafkaEventLog;
  readonly reader: TopicReader;
  readonly topicOf: (spec: TopicSpec) => string;
}

async function startLog(thread: KafkaThreadName, options: { brokers?: string; connection?: KafkaConnection; producers?: number } = {}): Promise<Started> {
  const brokers = inject("kafkaBrokers");
  const namespace = uniqueNamespace();
  await createTopics(brokers, namespace);
  const log = createKafkaEventLog({
    thread,
    brokers: options.brokers ?? brokers,
    connection: options.connection,
    clientId: "event-log-test",
    topicNamespace: namespace,
    logger: recordingLogger(),
    appendTimeoutMs: 10_000,
    producers: options.producers ?? 1,
    createTopics: true,
  });
  log.start();
  cleanups.push(() => log.close());
  await eventually(() => log.isReady() || fail("the event log is not ready"), { timeoutMs: 30_000 });
  // The reader takes the plaintext listener of the same broker.
  const reader = await TopicReader.start(brokers, namespace);
  cleanups.push(() => reader.stop());
  return { log, reader, topicOf: (spec) => topicName(spec, namespace) };
}

describe.each(KAFKA_THREADS)("the event log with its producers on the %s thread", (thread) => {
  it("appends each person's events in the order given, and answers, per partition written, the offset after the write's last record there", async () => {
    const { log, reader, topicOf } = await startLog(thread, { producers: 2 });
    const people = Array.from({ length: 8 }, () => `person-${randomUUID().slice(0, 8)}`);
    const events = people.flatMap((personId) => [1, 2, 3].map((n) => checkIn(personId, n)));

    const positions = await log.appendEvents(events);

    const records = await reader.records(locationsTopic);
    for (const personId of people) {
      expect(records.filter((r) => r.key === personId).map((r) => r.event.payload.case === "locationRecorded" && r.event.payload.value.latitude)).toEqual([
        1, 2, 3,
      ]);
    }
    expect(records.map((r) => r.event.eventId).sort()).toEqual(events.map((e) => e.event.eventId).sort());
    expect(sorted(positions)).toEqual(endsOf(records, topicOf(locationsTopic)));
  });

  it("puts each person in the partition of Kafka's Java partitioner", async () => {
    const { log, reader } = await startLog(thread);
    // Partitions of these keys over 6 partitions, computed by the Java client (Utils.toPositive(Utils.murmur2(key)) % 6, kafka-clients 4.1.1).
    const expected: Record<string, number> = { "person-a": 1, "1": 3, "42": 4, "attendee-7": 0 };

    await log.appendEvents(Object.keys(expected).map((personId) => checkIn(personId, 10)));

    const records = await reader.records(locationsTopic);
    expect(Object.fromEntries(records.map((r) => [r.key, r.partition]))).toEqual(expected);
  });

  it("keeps the order of appends made one after another and made at once, across topics, with tokens that only grow", async () => {
    const { log, reader, topicOf } = await startLog(thread);
    const personId = `person-${randomUUID().slice(0, 8)}`;
    const registered = personRegistered({ eventId: randomUUID(), personId, firstName: "A", lastName: "B", companyName: "C" }, NOW);

    const first = await log.appendEvents([registered, checkIn(personId, 1)]);
    const together = await Promise.all([2, 3, 4, 5].map((n) => log.appendEvents([checkIn(personId, n)])));

    const locations = await reader.records(locationsTopic, personId);
    expect(locations.map((r) => r.event.payload.case === "locationRecorded" && r.event.payload.value.latitude)).toEqual([1, 2, 3, 4, 5]);
    const persons = await reader.records(personsTopic, personId);
    expect(persons.map((r) => r.event.eventId)).toEqual([registered.event.eventId]);
    const partition = locations[0]?.partition ?? -1;
    expect(sorted(first)).toEqual([
      { topic: topicOf(locationsTopic), partition, nextOffset: 1n },
      { topic: topicOf(personsTopic), partition: persons[0]?.partition ?? -1, nextOffset: 1n },
    ]);
    // Calls waiting together go out in one request: each token covers at least the call's own record, in call order.
    const tokens = together.map((p) => p.map((x) => x.nextOffset));
    const own = locations.slice(1).map((r) => [BigInt(r.offset) + 1n]);
    for (const [i, token] of tokens.entries()) expect(token[0]).toBeGreaterThanOrEqual(own[i]?.[0] ?? Number.NaN);
    expect(tokens.at(-1)).toEqual([5n]);
    expect(tokens.map((t) => t[0])).toEqual([...tokens.map((t) => t[0] ?? 0n)].sort((a, b) => Number(a - b)));
  });

  it("answers an empty token for nothing appended", async () => {
    const { log } = await startLog(thread);

    expect(await log.appendEvents([])).toEqual([]);
  });

  it("is not ready and refuses appends after its deadline when no broker answers, saying why in the log", async () => {
    const logger = recordingLogger();
    const port = await closedPort();
    const log = createKafkaEventLog({
      thread,
      brokers: `127.0.0.1:${port}`,
      clientId: "event-log-test-unreachable",
      producers: 1,
      createTopics: true,
      topicNamespace: uniqueNamespace(),
      logger,
      appendTimeoutMs: 1_000,
      retries: 0,
      connectionTimeoutMs: 500,
      reconnectDelayMs: 100,
    });
    log.start();
    cleanups.push(() => log.close());

    await expect(log.appendEvents([checkIn("p", 1)])).rejects.toThrow(new AppendEventsError("Kafka did not acknowledge within 1000 ms"));
    expect(log.isReady()).toBe(false);
    const unreachable = `127.0.0.1:${port}`;
    expect(logger.lines.map((l) => l.message)).toContain(
      `Kafka not ready yet; retrying (Cannot connect to any broker: Connection to ${unreachable} failed: connect ECONNREFUSED ${unreachable})`,
    );
  });

  it("refuses appends once closing", async () => {
    const { log } = await startLog(thread);
    await log.close();

    await expect(log.appendEvents([checkIn("p", 1)])).rejects.toThrow(new AppendEventsError("the Kafka producer is shutting down"));
    expect(log.isReady()).toBe(false);
  });
});

describe.each(KAFKA_THREADS)("the event log with its producers on the %s thread over the broker's secure listeners", (thread) => {
  it.each(["saslSsl", "mtls"] as const)("appends and answers the positions over %s", async (listener) => {
    const { brokers, env } = secureListeners()[listener];
    const { log, reader, topicOf } = await startLog(thread, { brokers, connection: parseKafkaConnection(env, []) });
    const personId = `person-${randomUUID().slice(0, 8)}`;

    const positions = await log.appendEvents([checkIn(personId, 1), checkIn(personId, 2)]);

    const records = await reader.records(locationsTopic, personId);
    expect(records.map((r) => r.event.payload.case === "locationRecorded" && r.event.payload.value.latitude)).toEqual([1, 2]);
    expect(positions).toEqual([{ topic: topicOf(locationsTopic), partition: records[0]?.partition, nextOffset: 2n }]);
  });

  it("stays unready with a wrong password, saying the broker refused it", async () => {
    const { brokers, env } = secureListeners().saslSsl;
    const logger = recordingLogger();
    const log = createKafkaEventLog({
      thread,
      brokers,
      connection: parseKafkaConnection({ ...env, KAFKA_SASL_PASSWORD_FILE: undefined, KAFKA_SASL_PASSWORD: "not-the-password" }, []),
      clientId: "event-log-test-wrong-password",
      producers: 1,
      createTopics: true,
      topicNamespace: uniqueNamespace(),
      logger,
      appendTimeoutMs: 1_000,
      reconnectDelayMs: 200,
    });
    log.start();
    cleanups.push(() => log.close());

    const refused = await eventually(() => logger.lines.find((l) => l.message.includes("SASL authentication failed")) ?? fail("no warning yet"), {
      timeoutMs: 20_000,
    });
    expect(refused.message).toBe(
      // The admin's one retry (the default) is in the message: Kafka's refusal is not told apart from a retriable error.
      `Kafka not ready yet; retrying (metadata failed 2 times: Cannot connect to any broker: Connection to ${brokers} failed: SASL authentication failed ` +
        "(the broker refused the credentials: check KAFKA_SASL_USERNAME and the password))",
    );
    expect(log.isReady()).toBe(false);
  });
});

/** Positions sorted by topic and partition. */
function sorted(positions: readonly LogPosition[]): LogPosition[] {
  return [...positions].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}

/** Per partition holding records: the offset after its last one. */
function endsOf(records: readonly { partition: number; offset: string }[], topic: string): LogPosition[] {
  const ends = new Map<number, bigint>();
  for (const { partition, offset } of records) ends.set(partition, BigInt(offset) + 1n);
  return [...ends].sort(([a], [b]) => a - b).map(([partition, nextOffset]) => ({ topic, partition, nextOffset }));
}

/** The local broker's SASL_SSL and mTLS listeners, as `infra/local/services.sh env` prints them (the global setup exports them). */
function secureListeners() {
  const listeners = loadTestEnvironment().secureListeners;
  const missing = SECURE_LISTENER_VARIABLES.filter((name) => listeners[name] === undefined);
  if (missing.length > 0) {
    throw new Error(`${missing.join(", ")} not set: these tests need the local broker's SASL_SSL and mTLS listeners (infra/local/kafka.sh starts them)`);
  }
  const value = (name: (typeof SECURE_LISTENER_VARIABLES)[number]) => listeners[name] ?? "";
  return {
    saslSsl: {
      brokers: value("KAFKA_SASL_SSL_BROKERS"),
      env: {
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SSL_CA_FILE: value("KAFKA_LOCAL_CA_FILE"),
        KAFKA_SASL_MECHANISM: "scram-sha-512",
        KAFKA_SASL_USERNAME: value("KAFKA_LOCAL_SCRAM_USERNAME"),
        KAFKA_SASL_PASSWORD_FILE: value("KAFKA_LOCAL_SCRAM_PASSWORD_FILE"),
      } as Record<string, string | undefined>,
    },
    mtls: {
      brokers: value("KAFKA_MTLS_BROKERS"),
      env: {
        KAFKA_SECURITY_PROTOCOL: "SSL",
        KAFKA_SSL_CA_FILE: value("KAFKA_LOCAL_CA_FILE"),
        KAFKA_SSL_CERT_FILE: value("KAFKA_LOCAL_CLIENT_CERT_FILE"),
        KAFKA_SSL_KEY_FILE: value("KAFKA_LOCAL_CLIENT_KEY_FILE"),
      } as Record<string, string | undefined>,
    },
  };
}

function fail(reason: string): never {
  throw new Error(reason);
}
