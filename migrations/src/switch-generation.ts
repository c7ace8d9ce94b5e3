import { sql } from "kysely";
import { homeSchemaOf, type AnyDb, type AnyTransaction } from "./control";
import { moveRelations } from "./generations";

export interface SwitchOptions {
  /** How long the live projector may be paused while the new generation reaches its checkpoints. */
  readonly catchUpTimeoutMs?: number;
  /**
   * How long the switch waits for a reader's lock on a relation before it gives
   * up (and is retried): it must lose to readers, never make one fail.
   */
  readonly lockTimeoutMs?: number;
  readonly attempts?: number;
  /** Only these topics' checkpoints must have caught up (a rebuild reads one namespace); all by default. */
  readonly topics?: readonly string[];
}

export type SwitchOutcome =
  | { readonly kind: "switched"; readonly previous: number | undefined }
  | { readonly kind: "behind"; readonly partitions: readonly PartitionBehind[] }
  | { readonly kind: "lock-timeout" };

export interface PartitionBehind {
  readonly topic: string;
  readonly partition: number;
  readonly live: string;
  readonly candidate: string;
}

/**
 * Makes building generation `generation` the live one in ONE transaction:
 * 1. lock the live pointer: live projector batches finish and the next ones wait;
 * 2. wait until every checkpoint of the candidate is at or past the live one's
 *    (its own projector keeps running), so no record falls between them;
 * 3. lock the candidate's row (its projector pauses too), move the live
 *    generation's relations back home and the candidate's into public.
 * Readers name relations without a schema: a query waiting on the moved
 * relation resolves the name again once the switch commits and sees the new
 * generation whole; a query running before it saw the old one whole.
 */
export async function switchGeneration(db: AnyDb, generation: number, options: SwitchOptions = {}): Promise<SwitchOutcome> {
  const attempts = options.attempts ?? 20;
  let outcome: SwitchOutcome = { kind: "lock-timeout" };
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    try {
      outcome = await db.transaction().execute((trx) => trySwitch(trx, generation, options));
    } catch (error) {
      if (!isLockTimeout(error)) {
        throw error;
      }
      outcome = { kind: "lock-timeout" };
    }
    if (outcome.kind !== "lock-timeout") {
      return outcome;
    }
  }
  return outcome;
}

async function trySwitch(trx: AnyTransaction, generation: number, options: SwitchOptions): Promise<SwitchOutcome> {
  const pointer = await sql<{ generation: number }>`SELECT generation FROM public.read_model_live FOR UPDATE`.execute(trx);
  const previous = pointer.rows[0]?.generation;
  if (previous !== undefined) {
    const behind = await waitUntilCaughtUp(trx, homeSchemaOf(generation), options.topics, options.catchUpTimeoutMs ?? 10_000);
    if (behind.length > 0) {
      return { kind: "behind", partitions: behind };
    }
  }
  const candidate = await sql<{ status: string }>`
    SELECT status FROM public.read_model_generation WHERE generation = ${generation} FOR UPDATE
  `.execute(trx);
  if (candidate.rows[0]?.status !== "building") {
    throw new Error(`generation ${generation} is ${candidate.rows[0]?.status ?? "unknown"}, not building: it cannot be switched in`);
  }
  if (previous !== undefined && (await checkpointsBehind(trx, homeSchemaOf(generation), options.topics)).length > 0) {
    return { kind: "lock-timeout" };
  }
  await sql`SELECT set_config('lock_timeout', ${`${options.lockTimeoutMs ?? 200}ms`}, true)`.execute(trx);
  if (previous !== undefined) {
    const old = await sql<{ relations: string[] }>`
      SELECT relations FROM public.read_model_generation WHERE generation = ${previous} FOR UPDATE
    `.execute(trx);
    await sql`
      UPDATE public.read_model_generation SET status = 'retired', retired_at = now(), relations = '{}'
      WHERE generation = ${previous}
    `.execute(trx);
    await moveRelations(trx, "public", homeSchemaOf(previous), old.rows[0]?.relations ?? []);
  }
  const moved = await moveRelations(trx, homeSchemaOf(generation), "public");
  await sql`
    UPDATE public.read_model_generation SET status = 'live', live_at = now(), relations = ${moved}::text[]
    WHERE generation = ${generation}
  `.execute(trx);
  await sql`
    INSERT INTO public.read_model_live (singleton, generation) VALUES (true, ${generation})
    ON CONFLICT (singleton) DO UPDATE SET generation = EXCLUDED.generation
  `.execute(trx);
  return { kind: "switched", previous };
}

async function waitUntilCaughtUp(
  trx: AnyTransaction,
  candidateSchema: string,
  topics: readonly string[] | undefined,
  timeoutMs: number,
): Promise<PartitionBehind[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // READ COMMITTED: each statement sees the candidate projector's latest commits.
    const behind = await checkpointsBehind(trx, candidateSchema, topics);
    if (behind.length === 0 || Date.now() >= deadline) {
      return behind;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function checkpointsBehind(trx: AnyTransaction, candidateSchema: string, topics: readonly string[] | undefined): Promise<PartitionBehind[]> {
  const { rows } = await sql<PartitionBehind>`
    SELECT l.topic, l.partition, l.next_offset::text AS live, coalesce(c.next_offset, 0)::text AS candidate
    FROM public.projection_checkpoint l
    LEFT JOIN ${sql.id(candidateSchema, "projection_checkpoint")} c ON c.topic = l.topic AND c.partition = l.partition
    WHERE coalesce(c.next_offset, 0) < l.next_offset AND (${topics === undefined}::boolean OR l.topic = ANY(${topics ?? []}::text[]))
    ORDER BY l.topic, l.partition
  `.execute(trx);
  return rows;
}

function isLockTimeout(error: unknown): boolean {
  // 55P03 lock_not_available (lock_timeout); 40P01 deadlock_detected.
  const code = (error as { code?: unknown } | null)?.code;
  return code === "55P03" || code === "40P01";
}
