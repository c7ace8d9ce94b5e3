import { describe, expect, it } from "vitest";
import { isUuid, uuidv7, uuidv7Generator } from "../src/ingest/uuid";

describe("uuidv7", () => {
  it("lays out timestamp, version and variant as RFC 9562's example", () => {
    const random = Uint8Array.from([0x0c, 0xc3, 0x18, 0xc4, 0xdc, 0x0c, 0x0c, 0x07, 0x39, 0x8f]);

    const id = uuidv7(0x017f22e279b0, random);

    expect(id).toBe("017f22e2-79b0-7cc3-98c4-dc0c0c07398f");
  });

  it("forces the version and variant bits whatever the random bytes", () => {
    const id = uuidv7(0, new Uint8Array(10).fill(0xff));

    expect(id).toBe("00000000-0000-7fff-bfff-ffffffffffff");
  });

  it("sorts ids of later milliseconds after earlier ones", () => {
    const times = [new Date("2024-05-01T12:00:00.001Z"), new Date("2024-05-01T12:00:00.002Z")];
    const next = uuidv7Generator(
      () => times.shift() ?? new Date(0),
      () => new Uint8Array(10).fill(0xff),
    );
    const first = next();
    const second = next();

    expect(first < second).toBe(true);
    expect(first.slice(0, 13)).toBe("018f3406-9e01");
  });

  it("refuses timestamps outside 48 bits", () => {
    expect(() => uuidv7(2 ** 48, new Uint8Array(10))).toThrow(RangeError);
    expect(() => uuidv7(-1, new Uint8Array(10))).toThrow(RangeError);
  });
});

describe("isUuid", () => {
  it.each([
    ["017f22e2-79b0-7cc3-98c4-dc0c0c07398f", true],
    ["017F22E2-79B0-7CC3-98C4-DC0C0C07398F", true],
    ["6ba7b810-9dad-11d1-80b4-00c04fd430c8", true],
    ["017f22e279b07cc398c4dc0c0c07398f", false],
    ["{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}", false],
    ["017f22e2-79b0-7cc3-98c4-dc0c0c07398g", false],
    ["", false],
  ])("isUuid(%j) is %s", (value, expected) => {
    expect(isUuid(value)).toBe(expected);
  });
});
