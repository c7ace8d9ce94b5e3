import { setTimeout as sleep } from "node:timers/promises";
import type { Worker } from "node:worker_threads";
import type { LogPosition } from "@udaconnect/schemas";
import type { ProducerShardsHooks } from "../producer-shards";
import type { PartitionedProducers, TopicRecords } from "../record-producer";
import { encodeRecords } from "./record-batches";
import { spawnProducerThread } from "./spawn-producer-thread";
import { fromPlainError, type FromProducerThread, type ProducerThreadSettings, type ToProducerThread } from "./thread-messages";

/** Where warnings go: the gateway's logger. */
export type KafkaWarn = (fields: Record<string, unknown>, message: string) => void;

export interface ProducerThreadOptions {
  readonly settings: ProducerThreadSettings;
  readonly hooks: ProducerShardsHooks;
  /** Why connecting a replacement thread failed. */
  readonly warn: KafkaWarn;
  /** Hears a thread that ended unasked (its sends have failed with `error`); a new one is started. */
  readonly onThreadExit: (error: Error) => void;
  /** Pause before a second and later replacement within a minute (doubling, at most 30 s); default 1 s. */
  readonly restartDelayMs?: number;
  /** Starts a thread; default spawnProducerThread. */
  readonly spawn?: (settings: ProducerThreadSettings) => Worker;
}

interface Running {
  readonly worker: Worker;
  readonly pending: Map<number, { readonly resolve: (value: unknown) => void; readonly reject: (error: Error) => void }>;
  connected: boolean;
  /** Set before this side ends the thread, so its exit is no crash. */
  ending: boolean;
  failure?: Error;
}

/**
 * The producers in a worker thread (INGEST_KAFKA_THREAD=worker), so that the
 * Kafka client's encoding and I/O use the second core while the main thread
 * validates and serves calls. Each send posts its records as one transferred
 * buffer and resolves with the positions once the thread's producers have
 * Kafka's acks=all (the thread runs the same ProducerShards as the main thread
 * would: idempotence, one request in flight per producer, replacement of a
 * refused producer).
 *
 * A thread that ends unasked (an uncaught error, out of memory) fails every
 * send it had with an error saying so — the callers answer UNAVAILABLE and
 * their retries carry the same event ids — and is replaced by a new thread
 * (new producers, new producer ids), while isConnected() is false; sends made
 * meanwhile wait for it.
 */
export class ProducerThread implements PartitionedProducers {
  #thread: Running | undefined;
  #nextId = 0;
  #signal: AbortSignal = new AbortController().signal;
  #closing = false;
  #restarting = false;
  #exits: number[] = [];
  #connectedGate = gate();

  constructor(private readonly options: ProducerThreadOptions) {}

  async send(placed: readonly TopicRecords[]): Promise<LogPosition[]> {
    let thread = this.#thread;
    while (thread?.connected !== true) {
      if (this.#closing) throw new Error("the Kafka producer is shutting down");
      await this.#connectedGate.promise;
      thread = this.#thread;
    }
    const records = encodeRecords(placed);
    return (await this.#request(thread, { type: "send", records }, [records.buffer])) as LogPosition[];
  }

  async connect(signal: AbortSignal): Promise<void> {
    this.#signal = signal;
    const thread = this.#thread ?? this.#start();
    const abort = () => thread.worker.postMessage({ type: "abort-connect" } satisfies ToProducerThread);
    signal.addEventListener("abort", abort, { once: true });
    try {
      await this.#request(thread, { type: "connect" });
    } finally {
      signal.removeEventListener("abort", abort);
    }
    if (this.#thread === thread && !signal.aborted) {
      thread.connected = true;
      this.#connectedGate.open();
    }
  }

  isConnected(): boolean {
    return this.#thread?.connected === true;
  }

  async disconnect(): Promise<void> {
    this.#closing = true;
    this.#connectedGate.open();
    const thread = this.#thread;
    if (thread === undefined) return;
    try {
      await this.#request(thread, { type: "disconnect" });
    } finally {
      thread.ending = true;
      await thread.worker.terminate();
    }
  }

  #start(): Running {
    const worker = (this.options.spawn ?? spawnProducerThread)(this.options.settings);
    const thread: Running = { worker, pending: new Map(), connected: false, ending: false };
    this.#thread = thread;
    worker.on("message", (message: FromProducerThread) => this.#heard(thread, message));
    worker.on("error", (error) => {
      thread.failure = error;
    });
    worker.on("exit", (code) => this.#exited(thread, code));
    return thread;
  }

  #request(thread: Running, message: DistributiveOmit<ToProducerThread, "id">, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ ...message, id }, transfer);
    });
  }

  #heard(thread: Running, message: FromProducerThread): void {
    switch (message.type) {
      case "settled": {
        const waiting = thread.pending.get(message.id);
        thread.pending.delete(message.id);
        if (message.error === undefined) waiting?.resolve(message.positions);
        else waiting?.reject(fromPlainError(message.error));
        break;
      }
      case "acknowledged":
        this.options.hooks.onSendAcknowledged?.(message.seconds);
        break;
      case "reset":
        this.options.hooks.onProducerReset?.({ shard: message.shard, reason: message.reason, error: fromPlainError(message.error) });
        break;
    }
  }

  #exited(thread: Running, code: number): void {
    const unasked = !thread.ending && !this.#closing;
    const error = unasked
      ? new Error(
          `the Kafka producer thread exited unexpectedly (exit code ${code}${thread.failure ? `: ${thread.failure.message}` : ""}); its sends may or may not have reached Kafka`,
          { cause: thread.failure },
        )
      : new Error("the Kafka producer is shutting down");
    for (const { reject } of thread.pending.values()) reject(error);
    thread.pending.clear();
    if (this.#thread !== thread) return;
    this.#thread = undefined;
    if (!unasked) return;
    // Sends waiting for a thread that never connected wake, find none, and wait on the new gate:
    // were the old gate dropped unopened, they would wait forever, and so would every retry that joins them.
    const waiting = this.#connectedGate;
    this.#connectedGate = gate();
    waiting.open();
    this.options.onThreadExit(error);
    this.#exits = [...this.#exits.filter((at) => at > Date.now() - 60_000), Date.now()];
    if (!this.#restarting) void this.#restart();
  }

  /** Starts and connects a new thread, retrying until one is connected or the event log closes. */
  async #restart(): Promise<void> {
    this.#restarting = true;
    const delayMs = this.options.restartDelayMs ?? 1_000;
    while (!this.#closing && !this.#signal.aborted && this.#thread?.connected !== true) {
      const pause = this.#exits.length <= 1 ? 0 : Math.min(delayMs * 2 ** (this.#exits.length - 2), 30_000);
      await sleep(pause, undefined, { signal: this.#signal }).catch(() => {});
      if (this.#closing || this.#signal.aborted) break;
      try {
        await this.connect(this.#signal);
      } catch (error) {
        this.options.warn({ err: error }, "A new Kafka producer thread could not connect yet; retrying");
        await sleep(delayMs, undefined, { signal: this.#signal }).catch(() => {});
      }
    }
    this.#restarting = false;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function gate(): { readonly promise: Promise<void>; readonly open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
