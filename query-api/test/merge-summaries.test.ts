import { describe, expect, it } from "vitest";
import { connectionsJson } from "../src/encounters/merge-summaries";

const entry = (first_us: number, id: string) => ({ first_us, id, entry: `{"id":"${id}"}` });

describe("connectionsJson", () => {
  it("orders the entries of every part by first encounter, then person id in byte order", () => {
    const json = connectionsJson([
      [entry(1, "b"), entry(5, "a"), entry(7, "Z")],
      [entry(1, "B"), entry(2, "c"), entry(7, "z"), entry(7, "-")],
    ]);

    expect(JSON.parse(json)).toEqual({ connections: ["B", "b", "c", "a", "-", "Z", "z"].map((id) => ({ id })) });
  });

  it("answers an empty list when no part met anyone", () => {
    expect(connectionsJson([[], []])).toBe('{"connections":[]}');
  });
});
