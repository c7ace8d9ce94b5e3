import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * A PNG's tEXt chunks (PNG 1.2 §11.3.4.3): where scripts/render-diagram records which source a
 * rendered diagram came from, so that checking it needs no renderer (Graphviz versions draw
 * the same source differently, byte for byte).
 */

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The tEXt keyword holding the SHA-256 (hex) of the diagram's source. */
export const SOURCE_HASH_KEYWORD = "udaconnect-source-sha256";

interface Chunk {
  readonly type: string;
  readonly data: Buffer;
}

export function isPng(bytes: Buffer): boolean {
  return bytes.length >= PNG_SIGNATURE.length && bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE);
}

/** SHA-256 of a text source, line endings normalised (a checkout with CRLF is the same source). */
export function sourceHash(source: string): string {
  return createHash("sha256").update(source.replace(/\r\n/g, "\n"), "utf8").digest("hex");
}

function chunks(png: Buffer): Chunk[] {
  if (!isPng(png)) {
    throw new Error("not a PNG: the signature is missing");
  }
  const found: Chunk[] = [];
  let at = PNG_SIGNATURE.length;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const end = at + 12 + length;
    if (end > png.length) {
      throw new Error(`truncated PNG: chunk ${type} runs past the end`);
    }
    const data = png.subarray(at + 8, at + 8 + length);
    if (png.readUInt32BE(at + 8 + length) !== crc32(png.subarray(at + 4, at + 8 + length))) {
      throw new Error(`corrupt PNG: chunk ${type} fails its CRC`);
    }
    found.push({ type, data });
    at = end;
    if (type === "IEND") break;
  }
  if (found[0]?.type !== "IHDR" || found.at(-1)?.type !== "IEND") {
    throw new Error("not a complete PNG: IHDR or IEND is missing");
  }
  return found;
}

function encodeChunk({ type, data }: Chunk): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([header.subarray(4), data])));
  return Buffer.concat([header, data, crc]);
}

/** The tEXt entries of a PNG, keyword → text. */
export function readPngText(png: Buffer): Map<string, string> {
  const entries = new Map<string, string>();
  for (const { type, data } of chunks(png)) {
    const separator = data.indexOf(0);
    if (type === "tEXt" && separator > 0) {
      entries.set(data.toString("latin1", 0, separator), data.toString("latin1", separator + 1));
    }
  }
  return entries;
}

/** The PNG with one tEXt entry set (an entry of that keyword replaced), right after IHDR. */
export function withPngText(png: Buffer, keyword: string, text: string): Buffer {
  const kept = chunks(png).filter((c) => !(c.type === "tEXt" && c.data.toString("latin1", 0, c.data.indexOf(0)) === keyword));
  const entry: Chunk = { type: "tEXt", data: Buffer.concat([Buffer.from(keyword, "latin1"), Buffer.from([0]), Buffer.from(text, "latin1")]) };
  const [header, ...rest] = kept;
  return Buffer.concat([PNG_SIGNATURE, ...[header, entry, ...rest].map((c) => encodeChunk(c as Chunk))]);
}

/** Why the PNG is not a rendering of `source`, or undefined when it is. */
export function staleness(png: Buffer, source: string): string | undefined {
  if (!isPng(png)) {
    return "it is not a PNG";
  }
  const recorded = readPngText(png).get(SOURCE_HASH_KEYWORD);
  if (recorded === undefined) {
    return `it records no ${SOURCE_HASH_KEYWORD}`;
  }
  const current = sourceHash(source);
  return recorded === current ? undefined : `it was rendered from another source (sha256 ${recorded.slice(0, 12)}…, the source is ${current.slice(0, 12)}…)`;
}
