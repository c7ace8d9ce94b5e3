import { loadConfig } from "../src/config";
import type { ProjectorSettings } from "../src/start-projector";

/**
 * The projector's settings as loadConfig reads them from an environment that sets only the
 * variables without a default: every default as config.ts declares it, and nowhere else.
 */
const { host, port, masterKeysFile, ...configured } = loadConfig({
  DATABASE_URL: "postgres://unused@127.0.0.1:5432/unused",
  KAFKA_BROKERS: "127.0.0.1:9092",
  UDACONNECT_MASTER_KEYS_FILE: "unused",
});

/**
 * Options of a projector or a rebuild run in-process (tests, benchmarks): the configured
 * defaults with `given` over them, which names the brokers, the database and the namespace,
 * and whatever else the caller changes or adds (a logger, a rebuild's grace period).
 */
export function projectorOptions<Given extends Partial<ProjectorSettings> & Pick<ProjectorSettings, "kafkaBrokers" | "databaseUrl" | "topicNamespace">>(
  given: Given,
): ProjectorSettings & Given {
  return { ...configured, ...given };
}
