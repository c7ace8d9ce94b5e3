import { loadConfig } from "../src/config";
import type { IngestServerOptions } from "../src/start-ingest-server";

/**
 * The gateway's settings as loadConfig reads them from an environment that sets only the
 * variables without a default: every default as config.ts declares it, and nowhere else.
 */
const { auth, keyStore, ...configured } = loadConfig({
  KAFKA_BROKERS: "127.0.0.1:9092",
  AUTH_DISABLED: "true",
  KEYSTORE_DATABASE_URL: "postgres://unused@127.0.0.1:5432/unused",
  UDACONNECT_MASTER_KEYS_FILE: "unused",
});

/**
 * Options of a gateway started in-process (tests, benchmarks): the configured defaults with
 * `given` over them, which names the brokers and the auth and whatever else the caller changes.
 */
export function ingestOptions(given: Partial<IngestServerOptions> & Pick<IngestServerOptions, "kafkaBrokers" | "auth">): IngestServerOptions {
  return { ...configured, ...given };
}
