import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  encodeEvent,
  EventSchema,
  LocationRecordedSchema,
  PersonErasedSchema,
  PersonRegisteredSchema,
  PersonUpdatedSchema,
  type Event,
} from "@udaconnect/schemas";
import type { LocationChange } from "../src/projection/changes";

export interface PersonFixture {
  readonly eventId: string;
  readonly personId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly companyName: string;
  readonly recordedAt: Date;
}

/** A check-in to publish: the fields of the `location` row it becomes (accuracy_m only when given). */
export type LocationFixture = Omit<LocationChange, "accuracyMetres"> & { readonly accuracyMetres?: number };

export function personRegistered(p: PersonFixture): Event {
  return create(EventSchema, {
    eventId: p.eventId,
    type: "udaconnect.v1.PersonRegistered",
    recordedAt: timestampFromDate(p.recordedAt),
    payload: {
      case: "personRegistered",
      value: create(PersonRegisteredSchema, {
        personId: p.personId,
        firstName: p.firstName,
        lastName: p.lastName,
        companyName: p.companyName,
      }),
    },
  });
}

export function locationRecorded(l: LocationFixture): Event {
  return create(EventSchema, {
    eventId: l.eventId,
    type: "udaconnect.v1.LocationRecorded",
    recordedAt: timestampFromDate(l.recordedAt),
    payload: {
      case: "locationRecorded",
      value: create(LocationRecordedSchema, {
        eventId: l.eventId,
        personId: l.personId,
        latitude: l.latitude,
        longitude: l.longitude,
        occurredAt: timestampFromDate(l.occurredAt),
        recordedAt: timestampFromDate(l.recordedAt),
        ...(l.accuracyMetres === undefined ? {} : { accuracyM: l.accuracyMetres }),
      }),
    },
  });
}

export function personUpdated(p: { eventId: string; personId: string; firstName?: string; lastName?: string; companyName?: string; recordedAt: Date }): Event {
  const { eventId, recordedAt, ...fields } = p;
  return create(EventSchema, {
    eventId,
    type: "udaconnect.v1.PersonUpdated",
    recordedAt: timestampFromDate(recordedAt),
    payload: { case: "personUpdated", value: create(PersonUpdatedSchema, fields) },
  });
}

export function personErased(p: { eventId: string; personId: string; recordedAt: Date }): Event {
  return create(EventSchema, {
    eventId: p.eventId,
    type: "udaconnect.v1.PersonErased",
    recordedAt: timestampFromDate(p.recordedAt),
    payload: { case: "personErased", value: create(PersonErasedSchema, { personId: p.personId }) },
  });
}

export { encodeEvent };
