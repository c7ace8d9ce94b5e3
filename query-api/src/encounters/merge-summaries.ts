import type { ConnectionEntry } from "./summarise-encounters";

/**
 * The API's answer, {"connections": [...]}, from the entries of the parts of one lookup
 * (the parts split the people met, so no person is in two parts): ordered by first
 * encounter, then person id in byte order, like PostgreSQL's "C" collation.
 */
export function connectionsJson(parts: readonly (readonly ConnectionEntry[])[]): string {
  const entries = parts.flat().sort((a, b) => a.first_us - b.first_us || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return `{"connections":[${entries.map((e) => e.entry).join(",")}]}`;
}
