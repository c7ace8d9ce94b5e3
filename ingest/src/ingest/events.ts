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
  type Event,
  type LocationRecorded,
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

/**
 * The envelope and the payload carry the same event id: the device's, so a
 * retry is recognisable. Built as message literals, not with create(): one
 * per check-in, and create()'s reflection cost more than the rest of
 * deciding a check-in (every field is set, so the messages are the same).
 */
export function locationRecorded(checkIn: LocationCheckIn, recordedAt: Timestamp): OutgoingEvent {
  const { eventId, personId, latitude, longitude, occurredAt, accuracyM } = checkIn;
  const value: LocationRecorded = {
    $typeName: "udaconnect.v1.LocationRecorded",
    eventId,
    personId,
    latitude,
    longitude,
    occurredAt,
    recordedAt,
    ...(accuracyM === undefined ? {} : { accuracyM }),
  };
  const event: Event = { $typeName: "udaconnect.v1.Event", eventId, type: LOCATION_RECORDED, recordedAt, payload: { case: "locationRecorded", value } };
  return { topic: locationsTopic, key: personId, event };
}

const LOCATION_RECORDED = LocationRecordedSchema.typeName;

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
