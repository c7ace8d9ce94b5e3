import { describe, expect, it } from "vitest";
import { decodeConsistencyToken, encodeConsistencyToken } from "@udaconnect/schemas";
import { mergeConsistencyTokens } from "../src/index";

const token = (...positions: [string, number, bigint][]) =>
  encodeConsistencyToken(positions.map(([topic, partition, nextOffset]) => ({ topic, partition, nextOffset })));

describe("mergeConsistencyTokens", () => {
  it("keeps the highest position of each partition over every token", () => {
    const merged = mergeConsistencyTokens([
      token(["locations", 0, 5n], ["locations", 1, 2n]),
      "",
      undefined,
      token(["locations", 1, 9n], ["persons", 2, 1n]),
      token(["locations", 0, 3n]),
    ]);

    expect(decodeConsistencyToken(merged ?? "").sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)).toEqual([
      { topic: "locations", partition: 0, nextOffset: 5n },
      { topic: "locations", partition: 1, nextOffset: 9n },
      { topic: "persons", partition: 2, nextOffset: 1n },
    ]);
  });

  it("is undefined when no token holds a position, and refuses what is not a token", () => {
    expect(mergeConsistencyTokens(["", undefined])).toBeUndefined();
    expect(() => mergeConsistencyTokens(["not a token!"])).toThrow("consistency token is not a token returned by the ingest API");
  });
});
