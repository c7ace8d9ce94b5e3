import { randomUUID } from "node:crypto";
import type { Worker } from "node:worker_threads";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { allTopics, locationsTopic, topicName } from "@udaconnect/schemas";
import { createTopics, eventually, uniqueNamespace } from "@udaconnect/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { locationRecorded } from "../src/ingest/events";
import { assignPartitions } from "../src/kafka/partitions";
import { toTopicMessages } from "../src/kafka/topic-messages";
import { ProducerThread } from "../src/kafka/worker/producer-thread";
import { spawnProducerThread } from "../src/kafka/worker/spawn-producer-thread";
import { TopicReader } from "./topic-reader";

/**
 * The producer thread (INGEST_KAFKA_THREAD=worker) ending unasked, against the
 * real broker: the thread is ended from outside (Worker.terminate, as an
 * uncaught error or the thread running out of memory would end it) while a
 * send is in flight.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NOW = timestampFromDate(new Date("2024-05-01T12:00:00Z"));

describe("a producer thread that ends unasked", () => {
  it("fails the sends it had, saying so, and a new thread takes over: later sends are appended", async () => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
    const counts = new Map(allTopics.map((t) => [topicName(t, namespace), t.partitions]));
    const threads: Worker[] = [];
    const exits: string[] = [];
    const producers = new ProducerThread({
      settings: { brokers, clientId: "producer-thread-test", producers: 1 },
      hooks: {},
      warn: () => {},
      onThreadExit: (error) => exits.push(error.message),
      spawn: (settings) => {
        const thread = spawnProducerThread(settings);
        threads.push(thread);
        return thread;
      },
    });
    cleanups.push(() => producers.disconnect());
    await producers.connect(new AbortController().signal);
    const reader = await TopicReader.start(brokers, namespace);
    cleanups.push(() => reader.stop());
    const batch = (personId: string) => {
      const events = [1, 2].map((n) => locationRecorded({ eventId: randomUUID(), personId, latitude: n, longitude: 1, occurredAt: NOW }, NOW));
      return { ids: events.map((e) => e.event.eventId), placed: assignPartitions(toTopicMessages(events, namespace), counts) };
    };
    const inFlight = batch("person-a");
    const later = batch("person-b");

    const failed = producers.send(inFlight.placed).then(
      () => "acknowledged",
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
    void threads[0]?.terminate();

    expect(await failed).toBe("the Kafka producer thread exited unexpectedly (exit code 1); its sends may or may not have reached Kafka");
    expect(exits).toEqual([await failed]);
    const positions = await producers.send(later.placed);

    expect(threads).toHaveLength(2);
    expect(producers.isConnected()).toBe(true);
    const records = await eventually(
      async () => {
        const found = await reader.records(locationsTopic, "person-b");
        expect(found.map((r) => r.event.eventId)).toEqual(later.ids);
        return found;
      },
      { timeoutMs: 20_000 },
    );
    expect(positions).toEqual([
      { topic: topicName(locationsTopic, namespace), partition: records[0]?.partition, nextOffset: BigInt(records[1]?.offset ?? -1) + 1n },
    ]);
  });

  it("is not replaced once the event log closes: sends made after that fail as shutting down", async () => {
    const brokers = inject("kafkaBrokers");
    const threads: Worker[] = [];
    const producers = new ProducerThread({
      settings: { brokers, clientId: "producer-thread-test", producers: 1 },
      hooks: {},
      warn: () => {},
      onThreadExit: () => {},
      spawn: (settings) => {
        const thread = spawnProducerThread(settings);
        threads.push(thread);
        return thread;
      },
    });
    await producers.connect(new AbortController().signal);

    await producers.disconnect();

    await expect(producers.send([])).rejects.toThrow("the Kafka producer is shutting down");
    expect(threads).toHaveLength(1);
    expect(producers.isConnected()).toBe(false);
  });
});
