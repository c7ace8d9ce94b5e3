import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import {
  CheckInResultSchema,
  CheckInResult_Status,
  StreamCheckInsResponseSchema,
  encodeConsistencyToken,
  type CheckInResult,
  type StreamCheckInsRequest,
  type StreamCheckInsResponse,
} from "@udaconnect/schemas";
import type { Caller } from "../ingest/access";
import type { IngestDependencies } from "../ingest/ports";
import { MAX_CHECK_INS_PER_BATCH, decideBatch, type CheckInStatus } from "../ingest/stream-check-ins";
import type { Authenticate } from "./authenticate";
import type { BatchSlots } from "./batch-slots";
import type { IngestMetrics } from "./metrics";
import { PendingBatches } from "./pending-batches";

export interface StreamLimits {
  /** Batches of one stream waiting for Kafka before the gateway stops reading that stream. */
  readonly inFlightPerStream: number;
  /** A stream is ended (RESOURCE_EXHAUSTED, after acking what it sent) once open this long. */
  readonly maxStreamMs: number;
}

export interface StreamContext {
  readonly deps: IngestDependencies;
  readonly authenticate: Authenticate;
  readonly slots: BatchSlots;
  readonly metrics: IngestMetrics;
  readonly limits: StreamLimits;
  /** Aborted when the gateway begins to drain. */
  readonly draining: AbortSignal;
  readonly isDraining: () => boolean;
}

const STATUS = {
  accepted: CheckInResult_Status.ACCEPTED,
  duplicate: CheckInResult_Status.DUPLICATE,
  rejected: CheckInResult_Status.REJECTED,
} satisfies Record<CheckInStatus, CheckInResult_Status>;

const CHECK_IN_RESULT = CheckInResultSchema.typeName;

type Next = { kind: "message"; result: IteratorResult<StreamCheckInsRequest> } | { kind: "acked" } | { kind: "drain" } | { kind: "expired" };

/**
 * StreamCheckIns: reads batches, appends each one's accepted check-ins and
 * answers every batch in order once Kafka has them. Up to
 * `inFlightPerStream` batches wait for Kafka at once. On drain, a time
 * limit or an over-long batch, the batches read so far are still answered,
 * then the stream ends with a status saying why.
 */
export function streamCheckInsHandler(ctx: StreamContext) {
  return async function* (requests: AsyncIterable<StreamCheckInsRequest>, context: HandlerContext): AsyncGenerator<StreamCheckInsResponse> {
    refuseIfDraining(ctx);
    const caller = await ctx.authenticate(context.requestHeader);
    const iterator = requests[Symbol.asyncIterator]();
    const stop = streamStop(ctx.draining, ctx.limits.maxStreamMs, context.signal);
    const pending = new PendingBatches();
    let next = iterator.next();
    try {
      for (;;) {
        const head = pending.head();
        if (head !== undefined && pending.size >= ctx.limits.inFlightPerStream) {
          yield await pending.shift();
          continue;
        }
        const event = await nextEvent(next, head, stop.signal);
        if (event.kind === "acked") {
          yield await pending.shift();
          continue;
        }
        if (event.kind === "message" && !event.result.done && event.result.value.checkIns.length <= MAX_CHECK_INS_PER_BATCH) {
          const ids = event.result.value.checkIns.map((c) => c.eventId.toLowerCase()).filter((id) => id !== "");
          // A retry of a check-in still in flight waits for its outcome, so it can be answered DUPLICATE.
          while (pending.holdsAny(ids)) {
            yield await pending.shift();
          }
          await ctx.slots.acquire();
          pending.push(quiet(answerBatch(event.result.value, caller, ctx)), ids);
          next = iterator.next();
          continue;
        }
        while (pending.size > 0) {
          yield await pending.shift();
        }
        if (event.kind === "message" && event.result.done) {
          return;
        }
        throw endOfStream(event);
      }
    } finally {
      stop.dispose();
    }
  };
}

