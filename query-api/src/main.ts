import { readFile } from "node:fs/promises";
import { createVerifier, parseKeySet } from "@udaconnect/auth";
import { createLogger } from "@udaconnect/observability";
import { loadConfig } from "./config";
import type { Authentication } from "./http/access";
import { startQueryApi } from "./server";

const config = loadConfig();
// The lines of start and stop; requests are logged by Fastify with the same configuration (app.ts).
const logger = createLogger({ service: "query-api", level: config.logLevel });
const source = config.auth;
const auth: Authentication = source === "disabled" ? "disabled" : createVerifier(parseKeySet(await readFile(source.jwksFile, "utf8"), source.jwksFile));
if (auth === "disabled") {
  logger.warn("WARNING — AUTH_DISABLED=true: every request may read every person's data. Never do this outside local experiments.");
}
if (config.kafkaBrokers === undefined) {
  logger.warn("KAFKA_BROKERS not set: /v1/projection/status reports end offsets as unknown and /readyz ignores lag");
}
if (config.ingestTokenFile !== undefined) {
  // Fail at start rather than at the first write; the file is read again at each write, so it can be renewed in place.
  await readFile(config.ingestTokenFile, "utf8").catch((error: unknown) => {
    throw new Error(`QUERY_API_INGEST_TOKEN_FILE ${config.ingestTokenFile} cannot be read: ${(error as Error).message}`);
  });
}
if (config.ingestUrl === undefined) {
  logger.warn("QUERY_API_INGEST_URL not set: POST /api/persons and /api/locations answer 501");
}
if (config.legacyApiAuth === "open") {
  logger.warn("LEGACY_API_AUTH=open: the original's /api routes serve callers without a token (reads of everyone, writes as query-api)");
}
const api = await startQueryApi({ ...config, auth });
logger.info({ url: api.url }, `listening on ${api.url} (web page /, API docs /docs, OpenAPI /openapi.json, metrics /metrics)`);

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (closing) {
      return;
    }
    closing = true;
    api.close().then(
      () => logger.info({ signal }, "closed"),
      (error: unknown) => {
        logger.error({ err: error }, "failed to close cleanly");
        process.exitCode = 1;
      },
    );
  });
}
