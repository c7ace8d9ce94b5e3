import { createCipheriv, createDecipheriv, randomFillSync, type KeyObject } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { PersonDetailsSchema, PositionSchema, SealedSchema, type PersonDetails, type Position, type Sealed } from "./gen/udaconnect/v1/events_pb";
import { ProtoWriter, doubleFieldSize, fieldTag, inFieldOrder } from "./wire-writer";

/**
 * Crypto-shredding of the personal fields of events (docs/erasure.md): each
 * person's names and positions are sealed with that person's data key, which
 * lives outside the log; destroying the key makes every copy of them unreadable.
 */

/** A person's data key: 32 bytes for AES-256-GCM, as a KeyObject (node:crypto reuses its key schedule). */
export interface DataKey {
  readonly keyId: string;
  readonly key: KeyObject;
}

/** What a sealed field set belongs to; all of it is the GCM associated data, so a ciphertext only opens in its own event. */
export interface SealContext {
  readonly eventId: string;
  readonly personId: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm";

/** The position of a check-in sealed as a udaconnect.v1.Position. */
export function sealPosition(key: DataKey, context: SealContext, position: PositionFields): Sealed {
  return seal(key, associatedData(PositionSchema.typeName, context), encodePosition(position));
}

/** The names of a registration or update sealed as a udaconnect.v1.PersonDetails (absent fields stay absent). */
export function sealPersonDetails(key: DataKey, context: SealContext, details: Omit<PersonDetails, "$typeName" | "$unknown">): Sealed {
  const plaintext = toBinary(PersonDetailsSchema, { $typeName: PersonDetailsSchema.typeName, ...details });
  return seal(key, associatedData(PersonDetailsSchema.typeName, context), plaintext);
}

/** Opens a sealed Position; undefined when the key or context is not the one it was sealed with, or the bytes were altered. */
export function openPosition(sealed: Sealed, key: KeyObject, context: SealContext): Position | undefined {
  const plaintext = open(sealed, key, associatedData(PositionSchema.typeName, context));
  return plaintext === undefined ? undefined : fromBinary(PositionSchema, plaintext);
}

export function openPersonDetails(sealed: Sealed, key: KeyObject, context: SealContext): PersonDetails | undefined {
  const plaintext = open(sealed, key, associatedData(PersonDetailsSchema.typeName, context));
  return plaintext === undefined ? undefined : fromBinary(PersonDetailsSchema, plaintext);
}

export interface PositionFields {
  readonly latitude: number;
  readonly longitude: number;
  readonly accuracyM?: number | undefined;
}

const LATITUDE = fieldTag(PositionSchema.field.latitude, "double");
const LONGITUDE = fieldTag(PositionSchema.field.longitude, "double");
const ACCURACY_M = fieldTag(PositionSchema.field.accuracyM, "double");
inFieldOrder(PositionSchema.field.latitude, PositionSchema.field.longitude, PositionSchema.field.accuracyM);

/** The bytes toBinary(PositionSchema) gives, without reflection: one per check-in on ingest's hot path (proven equal by schemas' tests). */
export function encodePosition({ latitude, longitude, accuracyM }: PositionFields): Uint8Array {
  const hasLatitude = !Object.is(latitude, 0);
  const hasLongitude = !Object.is(longitude, 0);
  const out = new ProtoWriter(
    (hasLatitude ? doubleFieldSize(LATITUDE) : 0) +
      (hasLongitude ? doubleFieldSize(LONGITUDE) : 0) +
      (accuracyM === undefined ? 0 : doubleFieldSize(ACCURACY_M)),
  );
  if (hasLatitude) out.double(LATITUDE, latitude);
  if (hasLongitude) out.double(LONGITUDE, longitude);
  if (accuracyM !== undefined) out.double(ACCURACY_M, accuracyM);
  return out.finish();
}

function seal(key: DataKey, aad: Buffer, plaintext: Uint8Array): Sealed {
  const nonce = nextNonce();
  const cipher = createCipheriv(ALGORITHM, key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  // GCM is a stream mode: update() returns every ciphertext byte and final() none, so one copy joins it with the tag.
  const body = cipher.update(plaintext);
  cipher.final();
  const ciphertext = Buffer.allocUnsafe(body.length + TAG_BYTES);
  body.copy(ciphertext, 0);
  cipher.getAuthTag().copy(ciphertext, body.length);
  return { $typeName: SealedSchema.typeName, keyId: key.keyId, nonce, ciphertext };
}

/**
 * Random 96-bit nonces, as NIST SP 800-38D §8.2.2 allows, drawn from the
 * CSPRNG a block at a time: one call per NONCES_PER_BLOCK seals instead of one
 * each (it was a third of sealing's cost). Each nonce is a view of its own
 * bytes of a block no one else holds, and no block is reused.
 */
const NONCES_PER_BLOCK = 1024;
let nonceBlock = Buffer.alloc(0);
let nonceOffset = 0;
function nextNonce(): Buffer {
  if (nonceOffset === nonceBlock.length) {
    nonceBlock = randomFillSync(Buffer.allocUnsafeSlow(NONCE_BYTES * NONCES_PER_BLOCK));
    nonceOffset = 0;
  }
  const nonce = nonceBlock.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

function open(sealed: Sealed, key: KeyObject, aad: Buffer): Uint8Array | undefined {
  if (sealed.nonce.length !== NONCE_BYTES || sealed.ciphertext.length < TAG_BYTES) {
    return undefined;
  }
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** NUL-separated: none of the parts may hold a NUL (type names and UUIDs cannot; person ids are [A-Za-z0-9_-]). */
function associatedData(typeName: string, { eventId, personId }: SealContext): Buffer {
  return Buffer.from(`udaconnect.v1.Sealed\u0000${typeName}\u0000${eventId.toLowerCase()}\u0000${personId}`, "utf8");
}
