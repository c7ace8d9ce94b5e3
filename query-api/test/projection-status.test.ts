import { describe, expect, it } from "vitest";
import { waitForPositions } from "../src/consistency/wait-for-positions";
import { partitionStatuses, totalLag } from "../src/projection/projection-status";

describe("partitionStatuses", () => {
  it("joins checkpoints with the ends of the log; a partition never projected counts from 0", () => {
    const statuses = partitionStatuses(
      [
        { topic: "b", partition: 0, nextOffset: 7n },
        { topic: "a", partition: 1, nextOffset: 3n },
        { topic: "old", partition: 0, nextOffset: 9n },
      ],
      [
        { topic: "a", partition: 1, endOffset: 5n },
        { topic: "a", partition: 0, endOffset: 2n },
        { topic: "b", partition: 0, endOffset: 7n },
      ],
    );

    expect(statuses).toEqual([
      { topic: "a", partition: 0, projectedOffset: 0n, endOffset: 2n, lag: 2n },
      { topic: "a", partition: 1, projectedOffset: 3n, endOffset: 5n, lag: 2n },
      { topic: "b", partition: 0, projectedOffset: 7n, endOffset: 7n, lag: 0n },
      { topic: "old", partition: 0, projectedOffset: 9n },
    ]);
    expect(totalLag(statuses)).toBe(4n);
  });
});

describe("waitForPositions", () => {
  const position = [{ topic: "t", partition: 0, nextOffset: 1n }];

  it("polls until covered", async () => {
    let now = 0;
    let polls = 0;
    const result = await waitForPositions(
      async () => {
        polls += 1;
        return polls === 3;
      },
      position,
      {
        waitMs: 1_000,
        pollMs: 50,
        now: () => now,
        sleep: async (ms) => {
          now += ms;
        },
      },
    );

    expect(result).toBe("covered");
    expect(now).toBe(100);
  });

  it("gives up at the bound, having checked one last time", async () => {
    let now = 0;
    const slept: number[] = [];
    const result = await waitForPositions(async () => false, position, {
      waitMs: 120,
      pollMs: 50,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });

    expect(result).toBe("timed-out");
    expect(slept).toEqual([50, 50, 20]);
  });
});
