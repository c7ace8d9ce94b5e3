import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { LocationChange, PersonChange, PersonErasure, PersonPatch } from "../projection/changes";

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
  await lockPersons(
    db,
    locations.map((l) => l.personId),
    "shared",
  );
  const result = await sql`
    INSERT INTO location (event_id, person_id, coordinate, occurred_at, recorded_at, accuracy_m)
    SELECT event_id, person_id, ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography, occurred_at, recorded_at, accuracy_m
    FROM unnest(
      ${locations.map((l) => l.eventId)}::uuid[],
      ${locations.map((l) => l.personId)}::text[],
      ${locations.map((l) => l.longitude)}::float8[],
      ${locations.map((l) => l.latitude)}::float8[],
      ${locations.map((l) => l.occurredAt)}::timestamptz[],
      ${locations.map((l) => l.recordedAt)}::timestamptz[],
      ${locations.map((l) => l.accuracyMetres)}::float8[]
    ) AS t(event_id, person_id, longitude, latitude, occurred_at, recorded_at, accuracy_m)
    -- An erasure read earlier (from the persons topic) covers check-ins recorded up to it.
    WHERE NOT EXISTS (SELECT 1 FROM erased_person e WHERE e.person_id = t.person_id AND t.recorded_at <= e.erased_at)
    ON CONFLICT (event_id) DO NOTHING
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Remembers each erasure, then deletes the person and every check-in recorded up to it. */
export async function erasePersons(db: Db, erasures: readonly PersonErasure[]): Promise<number> {
  if (erasures.length === 0) {
    return 0;
  }
  await lockPersons(
    db,
    erasures.map((e) => e.id),
    "exclusive",
  );
  await sql`
    INSERT INTO erased_person (person_id, erased_at, last_event_id)
    SELECT * FROM unnest(
      ${erasures.map((e) => e.id)}::text[],
      ${erasures.map((e) => e.erasedAt)}::timestamptz[],
      ${erasures.map((e) => e.lastEventId)}::uuid[]
    )
    ON CONFLICT (person_id) DO UPDATE SET
      erased_at = greatest(erased_person.erased_at, EXCLUDED.erased_at),
      last_event_id = EXCLUDED.last_event_id
  `.execute(db);
  const ids = erasures.map((e) => e.id);
  await sql`DELETE FROM person WHERE id = ANY(${ids}::text[])`.execute(db);
  const result = await sql`
    DELETE FROM location l USING erased_person e
    WHERE e.person_id = ANY(${ids}::text[]) AND l.person_id = e.person_id AND l.recorded_at <= e.erased_at
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

/** Sets the fields each patch carries on persons that exist; an unknown (or erased) id changes nothing. */
export async function patchPersons(db: Db, patches: readonly PersonPatch[]): Promise<number> {
  if (patches.length === 0) {
    return 0;
  }
  const result = await sql`
    UPDATE person p SET
      first_name = coalesce(t.first_name, p.first_name),
      last_name = coalesce(t.last_name, p.last_name),
      company_name = coalesce(t.company_name, p.company_name),
      last_event_id = t.last_event_id
    FROM unnest(
      ${patches.map((p) => p.id)}::text[],
      ${patches.map((p) => p.firstName ?? null)}::text[],
      ${patches.map((p) => p.lastName ?? null)}::text[],
      ${patches.map((p) => p.companyName ?? null)}::text[],
      ${patches.map((p) => p.lastEventId)}::uuid[]
    ) AS t(id, first_name, last_name, company_name, last_event_id)
    WHERE p.id = t.id
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}

// Advisory lock space (first key) of the person buckets below.
const PERSON_LOCKS = 0x75646163;
const PERSON_BUCKETS = 64;

/**
 * Persons and locations are separate partitions, projected by concurrent
 * transactions: an erasure's DELETE cannot see check-ins another transaction
 * is inserting, and that INSERT's erasure check cannot see the uncommitted
 * erasure, so both would commit and the check-ins survive. Check-in batches
 * take their persons' buckets shared, erasures exclusive (ascending, so no
 * deadlock): the later statement then runs after the other commits and sees it.
 */
async function lockPersons(db: Db, personIds: readonly string[], mode: "shared" | "exclusive"): Promise<void> {
  const buckets = [...new Set(personIds.map(bucketOf))].sort((a, b) => a - b);
  const lock = mode === "shared" ? sql`pg_advisory_xact_lock_shared` : sql`pg_advisory_xact_lock`;
  await sql`SELECT ${lock}(${PERSON_LOCKS}::int, b) FROM unnest(${buckets}::int[]) AS b`.execute(db);
}

function bucketOf(personId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < personId.length; i += 1) {
    hash = Math.imul(hash ^ personId.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0) % PERSON_BUCKETS;
}
