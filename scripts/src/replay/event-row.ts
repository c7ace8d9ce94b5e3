import type { KeyObject } from "node:crypto";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { openPersonDetails, openPosition, type Event, type Sealed } from "@udaconnect/schemas";

/**
 * The data key a sealed field set names (docs/erasure.md): the key, "erased"
 * when the key store no longer holds it, "no-key-store" when the replay runs
 * without one (DATABASE_URL and UDACONNECT_MASTER_KEYS_FILE unset).
 */
export type KeyFor = (keyId: string) => KeyObject | "erased" | "no-key-store";

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
  /** The person was erased: their data key is destroyed, the event's personal fields are unreadable. */
  readonly erased?: true;
  /** Personal fields sealed and not opened: no key store given, or they did not open with its key. */
  readonly sealed?: true;
}

export const EVENT_TYPES = ["PersonRegistered", "LocationRecorded", "PersonUpdated", "PersonErased"] as const;

const withoutKeys: KeyFor = () => "no-key-store";

export function toEventRow(event: Event, at: { topic: string; partition: number; offset: bigint; timestamp: Date }, keyFor: KeyFor = withoutKeys): EventRow {
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
      const row = {
        ...base,
        type: "LocationRecorded",
        person_id: l.personId,
        occurred_at: l.occurredAt === undefined ? null : timestampDate(l.occurredAt).toISOString(),
      };
      const position =
        l.sealedPosition === undefined
          ? l
          : opened(l.sealedPosition, keyFor, (key) => openPosition(l.sealedPosition as Sealed, key, { eventId: event.eventId, personId: l.personId }));
      if (!("latitude" in position)) return { ...row, ...position };
      return {
        ...row,
        latitude: position.latitude,
        longitude: position.longitude,
        ...(position.accuracyM === undefined ? {} : { accuracy_m: position.accuracyM }),
      };
    }
    case "personRegistered": {
      const p = payload.value;
      const row = { ...base, type: "PersonRegistered", person_id: p.personId };
      const details = detailsOf(event, p, keyFor);
      if (!("names" in details)) return { ...row, ...details };
      return { ...row, first_name: details.names.firstName ?? "", last_name: details.names.lastName ?? "", company_name: details.names.companyName ?? "" };
    }
    case "personUpdated": {
      const p = payload.value;
      const row = { ...base, type: "PersonUpdated", person_id: p.personId };
      const details = detailsOf(event, p, keyFor);
      if (!("names" in details)) return { ...row, ...details };
      const { firstName, lastName, companyName } = details.names;
      return {
        ...row,
        ...(firstName === undefined ? {} : { first_name: firstName }),
        ...(lastName === undefined ? {} : { last_name: lastName }),
        ...(companyName === undefined ? {} : { company_name: companyName }),
      };
    }
    case "personErased":
      return { ...base, type: "PersonErased", person_id: payload.value.personId };
    default:
      return { ...base, type: "unknown", person_id: null };
  }
}

type Unopened = { readonly erased: true } | { readonly sealed: true };
type Names = { readonly firstName?: string | undefined; readonly lastName?: string | undefined; readonly companyName?: string | undefined };

function detailsOf(
  event: Event,
  p: Names & { readonly personId: string; readonly sealedDetails?: Sealed },
  keyFor: KeyFor,
): { readonly names: Names } | Unopened {
  if (p.sealedDetails === undefined) return { names: p };
  const sealed = p.sealedDetails;
  const names = opened(sealed, keyFor, (key) => openPersonDetails(sealed, key, { eventId: event.eventId, personId: p.personId }));
  return "erased" in names || "sealed" in names ? names : { names };
}

function opened<T extends object>(sealed: Sealed, keyFor: KeyFor, open: (key: KeyObject) => T | undefined): T | Unopened {
  const key = keyFor(sealed.keyId);
  if (key === "erased") return { erased: true };
  if (key === "no-key-store") return { sealed: true };
  return open(key) ?? { sealed: true };
}
