import { setTimeout as delay } from "node:timers/promises";
import { dropGeneration, homeSchemaOf, switchGeneration, withAdvisoryLock } from "@udaconnect/migrations";
import { sql } from "kysely";
import { allTopics, topicName } from "@udaconnect/schemas";
import { deleteConsumerGroup, endOffsetSum, withAdmin, type KafkaAddress } from "../kafka/client";
import type { Logger } from "@udaconnect/observability";
import { createDatabase } from "../postgres/database";
import type { LoadKeys } from "../keystore/cached-key-ring";
import { startProjector, type ProjectorSettings } from "../start-projector";
import { formatProgress, progressOf, type ProgressSample } from "./progress";
import { candidateGeneration, consumedBy, dropExpiredGenerations } from "./rebuild-state";

export const REBUILD_LOCK = "udaconnect.read-model.rebuild";

const SWITCH_WITHIN_RECORDS = 2_000n;
const CLIENT_ID = "udaconnect-rebuild";

function addressOf(options: RebuildOptions): KafkaAddress {
  return { brokers: options.kafkaBrokers, connection: options.kafkaConnection };
}

/** The projector's settings (its groupId is the live group's), and what only a rebuild has. */
export type RebuildOptions = ProjectorSettings & {
  /** Opens sealed personal fields (docs/erasure.md): a destroyed key's events project as "erased", nothing personal. */
  readonly keysById?: LoadKeys;
  /** The clock of the retention's bound (the new generation holds only the check-ins LOCATION_RETENTION keeps); the system clock by default. */
  readonly now?: () => Date;
  /** How long the previous generation is kept after the switch (for a look back, or a switch back by hand). */
  readonly graceMs: number;
  readonly progressIntervalMs?: number;
  /** Progress lines (events/s, lag, ETA); stderr in the CLI. */
  readonly progress: (line: string) => void;
  readonly logger: Logger;
  /** Aborting stops the rebuild where it is: running it again resumes the same generation. */
  readonly signal?: AbortSignal;
};

export type RebuildOutcome =
  | { readonly kind: "switched"; readonly generation: number; readonly previous: number | undefined; readonly dropped: boolean }
  | { readonly kind: "interrupted"; readonly generation: number };

/** Raised when another rebuild holds the advisory lock. */
export class RebuildInProgressError extends Error {
  constructor() {
    super(
      "another rebuild is running on this database (it holds the rebuild advisory lock): wait for it to finish, or stop it (Ctrl-C) and run this again to resume it",
    );
    this.name = "RebuildInProgressError";
  }
}

/**
 * Builds a new generation of the read models from offset 0 with its own
 * consumer group while the live generation keeps serving and being updated,
 * switches it in when caught up, and drops the previous one after the grace
 * period. Resumes an interrupted rebuild's generation from its checkpoints.
 */
export async function runRebuild(options: RebuildOptions): Promise<RebuildOutcome> {
  const db = createDatabase({
    url: options.databaseUrl,
    maxConnections: 3,
    onIdleError: (error) => options.logger.warn({ err: error }, "an idle database connection failed; the pool replaces it"),
  });
  try {
    const outcome = await withAdvisoryLock(db, REBUILD_LOCK, false, () => rebuildLocked(db, options));
    if (outcome === undefined) {
      throw new RebuildInProgressError();
    }
    return outcome;
  } finally {
    await db.destroy();
  }
}

type Db = ReturnType<typeof createDatabase>;

async function rebuildLocked(db: Db, options: RebuildOptions): Promise<RebuildOutcome> {
  const dropped = await dropExpiredGenerations(db, options.graceMs);
  if (dropped.length > 0) {
    options.progress(`rebuild: dropped retired generations ${dropped.join(", ")} (grace period over)`);
  }
  const { generation, resumed } = await candidateGeneration(db);
  options.progress(`rebuild: ${resumed ? "resuming" : "building"} generation ${generation}`);
  const groupId = `${options.groupId}-rebuild-${generation}`;
  // The rebuild's own group, consuming as `<groupId>-rebuild-<generation>` (deleted after the switch).
  const projector = await startProjector({
    kafkaBrokers: options.kafkaBrokers,
    kafkaConnection: options.kafkaConnection,
    createTopics: options.createTopics,
    databaseUrl: options.databaseUrl,
    ...(options.keysById ? { keysById: options.keysById } : {}),
    topicNamespace: options.topicNamespace,
    groupId,
    sessionTimeoutMs: options.sessionTimeoutMs,
    target: { kind: "generation", generation },
    locationRetention: options.locationRetention,
    ...(options.now ? { now: options.now } : {}),
    logLevel: options.logLevel,
    logger: options.logger,
  });
  let previous: number | undefined;
  try {
    const switched = await catchUpAndSwitch(db, generation, options);
    if (switched === "interrupted") {
      options.progress(`rebuild: interrupted; run it again to resume generation ${generation}`);
      return { kind: "interrupted", generation };
    }
    previous = switched.previous;
  } finally {
    await projector.stop();
  }
  options.progress(`rebuild: generation ${generation} is live${previous === undefined ? "" : `; generation ${previous} retired`}`);
  await forgetGroup(groupId, options);
  return { kind: "switched", generation, previous, dropped: previous !== undefined && (await dropAfterGrace(db, previous, options)) };
}

