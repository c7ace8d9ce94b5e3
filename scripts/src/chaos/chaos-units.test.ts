import { describe, expect, it } from "vitest";
import { parseChaosArgs, parseDuration } from "./chaos-args";
import { FAULT_KINDS, faultPlan, type PlannedFault } from "./fault-plan";
import type { InjectedFault } from "./inject";
import { judge, spread, type Evidence } from "./verdict";

const take = (seed: number, n: number): PlannedFault[] => {
  const plan = faultPlan(seed);
  return Array.from({ length: n }, () => plan.next().value as PlannedFault);
};

describe("the fault plan", () => {
  it("is the same for the same seed and another for another seed", () => {
    expect(take(7, 30)).toEqual(take(7, 30));
    expect(take(7, 30)).not.toEqual(take(8, 30));
  });

  it("holds every kind once per round, a network fault always naming its link", () => {
    const faults = take(3, FAULT_KINDS.length * 2);
    for (const round of [faults.slice(0, FAULT_KINDS.length), faults.slice(FAULT_KINDS.length)]) {
      expect(round.map((f) => f.kind).sort()).toEqual([...FAULT_KINDS].sort());
    }
    for (const f of faults) {
      expect(["latency", "reset-peer", "disconnect", "stall"].includes(f.kind)).toBe(f.link !== undefined);
    }
  });
});

describe("the arguments", () => {
  it("read durations as minutes and seconds", () => {
    expect([parseDuration("10m"), parseDuration("90s"), parseDuration("1m30s"), parseDuration("45"), parseDuration("ten")]).toEqual([
      600_000,
      90_000,
      90_000,
      45_000,
      undefined,
    ]);
  });

  it("refuse an unknown flag even beside --help, and a duration under 20 s", () => {
    expect(parseChaosArgs(["--help", "--nope"]).kind).toBe("usage-error");
    expect(parseChaosArgs(["--duration", "5s"]).kind).toBe("usage-error");
    expect(parseChaosArgs(["--duration", "1m", "--seed", "4", "--devices", "3"])).toEqual({
      kind: "args",
      args: { durationMs: 60_000, seed: 4, devices: 3, ratePerSecond: 40, keep: false },
    });
  });
});

describe("the verdict", () => {
  const fault: InjectedFault = { kind: "gateway-kill", target: "gateway", startedAt: 1_000, liftedAt: 2_000, readyAt: 3_000 };
  const evidence = (over: Partial<Evidence>): Evidence => ({
    devices: [
      {
        name: "device-0",
        queued: [
          { t: 500, q: ["a", "b"] },
          { t: 4_000, q: ["c"] },
        ],
        acks: [
          { t: 600, a: ["a"], d: [], r: [] },
          { t: 3_500, a: [], d: ["b"], r: [] },
          { t: 4_100, a: ["c"], d: [], r: [] },
        ],
        stats: { queued: 0, rejected: 0, dropped: 0 },
      },
    ],
    log: new Map([
      ["a", 1],
      ["b", 2],
      ["c", 1],
    ]),
    readModel: new Map([
      ["a", 1],
      ["b", 1],
      ["c", 1],
    ]),
    faults: [fault],
    projection: [
      { t: 1_500, rows: 1 },
      { t: 2_500, rows: 1 },
      { t: 3_700, rows: 2 },
    ],
    lag: { "0": 0, "1": 0 },
    unplannedExits: {},
    ...over,
  });

  it("passes when every acknowledged check-in is in the topic and once in the read model", () => {
    const summary = judge(evidence({}));

    expect(summary.ok).toBe(true);
    expect(summary.checkIns).toEqual({ queued: 3, acknowledged: 3, accepted: 2, duplicateAnswers: 1, rejected: 0, dropped: 0 });
    expect(summary.doubled).toEqual({ readModelRows: 0, logRecords: 1 });
    expect(summary.log).toEqual({ records: 4, maxCopies: 2 });
    expect(summary.faults.byKind["gateway-kill"]).toEqual({
      injected: 1,
      downMs: spread([2_000]),
      toAckMs: spread([1_500]),
      toProjectionMs: spread([1_700]),
    });
    expect(summary.ackLatencyMs.duringFaults).toEqual(spread([3_000]));
    expect(summary.ackLatencyMs.outsideFaults).toEqual(spread([100, 100]));
  });

  it("fails on an acknowledged check-in missing from the read model, a doubled row, an undrained queue or a lag", () => {
    expect(
      judge(
        evidence({
          readModel: new Map([
            ["a", 1],
            ["c", 1],
          ]),
        }),
      ),
    ).toMatchObject({ ok: false, lost: { fromReadModel: 1, fromLog: 0, sample: ["b"] } });
    expect(
      judge(
        evidence({
          log: new Map([
            ["a", 1],
            ["b", 1],
          ]),
        }),
      ),
    ).toMatchObject({ ok: false, lost: { fromReadModel: 0, fromLog: 1, sample: ["c"] } });
    expect(
      judge(
        evidence({
          readModel: new Map([
            ["a", 2],
            ["b", 1],
            ["c", 1],
          ]),
        }),
      ),
    ).toMatchObject({ ok: false, doubled: { readModelRows: 1 } });
    const [device] = evidence({}).devices;
    expect(judge(evidence({ devices: [{ ...device!, stats: { queued: 2, rejected: 0, dropped: 0 } }] }))).toMatchObject({
      ok: false,
      undrainedDevices: ["device-0"],
    });
    expect(judge(evidence({ lag: { "0": 3 } }))).toMatchObject({ ok: false, projectionCaughtUp: false });
  });
});
