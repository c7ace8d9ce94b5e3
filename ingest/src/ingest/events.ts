import { create } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import {
  EventSchema,
  LocationRecordedSchema,
  PersonErasedSchema,
  PersonRegisteredSchema,
  PersonUpdatedSchema,
  locationsTopic,
  personsTopic,
} from "@udaconnect/schemas";
import type { OutgoingEvent } from "./ports";

export interface PersonRegistration {
  readonly eventId: string;
  readonly personId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly companyName: string;
}

export interface LocationCheckIn {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Timestamp;
  readonly accuracyM?: number;
}

export function personRegistered(registration: PersonRegistration, recordedAt: Timestamp): OutgoingEvent {
  const { eventId, ...person } = registration;
  return {
    topic: personsTopic,
    key: person.personId,
    event: create(EventSchema, {
      eventId,
      type: PersonRegisteredSchema.typeName,
      recordedAt,
      payload: { case: "personRegistered", value: create(PersonRegisteredSchema, person) },
    }),
  };
}

/** The envelope and the payload carry the same event id: the device's, so a retry is recognisable. */
export function locationRecorded(checkIn: LocationCheckIn, recordedAt: Timestamp): OutgoingEvent {
  return {
    topic: locationsTopic,
    key: checkIn.personId,
    event: create(EventSchema, {
      eventId: checkIn.eventId,
      type: LocationRecordedSchema.typeName,
      recordedAt,
      payload: { case: "locationRecorded", value: create(LocationRecordedSchema, { ...checkIn, recordedAt }) },
    }),
  };
}

export interface PersonChange {
  readonly eventId: string;
  readonly personId: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly companyName?: string;
}

export function personUpdated(change: PersonChange, recordedAt: Timestamp): OutgoingEvent {
  const { eventId, ...fields } = change;
  return {
    topic: personsTopic,
    key: change.personId,
    event: create(EventSchema, {
      eventId,
      type: PersonUpdatedSchema.typeName,
      recordedAt,
      payload: { case: "personUpdated", value: create(PersonUpdatedSchema, fields) },
    }),
  };
}

export function personErased(erasure: { eventId: string; personId: string }, recordedAt: Timestamp): OutgoingEvent {
  return {
    topic: personsTopic,
    key: erasure.personId,
    event: create(EventSchema, {
      eventId: erasure.eventId,
      type: PersonErasedSchema.typeName,
      recordedAt,
      payload: { case: "personErased", value: create(PersonErasedSchema, { personId: erasure.personId }) },
    }),
  };
}
