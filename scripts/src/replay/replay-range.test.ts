import { describe, expect, it } from "vitest";
import { inTimeWindow, resolveRange } from "./replay-range";
import type { OffsetQuery, TopicLog } from "./topic-log";

/** Two partitions: 0 holds offsets 5..20 (older ones deleted), 1 holds 0..8; a time resolves to fixed offsets. */
const log: TopicLog = {
  partitions: async () => [0, 1],
  offsetsAt: async (_topic: string, query: OffsetQuery) =>
    query === "earliest"
      ? new Map([
          [0, 5n],
          [1, 0n],
        ])
      : query === "latest"
        ? new Map([
            [0, 20n],
            [1, 8n],
          ])
        : new Map([
            [0, 12n],
            [1, 8n],
          ]),
  read: async function* () {},
  close: async () => {},
};

describe("resolving a replay's range", () => {
  it("reads everything from the beginning to the current end by default", async () => {
    expect(await resolveRange(log, "t", { kind: "edge" }, { kind: "edge" })).toEqual({
      partitions: [
        { partition: 0, from: 5n, to: 20n },
        { partition: 1, from: 0n, to: 8n },
      ],
      timeWindow: {},
    });
  });

  it("resolves a time per partition, drops empty ranges and keeps the time for the records' own check", async () => {
    const at = new Date("2026-03-01T09:00:00Z");

    expect(await resolveRange(log, "t", { kind: "time", at }, { kind: "edge" })).toEqual({
      partitions: [{ partition: 0, from: 12n, to: 20n }],
      timeWindow: { from: at },
    });
  });

  it("clamps offsets to what the partition still holds and reads unlisted partitions whole", async () => {
    expect(await resolveRange(log, "t", { kind: "offsets", offsets: new Map([[0, 2n]]) }, { kind: "offsets", offsets: new Map([[1, 99n]]) })).toEqual({
      partitions: [
        { partition: 0, from: 5n, to: 20n },
        { partition: 1, from: 0n, to: 8n },
      ],
      timeWindow: {},
    });
  });

  it("refuses a partition the topic does not have", async () => {
    await expect(resolveRange(log, "t", { kind: "offsets", offsets: new Map([[7, 0n]]) }, { kind: "edge" })).rejects.toThrow("topic t has no partition 7");
  });

  it("keeps records in [from, to)", () => {
    const window = { from: new Date(1_000), to: new Date(2_000) };
    expect([999, 1_000, 1_999, 2_000].map((ms) => inTimeWindow(new Date(ms), window))).toEqual([false, true, true, false]);
  });
});
