/**
 * A point as PostGIS prints a geometry or geography (the read model's `coordinate`, the
 * original UdaConnect's too): hex (E)WKB, either byte order, with or without an SRID.
 * Decoded in place, without a Buffer: the query API decodes one per person met, and
 * Buffer.from(hex) cost more than the rest of the decoding.
 */
export function pointOfHexEwkb(hex: string): { latitude: number; longitude: number } {
  if (hex.length < 2 * 21 || hex.length % 2 !== 0) {
    throw notAPoint(hex);
  }
  const little = hexByte(hex, 0) === 1;
  const type = readUint32(hex, 1, little);
  const at = (type & EWKB_SRID_FLAG) !== 0 ? 9 : 5;
  if ((type & ~EWKB_SRID_FLAG) !== WKB_POINT || hex.length < 2 * (at + 16)) {
    throw notAPoint(hex);
  }
  return { longitude: readDouble(hex, at, little), latitude: readDouble(hex, at + 8, little) };
}

const WKB_POINT = 1;
/** EWKB's flags are in the type's top bits; only the SRID's is accepted (Z and M are not 2-D). */
const EWKB_SRID_FLAG = 0x20000000;

const scratch = new DataView(new ArrayBuffer(8));

function readUint32(hex: string, byte: number, little: boolean): number {
  for (let i = 0; i < 4; i += 1) {
    scratch.setUint8(i, hexByte(hex, byte + i));
  }
  return scratch.getUint32(0, little);
}

function readDouble(hex: string, byte: number, little: boolean): number {
  for (let i = 0; i < 8; i += 1) {
    scratch.setUint8(i, hexByte(hex, byte + i));
  }
  return scratch.getFloat64(0, little);
}

function hexByte(hex: string, byte: number): number {
  const high = hexDigit(hex.charCodeAt(2 * byte));
  const low = hexDigit(hex.charCodeAt(2 * byte + 1));
  if (high < 0 || low < 0) {
    throw notAPoint(hex);
  }
  return high * 16 + low;
}

/** The value of a hex digit's character code, or -1. */
function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) {
    return code - 0x30;
  }
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function notAPoint(hex: string): Error {
  return new Error(`not a 2-D point in hex (E)WKB: ${hex.length > 80 ? `${hex.slice(0, 80)}…` : hex}`);
}
