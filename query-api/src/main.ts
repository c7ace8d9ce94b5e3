import { readFile } from "node:fs/promises";
import { createVerifier, parseKeySet } from "@udaconnect/auth";
import { loadConfig } from "./config";
import type { Authentication } from "./http/access";
import { startQueryApi } from "./server";

const config = loadConfig();
let auth: Authentication = "disabled";
if (config.authJwksFile !== undefined) {
  auth = createVerifier(parseKeySet(await readFile(config.authJwksFile, "utf8"), config.authJwksFile));
} else {
  console.warn("query-api: WARNING — AUTH_DISABLED=true: every request may read every person's data. Never do this outside local experiments.");
}
if (config.kafkaBrokers === undefined) {
  console.warn("query-api: KAFKA_BROKERS not set: /v1/projection/status reports end offsets as unknown and /readyz ignores lag");
}
const api = await startQueryApi({ ...config, auth });
console.log(`query-api: listening on ${api.url} (web page /, API docs /docs, OpenAPI /openapi.json, metrics /metrics)`);

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    if (closing) {
      return;
    }
    closing = true;
    api.close().then(
      () => console.log(`query-api: closed after ${signal}`),
      (error: unknown) => {
        console.error("query-api: failed to close cleanly", error);
        process.exitCode = 1;
      },
    );
  });
}
