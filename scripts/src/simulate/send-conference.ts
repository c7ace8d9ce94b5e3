import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { CheckInResult_Status, CheckInSchema, StreamCheckInsRequestSchema, type IngestService, type StreamCheckInsRequest } from "@udaconnect/schemas";
import type { Conference, SimulatedCheckIn } from "./conference";

export interface SendOptions {
  /** Check-ins per second; undefined sends as fast as the gateway takes them. */
  readonly ratePerSecond?: number;
  readonly batchSize: number;
  /** The clock and the wait of the pacing; parameters so that tests need no real time. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onBatch?: (sent: number, total: number) => void;
}

export interface SendReport {
  readonly registered: number;
  readonly accepted: number;
  readonly duplicate: number;
  readonly rejected: readonly { eventId: string; reason: string; detail: string }[];
}

const REGISTRATIONS_IN_FLIGHT = 8;

/** Registers every attendee first (their check-ins need them), then streams the check-ins in time order. */
export async function sendConference(client: Client<typeof IngestService>, conference: Conference, options: SendOptions): Promise<SendReport> {
  const queue = [...conference.persons];
  await Promise.all(
    Array.from({ length: REGISTRATIONS_IN_FLIGHT }, async () => {
      for (let person = queue.shift(); person !== undefined; person = queue.shift()) await client.registerPerson(person);
    }),
  );
  let accepted = 0;
  let duplicate = 0;
  const rejected: { eventId: string; reason: string; detail: string }[] = [];
  for await (const response of client.streamCheckIns(batches(conference.checkIns, options))) {
    for (const result of response.results) {
      if (result.status === CheckInResult_Status.ACCEPTED) accepted += 1;
      else if (result.status === CheckInResult_Status.DUPLICATE) duplicate += 1;
      else rejected.push({ eventId: result.eventId, reason: result.reason, detail: result.detail });
    }
  }
  return { registered: conference.persons.length, accepted, duplicate, rejected };
}

async function* batches(checkIns: readonly SimulatedCheckIn[], options: SendOptions): AsyncGenerator<StreamCheckInsRequest> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  for (let i = 0, batchId = 1n; i < checkIns.length; i += options.batchSize, batchId += 1n) {
    if (options.ratePerSecond !== undefined) {
      // Pace against the start, not the previous batch, so slow batches do not lower the rate.
      const due = started + (i / options.ratePerSecond) * 1000;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
    }
    const slice = checkIns.slice(i, i + options.batchSize);
    yield create(StreamCheckInsRequestSchema, {
      batchId,
      checkIns: slice.map((c) => create(CheckInSchema, { ...c, occurredAt: timestampFromDate(c.occurredAt) })),
    });
    options.onBatch?.(Math.min(i + options.batchSize, checkIns.length), checkIns.length);
  }
}
