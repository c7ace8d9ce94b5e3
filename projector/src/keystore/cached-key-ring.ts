import type { KeyObject } from "node:crypto";
import type { KeyRing } from "../projection/open-sealed";

/** The key store's readers' side (@udaconnect/keystore's keysById): "erased" for an id it no longer holds. */
export type LoadKeys = (keyIds: readonly string[]) => Promise<ReadonlyMap<string, { readonly key: KeyObject; readonly personId: string } | "erased">>;

/**
 * Data keys by key id for the projection, loaded on demand and kept (bounded:
 * the oldest loaded goes first). "erased" is kept too: key ids are never
 * reused, so a destroyed key stays destroyed. A person's keys are forgotten
 * once their erasure is projected, so a live projector holds no key of an
 * erased person for longer than the batch that erased them.
 */
export class CachedKeyRing implements KeyRing {
  readonly #keys = new Map<string, { readonly key: KeyObject; readonly personId: string } | "erased">();
  readonly #load: LoadKeys;
  readonly #maxEntries: number;

  constructor(load: LoadKeys, maxEntries = 100_000) {
    this.#load = load;
    this.#maxEntries = maxEntries;
  }

  lookup(keyId: string): KeyObject | "erased" | undefined {
    const entry = this.#keys.get(keyId);
    return entry === undefined || entry === "erased" ? entry : entry.key;
  }

  async load(keyIds: readonly string[]): Promise<void> {
    const loaded = await this.#load(keyIds);
    for (const keyId of keyIds) {
      this.#keys.set(keyId, loaded.get(keyId) ?? "erased");
    }
    for (const keyId of this.#keys.keys()) {
      if (this.#keys.size <= this.#maxEntries) break;
      this.#keys.delete(keyId);
    }
  }

  forgetPersons(personIds: ReadonlySet<string>): void {
    if (personIds.size === 0) return;
    for (const [keyId, entry] of this.#keys) {
      if (entry !== "erased" && personIds.has(entry.personId)) this.#keys.set(keyId, "erased");
    }
  }
}

/** Without a key store (tests of other concerns that append unsealed events): a sealed record stops its batch, never skipped silently. */
export const noKeyStore = {
  lookup: () => undefined,
  load: async (keyIds: readonly string[]) => {
    throw new Error(`sealed events need the key store (${keyIds.length} data key(s) asked): start the projector with UDACONNECT_MASTER_KEYS_FILE set`);
  },
  forgetPersons: () => {},
};

export type ProjectionKeys = Pick<CachedKeyRing, "lookup" | "load" | "forgetPersons">;
