import type { FieldViolation, LocationCheckIn, PersonRegistration } from "../ingest-client/ingest-writes";

/**
 * The original UdaConnect's request bodies (POST /api/persons, POST /api/locations) and
 * their translation into ingest's requests. Only the representation is read here (ids as
 * numbers or strings, coordinates as decimal strings, zone-less times); every rule about
 * the values (ranges, lengths, id shapes, clock skew) is ingest's, applied by ingest.
 */

export interface LegacyPersonBody {
  id?: string | number;
  first_name: string;
  last_name: string;
  company_name: string;
}

export interface LegacyLocationBody {
  id?: string;
  person_id: string | number;
  latitude: string | number;
  longitude: string | number;
  creation_time: string;
}

// Both are the body schema's patterns too (no flags, as JSON Schema has none), so the OpenAPI document says what is read.
const DECIMAL = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
// RFC 3339, or the original's TIMESTAMP text: date, "T" or " ", time, optional fraction, optional zone.
// Years 0001-9999 (ingest's range), months 01-12, days 01-31, hours 00-23, offsets up to ±23:59: what the
// pattern cannot rule out (2020-02-30) instant() refuses.
const DATE_TIME =
  /^((?!0000)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))[Tt ]((?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d)(\.\d{1,9})?([Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)?$/;

// Ingest trims a name and requires 1-200 characters of what is left (more is its 422).
const NAME = { type: "string", pattern: "\\S", description: "Not blank; surrounding whitespace is dropped; at most 200 characters." } as const;
const LEGACY_ID = {
  type: ["string", "integer"],
  pattern: "^[A-Za-z0-9_-]{1,64}$",
  description: 'The original used integers; sent to ingest as a string ("5").',
} as const;
const DEGREES = {
  type: ["number", "string"],
  pattern: DECIMAL.source,
  description: 'WGS 84 degrees: a JSON number, or a decimal string as the original API sent ("35.0585136").',
} as const;

export const legacyPersonBodySchema = {
  type: "object",
  required: ["first_name", "last_name", "company_name"],
  properties: {
    id: {
      ...LEGACY_ID,
      description: `Optional person id (1-64 of [A-Za-z0-9_-]). Omitted: ingest assigns one (an attendee token: its own subject). ${LEGACY_ID.description}`,
    },
    first_name: { ...NAME, examples: ["Ada"] },
    last_name: { ...NAME, examples: ["Lovelace"] },
    company_name: { ...NAME, examples: ["Analytical Engines"] },
  },
  examples: [{ first_name: "Ada", last_name: "Lovelace", company_name: "Analytical Engines" }],
} as const;

export const legacyLocationBodySchema = {
  type: "object",
  required: ["person_id", "latitude", "longitude", "creation_time"],
  properties: {
    id: {
      type: "string",
      format: "uuid",
      description: "Optional event id: a retry with the same id is recognised by every reader. Omitted: ingest assigns one.",
    },
    person_id: LEGACY_ID,
    // The range binds JSON numbers; a decimal string's range is ingest's to check (a 422).
    latitude: { ...DEGREES, minimum: -90, maximum: 90, examples: ["35.0585136"] },
    longitude: { ...DEGREES, minimum: -180, maximum: 180, examples: ["-106.5719566"] },
    creation_time: {
      type: "string",
      pattern: DATE_TIME.source,
      description:
        "When the person was there: RFC 3339 (2020-07-07T10:37:06Z), or the original's zone-less form " +
        "(2020-07-07T10:37:06 or 2020-07-07 10:37:06.000000), read as UTC.",
      examples: ["2020-07-07T10:37:06Z"],
    },
  },
  examples: [{ person_id: 5, latitude: "35.0585136", longitude: "-106.5719566", creation_time: "2020-07-07T10:37:06" }],
} as const;

/** A body that could be translated, or the fields that could not be read (a 400). */
export type Translated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly violations: readonly FieldViolation[] };

export function personRegistration(body: LegacyPersonBody): PersonRegistration {
  return {
    personId: body.id === undefined ? "" : String(body.id),
    firstName: body.first_name,
    lastName: body.last_name,
    companyName: body.company_name,
  };
}

export function locationCheckIn(body: LegacyLocationBody): Translated<LocationCheckIn> {
  const violations: FieldViolation[] = [];
  const latitude = degrees(body.latitude, "latitude", violations);
  const longitude = degrees(body.longitude, "longitude", violations);
  const occurredAt = instant(body.creation_time, violations);
  if (latitude === undefined || longitude === undefined || occurredAt === undefined) {
    return { ok: false, violations };
  }
  return { ok: true, value: { eventId: body.id ?? "", personId: String(body.person_id), latitude, longitude, occurredAt } };
}

function degrees(value: string | number, field: string, violations: FieldViolation[]): number | undefined {
  if (typeof value === "number") {
    return value;
  }
  if (DECIMAL.test(value)) {
    return Number(value);
  }
  violations.push({ field, description: `must be a number or a decimal string, got ${JSON.stringify(value.slice(0, 40))}` });
  return undefined;
}

function instant(text: string, violations: FieldViolation[]): Date | undefined {
  const match = DATE_TIME.exec(text);
  const [, day = "", time = "", fraction = "", zone = "Z"] = match ?? [];
  // Date rolls 2020-02-30 over into March: a day that does not exist must be refused instead.
  const midnight = new Date(`${day}T00:00:00Z`);
  const dayExists = !Number.isNaN(midnight.getTime()) && midnight.toISOString().startsWith(day);
  const date = match === null || !dayExists ? undefined : new Date(`${day}T${time}${fraction.slice(0, 4)}${zone.toUpperCase()}`);
  if (date === undefined || Number.isNaN(date.getTime())) {
    violations.push({ field: "creation_time", description: `must be a date-time such as 2020-07-07T10:37:06Z, got ${JSON.stringify(text.slice(0, 40))}` });
    return undefined;
  }
  return date;
}

const INGEST_FIELDS: Record<string, string> = {
  person_id: "id",
  "check_in.event_id": "id",
  "check_in.person_id": "person_id",
  "check_in.latitude": "latitude",
  "check_in.longitude": "longitude",
  "check_in.occurred_at": "creation_time",
};

/** Ingest's field names (proto paths) as the original body names them, e.g. check_in.occurred_at → creation_time. */
export function legacyViolations(violations: readonly FieldViolation[], kind: "person" | "location"): FieldViolation[] {
  return violations.map((v) => {
    const renamed = kind === "person" && v.field !== "person_id" ? v.field : INGEST_FIELDS[v.field];
    return { field: renamed ?? v.field, description: v.description };
  });
}
