/**
 * The writes query-api hands to the ingest gateway (the write side): it validates them and
 * appends them to Kafka, so query-api never writes a row and needs no Kafka write rights.
 * Outcomes are a union, not exceptions: every one of them is an answer to the HTTP caller.
 */

/** One refused field, named as ingest names it ("first_name", "check_in.latitude"). */
export interface FieldViolation {
  readonly field: string;
  readonly description: string;
}

export type IngestOutcome<Reply> =
  | { readonly outcome: "appended"; readonly reply: Reply }
  | { readonly outcome: "invalid"; readonly violations: readonly FieldViolation[]; readonly detail: string }
  | { readonly outcome: "unauthenticated"; readonly detail: string }
  | { readonly outcome: "forbidden"; readonly detail: string }
  /** Ingest or Kafka cannot take the write now; a retry with the same ids is safe. */
  | { readonly outcome: "unavailable"; readonly detail: string };

export interface PersonRegistration {
  /** "" lets ingest choose (a UUIDv7; an attendee's own id for an attendee token). */
  readonly personId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly companyName: string;
}

export interface PersonRegistered {
  readonly personId: string;
  readonly eventId: string;
  readonly consistencyToken: string;
}

export interface LocationCheckIn {
  /** "" lets ingest choose; a UUID makes a retry recognisable. */
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Date;
}

export interface LocationRecorded {
  readonly eventId: string;
  readonly consistencyToken: string;
}

/** `token`: the bearer token ingest sees (the caller's, or query-api's own); undefined sends none. */
export interface IngestWrites {
  registerPerson(registration: PersonRegistration, token: string | undefined): Promise<IngestOutcome<PersonRegistered>>;
  recordLocation(checkIn: LocationCheckIn, token: string | undefined): Promise<IngestOutcome<LocationRecorded>>;
}
