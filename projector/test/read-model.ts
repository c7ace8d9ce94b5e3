import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";
import type { LocationChange } from "../src/projection/changes";
import type { LocationFixture } from "./events";
import { byTopicPartition, type PartitionOffset } from "./kafka-fixtures";

/** A `location` row as read back: the fields the projector wrote, accuracyMetres only when not null. */
export type LocationRow = LocationFixture;

export async function readLocations(db: Kysely<Database>): Promise<LocationRow[]> {
  const { rows } = await sql<LocationChange>`
    SELECT event_id AS "eventId", person_id AS "personId",
           ST_Y(coordinate::geometry) AS latitude, ST_X(coordinate::geometry) AS longitude,
           occurred_at AS "occurredAt", recorded_at AS "recordedAt", accuracy_m AS "accuracyMetres"
    FROM location ORDER BY event_id
  `.execute(db);
  return rows.map(({ accuracyMetres, ...row }) => (accuracyMetres === null ? row : { ...row, accuracyMetres }));
}

export async function readPersons(db: Kysely<Database>) {
  return db.selectFrom("person").selectAll().orderBy("id").execute();
}

export async function readCheckpointRows(db: Kysely<Database>): Promise<PartitionOffset[]> {
  const rows = await db.selectFrom("projection_checkpoint").select(["topic", "partition", "next_offset"]).execute();
  return rows.map((r) => ({ topic: r.topic, partition: r.partition, nextOffset: BigInt(r.next_offset) })).sort(byTopicPartition);
}
