import { setTimeout as delay } from "node:timers/promises";
import type { ConnectionPool, Consumer, RecordsBatch } from "@platformatic/kafka";
import type { Logger } from "@udaconnect/observability";
import type { PartitionCheckpoint } from "../projection/ports";
import { hasApiError } from "./client";
import type { ResumePositions } from "./resume-positions";

/** What one fetch returned for one partition: whole record batches, the first possibly starting before `fetchedOffset`. */
export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly fetchedOffset: bigint;
  readonly highWatermark: bigint;
  readonly batches: readonly RecordsBatch[];
}

export interface FetchLoopOptions {
  readonly consumer: Consumer;
  /** The fetches' own connections, so that a long poll never delays a heartbeat or an offset commit. */
  readonly pool: ConnectionPool;
  readonly topics: readonly string[];
  readonly positions: ResumePositions;
  /** Partitions handled at the same time (one database transaction each). */
  readonly concurrency: number;
  /** Projects one partition's records; a rejection leaves the partition where it was, to be fetched again. */
  readonly handle: (fetched: FetchedPartition) => Promise<void>;
  readonly logger: Logger;
  /** A failure retrying cannot cure (refused authorisation, say): the loop has stopped. */
  readonly onFatal: (error: Error) => void;
}

/** How long an empty fetch waits for records; also bounds how long stop() waits for it. */
const MAX_WAIT_MS = 1_000;
const PARTITION_MAX_BYTES = 1024 * 1024;
const MAX_BYTES = 10 * 1024 * 1024;
/** The pause after a failed fetch or batch, so that a lasting failure does not spin. */
const RETRY_PAUSE_MS = 1_000;
const TIMESTAMP_EARLIEST = -2n;

/**
 * Fetches the assigned partitions from their leaders, one request per leader at a time, and
 * hands each partition's records to `handle`; the next request to a leader
 * goes once every partition of the previous one has been handled, from the positions that
 * handling moved. The positions, not Kafka's committed offsets, say where each fetch starts.
 */
export class FetchLoop {
  readonly #options: FetchLoopOptions;
  readonly #limit: <T>(work: () => Promise<T>) => Promise<T>;
  /** Partitions of a request or batch in progress: not asked for again until it has ended. */
  readonly #inFlight = new Set<string>();
  #stopped = false;
  #wake: () => void = () => {};
  #woken: Promise<void>;

  constructor(options: FetchLoopOptions) {
    this.#options = options;
    this.#limit = limiter(options.concurrency);
    this.#woken = this.#nextWake();
  }

