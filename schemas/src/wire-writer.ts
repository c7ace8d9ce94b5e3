import { ScalarType, type DescField } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";

/**
 * The few pieces of the protobuf wire format the hand-written encoders
 * (location-recorded-codec.ts, check-in-codec.ts, sealing.ts) need: they
 * compute each message's size first, then write it into one exactly sized
 * array. Integer encodings follow protobuf-es's BinaryWriter, so the bytes
 * are the same. Every field number comes from the generated descriptors
 * (fieldNumber, fieldTag), so a renumbered field in a .proto moves the
 * encoders with it and a retyped or removed one stops them at module load.
 */

/** The kinds of field the hand-written encoders write, and how each goes on the wire. */
const WIRE_TYPE = {
  string: WireType.LengthDelimited,
  bytes: WireType.LengthDelimited,
  message: WireType.LengthDelimited,
  "repeated message": WireType.LengthDelimited,
  double: WireType.Bit64,
  int32: WireType.Varint,
  int64: WireType.Varint,
  uint64: WireType.Varint,
  enum: WireType.Varint,
} as const;

export type FieldKind = keyof typeof WIRE_TYPE;

const SCALAR_KIND: Partial<Record<ScalarType, FieldKind>> = {
  [ScalarType.STRING]: "string",
  [ScalarType.BYTES]: "bytes",
  [ScalarType.DOUBLE]: "double",
  [ScalarType.INT32]: "int32",
  [ScalarType.INT64]: "int64",
  [ScalarType.UINT64]: "uint64",
};

function kindOf(field: DescField): FieldKind | undefined {
  switch (field.fieldKind) {
    case "scalar":
      return SCALAR_KIND[field.scalar];
    case "enum":
      return "enum";
    case "message":
      return "message";
    case "list":
      return field.listKind === "message" ? "repeated message" : undefined;
    default:
      return undefined;
  }
}

/**
 * A field's number, read from its generated descriptor (`XSchema.field.name`)
 * once, at module load (a renamed or removed field fails the typecheck).
 * Throws when the field is no longer of the kind the hand-written encoder
 * writes: a .proto change the encoder cannot follow by itself stops the
 * service at start-up instead of writing wrong bytes.
 */
export function fieldNumber(field: DescField, kind: FieldKind): number {
  const actual = kindOf(field);
  if (actual !== kind) throw new Error(`${field.toString()} is ${actual ?? field.fieldKind}, the hand-written encoder writes a ${kind}: update schemas/src`);
  return field.number;
}

/** A field's tag (field number << 3 | wire type), as fieldNumber reads it. */
export function fieldTag(field: DescField, kind: FieldKind): number {
  return fieldNumber(field, kind) * 8 + WIRE_TYPE[kind];
}

/**
 * Throws (at module load) unless the fields' numbers ascend in the order an
 * encoder writes them: protobuf-es's toBinary writes fields by number, and
 * the proofs compare bytes.
 */
export function inFieldOrder(...fields: readonly DescField[]): void {
  for (let i = 1; i < fields.length; i++) {
    const before = fields[i - 1];
    const after = fields[i];
    if (before !== undefined && after !== undefined && before.number >= after.number) {
      throw new Error(`${after.toString()} is now numbered before ${before.toString()}: reorder the hand-written encoder in schemas/src`);
    }
  }
}

inFieldOrder(TimestampSchema.field.seconds, TimestampSchema.field.nanos);
const TIMESTAMP_SECONDS = fieldTag(TimestampSchema.field.seconds, "int64");
const TIMESTAMP_NANOS = fieldTag(TimestampSchema.field.nanos, "int32");

const utf8 = new TextEncoder();
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A string as it goes on the wire: kept as is when ASCII (one byte per char), else its UTF-8 bytes. */
export type Text = string | Uint8Array;

export function text(value: string): Text {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7f) return utf8.encode(value);
  }
  return value;
}

/** A proto3 implicit string (or bytes) field: absent when empty. */
export function stringFieldSize(tag: number, value: Text): number {
  return value.length === 0 ? 0 : varintSize(tag) + varintSize(value.length) + value.length;
}

/** A message field of `bodySize` bytes, or absent (undefined). */
export function messageFieldSize(tag: number, bodySize: number | undefined): number {
  return bodySize === undefined ? 0 : varintSize(tag) + varintSize(bodySize) + bodySize;
}

/** A double field that is present. */
export function doubleFieldSize(tag: number): number {
  return varintSize(tag) + 8;
}

/** An int32 (or enum) field: absent when 0; a negative value takes 10 bytes. */
export function int32FieldSize(tag: number, value: number): number {
  return value === 0 ? 0 : varintSize(tag) + (value < 0 ? 10 : varintSize(value));
}

