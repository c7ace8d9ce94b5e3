import { createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";

/**
 * The master keys that wrap the data keys, from the file UDACONNECT_MASTER_KEYS_FILE
 * names (a Kubernetes Secret mounted as a file; never in the repository):
 *   {"active": "<id>", "keys": {"<id>": "<32 random bytes, base64>", …}}
 * New data keys are wrapped with the active one; every key listed can unwrap,
 * so an old id stays readable until scripts/rotate-master-key has re-wrapped its keys.
 */
export interface MasterKeys {
  readonly activeId: string;
  readonly keys: ReadonlyMap<string, KeyObject>;
}

export interface MasterKeysFile {
  readonly active: string;
  readonly keys: Readonly<Record<string, string>>;
}

const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export async function loadMasterKeys(path: string): Promise<MasterKeys> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the master keys file ${path} (UDACONNECT_MASTER_KEYS_FILE): ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseMasterKeys(text, path);
}

/** Throws naming the file and the problem: a service must not start with keys it cannot use. */
export function parseMasterKeys(text: string, source: string): MasterKeys {
  const fail = (problem: string): never => {
    throw new Error(
      `master keys file ${source}: ${problem} (expected {"active": "<id>", "keys": {"<id>": "<32 bytes, base64>"}}; scripts/rotate-master-key new-file makes one)`,
    );
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail("not JSON");
  }
  const file = parsed as Partial<MasterKeysFile> | null;
  if (file === null || typeof file !== "object" || typeof file.active !== "string" || typeof file.keys !== "object" || file.keys === null) {
    return fail('needs a string "active" and an object "keys"');
  }
  const keys = new Map<string, KeyObject>();
  for (const [id, encoded] of Object.entries(file.keys)) {
    if (!ID_PATTERN.test(id)) fail(`key id ${JSON.stringify(id)} is not 1–64 characters of [A-Za-z0-9._-]`);
    const bytes = typeof encoded === "string" ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
    if (bytes.length !== 32) fail(`key ${JSON.stringify(id)} is not 32 bytes in base64`);
    keys.set(id, createSecretKey(bytes));
  }
  if (!keys.has(file.active)) fail(`the active key ${JSON.stringify(file.active)} is not among the keys`);
  return Object.freeze({ activeId: file.active, keys });
}

/** A new random master key added to `file` (or a new file) and made active; the others stay for unwrapping. */
export function withNewActiveKey(file: MasterKeysFile | undefined, now: Date): MasterKeysFile {
  const id = `m-${now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}-${randomBytes(3).toString("hex")}`;
  return { active: id, keys: { ...(file?.keys ?? {}), [id]: randomBytes(32).toString("base64") } };
}

/** `file` without `id`; refuses to drop the active key. */
export function withoutKey(file: MasterKeysFile, id: string): MasterKeysFile {
  if (id === file.active) throw new Error(`master key ${id} is the active one: make another active first (add-key)`);
  return { active: file.active, keys: Object.fromEntries(Object.entries(file.keys).filter(([k]) => k !== id)) };
}
