import { decodeConsistencyToken, encodeConsistencyToken, type LogPosition } from "@udaconnect/schemas";

/**
 * One token that covers every given one: the highest position of each partition. What a
 * caller passes as the query API's `consistent_with` after writes that came back with
 * several tokens (several batches, several devices, other RPCs). Empty strings (a batch
 * that appended nothing) are skipped; undefined when nothing is left.
 */
export function mergeConsistencyTokens(tokens: Iterable<string | undefined>): string | undefined {
  const positions: LogPosition[] = [];
  for (const token of tokens) {
    if (token !== undefined && token !== "") positions.push(...decodeConsistencyToken(token));
  }
  return positions.length === 0 ? undefined : encodeConsistencyToken(positions);
}

/** The merge kept up to date batch by batch (a device's whole life), without re-reading every token. */
export class HighestPositions {
  readonly #highest = new Map<string, LogPosition>();
  #token: string | undefined;

  add(token: string): void {
    if (token === "") return;
    for (const position of decodeConsistencyToken(token)) {
      const key = `${position.topic}\u0000${position.partition}`;
      const seen = this.#highest.get(key);
      if (seen === undefined || seen.nextOffset < position.nextOffset) {
        this.#highest.set(key, position);
        this.#token = undefined;
      }
    }
  }

  token(): string | undefined {
    if (this.#highest.size === 0) return undefined;
    this.#token ??= encodeConsistencyToken([...this.#highest.values()]);
    return this.#token;
  }
}
