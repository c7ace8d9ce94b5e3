import { describe, expect, it } from "vitest";
import { backoffMs } from "../src/index";

describe("backoffMs", () => {
  it("is full jitter: 0 up to base·2^attempt, capped", () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffMs(attempt, 100, 1_000, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffMs(5, 100, 1_000, () => 0)).toBe(0);
  });
});
