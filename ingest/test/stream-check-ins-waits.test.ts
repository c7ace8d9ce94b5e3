import { getEventListeners } from "node:events";
import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { StreamCheckInsRequestSchema, type StreamCheckInsRequest, type StreamCheckInsResponse } from "@udaconnect/schemas";
import { describe, expect, it, onTestFinished } from "vitest";
import { BatchSlots } from "../src/http/batch-slots";
import { IngestMetrics } from "../src/http/metrics";
import { streamCheckInsHandler } from "../src/http/stream-check-ins-handler";
import { RecentEventIds } from "../src/ingest/recent-event-ids";
import { checkIn, fixedClock, sequentialIds } from "./fakes";

/** The handler alone, with an event log that acknowledges at once: what its waits leave behind, not what Kafka does. */
function handlerWith(draining: AbortSignal) {
  return streamCheckInsHandler({
    deps: {
      appendEvents: async (events) => events.map((_, i) => ({ topic: "locations", partition: 0, nextOffset: BigInt(i + 1) })),
      now: fixedClock,
      newId: sequentialIds(),
      maxCheckInAgeMs: 86_400_000,
      seenEventIds: new RecentEventIds(1_000),
      destroyPersonKey: async () => {},
    },
    authenticate: async () => "anyone",
    slots: new BatchSlots(16),
    metrics: new IngestMetrics(),
    limits: { inFlightPerStream: 4, maxStreamMs: 3_600_000 },
    draining,
    isDraining: () => draining.aborted,
  });
}

/** A stream the test feeds one batch at a time, reading each answer before sending the next. */
function openStream(draining: AbortSignal) {
  const call = new AbortController();
  let deliver: (request: IteratorResult<StreamCheckInsRequest>) => void = () => {};
  const requests: AsyncIterable<StreamCheckInsRequest> = {
    [Symbol.asyncIterator]: () => ({ next: () => new Promise((resolve) => (deliver = resolve)) }),
  };
  const context = { requestHeader: new Headers(), signal: call.signal } as unknown as HandlerContext;
  const responses: AsyncGenerator<StreamCheckInsResponse> = handlerWith(draining)(requests, context);
  return {
    async send(batchId: number): Promise<StreamCheckInsResponse> {
      const answer = responses.next();
      // Let the handler reach its wait for this request first.
      await new Promise((resolve) => setImmediate(resolve));
      deliver({ done: false, value: create(StreamCheckInsRequestSchema, { batchId: BigInt(batchId), checkIns: [checkIn({ personId: `p-${batchId}` })] }) });
      const { value } = await answer;
      return value as StreamCheckInsResponse;
    },
    async end(): Promise<void> {
      const rest = responses.next();
      await new Promise((resolve) => setImmediate(resolve));
      deliver({ done: true, value: undefined });
      await rest;
    },
  };
}

describe("a StreamCheckIns stream's waits", () => {
  it("hold one listener on the gateway's drain signal per open stream, however many batches it sends, and none once it ends", async () => {
    const drain = new AbortController();
    const listeners = () => getEventListeners(drain.signal, "abort").length;
    // Node warns once more than 10 listeners wait on one signal: a wait that left its listener behind on the stream's own stop signal.
    const warnings: string[] = [];
    const hear = (warning: Error) => void warnings.push(warning.message);
    process.on("warning", hear);
    onTestFinished(() => void process.off("warning", hear));
    const streams = [openStream(drain.signal), openStream(drain.signal)];

    for (let batchId = 1; batchId <= 200; batchId++) {
      for (const stream of streams) {
        expect((await stream.send(batchId)).batchId).toBe(BigInt(batchId));
      }
    }
    expect(listeners()).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([]);

    await streams[0]?.end();
    expect(listeners()).toBe(1);
    await streams[1]?.end();
    expect(listeners()).toBe(0);
  });
});
