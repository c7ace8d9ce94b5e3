import { randomBytes } from "node:crypto";

/**
 * A UUIDv7 (RFC 9562): Unix milliseconds then random bits. Assigned when a
 * check-in is queued, so every retry, even after a restart, carries the same
 * id and the read model can recognise it. (Copied from the gateway: two uses do not make a package.)
 */
export function uuidv7(unixMs: number = Date.now(), random: Uint8Array = nextRandomBytes()): string {
  const bytes = new Uint8Array(16);
  let ms = unixMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes.set(random.subarray(0, 10), 6);
  bytes[6] = 0x70 | ((random[0] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((random[2] ?? 0) & 0x3f);
  const hex = Buffer.from(bytes).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Random bytes are drawn from the CSPRNG in blocks: one call per id cost more than the rest of checkIn(). */
const POOL_BYTES = 10 * 1024;
let pool = new Uint8Array(0);
let used = 0;

function nextRandomBytes(): Uint8Array {
  if (used + 10 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  used += 10;
  return pool.subarray(used - 10, used);
}
