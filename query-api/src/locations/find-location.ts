import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";

/** One check-in as the original API showed a location. */
export interface Location {
  /** The check-in's event id (a UUID). */
  readonly id: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Date;
}

/** The check-in with this event id, or undefined when there is none (never recorded, or its person erased). */
export async function findLocation(db: Kysely<Database>, eventId: string): Promise<Location | undefined> {
  const row = await db
    .selectFrom("location")
    .select([
      "event_id",
      "person_id",
      sql<number>`ST_Y(coordinate::geometry)`.as("latitude"),
      sql<number>`ST_X(coordinate::geometry)`.as("longitude"),
      "occurred_at",
    ])
    .where("event_id", "=", eventId)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { id: row.event_id, personId: row.person_id, latitude: row.latitude, longitude: row.longitude, occurredAt: row.occurred_at };
}
