import { sql, type RawBuilder } from "kysely";
import type { EncounterLookup, EncounterStrategy } from "./encounter-lookup";
import { CELLS_PER_DEGREE, MAX_GRID_LATITUDE, MIN_METRES_PER_DEGREE, WIDEST_LATITUDE } from "./probe-cells";

/**
 * What one statement of a lookup answers, in one row:
 * - `known`: whether the person is registered (else the API answers 404);
 * - `pair_count`: how many pairs were found, counting no further than `maxPairs` + 1;
 * - `own`: the times of the person's own check-ins in the range, in the order of their
 *   number `n` (1, 2, …);
 * - `pair_…`: the encounters found, one column per field, the k-th value of each column
 *   making up the k-th pair: the other's `person` id, the `event` id, time (`occurred`) and
 *   point of their check-in, the number `own` (n) of the person's check-in that met it
 *   (the encounter happens at the later of the two), and their `distance` in metres. A
 *   point is printed as PostGIS prints a geography (hex EWKB: ~5× cheaper than ST_Y and
 *   ST_X, and the API decodes only the closest per person);
 * - `persons`: the registered people among them, one per line, `id` TAB `{"id":…}` (their JSON
 *   in the answer's Person shape, column person.json of 0005_person_json.sql).
 * Lists are comma-separated (no value holds a comma: ids are [A-Za-z0-9_-], which the
 * projector enforces), and null when empty. Times are microseconds after the lookup's `from`
 * (small enough for a float8's exact arithmetic, whatever the year); distances are as
 * float8out prints them (extra_float_digits=1: the shortest text that reads back as the
 * same double).
 * A text per column instead of a row per pair: no per-row protocol messages, objects or Date
 * parsing in the API, and in PostgreSQL each value goes straight into its aggregate (a
 * line per pair built with concat_ws cost a third more).
 */
export interface EncounterText {
  known: boolean;
  own: string | null;
  /** How many pairs the other columns hold: at most the statement's cap plus one (int8, as text). */
  pair_count: string;
  pair_person: string | null;
  pair_event: string | null;
  pair_own: string | null;
  pair_occurred: string | null;
  pair_distance: string | null;
  pair_point: string | null;
  persons: string | null;
}

/** Which share of the person's own check-ins a statement probes: every `of`-th, from `index`. */
export interface Part {
  readonly index: number;
  readonly of: number;
}

/**
 * The statement of a lookup (or of one part of it). Everything runs in PostgreSQL, in one
 * round trip and one snapshot: the person's own check-ins, the grid cells each one's
 * distance circle can touch, one index-only probe per (check-in, cell), the exact spheroid
 * distance of each row found. Own check-ins the grid cannot serve (beyond ±88° latitude, or
 * any radius above MAX_CELL_PROBE_DISTANCE_M: strategy "gist") are joined through the GiST
 * on (coordinate, occurred_at) instead. Summarising per person happens in the API
 * (tally-encounters.ts), which can then merge parts run on two connections.
 */
