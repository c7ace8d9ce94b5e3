import { parseArgs } from "node:util";
import { oldestRetained, parseRetention, type Retention } from "@udaconnect/schemas";
import { loadPruneConfig } from "./config";
import { createDatabase } from "./postgres/database";
import { countPrunable, pruneLocations } from "./postgres/prune-locations";

const USAGE = `usage: scripts/prune-locations [--retention D] [--batch-size N] [--dry-run]
       (or: node /app/dist/prune-locations.js … in the projector image, as its CronJob runs it)

Deletes the check-ins of the live read models that occurred before now minus
LOCATION_RETENTION, oldest first, in batches of N rows (default 5000), each its own
short transaction, so the projector and the query API go on meanwhile. Idempotent:
run it again after an interruption, or on a schedule (infra/k8s: the prune-locations
CronJob). With LOCATION_RETENTION=forever (the default) there is nothing to prune.

  --retention D     instead of LOCATION_RETENTION: "forever", or a duration like 90d, 12h, 30m, 3600s, 2w
  --batch-size N    rows per transaction (1 to 100000)
  --dry-run         only count the check-ins that would be deleted

Environment: DATABASE_URL, LOCATION_RETENTION. Progress on stderr.
Exit codes: 0 done (or nothing to do); 1 failed; 2 usage error; 130 stopped (Ctrl-C).`;

type CommandLine =
  | { kind: "help" }
  | { kind: "usage-error"; problem: string }
  | { kind: "prune"; retention: Retention | undefined; batchSize: number; dryRun: boolean };

const parsed = parseCommandLine(process.argv.slice(2));
if (parsed.kind === "help") {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.kind === "usage-error") {
  console.error(`prune-locations: ${parsed.problem}; see --help`);
  process.exit(2);
}

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());
const say = (line: string) => process.stderr.write(`prune-locations: ${line}\n`);
try {
  process.exitCode = await prune(parsed);
} catch (error) {
  say(`${error instanceof Error ? error.message : String(error)}${hintFor(error)}`);
  process.exitCode = 1;
}

async function prune({ retention: flag, batchSize, dryRun }: Extract<CommandLine, { kind: "prune" }>): Promise<number> {
  const config = loadPruneConfig();
  const retention = flag ?? config.locationRetention;
  const before = oldestRetained(retention, new Date());
  if (before === undefined) {
    say('the retention is forever (LOCATION_RETENTION unset or "forever"): nothing to prune');
    return 0;
  }
  const db = createDatabase({ url: config.databaseUrl, maxConnections: 1, onIdleError: () => {} });
  try {
    if (dryRun) {
      say(`${await countPrunable(db, before)} check-ins occurred before ${before.toISOString()} (retention ${retention.text}); --dry-run deletes nothing`);
      return 0;
    }
    say(`deleting check-ins that occurred before ${before.toISOString()} (retention ${retention.text}), ${batchSize} per batch`);
    const started = Date.now();
    const outcome = await pruneLocations(db, {
      before,
      batchSize,
      signal: controller.signal,
      onBatch: (deleted, total) => say(`deleted ${deleted} (${total} so far, ${((Date.now() - started) / 1000).toFixed(1)} s)`),
    });
    if (!outcome.complete) {
      say(`stopped after ${outcome.deleted} check-ins; run it again to delete the rest`);
      return 130;
    }
    say(`done: ${outcome.deleted} check-ins deleted in ${outcome.batches} batches; none left before ${before.toISOString()}`);
    return 0;
  } finally {
    await db.destroy();
  }
}

function parseCommandLine(args: string[]): CommandLine {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { retention: { type: "string" }, "batch-size": { type: "string" }, "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (error) {
    // parseArgs throws on an unknown flag, a positional or a missing value: a usage error, not a crash.
    return { kind: "usage-error", problem: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: "help" };
  const retention = values.retention === undefined ? undefined : parseRetention(values.retention);
  if (values.retention !== undefined && retention === undefined) {
    return { kind: "usage-error", problem: `--retention must be "forever" or a duration like 90d, 12h, 30m, 3600s or 2w, got '${values.retention}'` };
  }
  const batchSize = Number(values["batch-size"] ?? "5000");
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    return { kind: "usage-error", problem: `--batch-size must be a whole number from 1 to 100000, got '${values["batch-size"]}'` };
  }
  return { kind: "prune", retention, batchSize, dryRun: values["dry-run"] === true };
}

function hintFor(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  if (code === "42P01") return ": this database has no read models yet; run ./scripts/up once (it migrates them), then this again";
  if (code === "ECONNREFUSED") return ": no PostgreSQL answers at DATABASE_URL; start it (bash infra/local/services.sh start) or set DATABASE_URL";
  return "";
}
