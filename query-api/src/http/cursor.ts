/**
 * Opaque page cursors: base64url of a JSON array of strings. Clients must not build them;
 * a cursor that does not decode to the expected shape is a 400, never a 500.
 */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
}

/** The cursor's parts when it holds exactly `count` strings, else undefined. */
export function decodeCursor(cursor: string, count: number): string[] | undefined {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    const ok = Array.isArray(parts) && parts.length === count && parts.every((p) => typeof p === "string" && p.length <= 256);
    return ok ? (parts as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export const cursorParameterSchema = {
  type: "string",
  minLength: 1,
  maxLength: 1024,
  pattern: "^[A-Za-z0-9_-]+$",
  description: "Opaque: `next_cursor` of the previous page. Omit for the first page.",
} as const;