async function answerBatch(request: StreamCheckInsRequest, caller: Caller, ctx: StreamContext): Promise<StreamCheckInsResponse> {
  ctx.metrics.batchStarted();
  try {
    // Only what the answer needs is used after the await: the decoded request and its events are not kept
    // alive while Kafka acknowledges (~100 ms), so they die young instead of filling the old generation.
    const { batchId } = request;
    const { verdicts, events } = decideBatch(request.checkIns, caller, ctx.deps);
    const positions = await ctx.deps.appendEvents(events);
    ctx.deps.seenEventIds.add(verdicts.filter((v) => v.status === "accepted").map((v) => v.eventId));
    ctx.metrics.countVerdicts(verdicts);
    // Message literals (every field set), which create() takes as they are instead of building each result by reflection.
    const results = verdicts.map(
      (v): CheckInResult => ({ $typeName: CHECK_IN_RESULT, eventId: v.eventId, status: STATUS[v.status], reason: v.reason, detail: v.detail }),
    );
    const consistencyToken = positions.length > 0 ? encodeConsistencyToken(positions) : "";
    return create(StreamCheckInsResponseSchema, { batchId, results, consistencyToken });
  } finally {
    ctx.metrics.batchEnded();
    ctx.slots.release();
  }
}

function endOfStream(event: Exclude<Next, { kind: "acked" }>): ConnectError {
  if (event.kind === "drain") {
    return new ConnectError("the gateway is shutting down; reconnect and resend the batches not answered", Code.Unavailable);
  }
  if (event.kind === "expired") {
    return new ConnectError("the stream reached its time limit; open a new one and resend the batches not answered", Code.ResourceExhausted);
  }
  return new ConnectError(
    `a StreamCheckIns batch may carry at most ${MAX_CHECK_INS_PER_BATCH} check-ins; split it (batches before it were answered)`,
    Code.ResourceExhausted,
  );
}

export function refuseIfDraining(ctx: { readonly isDraining: () => boolean }): void {
  if (ctx.isDraining()) {
    throw new ConnectError("the gateway is shutting down; retry on another instance", Code.Unavailable);
  }
}

/** Why a stream stops waiting for its next event: the gateway drains, or the stream reached its time limit. */
type StopReason = "drain" | "expired";

/**
 * A signal aborted (with a StopReason) when the gateway drains or the stream has been open
 * `maxStreamMs`: one listener on the gateway's signal and one timer per stream, both gone
 * once the stream ends or its call is cancelled.
 */
function streamStop(draining: AbortSignal, maxStreamMs: number, call: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const stop = new AbortController();
  const onDrain = () => stop.abort("drain" satisfies StopReason);
  const timer = setTimeout(() => stop.abort("expired" satisfies StopReason), maxStreamMs).unref();
  const dispose = () => {
    clearTimeout(timer);
    draining.removeEventListener("abort", onDrain);
    call.removeEventListener("abort", dispose);
  };
  if (draining.aborted) onDrain();
  else draining.addEventListener("abort", onDrain, { once: true });
  call.addEventListener("abort", dispose, { once: true });
  return { signal: stop.signal, dispose };
}

/**
 * Whichever comes first: the next request, the oldest batch settling, or the stream's stop;
 * a request or a settled batch already there wins over the stop, so what a stream had sent is
 * still answered when the gateway drains. Not Promise.race over the stop: a race leaves a
 * reaction on every promise it was given until that promise settles, and most streams never
 * stop: a few hundred bytes per batch that stayed until the gateway drained. Here the stop's
 * listener is removed as soon as this wait ends; `next` and `head` settle within the stream.
 */
function nextEvent(next: Promise<IteratorResult<StreamCheckInsRequest>>, head: Promise<unknown> | undefined, stop: AbortSignal): Promise<Next> {
  return new Promise<Next>((resolve, reject) => {
    const onStop = () => finish({ kind: stop.reason === "drain" ? "drain" : "expired" });
    const finish = (event: Next) => {
      stop.removeEventListener("abort", onStop);
      resolve(event);
    };
    next.then(
      (result) => finish({ kind: "message", result }),
      (error: unknown) => {
        stop.removeEventListener("abort", onStop);
        reject(error);
      },
    );
    head?.then(
      () => finish({ kind: "acked" }),
      () => finish({ kind: "acked" }),
    );
    // Queued after the reactions above, so that a request or an acknowledgement already there comes first.
    if (stop.aborted) queueMicrotask(onStop);
    else stop.addEventListener("abort", onStop, { once: true });
  });
}

/** A batch's failure surfaces when its turn to be answered comes; until then it must not count as unhandled. */
function quiet<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
