import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { EventSchema, LocationRecordedSchema, SealedSchema, type Event } from "./gen/udaconnect/v1/events_pb";
import {
  ProtoWriter,
  doubleFieldSize,
  encodableTimestamp,
  fieldTag,
  inFieldOrder,
  messageFieldSize,
  stringFieldSize,
  text,
  timestampSize,
  withoutUnknownFields,
} from "./wire-writer";

// Tags of udaconnect.v1.Event …
const EVENT_ID = fieldTag(EventSchema.field.eventId, "string");
const TYPE = fieldTag(EventSchema.field.type, "string");
const RECORDED_AT = fieldTag(EventSchema.field.recordedAt, "message");
const LOCATION_RECORDED = fieldTag(EventSchema.field.locationRecorded, "message");
// … of udaconnect.v1.LocationRecorded …
const LR_EVENT_ID = fieldTag(LocationRecordedSchema.field.eventId, "string");
const LR_PERSON_ID = fieldTag(LocationRecordedSchema.field.personId, "string");
const LR_LATITUDE = fieldTag(LocationRecordedSchema.field.latitude, "double");
const LR_LONGITUDE = fieldTag(LocationRecordedSchema.field.longitude, "double");
const LR_OCCURRED_AT = fieldTag(LocationRecordedSchema.field.occurredAt, "message");
const LR_RECORDED_AT = fieldTag(LocationRecordedSchema.field.recordedAt, "message");
const LR_ACCURACY_M = fieldTag(LocationRecordedSchema.field.accuracyM, "double");
const LR_SEALED_POSITION = fieldTag(LocationRecordedSchema.field.sealedPosition, "message");
// … and of udaconnect.v1.Sealed.
const SEALED_KEY_ID = fieldTag(SealedSchema.field.keyId, "string");
const SEALED_NONCE = fieldTag(SealedSchema.field.nonce, "bytes");
const SEALED_CIPHERTEXT = fieldTag(SealedSchema.field.ciphertext, "bytes");
inFieldOrder(...(["eventId", "type", "recordedAt", "locationRecorded"] as const).map((name) => EventSchema.field[name]));
inFieldOrder(
  ...(["eventId", "personId", "latitude", "longitude", "occurredAt", "recordedAt", "accuracyM", "sealedPosition"] as const).map(
    (name) => LocationRecordedSchema.field[name],
  ),
);
inFieldOrder(...(["keyId", "nonce", "ciphertext"] as const).map((name) => SealedSchema.field[name]));

/**
 * The bytes `toBinary(EventSchema, event)` gives for an Event whose payload
 * is a LocationRecorded, written without reflection: the ingest gateway
 * encodes one per check-in, and protobuf-es's reflective writer was the
 * largest cost per check-in there. Field order, presence rules (proto3
 * implicit zero values, -0 vs 0, optional accuracy_m) and integer encodings
 * follow protobuf-es exactly (proven byte for byte by schemas/test/location-recorded-codec.test.ts).
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
    sealed === undefined || keyId === undefined
      ? undefined
      : stringFieldSize(SEALED_KEY_ID, keyId) + stringFieldSize(SEALED_NONCE, sealed.nonce) + stringFieldSize(SEALED_CIPHERTEXT, sealed.ciphertext);
  const hasLatitude = !Object.is(location.latitude, 0);
  const hasLongitude = !Object.is(location.longitude, 0);
  const locationSize =
    stringFieldSize(LR_EVENT_ID, lrEventId) +
    stringFieldSize(LR_PERSON_ID, personId) +
    (hasLatitude ? doubleFieldSize(LR_LATITUDE) : 0) +
    (hasLongitude ? doubleFieldSize(LR_LONGITUDE) : 0) +
    messageFieldSize(LR_OCCURRED_AT, occurredAtSize) +
    messageFieldSize(LR_RECORDED_AT, lrRecordedAtSize) +
    (accuracyM === undefined ? 0 : doubleFieldSize(LR_ACCURACY_M)) +
    messageFieldSize(LR_SEALED_POSITION, sealedSize);
  const size =
    stringFieldSize(EVENT_ID, eventId) +
    stringFieldSize(TYPE, type) +
    messageFieldSize(RECORDED_AT, recordedAtSize) +
    messageFieldSize(LOCATION_RECORDED, locationSize);

  const out = new ProtoWriter(size);
  out.string(EVENT_ID, eventId);
  out.string(TYPE, type);
  out.timestamp(RECORDED_AT, event.recordedAt, recordedAtSize);
  out.messageHeader(LOCATION_RECORDED, locationSize);
  out.string(LR_EVENT_ID, lrEventId);
  out.string(LR_PERSON_ID, personId);
  if (hasLatitude) out.double(LR_LATITUDE, location.latitude);
  if (hasLongitude) out.double(LR_LONGITUDE, location.longitude);
  out.timestamp(LR_OCCURRED_AT, location.occurredAt, occurredAtSize);
  out.timestamp(LR_RECORDED_AT, location.recordedAt, lrRecordedAtSize);
  if (accuracyM !== undefined) out.double(LR_ACCURACY_M, accuracyM);
  if (sealed !== undefined && keyId !== undefined && sealedSize !== undefined) {
    out.messageHeader(LR_SEALED_POSITION, sealedSize);
    out.string(SEALED_KEY_ID, keyId);
    out.string(SEALED_NONCE, sealed.nonce);
    out.string(SEALED_CIPHERTEXT, sealed.ciphertext);
  }
  return out.finish();
}

function plainTimestamp(t: Timestamp | undefined): boolean {
  return t === undefined || (withoutUnknownFields(t) && encodableTimestamp(t));
}
