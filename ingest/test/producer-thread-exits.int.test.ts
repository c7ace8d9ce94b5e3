import { randomUUID } from "node:crypto";
import type { Worker } from "node:worker_threads";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { locationsTopic, topicName, type LogPosition } from "@udaconnect/schemas";
import { createTopics, eventually, uniqueNamespace } from "@udaconnect/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { locationRecorded } from "../src/ingest/events";
import { AppendEventsError, type AppendEvents } from "../src/ingest/ports";
import { createKafkaEventLog } from "../src/kafka/kafka-event-log";
import { spawnProducerThread } from "../src/kafka/worker/spawn-producer-thread";
import { recordingLogger } from "./recording-logger";
import { TopicReader } from "./topic-reader";

/**
 * The event log with its producers in a worker thread (INGEST_KAFKA_THREAD=worker) while that
 * thread ends unasked under load, against the real broker: the first thread is ended with sends
 * in flight, its replacement ends before it has connected (as a thread that keeps crashing
 * would), the third one stays. Writers append like devices: a failed append is sent again with
 * the same event ids until it is acknowledged.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NOW = timestampFromDate(new Date("2024-05-01T12:00:00Z"));
const APPEND_TIMEOUT_MS = 3_000;
/** What an append may take beyond its deadline on a loaded machine before it counts as hanging. */
const SLACK_MS = 2_000;
/** A writer gives its batch up after retrying this long: an append that can never be acknowledged. */
const GIVE_UP_MS = 40_000;
const WRITERS = 8;
const BATCHES = 12;
const EVENTS_PER_BATCH = 20;
/** Acknowledged appends before the first thread is ended. */
const ENDED_AFTER = 10;

interface Outcomes {
  readonly acknowledged: { readonly ids: readonly string[]; readonly positions: readonly LogPosition[] }[];
  readonly failures: { readonly ms: number; readonly error: unknown }[];
  readonly givenUp: string[];
}

describe("a producer thread that ends again and again under load", () => {
  it("loses no acknowledged event, fails an append it cannot make with an error within the deadline, and acknowledges every retried append", async () => {
    const brokers = inject("kafkaBrokers");
    const namespace = uniqueNamespace();
    await createTopics(brokers, namespace);
    const threads: Worker[] = [];
    const resets: string[] = [];
    const log = createKafkaEventLog({
      thread: "worker",
      brokers,
      clientId: "producer-thread-exits-test",
      createTopics: true,
      topicNamespace: namespace,
      logger: recordingLogger(),
      appendTimeoutMs: APPEND_TIMEOUT_MS,
      reconnectDelayMs: 200,
      producers: 2,
      onProducerReset: (reason) => resets.push(reason),
      spawnProducerThread: (settings) => {
        const thread = spawnProducerThread(settings);
        threads.push(thread);
        if (threads.length === 2) thread.once("online", () => void thread.terminate());
        return thread;
      },
    });
    log.start();
    cleanups.push(() => log.close());
    await eventually(() => expect(log.isReady()).toBe(true), { timeoutMs: 30_000 });
    const reader = await TopicReader.start(brokers, namespace);
    cleanups.push(() => reader.stop());

    const outcomes: Outcomes = { acknowledged: [], failures: [], givenUp: [] };
    const onAcknowledged = () => {
      if (outcomes.acknowledged.length === ENDED_AFTER) void threads[0]?.terminate();
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => write(log.appendEvents, `person-${w}-${randomUUID().slice(0, 8)}`, outcomes, onAcknowledged)));

    expect(outcomes.givenUp).toEqual([]);
    expect(outcomes.acknowledged).toHaveLength(WRITERS * BATCHES);
    expect(outcomes.failures.filter((f) => !(f.error instanceof AppendEventsError))).toEqual([]);
    expect(outcomes.failures.filter((f) => f.ms > APPEND_TIMEOUT_MS + SLACK_MS)).toEqual([]);
    // The first thread was ended with sends in flight: they failed saying so.
    expect(outcomes.failures.map((f) => String((f.error as Error).cause))).toContain(
      "Error: the Kafka producer thread exited unexpectedly (exit code 1); its sends may or may not have reached Kafka",
    );
    expect(resets).toEqual(["PRODUCER_THREAD_EXITED", "PRODUCER_THREAD_EXITED"]);
    expect(threads).toHaveLength(3);
    expect(log.isReady()).toBe(true);
    const records = await reader.records(locationsTopic);
    const appended = new Map(records.map((r) => [r.event.eventId, r]));
    expect(outcomes.acknowledged.flatMap((a) => a.ids).filter((id) => !appended.has(id))).toEqual([]);
    const topic = topicName(locationsTopic, namespace);
    for (const { ids, positions } of outcomes.acknowledged) {
      // Each batch is one person's, so one partition, and the answer's offset lies past every one of its records.
      const [position] = positions;
      expect(positions).toEqual([{ topic, partition: appended.get(ids[0] ?? "")?.partition, nextOffset: position?.nextOffset }]);
      for (const id of ids) {
        expect(BigInt(appended.get(id)?.offset ?? -1)).toBeLessThan(position?.nextOffset ?? 0n);
      }
    }
  }, 180_000);
});

/** One device: its person's batches one after the other, each sent again (same event ids) until acknowledged. */
async function write(append: AppendEvents, personId: string, outcomes: Outcomes, onAcknowledged: () => void): Promise<void> {
  for (let batch = 0; batch < BATCHES; batch++) {
    const events = Array.from({ length: EVENTS_PER_BATCH }, (_, n) =>
      locationRecorded({ eventId: randomUUID(), personId, latitude: batch, longitude: n, occurredAt: NOW }, NOW),
    );
    const first = Date.now();
    for (;;) {
      const started = Date.now();
      try {
        const positions = await append(events);
        outcomes.acknowledged.push({ ids: events.map((e) => e.event.eventId), positions });
        onAcknowledged();
        break;
      } catch (error) {
        outcomes.failures.push({ ms: Date.now() - started, error });
        if (Date.now() - first > GIVE_UP_MS) {
          outcomes.givenUp.push(`${personId} batch ${batch}`);
          return;
        }
      }
    }
  }
}
