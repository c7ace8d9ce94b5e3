import { describe, expect, it } from "vitest";
import { eventTopics, locationRetentionFrom, locationsTopic, oldestRetained, parseRetention, personsTopic, RETAIN_FOREVER } from "../src/index";

describe("LOCATION_RETENTION", () => {
  it("parses forever and durations in s, m, h, d and w", () => {
    expect(parseRetention("forever")).toEqual({ text: "forever", ms: undefined });
    expect(parseRetention("90d")).toEqual({ text: "90d", ms: 90 * 86_400_000 });
    expect(parseRetention(" 12h ")).toEqual({ text: "12h", ms: 12 * 3_600_000 });
    expect(parseRetention("30m")?.ms).toBe(1_800_000);
    expect(parseRetention("3600s")?.ms).toBe(3_600_000);
    expect(parseRetention("2w")?.ms).toBe(14 * 86_400_000);
  });

  it.each(["", "0d", "90", "d", "-5d", "1.5d", "90 days", "FOREVER", "1y", "9999999d"])("refuses %j", (text) => {
    expect(parseRetention(text)).toBeUndefined();
  });

  it("defaults to forever when unset or empty", () => {
    const problems: string[] = [];

    expect(locationRetentionFrom({}, problems)).toBe(RETAIN_FOREVER);
    expect(locationRetentionFrom({ LOCATION_RETENTION: "" }, problems)).toBe(RETAIN_FOREVER);
    expect(problems).toEqual([]);
  });

  it("names the variable and the value when malformed", () => {
    const problems: string[] = [];

    locationRetentionFrom({ LOCATION_RETENTION: "90 days" }, problems);

    expect(problems).toEqual(['LOCATION_RETENTION must be "forever" or a positive duration like "90d", "12h", "30m", "3600s" or "2w", got "90 days"']);
  });

  it("keeps occurred_at from now minus the retention on, or everything", () => {
    const now = new Date("2026-12-02T12:00:00Z");

    expect(oldestRetained(parseRetention("1d") ?? RETAIN_FOREVER, now)).toEqual(new Date("2026-12-01T12:00:00Z"));
    expect(oldestRetained(RETAIN_FOREVER, now)).toBeUndefined();
  });

  it("sets the locations topic's retention.ms from it and leaves the persons topic's as it is", () => {
    const topics = eventTopics(parseRetention("90d") ?? RETAIN_FOREVER);

    expect(topics.map((t) => [t.name, t.retentionMs])).toEqual([
      [personsTopic.name, -1],
      [locationsTopic.name, 7_776_000_000],
    ]);
    expect(eventTopics(RETAIN_FOREVER).map((t) => t.retentionMs)).toEqual([-1, -1]);
  });
});
