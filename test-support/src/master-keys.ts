import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh master keys file (docs/erasure.md) for a service started by a test: one random key, active. */
export async function testMasterKeysFile(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "udaconnect-master-keys-")), "master-keys.json");
  await writeFile(file, JSON.stringify({ active: "test", keys: { test: randomBytes(32).toString("base64") } }), { mode: 0o600 });
  return file;
}
