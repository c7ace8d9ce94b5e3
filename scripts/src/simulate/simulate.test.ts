import { describe, expect, it } from "vitest";
import { BOOTH_SPACING_M, planConference, type ConferenceParameters, type SimulatedCheckIn } from "./conference";
import { distanceMetres, whoMetWhom } from "./ground-truth";
import { parseSimulateArgs } from "./simulate-args";
import { conferenceParameters } from "./simulation";

const start = new Date("2026-11-27T09:00:00Z");
const parameters: ConferenceParameters = {
  seed: 3,
  attendees: 6,
  booths: 4,
  start,
  sessions: 2,
  sessionSeconds: 300,
  checkInEverySeconds: 60,
  idPrefix: "p",
  origin: { latitude: 37.784, longitude: -122.4014 },
};

const at = (personId: string, seconds: number, north: number): SimulatedCheckIn => ({
  eventId: `${personId}-${seconds}`,
  personId,
  latitude: 37.784 + north / 111_320,
  longitude: -122.4014,
  occurredAt: new Date(start.getTime() + seconds * 1000),
});

describe("the simulated conference", () => {
  it("is the same for the same seed, different for another", () => {
    expect(planConference(parameters)).toEqual(planConference(parameters));
    expect(planConference({ ...parameters, seed: 4 }).checkIns).not.toEqual(planConference(parameters).checkIns);
  });

  it("checks everyone in every interval of every session, in time order, near a booth", () => {
    const { persons, checkIns } = planConference(parameters);

    expect(persons.map((p) => p.personId)).toEqual(["p0", "p1", "p2", "p3", "p4", "p5"]);
    expect(checkIns).toHaveLength(6 * 2 * 5);
    expect(checkIns.map((c) => c.occurredAt.getTime())).toEqual(checkIns.map((c) => c.occurredAt.getTime()).sort((a, b) => a - b));
    for (const a of checkIns) {
      for (const b of checkIns) {
        const d = distanceMetres(a, b);
        expect(d <= 4.01 || d >= BOOTH_SPACING_M - 4.01).toBe(true);
      }
    }
  });
});

describe("who met whom", () => {
  const checkIns = [at("a", 0, 0), at("b", 30, 3), at("c", 100, 1), at("d", 10, 30)];

  it("needs both distance and time when within_s is given", () => {
    const met = whoMetWhom(checkIns, { distanceM: 5, withinS: 30, from: start, to: new Date(start.getTime() + 3_600_000) });

    expect(Object.fromEntries([...met].map(([k, v]) => [k, [...v].sort()]))).toEqual({ a: ["b"], b: ["a"] });
  });

  it("needs distance only at any time in the range (the legacy meaning), both check-ins inside [from, to)", () => {
    const all = whoMetWhom(checkIns, { distanceM: 5, from: start, to: new Date(start.getTime() + 3_600_000) });
    const early = whoMetWhom(checkIns, { distanceM: 5, from: start, to: new Date(start.getTime() + 100_000) });

    expect(Object.fromEntries([...all].map(([k, v]) => [k, [...v].sort()]))).toEqual({ a: ["b", "c"], b: ["a", "c"], c: ["a", "b"] });
    expect(Object.fromEntries([...early].map(([k, v]) => [k, [...v].sort()]))).toEqual({ a: ["b"], b: ["a"] });
  });
});

describe("simulate arguments", () => {
  it("defaults to a schedule ending a minute before now, as fast as possible", () => {
    const parsed = parseSimulateArgs([]);
    if (parsed.kind !== "args") throw new Error(JSON.stringify(parsed));

    const p = conferenceParameters(parsed.args, new Date("2026-11-28T10:00:30Z"));

    expect(parsed.args.ratePerSecond).toBeUndefined();
    expect(p).toMatchObject({
      seed: 1,
      attendees: 50,
      booths: 10,
      sessions: 4,
      sessionSeconds: 900,
      idPrefix: "sim1-",
      start: new Date("2026-11-28T08:59:00Z"),
    });
  });

  it("lists every problem", () => {
    expect(parseSimulateArgs(["--attendees", "1", "--rate", "0", "--start", "soon"])).toEqual({
      kind: "usage-error",
      problems: [
        '--rate must be "max" or check-ins per second (> 0), got "0"',
        '--start must be an RFC 3339 time, got "soon"',
        '--attendees must be an integer from 2 to 100000, got "1"',
      ],
    });
  });
});