/** The body of a google.protobuf.Timestamp, or undefined when absent. */
export function timestampSize(t: { readonly seconds: bigint; readonly nanos: number } | undefined): number | undefined {
  if (t === undefined) return undefined;
  const seconds = t.seconds === 0n ? 0 : varintSize(TIMESTAMP_SECONDS) + int64Size(t.seconds);
  return seconds + int32FieldSize(TIMESTAMP_NANOS, t.nanos);
}

function int64Size(value: bigint): number {
  if (value < 0n) return 10;
  if (value <= MAX_SAFE) return varintSize(Number(value));
  let size = 1;
  for (let rest = value >> 7n; rest > 0n; rest >>= 7n) size++;
  return size;
}

export function varintSize(value: number): number {
  let size = 1;
  while (value > 0x7f) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

/**
 * Small messages are cut from shared slabs, as Node's Buffer pool does:
 * allocating an ArrayBuffer per message cost as much as encoding it.
 */
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabView = new DataView(slab.buffer);
let slabUsed = 0;

export class ProtoWriter {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #start: number;
  readonly #end: number;
  #at: number;

  constructor(size: number) {
    if (size > SLAB_BYTES / 8) {
      this.#bytes = new Uint8Array(size);
      this.#view = new DataView(this.#bytes.buffer);
      this.#start = 0;
    } else {
      if (slabUsed + size > SLAB_BYTES) {
        slab = new Uint8Array(SLAB_BYTES);
        slabView = new DataView(slab.buffer);
        slabUsed = 0;
      }
      this.#bytes = slab;
      this.#view = slabView;
      this.#start = slabUsed;
      slabUsed += size;
    }
    this.#at = this.#start;
    this.#end = this.#start + size;
  }

  /** The bytes written; throws if the size computed up front was wrong (a bug, never a silent truncation). */
  finish(): Uint8Array {
    if (this.#at !== this.#end) throw new Error(`protobuf encoder wrote ${this.#at - this.#start} of ${this.#end - this.#start} bytes`);
    return this.#bytes.subarray(this.#start, this.#end);
  }

  /** An unsigned varint below 2^53. */
  varint(value: number): void {
    while (value > 0x7f) {
      this.#bytes[this.#at++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#bytes[this.#at++] = value;
  }

  /** A 64-bit varint; a negative int64 or int32 goes as its two's complement (10 bytes), as protobuf writes it. */
  varint64(value: bigint): void {
    let rest = BigInt.asUintN(64, value);
    while (rest > 0x7fn) {
      this.#bytes[this.#at++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.#bytes[this.#at++] = Number(rest);
  }

  /** A proto3 implicit string (or bytes) field (nothing when empty). */
  string(tag: number, value: Text): void {
    if (value.length === 0) return;
    this.varint(tag);
    this.varint(value.length);
    this.raw(value);
  }

  /** The tag and length of a message field whose body follows. */
  messageHeader(tag: number, bodySize: number): void {
    this.varint(tag);
    this.varint(bodySize);
  }

  /** An int32 (or enum) field (nothing when 0); a negative value goes as its 64-bit two's complement. */
  int32(tag: number, value: number): void {
    if (value === 0) return;
    this.varint(tag);
    if (value < 0) this.varint64(BigInt(value));
    else this.varint(value);
  }

  /** Bytes (or an ASCII string, one byte per char) as they are. */
  raw(value: Text): void {
    if (typeof value === "string") {
      for (let i = 0; i < value.length; i++) this.#bytes[this.#at++] = value.charCodeAt(i);
    } else {
      this.#bytes.set(value, this.#at);
      this.#at += value.length;
    }
  }

  double(tag: number, value: number): void {
    this.varint(tag);
    this.#view.setFloat64(this.#at, value, true);
    this.#at += 8;
  }

  /** A Timestamp message field whose body size is `size` (timestampSize); nothing when absent. */
  timestamp(tag: number, value: { readonly seconds: bigint; readonly nanos: number } | undefined, size: number | undefined): void {
    if (value === undefined || size === undefined) return;
    this.messageHeader(tag, size);
    if (value.seconds !== 0n) {
      this.varint(TIMESTAMP_SECONDS);
      if (value.seconds < 0n || value.seconds > MAX_SAFE) this.varint64(value.seconds);
      else this.varint(Number(value.seconds));
    }
    this.int32(TIMESTAMP_NANOS, value.nanos);
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A Timestamp whose integers protobuf-es would encode without complaint (else callers fall back to it, errors included). */
export function encodableTimestamp(t: { readonly seconds: unknown; readonly nanos: unknown }): boolean {
  return (
    typeof t.seconds === "bigint" &&
    t.seconds >= INT64_MIN &&
    t.seconds <= INT64_MAX &&
    typeof t.nanos === "number" &&
    Number.isInteger(t.nanos) &&
    t.nanos >= -(2 ** 31) &&
    t.nanos < 2 ** 31
  );
}

/** No unknown fields to carry over (the hand-written encoders do not write them). */
export function withoutUnknownFields(message: { readonly $unknown?: readonly unknown[] }): boolean {
  return message.$unknown === undefined || message.$unknown.length === 0;
}
