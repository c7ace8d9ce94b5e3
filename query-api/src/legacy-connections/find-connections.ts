import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { Connection } from "./connection";
import type { ConnectionCriteria } from "./connection-criteria";

export interface ConnectionLookup extends ConnectionCriteria {
  readonly personId: string;
}

/**
 * Every check-in of another registered person inside [start, endExclusive) and within
 * distanceMetres of at least one of the person's own check-ins in that window; each
 * check-in once, by time then id. One SQL statement, whatever the number of check-ins.
 */
export async function findConnections(db: Kysely<Database>, lookup: ConnectionLookup): Promise<Connection[]> {
  const rows = await connectionsQuery(db, lookup).execute();
  return rows.map((row) => ({
    person: { id: row.person_id, first_name: row.first_name, last_name: row.last_name, company_name: row.company_name },
    location: {
      id: row.event_id,
      person_id: row.person_id,
      latitude: row.latitude,
      longitude: row.longitude,
      creation_time: row.occurred_at,
    },
  }));
}

/**
 * The statement behind findConnections, exposed so its plan can be examined.
 *
 * `event_id IN (own check-ins JOIN nearby check-ins)` rather than `EXISTS (…ST_DWithin…)`:
 * a semi-join on a non-equality condition must be driven by every check-in of the window,
 * whereas the IN on the primary key lets the planner start from the person's own few
 * check-ins, probe location_coordinate_occurred_at_idx (space and time together) for each,
 * and de-duplicate the matches before joining them back.
 */
export function connectionsQuery(db: Kysely<Database>, lookup: ConnectionLookup) {
  const { personId, start, endExclusive, distanceMetres } = lookup;
  const nearbyEventIds = db
    .selectFrom("location as mine")
    .innerJoin("location as other", (join) => join.on(sql<boolean>`ST_DWithin(other.coordinate, mine.coordinate, ${distanceMetres})`))
    .select("other.event_id")
    .where("mine.person_id", "=", personId)
    .where("mine.occurred_at", ">=", start)
    .where("mine.occurred_at", "<", endExclusive)
    .where("other.person_id", "<>", personId)
    .where("other.occurred_at", ">=", start)
    .where("other.occurred_at", "<", endExclusive);
  return db
    .selectFrom("location")
    .innerJoin("person", "person.id", "location.person_id")
    .select([
      "location.event_id",
      "location.person_id",
      sql<number>`ST_Y(location.coordinate::geometry)`.as("latitude"),
      sql<number>`ST_X(location.coordinate::geometry)`.as("longitude"),
      "location.occurred_at",
      "person.first_name",
      "person.last_name",
      "person.company_name",
    ])
    .where("location.event_id", "in", nearbyEventIds)
    .orderBy("location.occurred_at")
    .orderBy("location.event_id");
}
