import { create, isFieldSet, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { TimestampSchema, type Timestamp } from "@bufbuild/protobuf/wkt";

/**
 * Generators for the byte-for-byte proofs of the hand-written encoders: a
 * seeded random source (so a failing case is reproducible) and the edge
 * values protobuf's encoding treats specially.
 */

/** mulberry32. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type Random = () => number;

/** -0 is not 0 for proto3's implicit presence; NaN and the infinities go as their IEEE bytes. */
export const DOUBLES = [
  0,
  -0,
  1,
  -1,
  90,
  -90,
  180,
  -180,
  37.553441,
  -122.290524,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.EPSILON,
  Infinity,
  -Infinity,
  NaN,
];
/** Varint boundaries, the Timestamp range, past 2^53 and int64's extremes (a negative int64 takes 10 bytes). */
export const SECONDS = [
  0n,
  1n,
  -1n,
  127n,
  128n,
  16_383n,
  16_384n,
  1_764_300_000n,
  -62_135_596_800n,
  253_402_300_799n,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
];
export const NANOS = [0, 1, 127, 128, 999_999_999, -1, 2 ** 31 - 1, -(2 ** 31)];
/** ASCII, 2-, 3- and 4-byte UTF-8, NUL, DEL, and a lone surrogate (encoded as U+FFFD by both). */
const CHARS = ["a", "Z", "0", "-", "_", " ", "é", "ß", "中", "😀", "\u0000", "\u007f", "\u0080", "\u07ff", "\u0800", "\ud800"];
/** Empty, one, UUID-sized, around the one-byte length limit, and (rarely) past 16 KiB: a 3-byte length and a message bigger than a writer slab's share. */
const LENGTHS = [0, 0, 1, 8, 36, 64, 127, 128, 300];

export function pick<T>(next: Random, from: readonly T[]): T {
  return from[Math.floor(next() * from.length)] as T;
}

export function text(next: Random): string {
  const length = next() < 0.002 ? 20_000 : pick(next, LENGTHS);
  if (next() < 0.7) return Array.from({ length }, () => pick(next, ["a", "b", "7", "-", "_"])).join("");
  return Array.from({ length }, () => pick(next, CHARS)).join("");
}

export function bytes(next: Random, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}

export function double(next: Random): number {
  return next() < 0.5 ? pick(next, DOUBLES) : (next() - 0.5) * 400;
}

export function timestamp(next: Random): Timestamp {
  const seconds = next() < 0.5 ? pick(next, SECONDS) : BigInt(Math.floor(next() * 4_000_000_000));
  const nanos = next() < 0.5 ? pick(next, NANOS) : Math.floor(next() * 1_000_000_000);
  return create(TimestampSchema, { seconds, nanos });
}

/** Absent a quarter of the time. */
export function maybe<T>(next: Random, value: () => T): T | undefined {
  return next() < 0.25 ? undefined : value();
}

/**
 * The local names of the fields that are set in at least one of the
 * messages, in declaration order. A proof compares it with the schema's
 * fields, so a field added to the .proto fails the proof until both the
 * generator and the encoder write it.
 */
export function fieldsSet<Desc extends DescMessage>(schema: Desc, messages: readonly MessageShape<Desc>[]): string[] {
  return schema.fields.filter((field) => messages.some((message) => isFieldSet(message, field))).map((field) => field.localName);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
