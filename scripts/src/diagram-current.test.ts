import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isPng, readPngText, SOURCE_HASH_KEYWORD, sourceHash, staleness, withPngText } from "./diagram/png-text";

const SOURCE = readFileSync(fileURLToPath(new URL("../../docs/architecture.dot", import.meta.url)), "utf8");
const PNG = readFileSync(fileURLToPath(new URL("../../docs/architecture.png", import.meta.url)));

describe("docs/architecture.png", () => {
  it("is a PNG rendered from the current docs/architecture.dot (else: run scripts/render-diagram)", () => {
    expect(isPng(PNG)).toBe(true);
    expect(staleness(PNG, SOURCE)).toBeUndefined();
    expect(readPngText(PNG).get(SOURCE_HASH_KEYWORD)).toBe(sourceHash(SOURCE));
  });
});

describe("the currency check", () => {
  it("fails once the source changes, by one character", () => {
    expect(staleness(PNG, SOURCE.replace("udaconnect.locations.v1", "udaconnect.locations.v2"))).toMatch(/^it was rendered from another source/);
  });

  it("reads a source with CRLF line endings as the same source", () => {
    expect(staleness(PNG, SOURCE.replace(/\n/g, "\r\n"))).toBeUndefined();
  });

  it("fails on a file that is not a PNG, a PNG that records no source, and a corrupt PNG", () => {
    expect(staleness(Buffer.from("<svg/>"), SOURCE)).toBe("it is not a PNG");
    const onePixel = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
    expect(staleness(onePixel, SOURCE)).toBe(`it records no ${SOURCE_HASH_KEYWORD}`);
    const corrupt = Buffer.from(PNG);
    corrupt[PNG.length - 100] = (corrupt[PNG.length - 100] ?? 0) ^ 0xff;
    expect(() => staleness(corrupt, SOURCE)).toThrow(/fails its CRC/);
  });

  it("records the hash beside the image's own chunks and replaces an older one", () => {
    const restamped = withPngText(withPngText(PNG, SOURCE_HASH_KEYWORD, "0".repeat(64)), SOURCE_HASH_KEYWORD, sourceHash(SOURCE));
    expect(restamped.equals(PNG)).toBe(true);
    expect([...readPngText(withPngText(PNG, "Title", "UdaConnect")).entries()]).toEqual(
      expect.arrayContaining([
        ["Title", "UdaConnect"],
        [SOURCE_HASH_KEYWORD, sourceHash(SOURCE)],
      ]),
    );
  });
});
