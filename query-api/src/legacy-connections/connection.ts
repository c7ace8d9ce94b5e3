import type { Person } from "../persons/person";

/** Where and when another person checked in, near one of the person's own check-ins. */
export interface ConnectionLocation {
  /** The check-in's event id (a UUID). */
  readonly id: string;
  readonly person_id: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly creation_time: Date;
}

export interface Connection {
  readonly person: Person;
  readonly location: ConnectionLocation;
}
