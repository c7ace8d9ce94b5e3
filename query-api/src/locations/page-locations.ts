import { sql, type Kysely } from "kysely";
import type { Database } from "@udaconnect/migrations";

export interface CheckIn {
  /** The check-in's event id (a UUID). */
  readonly id: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: Date;
  /** Metres, as the device reported it; null when it reported none. */
  readonly accuracyMetres: number | null;
}

/** Where a page of check-ins ends: the sort key of its last check-in. */
export interface CheckInCursor {
  /** PostgreSQL's text of the timestamptz: keeps the microseconds a Date would drop. */
  readonly occurredAt: string;
  readonly id: string;
}

export interface CheckInsRequest {
  readonly personId: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly limit: number;
  readonly after?: CheckInCursor;
}

export interface CheckInsPage {
  readonly checkIns: CheckIn[];
  readonly next?: CheckInCursor;
}

interface Row {
  event_id: string;
  latitude: number;
  longitude: number;
  occurred_at: Date;
  occurred_text: string;
  accuracy_m: number | null;
}

/** The person's check-ins in [from, to), by time then event id, keyset-paginated. */
export async function pageCheckIns(db: Kysely<Database>, request: CheckInsRequest): Promise<CheckInsPage> {
  const { personId, from, to, after, limit } = request;
  const { rows } = await sql<Row>`
    SELECT event_id, ST_Y(coordinate::geometry) AS latitude, ST_X(coordinate::geometry) AS longitude, occurred_at,
           occurred_at::text AS occurred_text, accuracy_m
    FROM location
    WHERE person_id = ${personId}
      ${from === undefined ? sql`` : sql`AND occurred_at >= ${from}`}
      ${to === undefined ? sql`` : sql`AND occurred_at < ${to}`}
      ${after === undefined ? sql`` : sql`AND (occurred_at, event_id) > (${after.occurredAt}::timestamptz, ${after.id}::uuid)`}
    ORDER BY occurred_at, event_id
    LIMIT ${limit + 1}`.execute(db);
  const page = rows.slice(0, limit);
  const checkIns = page.map((r) => ({
    id: r.event_id,
    latitude: r.latitude,
    longitude: r.longitude,
    occurredAt: r.occurred_at,
    accuracyMetres: r.accuracy_m,
  }));
  const last = page.at(-1);
  return rows.length > limit && last !== undefined ? { checkIns, next: { occurredAt: last.occurred_text, id: last.event_id } } : { checkIns };
}