/** Reports progress each interval; once near the end of the log, switches (retrying until it does). */
async function catchUpAndSwitch(db: Db, generation: number, options: RebuildOptions): Promise<{ previous: number | undefined } | "interrupted"> {
  const topics = allTopics.map((t) => topicName(t, options.topicNamespace));
  return withAdmin(addressOf(options), CLIENT_ID, async (admin) => {
    let previous: ProgressSample | undefined;
    let vacuumed = false;
    while (options.signal?.aborted !== true) {
      const sample = { atMs: Date.now(), consumed: await consumedBy(db, generation, topics), end: await endOffsetSum(admin, topics) };
      const progress = progressOf(previous, sample);
      options.progress(formatProgress(generation, progress));
      previous = sample;
      // The switch itself waits (live projector paused) for the last records.
      if (progress.lag <= SWITCH_WITHIN_RECORDS) {
        if (!vacuumed) {
          await vacuumGeneration(db, generation, options);
          vacuumed = true;
        }
        const outcome = await switchGeneration(db, generation, { topics, catchUpTimeoutMs: 5_000 });
        if (outcome.kind === "switched") {
          return { previous: outcome.previous };
        }
        options.progress(`rebuild: not switched yet (${outcome.kind}); catching up`);
      }
      await delay(options.progressIntervalMs ?? 1_000, undefined, { signal: options.signal }).catch(() => {});
    }
    return "interrupted";
  });
}

/**
 * The rebuild's consumer group is of no use once its generation is live (the live projector
 * follows it with its own group and the database checkpoints): delete it. A failure only
 * leaves an empty group behind, so it is reported, not fatal.
 */
async function forgetGroup(groupId: string, options: RebuildOptions): Promise<void> {
  try {
    await withAdmin(addressOf(options), CLIENT_ID, (admin) => deleteConsumerGroup(admin, groupId));
    options.progress(`rebuild: deleted consumer group ${groupId}`);
  } catch (error) {
    options.logger.warn({ groupId, err: error }, "could not delete the rebuild's consumer group; delete it by hand (kafka-consumer-groups.sh --delete)");
  }
}

/**
 * A bulk-loaded generation has no visibility map and no statistics yet: until autovacuum
 * gets to it, the query API's index-only probes would read the table too, and the planner
 * would guess. VACUUM (ANALYZE) its tables once, just before it goes live.
 */
async function vacuumGeneration(db: Db, generation: number, options: RebuildOptions): Promise<void> {
  const started = Date.now();
  const schema = homeSchemaOf(generation);
  const { rows } = await sql<{ tablename: string }>`SELECT tablename FROM pg_tables WHERE schemaname = ${schema} ORDER BY tablename`.execute(db);
  for (const { tablename } of rows) {
    await sql`VACUUM (ANALYZE) ${sql.table(`${schema}.${tablename}`)}`.execute(db);
  }
  options.progress(`rebuild: vacuumed and analysed generation ${generation} (${rows.length} tables, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Keeps the retired generation for the grace period, then drops it; an interruption keeps it. */
async function dropAfterGrace(db: Db, generation: number, options: RebuildOptions): Promise<boolean> {
  options.progress(`rebuild: dropping generation ${generation} in ${Math.round(options.graceMs / 1000)}s (Ctrl-C keeps it; the next rebuild drops it)`);
  await delay(options.graceMs, undefined, { signal: options.signal }).catch(() => {});
  if (options.signal?.aborted === true) {
    return false;
  }
  await dropGeneration(db, generation);
  options.progress(`rebuild: dropped generation ${generation}`);
  return true;
}
