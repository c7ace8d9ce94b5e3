import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { jobOutcome, podProgress } from "./job-state";
import { compareTimestamps, LogTail, switchIn } from "./rebuild-log";

describe("switchIn", () => {
  it("finds the switch in the rebuild CLI's progress lines", () => {
    expect(switchIn("rebuild: generation 7 is live; generation 6 retired")).toEqual({ generation: 7, retired: 6 });
    expect(switchIn("rebuild: generation 1 is live")).toEqual({ generation: 1, retired: undefined });
    expect(switchIn("rebuild: generation 7: 10/20 records, 5 events/s, lag 10, ETA 2s")).toBeUndefined();
    expect(switchIn("rebuild: building generation 7")).toBeUndefined();
  });
});

describe("LogTail", () => {
  it("keeps the last lines and skips what a reconnect repeats", () => {
    const tail = new LogTail(2);
    expect(tail.accept("2026-12-02T09:00:00.100000000Z", "a")).toBe(true);
    expect(tail.accept("2026-12-02T09:00:00.2Z", "b")).toBe(true);
    expect(tail.since()).toBe("2026-12-02T09:00:00.2Z");
    // The reconnect (sinceTime rounded down to the second) repeats both lines.
    expect(tail.accept("2026-12-02T09:00:00.100000000Z", "a")).toBe(false);
    expect(tail.accept("2026-12-02T09:00:00.2Z", "b")).toBe(false);
    expect(tail.accept("2026-12-02T09:00:01Z", "c")).toBe(true);
    expect(tail.last()).toEqual(["b", "c"]);
  });

  it("orders RFC 3339 timestamps with their fractions", () => {
    expect(compareTimestamps("2026-12-02T09:00:00.9Z", "2026-12-02T09:00:00.10Z")).toBe(1);
    expect(compareTimestamps("2026-12-02T09:00:00Z", "2026-12-02T09:00:00.000000001Z")).toBe(-1);
    expect(compareTimestamps("x", "")).toBe(1);
  });
});

describe("jobOutcome and podProgress", () => {
  it("reads the Job's verdict from its conditions", () => {
    expect(jobOutcome({ status: { active: 1 } })).toEqual({ kind: "running" });
    expect(jobOutcome({ status: { conditions: [{ type: "Complete", status: "True" }] } })).toEqual({ kind: "succeeded" });
    const failed: V1Job = {
      status: { conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] },
    };
    expect(jobOutcome(failed)).toEqual({ kind: "failed", reason: "BackoffLimitExceeded: Job has reached the specified backoff limit" });
  });

  it("tells a pod that will start from one that cannot", () => {
    const pod = (state: NonNullable<NonNullable<V1Pod["status"]>["containerStatuses"]>[number]["state"]): V1Pod => ({
      status: { phase: "Pending", containerStatuses: [{ name: "rebuild", image: "x", imageID: "", ready: false, restartCount: 0, state }] },
    });
    expect(podProgress(pod({ waiting: { reason: "ContainerCreating" } }), "rebuild")).toEqual({ kind: "waiting", detail: "ContainerCreating" });
    expect(podProgress(pod({ waiting: { reason: "ErrImageNeverPull", message: "image not present" } }), "rebuild")).toEqual({
      kind: "stuck",
      detail: "ErrImageNeverPull: image not present",
    });
    expect(podProgress(pod({ running: {} }), "rebuild")).toEqual({ kind: "started" });
    expect(podProgress(pod({ terminated: { exitCode: 3, reason: "Error" } }), "rebuild")).toEqual({
      kind: "terminated",
      exitCode: 3,
      detail: "exit code 3 (Error)",
    });
    expect(
      podProgress(
        { status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/1 nodes" }] } },
        "rebuild",
      ),
    ).toEqual({
      kind: "waiting",
      detail: "not scheduled (Unschedulable: 0/1 nodes)",
    });
  });
});
