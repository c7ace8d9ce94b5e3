import { randomBytes } from "node:crypto";
import type { Clock, NewId } from "./ports";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_UNIX_MS = 2 ** 48 - 1;

/** True for a UUID of any version in its canonical 8-4-4-4-12 hex form, in either case. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids
 * sort by creation time. `random` supplies the 10 bytes after the timestamp.
 */
export function uuidv7(unixMs: number, random: Uint8Array): string {
  if (!Number.isInteger(unixMs) || unixMs < 0 || unixMs > MAX_UNIX_MS) {
    throw new RangeError(`uuidv7: timestamp must be an integer 0..2^48-1, got ${unixMs}`);
  }
  if (random.length !== 10) {
    throw new RangeError(`uuidv7: needs 10 random bytes, got ${random.length}`);
  }
  const bytes = new Uint8Array(16);
  let ms = unixMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes.set(random, 6);
  bytes[6] = 0x70 | ((random[0] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((random[2] ?? 0) & 0x3f);
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The production id generator: UUIDv7 from the given clock and the OS's randomness. */
export function uuidv7Generator(now: Clock, random: (size: number) => Uint8Array = randomBytes): NewId {
  return () => uuidv7(now().getTime(), random(10));
}
