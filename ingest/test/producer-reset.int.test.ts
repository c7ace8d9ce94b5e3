import { randomUUID } from "node:crypto";
import { ResponseError } from "@platformatic/kafka";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { allTopics, locationsTopic, topicName } from "@udaconnect/schemas";
import { createTopics, eventually, uniqueNamespace } from "@udaconnect/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { locationRecorded } from "../src/ingest/events";
import { assignPartitions } from "../src/kafka/partitions";
import { platformaticProducer } from "../src/kafka/platformatic/platformatic-producer";
import { ProducerShards } from "../src/kafka/producer-shards";
import { producerStateLost } from "../src/kafka/producer-state-lost";
import type { RecordProducer } from "../src/kafka/record-producer";
import { toTopicMessages } from "../src/kafka/topic-messages";
import { TopicReader } from "./topic-reader";

/**
 * A producer whose sequence numbers the broker no longer accepts (what a
 * broker SIGKILL + restart left behind once in the chaos runs: every send then
 * failed with OUT_OF_ORDER_SEQUENCE_NUMBER). Restarting a broker inside a test
 * is too heavy and the client does not let a test set a stale sequence, so
 * the stuck producer is the real adapter whose sends fail with the client's
 * own error object for Kafka's error code, exactly as the client raises it;
 * the replacement producers are the real adapter against the real broker.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NOW = timestampFromDate(new Date("2024-05-01T12:00:00Z"));
/** The error @platformatic/kafka's send rejects with for a Kafka error code in a Produce response. */
function platformaticError(code: number): Error {
  return new ResponseError(0, 9, { "/udaconnect.locations/0": [code, null] }, undefined);
}

function stuck(producer: RecordProducer, error: () => Error): RecordProducer {
  return { ...producer, send: () => Promise.reject(error()) };
}

describe("producerStateLost", () => {
  it.each([
    [45, "OUT_OF_ORDER_SEQUENCE_NUMBER"],
    [59, "UNKNOWN_PRODUCER_ID"],
    [47, "INVALID_PRODUCER_EPOCH"],
  ])("recognises Kafka error %i as %s", (code, name) => {
    expect(producerStateLost(platformaticError(code))).toBe(name);
  });

  it("leaves other errors to the client's own retries (a producer that is merely disconnected or timed out goes on)", () => {
    expect(producerStateLost(platformaticError(6))).toBeUndefined(); // NOT_LEADER_OR_FOLLOWER
    expect(producerStateLost(platformaticError(7))).toBeUndefined(); // REQUEST_TIMED_OUT
    expect(producerStateLost(new Error("Connection closed"))).toBeUndefined();
  });
});

describe("a shard whose producer Kafka refuses", () => {
  it("goes on with a new producer: the batches waiting behind the refused send are appended, and the reset is heard once", async () => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
    const counts = new Map(allTopics.map((t) => [topicName(t, namespace), t.partitions]));
    const real = (): RecordProducer => platformaticProducer({ brokers, clientId: "producer-reset-test" });
    const error = () => platformaticError(45);
    let made = 0;
    const resets: string[] = [];
    const shards = new ProducerShards(() => (made++ === 0 ? stuck(real(), error) : real()), 1, {
      onProducerReset: ({ reason }) => resets.push(reason),
    });
    cleanups.push(() => shards.disconnect());
    await shards.connect(new AbortController().signal);
    const reader = await TopicReader.start(brokers, namespace);
    cleanups.push(() => reader.stop());
    const batch = (personId: string) => {
      const events = [1, 2].map((n) => locationRecorded({ eventId: randomUUID(), personId, latitude: n, longitude: 1, occurredAt: NOW }, NOW));
      return { ids: events.map((e) => e.event.eventId), placed: assignPartitions(toTopicMessages(events, namespace), counts) };
    };
    const refused = batch("person-a");
    const waiting = batch("person-b");
    const later = batch("person-c");

    const outcomes = await Promise.allSettled([shards.send(refused.placed), shards.send(waiting.placed)]);
    await shards.send(later.placed);

    expect(outcomes[0]).toMatchObject({ status: "rejected" });
    expect(outcomes[1]).toMatchObject({ status: "fulfilled" });
    expect(resets).toEqual(["OUT_OF_ORDER_SEQUENCE_NUMBER"]);
    expect(made).toBe(2);
    await eventually(
      async () => {
        const ids = (await reader.records(locationsTopic)).map((r) => r.event.eventId).sort();
        expect(ids).toEqual([...waiting.ids, ...later.ids].sort());
      },
      { timeoutMs: 20_000 },
    );
  });
});
