import { setTimeout as sleep } from "node:timers/promises";
import { createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CheckInResult_Status, IngestService, type StreamCheckInsResponse } from "@udaconnect/schemas";
import { backoffMs } from "./backoff";
import { CheckInQueue } from "./check-in-queue";
import { HighestPositions } from "./consistency-tokens";
import { Signal } from "./signal";
import type { QueueStorage } from "./storage";
import { runSession, type SessionSettings } from "./stream-session";
import { uuidv7 } from "./uuidv7";

export interface DeviceClientOptions {
  /** The gateway's base URL, e.g. "http://127.0.0.1:50051" (gRPC over HTTP/2). */
  readonly gatewayUrl: string;
  /** The device's bearer token, or a function asked for one at each (re)connection. */
  readonly token?: string | (() => string | Promise<string>);
  /** Where the queue survives restarts: fileStorage(dir) on Node, memoryStorage() in tests. */
  readonly storage: QueueStorage;
  /** Check-ins kept at most; beyond, new ones are dropped and counted. Default 10,000. */
  readonly maxQueued?: number;
  /** Check-ins per StreamCheckIns batch (the gateway takes at most 500). Default 200. */
  readonly batchSize?: number;
  /** Batches sent before their answer arrives. Default 4. */
  readonly maxInFlightBatches?: number;
  /** Pause after the first check-in of a quiet spell, so a batch can fill. Default 50 ms. */
  readonly lingerMs?: number;
  /** Reconnection backoff: full jitter between 0 and min(maxMs, baseMs·2^attempt). Defaults 200 ms, 30 s. */
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number };
  /** Hears every drop, rejection and connection failure as it happens. */
  readonly onReport?: (report: DeviceReport) => void;
  /**
   * Hears each batch the gateway answered, once that answer is on disk, in batch order, with
   * the batch's consistency token (for the query API's `consistent_with`).
   */
  readonly onAcknowledged?: (acknowledgement: BatchAcknowledgement) => void;
  /** Replaces the gRPC transport (e.g. a Connect transport). */
  readonly transport?: Transport;
}

export type DeviceReport =
  | { readonly kind: "dropped"; readonly total: number }
  | { readonly kind: "rejected"; readonly eventId: string; readonly reason: string; readonly detail: string }
  | { readonly kind: "connection-failed"; readonly error: string; readonly retryInMs: number };

/** One batch the gateway answered: its check-ins are out of the queue for good. */
export interface BatchAcknowledgement {
  /** Appended now. */
  readonly accepted: readonly string[];
  /** Appended by an earlier attempt whose answer was lost (a broken stream, a restart): no token names them. */
  readonly duplicates: readonly string[];
  /** Refused, each also reported to `onReport` with its reason. */
  readonly rejected: readonly string[];
  /** Covers the accepted check-ins; undefined when the batch appended none. */
  readonly consistencyToken: string | undefined;
}

export interface CheckInInput {
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  /** Default: now. */
  readonly occurredAt?: Date;
  readonly accuracyM?: number;
}

export interface DeviceStats {
  /** Waiting for an acknowledgement (on disk or about to be). */
  readonly queued: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  /** Dropped because the queue was full, over the queue's whole life (persisted). */
  readonly dropped: number;
  readonly connectionFailures: number;
  readonly lastError: string | undefined;
}

export interface DeviceClient {
  /** Queues a check-in and returns its event id, or undefined when the queue is full (counted in `dropped`). Never waits. */
  checkIn(input: CheckInInput): string | undefined;
  /** Resolves once every check-in queued so far is on disk (it then survives a crash). */
  written(): Promise<void>;
  /** Resolves true once every check-in queued so far is acknowledged, false if `timeoutMs` passes first. */
  flush(timeoutMs: number): Promise<boolean>;
  /** flush(timeoutMs), then stops sending and closes the storage; what is left stays queued for the next start. */
  close(timeoutMs: number): Promise<boolean>;
  /**
   * One consistency token covering every check-in this client has had accepted since it was
   * created (the highest log position per partition of all its batches), or undefined before
   * the first. After `await flush(…)` it covers everything flushed: pass it as the query API's
   * `consistent_with` to read your own check-ins.
   */
  consistencyToken(): string | undefined;
  stats(): DeviceStats;
}

/** Opens the queue (resuming what a previous run left) and starts sending in the background. */
export async function createDeviceClient(options: DeviceClientOptions): Promise<DeviceClient> {
  const queue = await CheckInQueue.open(options.storage, options.maxQueued ?? 10_000);
  return new Device(queue, options);
}