  /** Fetches until stop(); resolves once the requests and batches in progress have ended. */
  async run(): Promise<void> {
    const rounds = new Map<number, Promise<void>>();
    while (!this.#stopped) {
      const woken = this.#woken;
      try {
        for (const [node, partitions] of await this.#byLeader()) {
          if (!rounds.has(node)) {
            for (const p of partitions) this.#inFlight.add(partitionKey(p));
            rounds.set(
              node,
              this.#round(node, partitions).finally(() => {
                for (const p of partitions) this.#inFlight.delete(partitionKey(p));
                rounds.delete(node);
                this.wake();
              }),
            );
          }
        }
      } catch (error) {
        await this.#recover(error);
        continue;
      }
      await woken;
    }
    await Promise.allSettled(rounds.values());
  }

  /** Looks at the positions again (an assignment changed them). */
  wake(): void {
    const wake = this.#wake;
    this.#woken = this.#nextWake();
    wake();
  }

  /** No new request after this; run() resolves when the last one has been handled. */
  stop(): void {
    this.#stopped = true;
    this.wake();
  }

  #nextWake(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  async #byLeader(): Promise<Map<number, PartitionCheckpoint[]>> {
    const positions = this.#options.positions.current();
    const byLeader = new Map<number, PartitionCheckpoint[]>();
    if (positions.length === 0) return byLeader;
    const metadata = await this.#options.consumer.metadata({ topics: [...this.#options.topics] });
    for (const position of positions) {
      if (this.#inFlight.has(partitionKey(position))) continue;
      const leader = metadata.topics.get(position.topic)?.partitions[position.partition]?.leader ?? -1;
      if (leader < 0) throw new Error(`partition ${position.partition} of ${position.topic} has no leader`);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), position]);
    }
    return byLeader;
  }

  async #round(node: number, partitions: readonly PartitionCheckpoint[]): Promise<void> {
    let fetched: FetchedPartition[];
    try {
      fetched = await this.#fetch(node, partitions);
    } catch (error) {
      await this.#recover(error, partitions);
      return;
    }
    // Records of a partition revoked while the request was out belong to its new owner now.
    const assigned = fetched.filter((f) => this.#options.positions.holds(f.topic, f.partition));
    const outcomes = await Promise.allSettled(assigned.map((f) => this.#limit(() => this.#options.handle(f))));
    if (outcomes.some((o) => o.status === "rejected") && !this.#stopped) {
      await delay(RETRY_PAUSE_MS);
    }
  }

  async #fetch(node: number, partitions: readonly PartitionCheckpoint[]): Promise<FetchedPartition[]> {
    const { consumer, pool } = this.#options;
    const metadata = await consumer.metadata({ topics: [...this.#options.topics] });
    const names = new Map([...metadata.topics].map(([name, topic]) => [topic.id, name]));
    const byTopic = new Map<string, PartitionCheckpoint[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
    const response = await consumer.fetch({
      node,
      connectionPool: pool,
      maxWaitTime: MAX_WAIT_MS,
      minBytes: 1,
      maxBytes: MAX_BYTES,
      topics: [...byTopic].map(([topic, positions]) => ({
        topicId: metadata.topics.get(topic)?.id ?? "",
        partitions: positions.map((p) => ({
          partition: p.partition,
          fetchOffset: p.nextOffset,
          currentLeaderEpoch: -1,
          lastFetchedEpoch: -1,
          partitionMaxBytes: PARTITION_MAX_BYTES,
        })),
      })),
    });
    const from = new Map(partitions.map((p) => [partitionKey(p), p.nextOffset]));
    return response.responses.flatMap(({ topicId, partitions: answers }) => {
      const topic = names.get(topicId) ?? "";
      return answers
        .filter((a) => (a.records?.length ?? 0) > 0)
        .map((a) => ({
          topic,
          partition: a.partitionIndex,
          fetchedOffset: from.get(partitionKey({ topic, partition: a.partitionIndex })) ?? 0n,
          highWatermark: a.highWatermark,
          batches: a.records ?? [],
        }));
    });
  }

  async #recover(error: unknown, partitions: readonly PartitionCheckpoint[] = []): Promise<void> {
    if (this.#stopped) return;
    const { consumer, logger } = this.#options;
    if (hasApiError(error, "OFFSET_OUT_OF_RANGE")) {
      await this.#skipDeleted(partitions).catch((cause: unknown) => logger.warn({ err: cause }, "could not look up where the log starts"));
    } else if (isFatal(error)) {
      this.#stopped = true;
      this.wake();
      this.#options.onFatal(error instanceof Error ? error : new Error(String(error)));
      return;
    } else {
      logger.warn({ err: error }, "fetching from Kafka failed; trying again");
    }
    consumer.clearMetadata();
    await delay(RETRY_PAUSE_MS);
  }

  /** Retention deleted records never projected (the log is meant to be kept): go on from the first one left. */
  async #skipDeleted(partitions: readonly PartitionCheckpoint[]): Promise<void> {
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const earliest = await this.#options.consumer.listOffsets({ topics, timestamp: TIMESTAMP_EARLIEST });
    for (const p of partitions) {
      const first = earliest.get(p.topic)?.[p.partition];
      if (first !== undefined && first > p.nextOffset) {
        this.#options.positions.moveTo({ ...p, nextOffset: first });
      }
    }
  }
}

function partitionKey({ topic, partition }: { readonly topic: string; readonly partition: number }): string {
  return `${topic}/${partition}`;
}

/**
 * A refusal retrying cannot cure: wrong credentials, or an error Kafka itself calls final (no
 * authorisation on the topic or group). Lost connections, timeouts and moved leaders are retried.
 */
function isFatal(error: unknown): boolean {
  const findBy = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy;
  if (typeof findBy !== "function") return false;
  const final = findBy.call(error, "canRetry", false) as { code?: string } | null;
  return final?.code === "PLT_KFK_AUTHENTICATION" || final?.code === "PLT_KFK_PROTOCOL";
}

/** Runs at most `n` of the works given to it at once, the others waiting in order. */
function limiter(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (active < n) active++;
    // Else the slot of a work that ends is handed over, never given up in between.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active--;
      else next();
    }
  };
}
