import { randomBytes, randomUUID, type KeyObject } from "node:crypto";
import type pg from "pg";
import type { MasterKeys } from "./master-keys";
import { unwrapDataKey, wrapDataKey } from "./wrapping";

/** A person's data key, as @udaconnect/schemas' sealing takes it. */
export interface PersonKey {
  readonly keyId: string;
  readonly personId: string;
  readonly key: KeyObject;
}

/** Anything that runs a query: a pg.Pool, a pg.PoolClient inside a transaction. */
export type Queryable = Pick<pg.Pool, "query">;

interface KeyRow {
  key_id: string;
  person_id: string;
  wrapped_key: Buffer;
  master_key_id: string;
}

export interface KeyCacheOptions {
  /** Keys held in memory at most; the oldest used goes first. Default 50,000. */
  readonly maxEntries?: number;
  /**
   * How long a cached key is used without asking the store again. Bounds how
   * long another gateway replica keeps sealing with a key an ErasePerson on
   * this one destroyed. Default 60 s.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * The writer's side (ingest): the data key of each person, made at their
 * first event; destroyed by ErasePerson. Keys are unwrapped once and cached.
 */
export class PersonKeyStore {
  readonly #db: Queryable;
  readonly #master: MasterKeys;
  readonly #cache: KeyCache;

  constructor(db: Queryable, master: MasterKeys, cache: KeyCacheOptions = {}) {
    this.#db = db;
    this.#master = master;
    this.#cache = new KeyCache(cache);
  }

  /** The live key of each person, made where missing (concurrent makers agree: one row per person wins). */
  async keysFor(personIds: Iterable<string>): Promise<ReadonlyMap<string, PersonKey>> {
    const found = new Map<string, PersonKey>();
    const missing: string[] = [];
    for (const personId of new Set(personIds)) {
      const cached = this.#cache.get(personId);
      if (cached === undefined) missing.push(personId);
      else found.set(personId, cached);
    }
    if (missing.length === 0) return found;
    await this.#insertMissing(missing);
    const { rows } = await this.#db.query<KeyRow>(
      "SELECT key_id, person_id, wrapped_key, master_key_id FROM keystore.person_keys WHERE person_id = ANY($1::text[])",
      [missing],
    );
    for (const row of rows) {
      const key = unwrapRow(this.#master, row);
      this.#cache.set(row.person_id, key);
      found.set(row.person_id, key);
    }
    const lost = missing.filter((id) => !found.has(id));
    if (lost.length > 0) {
      // Only an erasure between the INSERT and the SELECT: the caller retries.
      throw new Error(`data keys of ${lost.length} person(s) vanished while being made (erased meanwhile); retry`);
    }
    return found;
  }

  /** Crypto-shreds the person: every sealed field of theirs in the log becomes unreadable. Returns the keys deleted. */
  async destroy(personId: string): Promise<number> {
    this.#cache.delete(personId);
    const { rowCount } = await this.#db.query("DELETE FROM keystore.person_keys WHERE person_id = $1", [personId]);
    return rowCount ?? 0;
  }

  async #insertMissing(personIds: readonly string[]): Promise<void> {
    const keyIds = personIds.map(() => randomUUID());
    const wrapped = personIds.map((personId, i) => wrapDataKey(this.#activeMaster(), keyIds[i] as string, personId, randomBytes(32)));
    await this.#db.query(
      `INSERT INTO keystore.person_keys (key_id, person_id, wrapped_key, master_key_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], array_fill($4::text, ARRAY[cardinality($1::text[])]))
       ON CONFLICT (person_id) DO NOTHING`,
      [keyIds, personIds, wrapped, this.#master.activeId],
    );
  }

  #activeMaster(): KeyObject {
    return this.#master.keys.get(this.#master.activeId) as KeyObject;
  }
}

/**
 * The readers' side (projector, rebuild, replay): data keys by key id, as the
 * sealed fields name them. A key id absent from the store was destroyed:
 * its person was erased (key ids are never reused).
 */
export async function keysById(db: Queryable, master: MasterKeys, keyIds: readonly string[]): Promise<Map<string, PersonKey | "erased">> {
  const found = new Map<string, PersonKey | "erased">(keyIds.map((id) => [id, "erased"]));
  if (keyIds.length === 0) return found;
  const { rows } = await db.query<KeyRow>("SELECT key_id, person_id, wrapped_key, master_key_id FROM keystore.person_keys WHERE key_id = ANY($1::text[])", [
    keyIds,
  ]);
  for (const row of rows) found.set(row.key_id, unwrapRow(master, row));
  return found;
}

function unwrapRow(master: MasterKeys, row: KeyRow): PersonKey {
  const wrapping = master.keys.get(row.master_key_id);
  if (wrapping === undefined) {
    throw new Error(
      `data key ${row.key_id} is wrapped with master key ${row.master_key_id}, which UDACONNECT_MASTER_KEYS_FILE does not hold: add it back until scripts/rotate-master-key rewrap has run`,
    );
  }
  return { keyId: row.key_id, personId: row.person_id, key: unwrapDataKey(wrapping, row.key_id, row.person_id, row.wrapped_key) };
}

/** Bounded and aged: insertion order of a Map is the use order (a hit moves the entry to the end). */
class KeyCache {
  readonly #entries = new Map<string, { key: PersonKey; at: number }>();
  readonly #maxEntries: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor({ maxEntries = 50_000, maxAgeMs = 60_000, now = Date.now }: KeyCacheOptions) {
    this.#maxEntries = maxEntries;
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  get(personId: string): PersonKey | undefined {
    const entry = this.#entries.get(personId);
    if (entry === undefined) return undefined;
    this.#entries.delete(personId);
    if (this.#now() - entry.at > this.#maxAgeMs) return undefined;
    this.#entries.set(personId, entry);
    return entry.key;
  }

  set(personId: string, key: PersonKey): void {
    this.#entries.delete(personId);
    this.#entries.set(personId, { key, at: this.#now() });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  delete(personId: string): void {
    this.#entries.delete(personId);
  }
}