class Device implements DeviceClient {
  readonly #wake = new Signal();
  readonly #acked = new Signal();
  readonly #stop = new AbortController();
  readonly #client;
  readonly #running: Promise<void>;
  readonly #written = new HighestPositions();
  #stats = { accepted: 0, duplicates: 0, rejected: 0, connectionFailures: 0, lastError: undefined as string | undefined };
  #closing: Promise<boolean> | undefined;

  constructor(
    private readonly queue: CheckInQueue,
    private readonly options: DeviceClientOptions,
  ) {
    this.#client = createClient(IngestService, options.transport ?? createGrpcTransport({ baseUrl: options.gatewayUrl }));
    queue.onDurable = () => this.#wake.notify();
    this.#running = this.#sendForever();
  }

  checkIn(input: CheckInInput): string | undefined {
    if (this.#closing !== undefined) throw new Error("the device client is closed");
    const occurredAtMs = (input.occurredAt ?? new Date()).getTime();
    const eventId = uuidv7();
    const { accuracyM, personId, latitude, longitude } = input;
    const added = this.queue.add({ eventId, personId, latitude, longitude, occurredAtMs, ...(accuracyM === undefined ? {} : { accuracyM }) });
    if (!added) {
      this.options.onReport?.({ kind: "dropped", total: this.queue.dropped });
      return undefined;
    }
    return eventId;
  }

  written(): Promise<void> {
    return this.queue.written();
  }

  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = sleep(timeoutMs, false, { ref: false });
    const emptied = (async () => {
      await this.queue.written();
      while (this.queue.length > 0) await this.#acked.wait();
      return true;
    })();
    return Promise.race([emptied, deadline]);
  }

  close(timeoutMs: number): Promise<boolean> {
    this.#closing ??= (async () => {
      const flushed = await this.flush(timeoutMs);
      this.#stop.abort();
      this.#wake.notify();
      await this.#running;
      await this.queue.close();
      return flushed;
    })();
    return this.#closing;
  }

  consistencyToken(): string | undefined {
    return this.#written.token();
  }

  stats(): DeviceStats {
    return { queued: this.queue.length, dropped: this.queue.dropped, ...this.#stats };
  }

  async #sendForever(): Promise<void> {
    let attempt = 0;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      if (this.queue.durableLength === 0) {
        await this.#wake.wait();
        await sleep(this.options.lingerMs ?? 50, undefined, { signal }).catch(() => {});
        continue;
      }
      try {
        await runSession(this.#client, this.queue, this.#wake, await this.#settings(), (r) => this.#tally(r));
        attempt = 0;
      } catch (error) {
        if (signal.aborted) break;
        const retryInMs = backoffMs(attempt++, this.options.backoff?.baseMs ?? 200, this.options.backoff?.maxMs ?? 30_000);
        this.#stats.connectionFailures++;
        this.#stats.lastError = error instanceof Error ? error.message : String(error);
        this.options.onReport?.({ kind: "connection-failed", error: this.#stats.lastError, retryInMs });
        await sleep(retryInMs, undefined, { signal }).catch(() => {});
      }
    }
  }

  async #settings(): Promise<SessionSettings> {
    const token = typeof this.options.token === "function" ? await this.options.token() : this.options.token;
    return {
      batchSize: this.options.batchSize ?? 200,
      maxInFlightBatches: this.options.maxInFlightBatches ?? 4,
      headers: token === undefined ? {} : ({ authorization: `Bearer ${token}` } as Record<string, string>),
      signal: this.#stop.signal,
      preEncode: this.options.transport === undefined,
    };
  }

  #tally(response: StreamCheckInsResponse): void {
    const acknowledgement = { accepted: [] as string[], duplicates: [] as string[], rejected: [] as string[] };
    for (const result of response.results) {
      if (result.status === CheckInResult_Status.ACCEPTED) {
        this.#stats.accepted++;
        acknowledgement.accepted.push(result.eventId);
      } else if (result.status === CheckInResult_Status.DUPLICATE) {
        this.#stats.duplicates++;
        acknowledgement.duplicates.push(result.eventId);
      } else {
        this.#stats.rejected++;
        acknowledgement.rejected.push(result.eventId);
        this.options.onReport?.({ kind: "rejected", eventId: result.eventId, reason: result.reason, detail: result.detail });
      }
    }
    // Before flush() can resolve (it wakes on #acked): a token read right after it covers this batch.
    this.#written.add(response.consistencyToken);
    this.options.onAcknowledged?.({ ...acknowledgement, consistencyToken: response.consistencyToken || undefined });
    this.#acked.notify();
  }
}
