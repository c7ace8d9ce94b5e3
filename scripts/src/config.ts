import { fileURLToPath } from "node:url";

/** Settings of the commands in scripts/, from the environment; flags override them. */
export interface ScriptsConfig {
  readonly ingestUrl: string;
  readonly legacyDataDir: string;
}

const DEFAULT_LEGACY_DIR = fileURLToPath(new URL("../../../shared/udaconnect-legacy", import.meta.url));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ScriptsConfig {
  return Object.freeze({
    ingestUrl: env.INGEST_URL || "http://127.0.0.1:50051",
    legacyDataDir: env.LEGACY_DATA_DIR || DEFAULT_LEGACY_DIR,
  });
}
