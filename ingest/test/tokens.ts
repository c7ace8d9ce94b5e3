import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, createVerifier, generateSigningKeyPair, type Principal, type VerifyToken } from "@udaconnect/auth";

export interface TestKeys {
  readonly verify: VerifyToken;
  /** A JWKS file holding the public key, for AUTH_JWKS_FILE. */
  readonly keySetFile: string;
  readonly token: (principal: Principal) => Promise<string>;
  readonly bearer: (principal: Principal) => Promise<{ authorization: string }>;
}

/** A fresh signing key per test file: tokens of one test mean nothing to another's gateway. */
export async function testKeys(): Promise<TestKeys> {
  const pair = await generateSigningKeyPair("ingest-test");
  const sign = await createSigner(pair.privateKey);
  const keySetFile = join(await mkdtemp(join(tmpdir(), "ingest-keys-")), "jwks.json");
  await writeFile(keySetFile, JSON.stringify(pair.keySet));
  const token = (principal: Principal) => sign(principal, { expiresInSeconds: 600 });
  return {
    verify: createVerifier(pair.keySet),
    keySetFile,
    token,
    bearer: async (principal) => ({ authorization: `Bearer ${await token(principal)}` }),
  };
}

export const OPERATOR: Principal = { subject: "ops-test", role: "operator" };
export const attendee = (personId: string): Principal => ({ subject: personId, role: "attendee" });
