import pg from "pg";
import { loadMasterKeys, type MasterKeys } from "./master-keys";
import { PersonKeyStore, keysById, type KeyCacheOptions, type PersonKey } from "./person-key-store";

export interface KeyStoreOptions {
  /** A role with rights on schema keystore only is enough (infra/k8s/base/database-roles.sql). */
  readonly databaseUrl: string;
  /** UDACONNECT_MASTER_KEYS_FILE. */
  readonly masterKeysFile: string;
  readonly cache?: KeyCacheOptions;
  /** Default 4. */
  readonly poolSize?: number;
}

export interface KeyStoreConnection {
  readonly masterKeys: MasterKeys;
  /** The writer's side (ingest). */
  readonly persons: PersonKeyStore;
  /** The readers' side (projector, rebuild, replay): "erased" for a destroyed key. */
  readonly keysById: (keyIds: readonly string[]) => Promise<Map<string, PersonKey | "erased">>;
  readonly pool: pg.Pool;
  readonly close: () => Promise<void>;
}

/** Reads the master keys (failing at start, naming the file, when they are unusable) and opens a small pool. */
export async function connectKeyStore(options: KeyStoreOptions): Promise<KeyStoreConnection> {
  const masterKeys = await loadMasterKeys(options.masterKeysFile);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 4 });
  // An idle client's error (the server restarted) must not crash the process: the next query reconnects.
  pool.on("error", () => {});
  return {
    masterKeys,
    persons: new PersonKeyStore(pool, masterKeys, options.cache),
    keysById: (keyIds) => keysById(pool, masterKeys, keyIds),
    pool,
    close: () => pool.end(),
  };
}
