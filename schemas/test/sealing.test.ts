import { createSecretKey, randomBytes } from "node:crypto";
import { toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { PositionSchema, encodePosition, openPersonDetails, openPosition, sealPersonDetails, sealPosition, type DataKey } from "../src/index";

const key: DataKey = { keyId: "k-1", key: createSecretKey(randomBytes(32)) };
const context = { eventId: "0190f5c6-0000-7000-8000-000000000001", personId: "ada" };

describe("sealing", () => {
  it("opens what it sealed, and nothing of the plaintext is in the sealed bytes", () => {
    const position = { latitude: 37.553441, longitude: -122.290524, accuracyM: 12.5 };
    const sealed = sealPosition(key, context, position);

    expect(sealed.keyId).toBe("k-1");
    expect(sealed.nonce).toHaveLength(12);
    expect(sealed.ciphertext).toHaveLength(27 + 16);
    expect(Buffer.from(sealed.ciphertext).includes(float64(37.553441))).toBe(false);
    expect(openPosition(sealed, key.key, context)).toMatchObject(position);
  });

  it("uses a fresh nonce per message", () => {
    const a = sealPosition(key, context, { latitude: 1, longitude: 2 });
    const b = sealPosition(key, context, { latitude: 1, longitude: 2 });
    expect(Buffer.from(a.nonce).equals(Buffer.from(b.nonce))).toBe(false);
    expect(Buffer.from(a.ciphertext).equals(Buffer.from(b.ciphertext))).toBe(false);
  });

  it("never repeats a nonce across the blocks they are drawn from, and each still opens", () => {
    const sealed = Array.from({ length: 5_000 }, (_, i) => sealPosition(key, context, { latitude: 1, longitude: i }));
    expect(new Set(sealed.map((s) => Buffer.from(s.nonce).toString("hex"))).size).toBe(sealed.length);
    expect(sealed.map((s) => openPosition(s, key.key, context)?.longitude)).toEqual(sealed.map((_, i) => i));
  });

  it("does not open with another key, in another event, for another person or as another field set", () => {
    const sealed = sealPersonDetails(key, context, { firstName: "Ada", lastName: "Lovelace", companyName: "Engines" });
    expect(openPersonDetails(sealed, key.key, context)).toMatchObject({ firstName: "Ada", lastName: "Lovelace", companyName: "Engines" });
    expect(openPersonDetails(sealed, createSecretKey(randomBytes(32)), context)).toBeUndefined();
    expect(openPersonDetails(sealed, key.key, { ...context, eventId: "0190f5c6-0000-7000-8000-000000000002" })).toBeUndefined();
    expect(openPersonDetails(sealed, key.key, { ...context, personId: "bob" })).toBeUndefined();
    expect(openPosition(sealed, key.key, context)).toBeUndefined();
    const tampered = { ...sealed, ciphertext: Uint8Array.from(sealed.ciphertext, (b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(openPersonDetails(tampered, key.key, context)).toBeUndefined();
  });

  it("keeps an update's absent fields absent", () => {
    const sealed = sealPersonDetails(key, context, { lastName: "Byron" });
    const opened = openPersonDetails(sealed, key.key, context);
    expect(opened?.lastName).toBe("Byron");
    expect(opened?.firstName).toBeUndefined();
  });

  it.each([
    { latitude: 0, longitude: 0 },
    { latitude: -0, longitude: 0, accuracyM: 0 },
    { latitude: 90, longitude: -180, accuracyM: 3 },
    { latitude: Number.MIN_VALUE, longitude: NaN, accuracyM: Infinity },
  ])("encodes %j as protobuf-es does", (position) => {
    const reflective = toBinary(PositionSchema, { $typeName: PositionSchema.typeName, ...position });
    expect(Buffer.from(encodePosition(position))).toEqual(Buffer.from(reflective));
  });
});

function float64(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return bytes;
}
