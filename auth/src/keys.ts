import { randomUUID } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from "jose";

export interface KeyPair {
  /** Keep secret: whoever holds it can mint tokens. */
  readonly privateKey: JWK;
  /** Public: what verifiers are configured with. */
  readonly keySet: JSONWebKeySet;
}

export async function generateSigningKeyPair(kid: string = randomUUID()): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" };
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return { privateKey: privateJwk, keySet: { keys: [publicJwk] } };
}

export const SIGNING_KEY_FILE = "signing-key.jwk.json";
export const KEY_SET_FILE = "jwks.json";

/**
 * Development keys in `directory` (e.g. `.local/auth`), created on first use
 * and never committed: production keys come from a secret store instead.
 */
export async function ensureDevKeys(directory: string): Promise<{ signingKeyFile: string; keySetFile: string }> {
  const signingKeyFile = join(directory, SIGNING_KEY_FILE);
  const keySetFile = join(directory, KEY_SET_FILE);
  const existing = await readFile(signingKeyFile, "utf8").catch(() => undefined);
  if (existing === undefined) {
    const pair = await generateSigningKeyPair(`dev-${randomUUID().slice(0, 8)}`);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await writeFile(signingKeyFile, `${JSON.stringify(pair.privateKey, null, 2)}\n`, { mode: 0o600 });
    await chmod(signingKeyFile, 0o600);
    await writeFile(keySetFile, `${JSON.stringify(pair.keySet, null, 2)}\n`);
  }
  return { signingKeyFile, keySetFile };
}

/** Reads a key set from JSON text, with an error that says what is wrong. */
export function parseKeySet(text: string, source: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || !Array.isArray((parsed as JSONWebKeySet).keys)) {
    throw new Error(`${source} is not a JSON Web Key Set ({"keys": [...]})`);
  }
  return parsed as JSONWebKeySet;
}
