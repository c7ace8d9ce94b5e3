import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyText, type BenchCheckIn } from "./bench-data";

/** COPYs the rows into a fresh table shaped and indexed like location; answers the seconds the COPY took. */
export async function copyIntoLikeLocation(url: string, table: string, checkIns: readonly BenchCheckIn[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (LIKE location INCLUDING ALL)`);
    const text = copyText(checkIns);
    const started = performance.now();
    const stream = client.query(copyFrom(`COPY ${table} (event_id, person_id, coordinate, occurred_at, recorded_at) FROM STDIN`));
    await pipeline(Readable.from([text]), stream);
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

export interface IndexVariant {
  readonly name: string;
  readonly indexes: readonly string[];
  /** The connection lookup for one check-in ($1 lon, $2 lat, $3 time): others within 5 m and 5 minutes. */
  readonly query: string;
}

const WITHIN = `ST_DWithin(coordinate, ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography, 5)
  AND occurred_at >= $3::timestamptz - interval '5 minutes' AND occurred_at < $3::timestamptz + interval '5 minutes'`;

export function indexVariants(table: string): IndexVariant[] {
  const plain = `SELECT count(*)::int AS n FROM ${table} WHERE ${WITHIN}`;
  return [
    { name: "GiST (coordinate, occurred_at) [0001]", indexes: [`CREATE INDEX ON ${table} USING gist (coordinate, occurred_at)`], query: plain },
    {
      name: "GiST (coordinate) + btree (occurred_at)",
      indexes: [`CREATE INDEX ON ${table} USING gist (coordinate)`, `CREATE INDEX ON ${table} (occurred_at)`],
      query: plain,
    },
    {
      name: "btree (cell_y, cell_x, occurred_at) [0003]",
      indexes: [`CREATE INDEX ON ${table} (cell_y, cell_x, occurred_at)`],
      query: `SELECT count(*)::int AS n FROM ${table}
        WHERE cell_y BETWEEN floor($2::float8 * 10000)::int - 1 AND floor($2::float8 * 10000)::int + 1
          AND cell_x BETWEEN floor($1::float8 * 10000)::int - 1 AND floor($1::float8 * 10000)::int + 1 AND ${WITHIN}`,
    },
    { name: "btree (occurred_at) only", indexes: [`CREATE INDEX ON ${table} (occurred_at)`], query: plain },
  ];
}

export interface VariantFigures {
  readonly name: string;
  readonly buildSeconds: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly matches: number;
}

/** For each variant: only its indexes on the table, the build time, and lookup latencies over `probes`. */
export async function measureIndexVariants(url: string, table: string, probes: readonly BenchCheckIn[]): Promise<VariantFigures[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET jit = off");
    const figures: VariantFigures[] = [];
    for (const variant of indexVariants(table)) {
      await dropSecondaryIndexes(client, table);
      const started = performance.now();
      for (const ddl of variant.indexes) {
        await client.query(ddl);
      }
      const buildSeconds = (performance.now() - started) / 1000;
      await client.query(`ANALYZE ${table}`);
      const times: number[] = [];
      let matches = 0;
      for (const p of probes) {
        const t = performance.now();
        const { rows } = await client.query<{ n: number }>(variant.query, [p.longitude, p.latitude, p.occurredAt]);
        times.push(performance.now() - t);
        matches += rows[0]?.n ?? 0;
      }
      times.sort((a, b) => a - b);
      figures.push({
        name: variant.name,
        buildSeconds,
        medianMs: times[Math.floor(times.length / 2)] ?? 0,
        p95Ms: times[Math.floor(times.length * 0.95)] ?? 0,
        matches,
      });
    }
    return figures;
  } finally {
    await client.end();
  }
}

async function dropSecondaryIndexes(client: pg.Client, table: string): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT indexrelid::regclass::text AS name FROM pg_index WHERE indrelid = $1::regclass AND NOT indisprimary`,
    [table],
  );
  for (const { name } of rows) {
    await client.query(`DROP INDEX ${name}`);
  }
}
