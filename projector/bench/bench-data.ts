import { randomUUID } from "node:crypto";
import { compatibilityPartitioner, ProduceAcks, Producer } from "@platformatic/kafka";
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { encodeEvent, EventSchema, LocationRecordedSchema } from "@udaconnect/schemas";

export interface BenchCheckIn {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Date;
}

/** mulberry32: the same data on every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A conference: 2,000 attendees in a 1 km square venue, 8 hours a day over 10
 * days, check-ins spread evenly in time. Such density is what the connection
 * lookup (others within metres and minutes) must cope with.
 */
export function venueCheckIns(count: number): BenchCheckIn[] {
  const random = seeded(42);
  const start = Date.UTC(2024, 4, 1, 9);
  return Array.from({ length: count }, () => {
    const day = Math.floor(random() * 10);
    return {
      eventId: randomUUID(),
      personId: `attendee-${Math.floor(random() * 2_000)}`,
      latitude: 37.55 + (random() - 0.5) * 0.009,
      longitude: -122.29 + (random() - 0.5) * 0.0113,
      occurredAt: new Date(start + day * 86_400_000 + Math.floor(random() * 8 * 3_600_000)),
    };
  });
}

/** Appends the check-ins as the gateway would (keyed by person, acks=all), in chunks. */
export async function produceCheckIns(brokers: string, topic: string, checkIns: readonly BenchCheckIn[]): Promise<void> {
  const producer = new Producer({
    clientId: "bench-projector",
    bootstrapBrokers: brokers.split(","),
    idempotent: true,
    acks: ProduceAcks.ALL,
    partitioner: compatibilityPartitioner,
  });
  try {
    for (let i = 0; i < checkIns.length; i += 5_000) {
      await producer.send({
        messages: checkIns.slice(i, i + 5_000).map((c) => ({ topic, key: Buffer.from(c.personId), value: Buffer.from(encodeEvent(toEvent(c))) })),
      });
    }
  } finally {
    await producer.close();
  }
}

function toEvent(c: BenchCheckIn) {
  const at = timestampFromDate(c.occurredAt);
  return create(EventSchema, {
    eventId: c.eventId,
    type: "udaconnect.v1.LocationRecorded",
    recordedAt: at,
    payload: {
      case: "locationRecorded",
      value: create(LocationRecordedSchema, {
        eventId: c.eventId,
        personId: c.personId,
        latitude: c.latitude,
        longitude: c.longitude,
        occurredAt: at,
        recordedAt: at,
      }),
    },
  });
}

/** The COPY text format of the location rows the projector would write. */
export function copyText(checkIns: readonly BenchCheckIn[]): string {
  return checkIns
    .map((c) => `${c.eventId}\t${c.personId}\tSRID=4326;POINT(${c.longitude} ${c.latitude})\t${c.occurredAt.toISOString()}\t${c.occurredAt.toISOString()}\n`)
    .join("");
}
