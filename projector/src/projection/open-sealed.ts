import type { KeyObject } from "node:crypto";
import { openPersonDetails, openPosition, type Event, type PersonDetails, type Position, type Sealed } from "@udaconnect/schemas";
import type { RecordOutcome } from "./changes";

/**
 * The data keys sealed fields are opened with (crypto-shredding,
 * docs/erasure.md), loaded from the key store by the adapter around the
 * projection: a key, "erased" when the key store no longer has it (the person
 * was erased; key ids are never reused), undefined when not loaded yet.
 */
export interface KeyRing {
  lookup(keyId: string): KeyObject | "erased" | undefined;
}

/** Where a sealed field set cannot be opened, the record's outcome instead. */
export type Opened<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly outcome: RecordOutcome };

/** A LocationRecorded's position: sealed_position opened, or the plaintext fields of an event written before sealing. */
export function positionOf(
  event: Event,
  payload: { readonly personId: string; readonly latitude: number; readonly longitude: number; readonly accuracyM?: number; readonly sealedPosition?: Sealed },
  keys: KeyRing | undefined,
): Opened<Pick<Position, "latitude" | "longitude" | "accuracyM">> {
  if (payload.sealedPosition === undefined) {
    return { ok: true, value: payload };
  }
  return opened(payload.sealedPosition, keys, payload.personId, "sealed_position", (key) =>
    openPosition(payload.sealedPosition as Sealed, key, context(event, payload.personId)),
  );
}

/** A PersonRegistered's or PersonUpdated's names: sealed_details opened, or the plaintext fields. */
export function detailsOf(
  event: Event,
  payload: {
    readonly personId: string;
    readonly firstName?: string;
    readonly lastName?: string;
    readonly companyName?: string;
    readonly sealedDetails?: Sealed;
  },
  keys: KeyRing | undefined,
): Opened<Pick<PersonDetails, "firstName" | "lastName" | "companyName">> {
  if (payload.sealedDetails === undefined) {
    return { ok: true, value: payload };
  }
  return opened(payload.sealedDetails, keys, payload.personId, "sealed_details", (key) =>
    openPersonDetails(payload.sealedDetails as Sealed, key, context(event, payload.personId)),
  );
}

function opened<T>(sealed: Sealed, keys: KeyRing | undefined, personId: string, field: string, open: (key: KeyObject) => T | undefined): Opened<T> {
  const key = keys?.lookup(sealed.keyId);
  if (key === undefined) {
    return { ok: false, outcome: { kind: "key-needed", keyId: sealed.keyId } };
  }
  if (key === "erased") {
    return { ok: false, outcome: { kind: "erased", personId } };
  }
  const value = open(key);
  if (value === undefined) {
    return { ok: false, outcome: { kind: "skipped", reason: `${field} does not open with data key ${sealed.keyId} (altered, or sealed for another event)` } };
  }
  return { ok: true, value };
}

function context(event: Event, personId: string) {
  return { eventId: event.eventId, personId };
}
