import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from "node:crypto";

/** nonce (12) || encrypted data key (32) || GCM tag (16): the column's 60 bytes. */
const NONCE = 12;
const KEY = 32;
const TAG = 16;

/** The associated data binds a wrapped key to its row: a wrapped key copied to another person's row does not unwrap. */
function associatedData(keyId: string, personId: string): Buffer {
  return Buffer.from(`udaconnect.keystore.v1\u0000${keyId}\u0000${personId}`, "utf8");
}

export function wrapDataKey(master: KeyObject, keyId: string, personId: string, dataKey: Uint8Array): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", master, nonce, { authTagLength: TAG });
  cipher.setAAD(associatedData(keyId, personId));
  return Buffer.concat([nonce, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
}

/** Throws when the master key is not the one that wrapped it, or the row was altered. */
export function unwrapDataKey(master: KeyObject, keyId: string, personId: string, wrapped: Uint8Array): KeyObject {
  if (wrapped.length !== NONCE + KEY + TAG) throw new Error(`wrapped data key ${keyId} has ${wrapped.length} bytes, not ${NONCE + KEY + TAG}`);
  const decipher = createDecipheriv("aes-256-gcm", master, wrapped.subarray(0, NONCE), { authTagLength: TAG });
  decipher.setAAD(associatedData(keyId, personId));
  decipher.setAuthTag(wrapped.subarray(NONCE + KEY));
  try {
    return createSecretKey(Buffer.concat([decipher.update(wrapped.subarray(NONCE, NONCE + KEY)), decipher.final()]));
  } catch {
    throw new Error(`data key ${keyId} does not unwrap with its master key: wrong UDACONNECT_MASTER_KEYS_FILE, or the row was altered`);
  }
}
