import { requiredVariable, text } from "@udaconnect/config";

/** UDACONNECT_MASTER_KEYS_FILE, as the ingest gateway and the projector require it (docs/erasure.md). */
export const MASTER_KEYS_FILE = requiredVariable({
  name: "UDACONNECT_MASTER_KEYS_FILE",
  missing:
    "UDACONNECT_MASTER_KEYS_FILE is required: the master keys file that wraps the persons' data keys (scripts/rotate-master-key new-file makes one; docs/erasure.md)",
  parse: text,
  description: "the master keys that wrap the persons' data keys (docs/erasure.md)",
});

/** What scripts/rotate-master-key reads from the environment when no flag gives it. */
export interface RotateEnvironment {
  /** UDACONNECT_MASTER_KEYS_FILE: the master keys file, unless --file names one. */
  readonly masterKeysFile: string | undefined;
  /** DATABASE_URL: the key store `rewrap` re-wraps. */
  readonly databaseUrl: string | undefined;
}

export function loadRotateEnvironment(env: NodeJS.ProcessEnv = process.env): RotateEnvironment {
  return { masterKeysFile: env.UDACONNECT_MASTER_KEYS_FILE || undefined, databaseUrl: env.DATABASE_URL || undefined };
}
