import { parseArgs } from "node:util";
import { loadConfig } from "./config";
import { createJsonLogger } from "./logger";
import { RebuildInProgressError, runRebuild } from "./rebuild/run-rebuild";

const USAGE = `usage: tsx projector/src/cli.ts rebuild [--grace-seconds N]

  rebuild   Builds a new generation of the read models from offset 0 (own consumer
            group, own schema) while the live one keeps serving, switches it in
            atomically once caught up, and drops the previous generation after the
            grace period (default 300 s). Ctrl-C stops it; running it again resumes.
            Environment: DATABASE_URL, KAFKA_BROKERS, TOPIC_NAMESPACE, PROJECTOR_GROUP_ID,
            KAFKA_SECURITY_PROTOCOL, KAFKA_SSL_*, KAFKA_SASL_* (as the projector has them).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { "grace-seconds": { type: "string" }, help: { type: "boolean", short: "h" } },
});
const graceSeconds = Number(values["grace-seconds"] ?? "300");
if (values.help === true || positionals[0] !== "rebuild" || positionals.length !== 1 || !Number.isInteger(graceSeconds) || graceSeconds < 0) {
  console.error(USAGE);
  process.exit(values.help === true ? 0 : 2);
}

const config = loadConfig();
const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort());
try {
  const outcome = await runRebuild({
    kafkaBrokers: config.kafkaBrokers,
    kafkaConnection: config.kafkaConnection,
    databaseUrl: config.databaseUrl,
    topicNamespace: config.topicNamespace,
    groupId: config.groupId,
    graceMs: graceSeconds * 1000,
    progress: (line) => process.stderr.write(`${line}\n`),
    // The projector's own JSON lines would drown the progress: warnings and errors only.
    logger: createJsonLogger(config.logLevel === "debug" ? "debug" : "warn", (line) => process.stderr.write(line)),
    signal: controller.signal,
  });
  process.exitCode = outcome.kind === "switched" ? 0 : 130;
} catch (error) {
  console.error(`rebuild: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof RebuildInProgressError ? 3 : 1;
}
