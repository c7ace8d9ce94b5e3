import { connectKeyStore } from "@udaconnect/keystore";
import { createLogger } from "@udaconnect/observability";
import { loadConfig } from "./config";
import { startOpsServer, type Readiness } from "./http/ops-server";
import { createProjectorMetrics } from "./metrics/projector-metrics";
import { startProjector, type Projector } from "./start-projector";

const config = loadConfig();
const logger = createLogger({ service: "projector", level: config.logLevel });

let projector: Projector | undefined;
const notStarted: Readiness = { ready: false, checks: { consumer: false, database: false } };
const metrics = createProjectorMetrics();
const keyStore = await connectKeyStore({ databaseUrl: config.databaseUrl, masterKeysFile: config.masterKeysFile, poolSize: 2 });
const ops = await startOpsServer({
  host: config.host,
  port: config.port,
  metrics: () => metrics.scrape(),
  readiness: () => projector?.readiness() ?? Promise.resolve(notStarted),
});
logger.info({ url: ops.url }, "ops server listening");

let stopRequested = false;
/** Lets the batch in progress commit, then leaves the group and closes everything; idempotent. */
function shutdown(reason: string): void {
  if (stopRequested) return;
  stopRequested = true;
  void (async () => {
    logger.info({ reason }, "stopping");
    await projector?.stop();
    await keyStore.close();
    await ops.close();
  })().catch((error: unknown) => {
    logger.error({ err: error }, "could not stop cleanly");
    process.exitCode = 1;
  });
}
process.once("SIGTERM", () => shutdown("SIGTERM"));
process.once("SIGINT", () => shutdown("SIGINT"));

try {
  const started = await startProjector({
    kafkaBrokers: config.kafkaBrokers,
    kafkaConnection: config.kafkaConnection,
    createTopics: config.createTopics,
    locationRetention: config.locationRetention,
    databaseUrl: config.databaseUrl,
    keysById: keyStore.keysById,
    topicNamespace: config.topicNamespace,
    groupId: config.groupId,
    sessionTimeoutMs: config.sessionTimeoutMs,
    logLevel: config.logLevel,
    logger,
    metrics,
    // The consumer will not come back on its own: exit, so that the orchestrator restarts the process.
    onFatal: () => {
      process.exitCode = 1;
      shutdown("fatal consumer error");
    },
  });
  if (stopRequested) {
    // A signal came while the consumer was joining: stop it as soon as it exists.
    await started.stop();
  } else {
    projector = started;
  }
} catch (error) {
  logger.error({ err: error }, "projector could not start");
  process.exitCode = 1;
  await ops.close();
}
