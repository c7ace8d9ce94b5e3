import { describe, expect, it } from "vitest";
import { decideBatch } from "../src/ingest/stream-check-ins";
import { RecentEventIds } from "../src/ingest/recent-event-ids";
import { checkIn, fixedClock, sequentialIds } from "./fakes";

const ID = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const deps = (seen = new RecentEventIds(10)) => ({ now: fixedClock, newId: sequentialIds(), maxCheckInAgeMs: 86_400_000, seenEventIds: seen });

describe("decideBatch", () => {
  it("judges each check-in alone and appends only the accepted ones, in order", () => {
    const decision = decideBatch(
      [checkIn({ eventId: ID(1) }), checkIn({ eventId: ID(2), longitude: 181 }), checkIn({ eventId: ID(3), personId: "bad id" }), checkIn({ eventId: ID(4) })],
      "anyone",
      deps(),
    );

    expect(decision.verdicts).toEqual([
      { eventId: ID(1), status: "accepted", reason: "", detail: "" },
      { eventId: ID(2), status: "rejected", reason: "INVALID_LONGITUDE", detail: "check_ins[1].longitude: must be between -180 and 180, got 181" },
      {
        eventId: ID(3),
        status: "rejected",
        reason: "INVALID_PERSON_ID",
        detail: 'check_ins[2].person_id: must be 1-64 characters of [A-Za-z0-9_-], got "bad id"',
      },
      { eventId: ID(4), status: "accepted", reason: "", detail: "" },
    ]);
    expect(decision.events.map((e) => e.event.eventId)).toEqual([ID(1), ID(4)]);
  });

  it("answers DUPLICATE for an id appended lately or earlier in the batch, and assigns ids left empty", () => {
    const seen = new RecentEventIds(10);
    seen.add([ID(1)]);

    const decision = decideBatch(
      [checkIn({ eventId: ID(1) }), checkIn({ eventId: ID(2) }), checkIn({ eventId: ID(2) }), checkIn({ eventId: "" })],
      "anyone",
      deps(seen),
    );

    expect(decision.verdicts.map((v) => [v.eventId, v.status])).toEqual([
      [ID(1), "duplicate"],
      [ID(2), "accepted"],
      [ID(2), "duplicate"],
      ["00000000-0000-7000-8000-000000000001", "accepted"],
    ]);
  });

  it("rejects an attendee's check-in of another person as FORBIDDEN_PERSON and keeps their own", () => {
    const decision = decideBatch(
      [checkIn({ eventId: ID(1), personId: "5" }), checkIn({ eventId: ID(2), personId: "6" })],
      { subject: "5", role: "attendee" },
      deps(),
    );

    expect(decision.verdicts.map((v) => [v.status, v.reason, v.detail])).toEqual([
      ["accepted", "", ""],
      ["rejected", "FORBIDDEN_PERSON", 'check_ins[1].person_id: this token may not write check-ins of person "6"'],
    ]);
  });
});

describe("RecentEventIds", () => {
  it("forgets the oldest ids beyond its capacity", () => {
    const ids = new RecentEventIds(2);
    ids.add(["a", "b"]);
    ids.add(["a"]);
    ids.add(["c"]);

    expect([ids.has("a"), ids.has("b"), ids.has("c"), ids.size]).toEqual([true, false, true, 2]);
  });
});
