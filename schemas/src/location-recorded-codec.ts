import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { Event } from "./gen/udaconnect/v1/events_pb";
import { ProtoWriter, encodableTimestamp, messageFieldSize, stringFieldSize, text, timestampSize, varintSize, withoutUnknownFields } from "./wire-writer";

// Tags (field number << 3 | wire type) of udaconnect.v1.Event …
const EVENT_ID = 0x0a;
const TYPE = 0x12;
const RECORDED_AT = 0x1a;
const LOCATION_RECORDED = 0x5a;
// … and of udaconnect.v1.LocationRecorded.
const LR_EVENT_ID = 0x0a;
const LR_PERSON_ID = 0x12;
const LR_LATITUDE = 0x19;
const LR_LONGITUDE = 0x21;
const LR_OCCURRED_AT = 0x2a;
const LR_RECORDED_AT = 0x32;
const LR_ACCURACY_M = 0x39;
const LR_SEALED_POSITION = 0x42;
// … and of udaconnect.v1.Sealed.
const SEALED_KEY_ID = 0x0a;
const SEALED_NONCE = 0x12;
const SEALED_CIPHERTEXT = 0x1a;

/**
 * The bytes `toBinary(EventSchema, event)` gives for an Event whose payload
 * is a LocationRecorded, written without reflection: the ingest gateway
 * encodes one per check-in, and protobuf-es's reflective writer was the
 * largest cost per check-in there. Field order, presence rules (proto3
 * implicit zero values, -0 vs 0, optional accuracy_m) and integer encodings
 * follow protobuf-es exactly (proven byte for byte by ingest's tests).
 * Returns undefined outside that fast path — another payload, unknown fields,
 * integers out of range — and the caller then uses toBinary.
 */
export function encodeLocationRecordedEvent(event: Event): Uint8Array | undefined {
  if (event.payload.case !== "locationRecorded") return undefined;
  const location = event.payload.value;
  if (!withoutUnknownFields(event) || !withoutUnknownFields(location) || typeof location.latitude !== "number" || typeof location.longitude !== "number") {
    return undefined;
  }
  const accuracyM = Object.hasOwn(location, "accuracyM") ? location.accuracyM : undefined;
  if (accuracyM !== undefined && typeof accuracyM !== "number") return undefined;
  if (!plainTimestamp(event.recordedAt) || !plainTimestamp(location.occurredAt) || !plainTimestamp(location.recordedAt)) return undefined;
  const sealed = location.sealedPosition;
  if (sealed !== undefined && !withoutUnknownFields(sealed)) return undefined;

  const eventId = text(event.eventId);
  const type = text(event.type);
  const lrEventId = text(location.eventId);
  const personId = text(location.personId);
  const recordedAtSize = timestampSize(event.recordedAt);
  const occurredAtSize = timestampSize(location.occurredAt);
  const lrRecordedAtSize = timestampSize(location.recordedAt);
  const keyId = sealed === undefined ? undefined : text(sealed.keyId);
  const sealedSize =
    sealed === undefined || keyId === undefined ? undefined : stringFieldSize(keyId) + stringFieldSize(sealed.nonce) + stringFieldSize(sealed.ciphertext);
  const hasLatitude = !Object.is(location.latitude, 0);
  const hasLongitude = !Object.is(location.longitude, 0);
  const locationSize =
    stringFieldSize(lrEventId) +
    stringFieldSize(personId) +
    (hasLatitude ? 9 : 0) +
    (hasLongitude ? 9 : 0) +
    messageFieldSize(occurredAtSize) +
    messageFieldSize(lrRecordedAtSize) +
    (accuracyM === undefined ? 0 : 9) +
    messageFieldSize(sealedSize);
  const size = stringFieldSize(eventId) + stringFieldSize(type) + messageFieldSize(recordedAtSize) + 1 + varintSize(locationSize) + locationSize;

  const out = new ProtoWriter(size);
  out.string(EVENT_ID, eventId);
  out.string(TYPE, type);
  out.timestamp(RECORDED_AT, event.recordedAt, recordedAtSize);
  out.byte(LOCATION_RECORDED);
  out.varint(locationSize);
  out.string(LR_EVENT_ID, lrEventId);
  out.string(LR_PERSON_ID, personId);
  if (hasLatitude) out.double(LR_LATITUDE, location.latitude);
  if (hasLongitude) out.double(LR_LONGITUDE, location.longitude);
  out.timestamp(LR_OCCURRED_AT, location.occurredAt, occurredAtSize);
  out.timestamp(LR_RECORDED_AT, location.recordedAt, lrRecordedAtSize);
  if (accuracyM !== undefined) out.double(LR_ACCURACY_M, accuracyM);
  if (sealed !== undefined && keyId !== undefined && sealedSize !== undefined) {
    out.byte(LR_SEALED_POSITION);
    out.varint(sealedSize);
    out.string(SEALED_KEY_ID, keyId);
    out.string(SEALED_NONCE, sealed.nonce);
    out.string(SEALED_CIPHERTEXT, sealed.ciphertext);
  }
  return out.finish();
}

function plainTimestamp(t: Timestamp | undefined): boolean {
  return t === undefined || (withoutUnknownFields(t) && encodableTimestamp(t));
}
