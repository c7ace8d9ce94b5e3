import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { LocationChange, PersonChange } from "../projection/changes";

type Db = Kysely<Database> | Transaction<Database>;

// Both writes pass one array per column and unnest them: a batch of any size
// is one statement with a fixed number of parameters (pg allows 65,535).

/** Inserts or overwrites persons; `persons` must hold each id at most once. */
export async function upsertPersons(db: Db, persons: readonly PersonChange[]): Promise<number> {
  if (persons.length === 0) {
    return 0;
  }
  const result = await sql`
    INSERT INTO person (id, first_name, last_name, company_name, registered_at, last_event_id)
    SELECT * FROM unnest(
      ${persons.map((p) => p.id)}::text[],
      ${persons.map((p) => p.firstName)}::text[],
      ${persons.map((p) => p.lastName)}::text[],
      ${persons.map((p) => p.companyName)}::text[],
      ${persons.map((p) => p.registeredAt)}::timestamptz[],
      ${persons.map((p) => p.lastEventId)}::uuid[]
    )
    ON CONFLICT (id) DO UPDATE SET
      first_name = EXCLUDED.first_name,
      last_name = EXCLUDED.last_name,
      company_name = EXCLUDED.company_name,
      registered_at = EXCLUDED.registered_at,
      last_event_id = EXCLUDED.last_event_id
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Inserts one row per event id; an event id already projected is left as it is. */
export async function insertLocations(db: Db, locations: readonly LocationChange[]): Promise<number> {
  if (locations.length === 0) {
    return 0;
  }
  const result = await sql`
    INSERT INTO location (event_id, person_id, coordinate, occurred_at, recorded_at)
    SELECT event_id, person_id, ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography, occurred_at, recorded_at
    FROM unnest(
      ${locations.map((l) => l.eventId)}::uuid[],
      ${locations.map((l) => l.personId)}::text[],
      ${locations.map((l) => l.longitude)}::float8[],
      ${locations.map((l) => l.latitude)}::float8[],
      ${locations.map((l) => l.occurredAt)}::timestamptz[],
      ${locations.map((l) => l.recordedAt)}::timestamptz[]
    ) AS t(event_id, person_id, longitude, latitude, occurred_at, recorded_at)
    ON CONFLICT (event_id) DO NOTHING
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
