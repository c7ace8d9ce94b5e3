import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { decodeEvent, isPersonId, type Event, type LocationRecorded, type PersonErased, type PersonRegistered, type PersonUpdated } from "@udaconnect/schemas";
import type { RecordOutcome } from "./changes";
import { detailsOf, positionOf, type KeyRing } from "./open-sealed";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// google.protobuf.Timestamp's own range (0001-01-01 … 9999-12-31), which PostgreSQL can store.
const MIN_SECONDS = -62_135_596_800n;
const MAX_SECONDS = 253_402_300_799n;

/**
 * Maps one record value to the read-model change it produces. Every value
 * PostgreSQL would reject is caught here, so a bad record is skipped with its
 * reason instead of failing (and endlessly retrying) its whole batch.
 */
export function projectRecord(value: Uint8Array | null, keys?: KeyRing): RecordOutcome {
  if (value === null || value.length === 0) {
    return skipped("record has no value");
  }
  let event: Event;
  try {
    event = decodeEvent(value);
  } catch (error) {
    return skipped(`value is not a udaconnect.v1.Event: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!UUID_PATTERN.test(event.eventId)) {
    return skipped(`event_id is not a UUID: ${JSON.stringify(event.eventId)}`);
  }
  switch (event.payload.case) {
    case "personRegistered":
      return projectPersonRegistered(event, event.payload.value, keys);
    case "locationRecorded":
      return projectLocationRecorded(event, event.payload.value, keys);
    case "personUpdated":
      return projectPersonUpdated(event, event.payload.value, keys);
    case "personErased":
      return projectPersonErased(event, event.payload.value);
    default:
      return skipped(`unknown payload (type ${JSON.stringify(event.type)})`);
  }
}

function projectPersonRegistered(event: Event, sealedPayload: PersonRegistered, keys: KeyRing | undefined): RecordOutcome {
  if (!isPersonId(sealedPayload.personId)) {
    return skipped(`person_id is not 1–64 characters of [A-Za-z0-9_-]: ${JSON.stringify(sealedPayload.personId)}`);
  }
  const details = detailsOf(event, sealedPayload, keys);
  if (!details.ok) {
    return details.outcome;
  }
  const { firstName = "", lastName = "", companyName = "" } = details.value;
  const payload = { personId: sealedPayload.personId, firstName, lastName, companyName };
  const registeredAt = toDate(event.recordedAt);
  if (registeredAt === undefined) {
    return skipped("recorded_at is missing or out of range");
  }
  const nul = fieldWithNul({ first_name: payload.firstName, last_name: payload.lastName, company_name: payload.companyName });
  if (nul !== undefined) {
    return skipped(`${nul} contains a NUL character`);
  }
  return {
    kind: "person",
    change: {
      id: payload.personId,
      firstName: payload.firstName,
      lastName: payload.lastName,
      companyName: payload.companyName,
      registeredAt,
      lastEventId: event.eventId.toLowerCase(),
    },
  };
}

function projectPersonUpdated(event: Event, sealedPayload: PersonUpdated, keys: KeyRing | undefined): RecordOutcome {
  if (!isPersonId(sealedPayload.personId)) {
    return skipped(`person_id is not 1–64 characters of [A-Za-z0-9_-]: ${JSON.stringify(sealedPayload.personId)}`);
  }
  const details = detailsOf(event, sealedPayload, keys);
  if (!details.ok) {
    return details.outcome;
  }
  const payload = { personId: sealedPayload.personId, ...details.value };
  const nul = fieldWithNul({ first_name: payload.firstName, last_name: payload.lastName, company_name: payload.companyName });
  if (nul !== undefined) {
    return skipped(`${nul} contains a NUL character`);
  }
  const patch = {
    id: payload.personId,
    lastEventId: event.eventId.toLowerCase(),
    ...(payload.firstName === undefined ? {} : { firstName: payload.firstName }),
    ...(payload.lastName === undefined ? {} : { lastName: payload.lastName }),
    ...(payload.companyName === undefined ? {} : { companyName: payload.companyName }),
  };
  return { kind: "person-updated", patch };
}

function projectPersonErased(event: Event, payload: PersonErased): RecordOutcome {
  if (!isPersonId(payload.personId)) {
    return skipped(`person_id is not 1–64 characters of [A-Za-z0-9_-]: ${JSON.stringify(payload.personId)}`);
  }
  const erasedAt = toDate(event.recordedAt);
  if (erasedAt === undefined) {
    return skipped("recorded_at is missing or out of range");
  }
  return { kind: "person-erased", erasure: { id: payload.personId, erasedAt, lastEventId: event.eventId.toLowerCase() } };
}

/** PostgreSQL text cannot hold NUL: the first field holding one, if any. */
function fieldWithNul(fields: Readonly<Record<string, string | undefined>>): string | undefined {
  return Object.entries(fields).find(([, text]) => text?.includes("\u0000") === true)?.[0];
}

function projectLocationRecorded(event: Event, sealedPayload: LocationRecorded, keys: KeyRing | undefined): RecordOutcome {
  if (sealedPayload.eventId !== "" && sealedPayload.eventId.toLowerCase() !== event.eventId.toLowerCase()) {
    return skipped(`location event_id ${JSON.stringify(sealedPayload.eventId)} differs from the envelope's`);
  }
  if (!isPersonId(sealedPayload.personId)) {
    return skipped(`person_id is not 1–64 characters of [A-Za-z0-9_-]: ${JSON.stringify(sealedPayload.personId)}`);
  }
  const position = positionOf(event, sealedPayload, keys);
  if (!position.ok) {
    return position.outcome;
  }
  // Read from the opened position; a copy of the payload with them spread in would get a shape of its own per record in V8.
  const { latitude, longitude, accuracyM } = position.value;
  if (!isInRange(latitude, 90)) {
    return skipped(`latitude is not a number from -90 to 90: ${latitude}`);
  }
  if (!isInRange(longitude, 180)) {
    return skipped(`longitude is not a number from -180 to 180: ${longitude}`);
  }
  const occurredAt = toDate(sealedPayload.occurredAt);
  if (occurredAt === undefined) {
    return skipped("occurred_at is missing or out of range");
  }
  const recordedAt = toDate(sealedPayload.recordedAt ?? event.recordedAt);
  if (recordedAt === undefined) {
    return skipped("recorded_at is missing or out of range");
  }
  const accuracyMetres = accuracyM ?? null;
  // The gateway's rule (and the column's CHECK): absent, or finite and >= 0.
  if (accuracyMetres !== null && !(Number.isFinite(accuracyMetres) && accuracyMetres >= 0)) {
    return skipped(`accuracy_m is not a finite number >= 0: ${accuracyMetres}`);
  }
  return {
    kind: "location",
    change: {
      eventId: event.eventId.toLowerCase(),
      personId: sealedPayload.personId,
      latitude,
      longitude,
      occurredAt,
      recordedAt,
      accuracyMetres,
    },
  };
}

function isInRange(degrees: number, limit: number): boolean {
  return Number.isFinite(degrees) && degrees >= -limit && degrees <= limit;
}

/** Millisecond precision: what a JavaScript Date (and the devices' clocks) hold. */
function toDate(timestamp: Timestamp | undefined): Date | undefined {
  if (timestamp === undefined) {
    return undefined;
  }
  const { seconds, nanos } = timestamp;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || !Number.isInteger(nanos) || nanos < 0 || nanos > 999_999_999) {
    return undefined;
  }
  return new Date(Number(seconds) * 1000 + Math.floor(nanos / 1_000_000));
}

function skipped(reason: string): RecordOutcome {
  return { kind: "skipped", reason };
}
