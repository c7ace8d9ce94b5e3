import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  CheckInResult_Status,
  CheckInSchema,
  type CheckIn,
  StreamCheckInsRequestSchema,
  encodeConsistencyToken,
  topicName,
  type StreamCheckInsRequest,
  type StreamCheckInsResponse,
  type TopicSpec,
} from "@udaconnect/schemas";
import { OCCURRED_AT } from "./harness";
import type { AppendedRecord } from "./topic-reader";

/** An async iterable the test writes to as it goes, to drive a bidirectional stream batch by batch. */
export class Pushable<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #wake: (() => void) | undefined;
  #ended = false;

  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        yield item;
      } else if (this.#ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    }
  }
}

export function batch(batchId: number, checkIns: StreamCheckInsRequest["checkIns"]): StreamCheckInsRequest {
  return create(StreamCheckInsRequestSchema, { batchId: BigInt(batchId), checkIns });
}

export function checkIn(personId: string, eventId: string, fields: { latitude?: number; accuracyM?: number; occurredAt?: Date } = {}): CheckIn {
  return create(CheckInSchema, {
    eventId,
    personId,
    latitude: fields.latitude ?? 10,
    longitude: 20,
    occurredAt: timestampFromDate(fields.occurredAt ?? OCCURRED_AT),
    ...(fields.accuracyM === undefined ? {} : { accuracyM: fields.accuracyM }),
  });
}

/** The batches as a client stream that ends after the last one. */
export async function* batches(...requests: StreamCheckInsRequest[]): AsyncIterable<StreamCheckInsRequest> {
  yield* requests;
}

/** A response as plain values, for exact comparison. */
export function plain(response: StreamCheckInsResponse) {
  return {
    batchId: Number(response.batchId),
    results: response.results.map((r) => ({ eventId: r.eventId, status: CheckInResult_Status[r.status], reason: r.reason, detail: r.detail })),
    consistencyToken: response.consistencyToken,
  };
}

export const accepted = (eventId: string) => ({ eventId, status: "ACCEPTED", reason: "", detail: "" });
export const duplicate = (eventId: string) => ({ eventId, status: "DUPLICATE", reason: "", detail: "" });
export const rejected = (eventId: string, reason: string, detail: string) => ({ eventId, status: "REJECTED", reason, detail });

/** The token a write of exactly these records must carry: per partition, the last offset + 1. */
export function tokenOf(spec: TopicSpec, namespace: string, records: readonly AppendedRecord[]): string {
  return encodeConsistencyToken(records.map((r) => ({ topic: topicName(spec, namespace), partition: r.partition, nextOffset: BigInt(r.offset) + 1n })));
}
