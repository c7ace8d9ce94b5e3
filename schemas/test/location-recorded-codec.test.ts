import { create, toBinary } from "@bufbuild/protobuf";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  EventSchema,
  LocationRecordedSchema,
  SealedSchema,
  encodeEvent,
  encodeLocationRecordedEvent,
  type Event,
  type LocationRecorded,
  type Sealed,
} from "../src/index";
import { bytes, double, fieldsSet, hex, maybe, pick, random, text, timestamp, type Random } from "./generated";

function generatedEvent(next: Random): Event {
  const accuracyM = maybe(next, () => double(next));
  const sealedPosition =
    next() < 0.5
      ? undefined
      : create(SealedSchema, {
          keyId: text(next),
          nonce: bytes(next, pick(next, [0, 12])),
          ciphertext: bytes(next, next() < 0.01 ? 20_000 : pick(next, [0, 16, 34, 43, 200])),
        });
  const occurredAt = maybe(next, () => timestamp(next));
  const recordedAt = maybe(next, () => timestamp(next));
  const envelopeRecordedAt = maybe(next, () => timestamp(next));
  return create(EventSchema, {
    eventId: text(next),
    type: next() < 0.9 ? LocationRecordedSchema.typeName : text(next),
    ...(envelopeRecordedAt === undefined ? {} : { recordedAt: envelopeRecordedAt }),
    payload: {
      case: "locationRecorded",
      value: create(LocationRecordedSchema, {
        eventId: text(next),
        personId: text(next),
        latitude: double(next),
        longitude: double(next),
        ...(occurredAt === undefined ? {} : { occurredAt }),
        ...(recordedAt === undefined ? {} : { recordedAt }),
        ...(accuracyM === undefined ? {} : { accuracyM }),
        ...(sealedPosition === undefined ? {} : { sealedPosition }),
      }),
    },
  });
}

function expectSameBytes(event: Event, label: string): void {
  const fast = encodeLocationRecordedEvent(event);
  if (fast === undefined) throw new Error(`${label} left the fast path`);
  const reflective = toBinary(EventSchema, event);
  if (Buffer.compare(fast, reflective) !== 0) {
    expect({ label, bytes: hex(fast) }).toEqual({ label, bytes: hex(reflective) });
  }
}

describe("encodeLocationRecordedEvent", () => {
  it("writes the bytes protobuf-es's toBinary writes, for 20,000 generated events covering every field it encodes, extremes included", () => {
    const next = random(20261128);
    const events = Array.from({ length: 20_000 }, () => generatedEvent(next));
    for (const [i, event] of events.entries()) expectSameBytes(event, `case ${i}`);

    const locations = events.map((e) => e.payload.value as LocationRecorded);
    const timestamps = [...events.map((e) => e.recordedAt), ...locations.flatMap((l) => [l.occurredAt, l.recordedAt])].filter(
      (t): t is Timestamp => t !== undefined,
    );
    const otherPayloads = EventSchema.fields.filter((f) => f.oneof !== undefined && f.localName !== "locationRecorded").map((f) => f.localName);
    expect(fieldsSet(EventSchema, events)).toEqual(EventSchema.fields.map((f) => f.localName).filter((name) => !otherPayloads.includes(name)));
    expect(fieldsSet(LocationRecordedSchema, locations)).toEqual(LocationRecordedSchema.fields.map((f) => f.localName));
    expect(
      fieldsSet(
        SealedSchema,
        locations.map((l) => l.sealedPosition).filter((s): s is Sealed => s !== undefined),
      ),
    ).toEqual(SealedSchema.fields.map((f) => f.localName));
    expect(fieldsSet(TimestampSchema, timestamps)).toEqual(TimestampSchema.fields.map((f) => f.localName));
  }, 60_000);

  it("writes an event with every field at its zero value (empty strings, 0 degrees, absent or zero timestamps) as toBinary does", () => {
    const empty = create(EventSchema, { payload: { case: "locationRecorded", value: create(LocationRecordedSchema) } });
    const zeros = create(EventSchema, {
      payload: {
        case: "locationRecorded",
        value: create(LocationRecordedSchema, { accuracyM: 0, occurredAt: create(TimestampSchema), sealedPosition: create(SealedSchema) }),
      },
    });

    expectSameBytes(empty, "empty");
    expectSameBytes(zeros, "zeros");
  });

  it("writes the same bytes for events written one after another across the writer's shared slabs", () => {
    const next = random(11);
    const encoded = Array.from({ length: 3_000 }, () => {
      const event = generatedEvent(next);
      return { event, fast: encodeLocationRecordedEvent(event) };
    });
    for (const [i, { event, fast }] of encoded.entries()) expect(hex(fast ?? new Uint8Array()), `case ${i}`).toBe(hex(toBinary(EventSchema, event)));
  });

  it("leaves other payloads and messages carrying unknown fields to toBinary, which encodeEvent then uses", () => {
    const registered = create(EventSchema, { eventId: "e", type: "t", payload: { case: "personRegistered", value: { personId: "p", firstName: "A" } } });
    const unknown = generatedEvent(random(7));
    unknown.$unknown = [{ no: 99, wireType: 0, data: new Uint8Array([1]) }];

    expect([encodeLocationRecordedEvent(registered), encodeLocationRecordedEvent(unknown)]).toEqual([undefined, undefined]);
    expect([encodeEvent(registered), encodeEvent(unknown)]).toEqual([toBinary(EventSchema, registered), toBinary(EventSchema, unknown)]);
  });
});
