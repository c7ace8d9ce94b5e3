import { createHash } from "node:crypto";
import type { CompiledQuery } from "kysely";
import pg from "pg";

const { escapeLiteral } = pg;

export interface SharedSnapshotOptions {
  /**
   * "generic": plan each statement once per connection, for any parameters
   * (plan_cache_mode = force_generic_plan). For statements whose plan shape is pinned and
   * whose planning costs a measurable part of their run (the encounter lookup: ~0.7 of ~9 ms).
   */
  readonly plan?: "generic" | "custom";
}

/**
 * Runs read-only statements at the same time, each on its own connection of `pool`, all in one
 * snapshot: the first connection's transaction exports it (pg_export_snapshot), the others
 * import it (SET TRANSACTION SNAPSHOT), so every statement sees exactly the same data. Calls
 * `onRows` with each statement's rows as soon as they arrive (so the caller can work on one
 * while PostgreSQL still runs the others) and resolves once all have been handed over.
 *
 * Fewer round trips than a query builder's transactions: the transaction's start and the
 * export (or import) go in one message, each statement is a named prepared statement of its
 * connection (parsed once per connection; named by a hash of its text, so only for statements
 * of a fixed shape), and the transactions end after the rows are handed over, off the caller's
 * wait. The exporting transaction stays open until every import has been tried (an exported
 * snapshot lives as long as its transaction).
 */
export async function queryInSharedSnapshot<R>(
  pool: pg.Pool,
  queries: readonly CompiledQuery<R>[],
  onRows: (rows: R[], index: number) => void,
  options: SharedSnapshotOptions = {},
): Promise<void> {
  if (queries.length === 0) {
    return;
  }
  const clients = await connectAll(pool, queries.length);
  const begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  const plan = options.plan === "generic" ? "; SET LOCAL plan_cache_mode = force_generic_plan" : "";
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
  };
  const run = async (client: pg.PoolClient, index: number, started: Promise<unknown>) => {
    await started;
    const query = queries[index] as CompiledQuery<R>;
    const { rows } = await client.query<R & pg.QueryResultRow>({ name: statementName(query.sql), text: query.sql, values: [...query.parameters] });
    if (failure === undefined) {
      onRows(rows, index);
    }
  };
  const [exporter, ...importers] = clients as [pg.PoolClient, ...pg.PoolClient[]];
  const exported =
    importers.length === 0
      ? exporter.query(begin + plan).then(() => "")
      : exporter.query(`${begin}${plan}; SELECT pg_export_snapshot() AS snapshot`).then(exportedSnapshot);
  const imports = importers.map((client) => exported.then((snapshot) => client.query(`${begin}; SET TRANSACTION SNAPSHOT '${snapshot}'${plan}`)));
  const runs = [run(exporter, 0, exported), ...importers.map((client, i) => run(client, i + 1, imports[i] as Promise<unknown>))];
  await Promise.all(runs.map((r) => r.catch(fail)));
  // Every import has been tried by now (each run waited for its own), so the exporter may end.
  const ends = clients.map((client) => endTransaction(client, failure === undefined ? "COMMIT" : "ROLLBACK"));
  if (failure !== undefined) {
    await Promise.all(ends);
    throw failure.error;
  }
}

/** All `count` connections, or none: a failed connect releases those already taken. */
async function connectAll(pool: pg.Pool, count: number): Promise<pg.PoolClient[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => pool.connect()));
  const clients = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected !== undefined) {
    for (const client of clients) {
      client.release();
    }
    throw rejected.reason;
  }
  return clients;
}

/** The snapshot id from the exporter's answer (one result per statement of the message). */
function exportedSnapshot(results: pg.QueryResult | pg.QueryResult[]): string {
  const last = Array.isArray(results) ? results[results.length - 1] : results;
  const snapshot: unknown = last?.rows[0]?.snapshot;
  // PostgreSQL's ids look like 00000003-0000001B-1; anything else must not reach the SQL text.
  if (typeof snapshot !== "string" || !/^[0-9A-F-]+$/i.test(snapshot)) {
    throw new Error(`pg_export_snapshot() answered ${String(snapshot)}`);
  }
  return snapshot;
}

/**
 * Ends the connection's transaction and returns it to the pool; a connection that cannot end
 * it (broken, or never began one) is closed instead. Never rejects.
 */
async function endTransaction(client: pg.PoolClient, end: "COMMIT" | "ROLLBACK"): Promise<void> {
  try {
    await client.query(end);
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : new Error(String(error)));
  }
}

function statementName(text: string): string {
  return `udaconnect_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of `query` planned as queryInSharedSnapshot plans it (for docs,
 * tests and benchmarks): prepared with its parameters' types inferred, then executed with
 * them as literals (EXECUTE takes no bound parameters).
 */
export async function explainPrepared(pool: pg.Pool, query: CompiledQuery, options: SharedSnapshotOptions = {}): Promise<string[]> {
  const client = await pool.connect();
  const name = "udaconnect_explain";
  try {
    await client.query(`BEGIN READ ONLY${options.plan === "generic" ? "; SET LOCAL plan_cache_mode = force_generic_plan" : ""}`);
    await client.query(`PREPARE ${name} AS ${query.sql}`);
    const values = query.parameters.map(literal);
    const { rows } = await client.query<{ "QUERY PLAN": string }>(
      `EXPLAIN (ANALYZE, BUFFERS) EXECUTE ${name}${values.length === 0 ? "" : `(${values.join(", ")})`}`,
    );
    return rows.map((row) => row["QUERY PLAN"]);
  } finally {
    // A prepared statement outlives the transaction.
    await client.query(`ROLLBACK; DEALLOCATE ${name}`).then(
      () => client.release(),
      (error: Error) => client.release(error),
    );
  }
}

function literal(value: unknown): string {
  if (value === null) {
    return "NULL";
  }
  if (value instanceof Date) {
    return escapeLiteral(value.toISOString());
  }
  if (typeof value === "string") {
    return escapeLiteral(value);
  }
  if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  throw new Error(`no SQL literal for ${String(value)}`);
}
