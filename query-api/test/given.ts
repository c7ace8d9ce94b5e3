import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";

export interface GivenPerson {
  readonly id: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly company_name: string;
}

export interface GivenLocation {
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  /** RFC 3339 UTC, e.g. "2020-03-10T10:00:00.000Z". */
  readonly at: string;
  /** Column accuracy_m; none (NULL) when absent. */
  readonly accuracyM?: number;
}

/** Writes persons straight into the read model, as the projector would have. */
export async function givenPersons(db: Kysely<Database>, persons: readonly GivenPerson[]): Promise<void> {
  await db
    .insertInto("person")
    .values(persons.map((p) => ({ ...p, registered_at: new Date("2020-01-01T00:00:00Z"), last_event_id: randomUUID() })))
    .execute();
}

/** Writes one check-in straight into the read model; answers its event id. */
export async function givenLocation(db: Kysely<Database>, location: GivenLocation): Promise<string> {
  const eventId = randomUUID();
  await db
    .insertInto("location")
    .values({
      event_id: eventId,
      person_id: location.personId,
      coordinate: sql<string>`ST_SetSRID(ST_MakePoint(${location.longitude}, ${location.latitude}), 4326)::geography`,
      occurred_at: new Date(location.at),
      recorded_at: new Date(location.at),
      accuracy_m: location.accuracyM ?? null,
    })
    .execute();
  return eventId;
}

/** Spheroid distance in metres between two points, as PostGIS measures it for ST_DWithin. */
export async function metresBetween(
  db: Kysely<Database>,
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): Promise<number> {
  const { rows } = await sql<{ metres: number }>`
    SELECT ST_Distance(
      ST_SetSRID(ST_MakePoint(${a.longitude}, ${a.latitude}), 4326)::geography,
      ST_SetSRID(ST_MakePoint(${b.longitude}, ${b.latitude}), 4326)::geography) AS metres`.execute(db);
  const metres = rows[0]?.metres;
  if (metres === undefined) {
    throw new Error("ST_Distance returned no row");
  }
  return metres;
}
