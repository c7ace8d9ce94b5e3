import { readFile } from "node:fs/promises";
import { createVerifier, parseKeySet, type VerifyToken } from "@udaconnect/auth";
import { connectKeyStore } from "@udaconnect/keystore";
import { loadConfig, type IngestConfig } from "./config";
import { createLogger, type Logger } from "@udaconnect/observability";
import { startIngestServer } from "./start-ingest-server";

/** Longer than the server's own grace period, so it only fires when draining is stuck. */
const HARD_EXIT_MS = 25_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: "ingest", level: config.logLevel });
  const { auth: authSource, keyStore: keyStoreSource, ...settings } = config;
  const keyStore = await connectKeyStore(keyStoreSource);
  const personKeys = {
    keysFor: (personIds: readonly string[]) => keyStore.persons.keysFor(personIds),
    destroy: async (personId: string) => {
      await keyStore.persons.destroy(personId);
    },
  };
  const server = await startIngestServer({ ...settings, auth: await verifier(authSource, logger), personKeys, logger });
  logger.info({ url: server.url, topicNamespace: config.topicNamespace }, "Ingest gateway listening");

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      return;
    }
    closing = true;
    logger.info({ signal }, "Draining before exit");
    setTimeout(() => {
      logger.error("Drain took too long; exiting anyway");
      process.exit(1);
    }, HARD_EXIT_MS).unref();
    server
      .close()
      .then(keyStore.close)
      .then(
        () => {
          logger.info("Stopped");
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, "Error while draining");
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
