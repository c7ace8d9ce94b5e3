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
