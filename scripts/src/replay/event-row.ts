import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Event } from "@udaconnect/schemas";

/** A decoded event with where it sat in the log, flattened for the output formats. */
export interface EventRow {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly event_id: string;
  /** Short event type, e.g. "LocationRecorded"; "unknown" for a payload this version does not know. */
  readonly type: string;
  readonly recorded_at: string | null;
  readonly person_id: string | null;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly occurred_at?: string | null;
  readonly accuracy_m?: number;
  readonly first_name?: string;
  readonly last_name?: string;
  readonly company_name?: string;
}

export const EVENT_TYPES = ["PersonRegistered", "LocationRecorded", "PersonUpdated", "PersonErased"] as const;

export function toEventRow(event: Event, at: { topic: string; partition: number; offset: bigint; timestamp: Date }): EventRow {
  const base = {
    topic: at.topic,
    partition: at.partition,
    offset: at.offset.toString(),
    timestamp: at.timestamp.toISOString(),
    event_id: event.eventId,
    recorded_at: event.recordedAt === undefined ? null : timestampDate(event.recordedAt).toISOString(),
  };
  const { payload } = event;
  switch (payload.case) {
    case "locationRecorded": {
      const l = payload.value;
      return {
        ...base,
        type: "LocationRecorded",
        person_id: l.personId,
        latitude: l.latitude,
        longitude: l.longitude,
        occurred_at: l.occurredAt === undefined ? null : timestampDate(l.occurredAt).toISOString(),
        ...(l.accuracyM === undefined ? {} : { accuracy_m: l.accuracyM }),
      };
    }
    case "personRegistered": {
      const p = payload.value;
      return { ...base, type: "PersonRegistered", person_id: p.personId, first_name: p.firstName, last_name: p.lastName, company_name: p.companyName };
    }
    case "personUpdated": {
      const p = payload.value;
      return {
        ...base,
        type: "PersonUpdated",
        person_id: p.personId,
        ...(p.firstName === undefined ? {} : { first_name: p.firstName }),
        ...(p.lastName === undefined ? {} : { last_name: p.lastName }),
        ...(p.companyName === undefined ? {} : { company_name: p.companyName }),
      };
    }
    case "personErased":
      return { ...base, type: "PersonErased", person_id: payload.value.personId };
    default:
      return { ...base, type: "unknown", person_id: null };
  }
}
