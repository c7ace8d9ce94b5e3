import { readFile } from "node:fs/promises";
import { createVerifier, parseKeySet, type VerifyToken } from "@udaconnect/auth";
import { loadConfig, type IngestConfig } from "./config";
import { jsonLogger, type Logger } from "./log";
import { startIngestServer } from "./start-ingest-server";

/** Longer than the server's own grace period, so it only fires when draining is stuck. */
const HARD_EXIT_MS = 25_000;

async function main(): Promise<void> {
  const logger = jsonLogger();
  const config = loadConfig();
  const { auth: authSource, ...settings } = config;
  const server = await startIngestServer({ ...settings, auth: await verifier(authSource, logger), logger });
  logger.info("Ingest gateway listening", { url: server.url, topicNamespace: config.topicNamespace });

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      return;
    }
    closing = true;
    logger.info("Draining before exit", { signal });
    setTimeout(() => {
      logger.error("Drain took too long; exiting anyway");
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    server.close().then(
      () => {
        logger.info("Stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error("Error while draining", { error });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

async function verifier(source: IngestConfig["auth"], logger: Logger): Promise<VerifyToken | "disabled"> {
  if (source === "disabled") {
    logger.warn("AUTH IS DISABLED (AUTH_DISABLED=true): anyone can write anything. Never do this outside local experiments.");
    return "disabled";
  }
  return createVerifier(parseKeySet(await readFile(source.jwksFile, "utf8"), source.jwksFile));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