export function encounterStatement(lookup: EncounterLookup, strategy: EncounterStrategy, maxPairs: number, part?: Part): RawBuilder<EncounterText> {
  const within = sql`make_interval(secs => ${lookup.withinSeconds})`;
  // max_accuracy_m: one predicate per side, only when asked for, so a lookup without it runs the
  // very statement it ran before (same text, same prepared plan, index-only probes). With it
  // the probes read the heap of the rows they find: accuracy_m is not in the covering index.
  const bound = lookup.maxAccuracyMetres;
  const precise = (alias: RawBuilder<unknown>) => (bound === undefined ? sql`` : sql` AND ${alias}.accuracy_m <= ${bound}::float8`);
  const others = sql`o.occurred_at >= ${lookup.from} AND o.occurred_at < ${lookup.to} AND o.person_id <> ${lookup.personId}${precise(sql.raw("o"))}`;
  const metres = lookup.distanceMetres;
  const onGrid = strategy === "cells" ? sql`abs(m.latitude) < ${MAX_GRID_LATITUDE}` : sql`false`;
  // Degrees a `metres` circle spans: latitude at its fewest metres per degree (equator),
  // longitude at the circle's widest latitude (meridians converge). A box a little larger
  // than the circle, so no neighbour is missed; the exact distance is checked afterwards.
  const dLat = sql`(${metres}::float8 / ${MIN_METRES_PER_DEGREE})`;
  const dLon = sql`(${metres}::float8 / (${MIN_METRES_PER_DEGREE} * cos(radians(least(abs(m.latitude) + ${dLat}, ${WIDEST_LATITUDE})))))`;
  // Exact: an interval's float8 seconds of at most ~32 days keep their microseconds (epoch
  // seconds would lose them after 2038), and date_part is ~3× cheaper than extract's numeric.
  const sinceFrom = (instant: RawBuilder<unknown>) => sql`round(date_part('epoch', ${instant} - ${lookup.from}::timestamptz) * 1000000)::int8`;
  const cell = (degrees: RawBuilder<unknown>) => sql`floor((${degrees}) * ${CELLS_PER_DEGREE})::integer`;
  return sql<EncounterText>`
    WITH mine AS MATERIALIZED (
      SELECT occurred_at, coordinate, ST_Y(coordinate::geometry) AS latitude, ST_X(coordinate::geometry) AS longitude,
             row_number() OVER (ORDER BY occurred_at, event_id) AS n
      FROM location
      WHERE person_id = ${lookup.personId} AND occurred_at >= ${lookup.from} AND occurred_at < ${lookup.to}${precise(sql.raw("location"))}
    ),
    m AS (
      SELECT * FROM mine ${part === undefined ? sql`` : sql`WHERE n % ${part.of} = ${part.index}`}
    ),
    -- At most one pair more than the cap: enough to tell the API that the answer would be too
    -- large, without building it (a CTE runs only as far as it is read). The limit sits outside
    -- the union, so that the planner, misled by its estimates, does not trade the probes' plan
    -- for a "fast start" one.
    pair AS MATERIALIZED (SELECT * FROM (
      SELECT o.person_id, o.event_id, m.n, o.occurred_at, o.coordinate, o.distance_m
      FROM m
      CROSS JOIN LATERAL generate_series(${cell(sql`m.latitude - ${dLat}`)}, ${cell(sql`m.latitude + ${dLat}`)}) AS cell_y
      CROSS JOIN LATERAL generate_series(${cell(sql`m.longitude - ${dLon}`)}, ${cell(sql`m.longitude + ${dLon}`)}) AS cell_x
      CROSS JOIN LATERAL (
        -- The spheroid distance is the costly part: computed once per row found, then filtered.
        SELECT o.person_id, o.event_id, o.coordinate, o.occurred_at, ST_Distance(m.coordinate, o.coordinate) AS distance_m
        FROM location o
        WHERE o.cell_y = cell_y.cell_y AND o.cell_x = cell_x.cell_x
          AND o.occurred_at BETWEEN m.occurred_at - ${within} AND m.occurred_at + ${within} AND ${others}
        -- Keeps the probe a parameterised index scan: flattened, the planner may hash-join the whole day
        -- (it guesses 1,000 cells per generate_series, so its row estimates are far too high).
        OFFSET 0
      ) AS o
      WHERE ${onGrid} AND o.distance_m <= ${metres}
      UNION ALL
      SELECT o.person_id, o.event_id, m.n, o.occurred_at, o.coordinate, ST_Distance(m.coordinate, o.coordinate)
      FROM m
      JOIN location o ON ST_DWithin(m.coordinate, o.coordinate, ${metres})
        AND o.occurred_at BETWEEN m.occurred_at - ${within} AND m.occurred_at + ${within} AND ${others}
      WHERE NOT (${onGrid})
    ) AS found LIMIT ${maxPairs + 1})
    SELECT EXISTS (SELECT FROM person WHERE id = ${lookup.personId}) AS known,
      (SELECT string_agg(${sinceFrom(sql`occurred_at`)}::text, ',' ORDER BY n) FROM mine) AS own,
      pairs.*,
      (SELECT string_agg(person.id || E'\t' || person.json, E'\n')
       FROM person WHERE person.id IN (SELECT person_id FROM pair)) AS persons
    FROM (
      -- One aggregate node: every column sees the pairs in the same order.
      SELECT count(*) AS pair_count, string_agg(person_id, ',') AS pair_person, string_agg(event_id::text, ',') AS pair_event,
             string_agg(n::text, ',') AS pair_own, string_agg(${sinceFrom(sql`occurred_at`)}::text, ',') AS pair_occurred,
             string_agg(distance_m::text, ',') AS pair_distance, string_agg(coordinate::text, ',') AS pair_point
      FROM pair
    ) AS pairs`;
}
