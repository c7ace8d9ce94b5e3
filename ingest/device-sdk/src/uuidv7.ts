import { randomBytes } from "node:crypto";

/**
 * A UUIDv7 (RFC 9562): Unix milliseconds then random bits. Assigned when a
 * check-in is queued, so every retry, even after a restart, carries the same
 * id and the read model can recognise it. (Copied from the gateway: two uses do not make a package.)
 */
export function uuidv7(unixMs: number = Date.now(), random: Uint8Array = randomBytes(10)): string {
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
