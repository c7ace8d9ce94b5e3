import { parseArgs } from "node:util";
import { loadConfig } from "./config";
import { connectKeyStore } from "@udaconnect/keystore";
import { createLogger } from "@udaconnect/observability";
import { RebuildInProgressError, runRebuild } from "./rebuild/run-rebuild";

const USAGE = `usage: scripts/rebuild [--grace-seconds N]   (or: tsx projector/src/cli.ts rebuild …)

  rebuild   Builds a new generation of the read models from offset 0 (own consumer
            group, own schema) while the live one keeps serving, switches it in
            atomically once caught up, and drops the previous generation after the
            grace period (default 300 s). Ctrl-C stops it; running it again resumes.
            The new generation holds only the check-ins LOCATION_RETENTION keeps.
            Environment: DATABASE_URL, UDACONNECT_MASTER_KEYS_FILE, KAFKA_BROKERS, TOPIC_NAMESPACE, PROJECTOR_GROUP_ID, LOCATION_RETENTION,
            KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_* (as the projector has them).

Exit codes: 0 switched; 1 failed; 2 usage error; 3 another rebuild is in progress;
130 stopped (Ctrl-C) before the switch.`;

const parsed = parseCommandLine(process.argv.slice(2));
if (parsed.kind === "help") {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.kind === "usage-error") {
  console.error(`rebuild: ${parsed.problem}; see --help`);
  process.exit(2);
}
const { graceSeconds } = parsed;

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());
try {
  const config = loadConfig();
  const keyStore = await connectKeyStore({ databaseUrl: config.databaseUrl, masterKeysFile: config.masterKeysFile, poolSize: 2 });
  const outcome = await runRebuild({
    keysById: keyStore.keysById,
    kafkaBrokers: config.kafkaBrokers,
    kafkaConnection: config.kafkaConnection,
    createTopics: config.createTopics,
    databaseUrl: config.databaseUrl,
    topicNamespace: config.topicNamespace,
    groupId: config.groupId,
    sessionTimeoutMs: config.sessionTimeoutMs,
    locationRetention: config.locationRetention,
    logLevel: config.logLevel,
    graceMs: graceSeconds * 1000,
    progress: (line) => process.stderr.write(`${line}\n`),
    // The projector's own JSON lines would drown the progress: warnings and errors only.
    logger: createLogger({ service: "projector-rebuild", level: config.logLevel === "debug" ? "debug" : "warn", destination: process.stderr }),
    signal: controller.signal,
  }).finally(keyStore.close);
  process.exitCode = outcome.kind === "switched" ? 0 : 130;
} catch (error) {
  console.error(`rebuild: ${describeFailure(error)}`);
  process.exitCode = error instanceof RebuildInProgressError ? 3 : 1;
}

type CommandLine = { kind: "help" } | { kind: "usage-error"; problem: string } | { kind: "rebuild"; graceSeconds: number };

function parseCommandLine(args: string[]): CommandLine {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { "grace-seconds": { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    // parseArgs throws on an unknown flag or a missing value: a usage error, not a crash.
    return { kind: "usage-error", problem: error instanceof Error ? error.message : String(error) };
  }
  const { positionals, values } = parsed;
  if (values.help === true) return { kind: "help" };
  if (positionals[0] !== "rebuild" || positionals.length !== 1) {
    return { kind: "usage-error", problem: `expected the command 'rebuild', got '${positionals.join(" ")}'` };
  }
  const graceSeconds = Number(values["grace-seconds"] ?? "300");
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) {
    return { kind: "usage-error", problem: `--grace-seconds must be a whole number of seconds, got '${values["grace-seconds"]}'` };
  }
  return { kind: "rebuild", graceSeconds };
}

function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // pg's undefined_table: nothing ever migrated this database, so there is nothing to rebuild.
  const undefinedTable = typeof error === "object" && error !== null && "code" in error && error.code === "42P01";
  return undefinedTable ? `${message}: this database has no read models yet; run ./scripts/up once (it migrates them), then this again` : message;
}
