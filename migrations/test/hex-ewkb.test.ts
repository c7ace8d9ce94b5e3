import { describe, expect, it } from "vitest";
import { pointOfHexEwkb } from "../src/hex-ewkb";

describe("pointOfHexEwkb", () => {
  it("reads a point in either byte order, with or without an SRID", () => {
    expect(pointOfHexEwkb("0101000020E61000000000000000A05AC00000000000A04140")).toEqual({ latitude: 35.25, longitude: -106.5 });
    expect(pointOfHexEwkb("0020000001000010E6C05AA000000000004041A00000000000")).toEqual({ latitude: 35.25, longitude: -106.5 });
    expect(pointOfHexEwkb("00000000013FF8000000000000C002000000000000")).toEqual({ latitude: -2.25, longitude: 1.5 });
    expect(pointOfHexEwkb("0101000020e6100000000000000000f03f0000000000000040")).toEqual({ latitude: 2, longitude: 1 });
  });

  it.each([
    ["a line string", "010200000000000000"],
    ["nothing", ""],
    ["a point cut short", "0101000020E6100000000000000000F03F00000000"],
    ["an odd number of digits", "0101000020E6100000000000000000F03F00000000000000400"],
    ["a point with Z", "01010000A0E6100000000000000000F03F00000000000000400000000000000000"],
    ["not hex", "0101000020E6100000000000000000F03F000000000000004G"],
  ])("refuses %s", (_, hex) => {
    expect(() => pointOfHexEwkb(hex)).toThrow(/not a 2-D point in hex \(E\)WKB/);
  });
});
