import { describe, expect, it } from "vitest";
import { backoffMs, createDeviceClient, memoryStorage, type DeviceReport } from "../src/index";

describe("the device client, with no gateway reachable", () => {
  it("queues without waiting, drops and counts what does not fit, and reports the drops and connection failures", async () => {
    const reports: DeviceReport[] = [];
    const device = await createDeviceClient({
      gatewayUrl: "http://127.0.0.1:1",
      storage: memoryStorage(),
      maxQueued: 2,
      backoff: { baseMs: 10, maxMs: 20 },
      onReport: (r) => reports.push(r),
    });

    const ids = [1, 2, 3].map((n) => device.checkIn({ personId: "p1", latitude: n, longitude: 0 }));

    expect(ids.map((id) => (id === undefined ? "dropped" : /^[0-9a-f-]{36}$/.test(id)))).toEqual([true, true, "dropped"]);
    expect(reports).toEqual([{ kind: "dropped", total: 1 }]);
    expect(await device.flush(300)).toBe(false);
    expect(device.stats()).toEqual(expect.objectContaining({ queued: 2, dropped: 1, accepted: 0 }));
    expect(device.stats().connectionFailures).toBeGreaterThan(0);
    expect(reports.some((r) => r.kind === "connection-failed")).toBe(true);
    expect(await device.close(0)).toBe(false);
  });
});

describe("backoffMs", () => {
  it("is full jitter: 0 up to base·2^attempt, capped", () => {
    expect([0, 1, 2, 3, 10].map((attempt) => backoffMs(attempt, 100, 1_000, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffMs(5, 100, 1_000, () => 0)).toBe(0);
  });
});
