import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { locationsTopic } from "@udaconnect/schemas";
import { createTopics, eventually, uniqueNamespace } from "@udaconnect/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { locationRecorded } from "../src/ingest/events";
import { AppendEventsError, type OutgoingEvent } from "../src/ingest/ports";
import { createKafkaEventLog } from "../src/kafka/kafka-event-log";
import { recordingLogger } from "./recording-logger";
import { TopicReader } from "./topic-reader";

/**
 * Devices retry the same event ids while Kafka is away; each retry used to
 * start another background send, and every copy landed when Kafka returned
 * (chaos run: 43,001 records for 24,000 check-ins). A retry of an event id
 * whose append is still in flight now joins that append (docs/ingest.md,
 * "Idempotency, precisely").
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NOW = timestampFromDate(new Date("2024-05-01T12:00:00Z"));

function checkIns(n: number): OutgoingEvent[] {
  const personId = `person-${randomUUID().slice(0, 8)}`;
  return Array.from({ length: n }, (_, i) => locationRecorded({ eventId: randomUUID(), personId, latitude: i, longitude: 1, occurredAt: NOW }, NOW));
}

async function setUp(appendTimeoutMs: number, maxInFlightEventIds?: number) {
  const brokers = inject("kafkaBrokers");
  const namespace = uniqueNamespace();
  await createTopics(brokers, namespace);
  const log = createKafkaEventLog({
    brokers,
    clientId: "in-flight-test",
    thread: "main",
    producers: 1,
    createTopics: true,
    topicNamespace: namespace,
    logger: recordingLogger(),
    appendTimeoutMs,
    ...(maxInFlightEventIds === undefined ? {} : { maxInFlightEventIds }),
  });
  cleanups.push(() => log.close());
  const reader = await TopicReader.start(brokers, namespace);
  cleanups.push(() => reader.stop());
  const eventIdsInTopic = async () => (await reader.records(locationsTopic)).map((r) => r.event.eventId).sort();
  return { log, eventIdsInTopic };
}

describe("retries of event ids in flight", () => {
  it("append each event once when the retries came while Kafka was unreachable and every call timed out", async () => {
    const { log, eventIdsInTopic } = await setUp(150);
    const events = checkIns(3);

    // Kafka not reached yet (the log is not started): each call gives up after its deadline, its send waits on.
    for (let attempt = 0; attempt < 4; attempt++) {
      await expect(log.appendEvents(attempt === 2 ? events.slice(1) : events)).rejects.toThrow(AppendEventsError);
    }
    log.start();

    await eventually(async () => expect(await eventIdsInTopic()).toEqual(events.map((e) => e.event.eventId).sort()), { timeoutMs: 30_000 });
    await sleep(500);
    expect(await eventIdsInTopic()).toHaveLength(3);
  });

  it("answer a retry racing the first attempt with the first attempt's outcome; new ids in the same call are appended", async () => {
    const { log, eventIdsInTopic } = await setUp(10_000);
    log.start();
    const events = checkIns(2);
    const added = checkIns(1);

    const [first, retry, widened] = await Promise.all([log.appendEvents(events), log.appendEvents(events), log.appendEvents([...events, ...added])]);

    expect(retry).toEqual(first);
    expect(widened.length).toBeGreaterThan(0);
    expect(await eventIdsInTopic()).toEqual([...events, ...added].map((e) => e.event.eventId).sort());
  });

  it("remember at most maxInFlightEventIds: past it, a retry is appended again (readers deduplicate)", async () => {
    const { log, eventIdsInTopic } = await setUp(10_000, 1);
    log.start();
    const events = checkIns(2);

    await Promise.all([log.appendEvents(events), log.appendEvents(events)]);

    await eventually(async () => expect(await eventIdsInTopic()).toHaveLength(4), { timeoutMs: 20_000 });
  });
});
