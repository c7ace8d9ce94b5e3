import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { RecordLocationsRequestSchema, type RecordLocationsRequest } from "@udaconnect/schemas";
import { collectCheckIns, decideRecordLocations } from "../src/ingest/record-locations";
import { describeViolations } from "../src/ingest/violations";
import { checkIn, fixedClock, sequentialIds } from "./fakes";

const deps = () => ({ now: fixedClock, newId: sequentialIds() });

describe("RecordLocations", () => {
  it("turns every check-in into an event, in the order received, with ids where missing", () => {
    const decision = decideRecordLocations(
      [checkIn({ personId: "5", eventId: "017f22e2-79b0-7cc3-98c4-dc0c0c07398f" }), checkIn({ personId: "6" }), checkIn({ personId: "5", latitude: 1 })],
      deps(),
    );

    expect(decision.outcome === "accepted" && decision.reply).toEqual({
      acceptedCount: 3,
      eventIds: ["017f22e2-79b0-7cc3-98c4-dc0c0c07398f", "00000000-0000-7000-8000-000000000001", "00000000-0000-7000-8000-000000000002"],
    });
    expect(decision.outcome === "accepted" && decision.events.map((e) => [e.key, e.event.eventId])).toEqual([
      ["5", "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"],
      ["6", "00000000-0000-7000-8000-000000000001"],
      ["5", "00000000-0000-7000-8000-000000000002"],
    ]);
  });

  it("refuses the whole call for one bad check-in, naming it by its place in the stream", () => {
    const decision = decideRecordLocations([checkIn(), checkIn(), checkIn({ latitude: 91 }), checkIn()], deps());

    expect(decision).toEqual({
      outcome: "rejected",
      violations: [{ field: "check_ins[2].latitude", description: "must be between -90 and 90, got 91" }],
    });
  });

  it("refuses a call without check-ins", () => {
    expect(decideRecordLocations([], deps())).toEqual({
      outcome: "rejected",
      violations: [{ field: "check_ins", description: "at least one check-in is required" }],
    });
  });

  it("refuses an event id given twice in one call, in any letter case", () => {
    const decision = decideRecordLocations(
      [checkIn({ eventId: "017f22e2-79b0-7cc3-98c4-dc0c0c07398f" }), checkIn({ eventId: "" }), checkIn({ eventId: "017F22E2-79B0-7CC3-98C4-DC0C0C07398F" })],
      deps(),
    );

    expect(decision).toEqual({
      outcome: "rejected",
      violations: [{ field: "check_ins[2].event_id", description: 'repeats check_ins[0].event_id "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"' }],
    });
  });
});

describe("collecting a stream of check-ins", () => {
  async function* stream(...sizes: number[]): AsyncIterable<RecordLocationsRequest> {
    for (const size of sizes) {
      yield create(RecordLocationsRequestSchema, { checkIns: Array.from({ length: size }, () => checkIn()) });
    }
  }

  it("gathers the check-ins of every message, up to the limit inclusive", async () => {
    const collected = await collectCheckIns(stream(2, 0, 3), 5);

    expect(collected.outcome === "collected" && collected.checkIns.length).toBe(5);
  });

  it("stops at the first message that goes over the limit", async () => {
    const collected = await collectCheckIns(stream(2, 4, 1), 5);

    expect(collected).toEqual({ outcome: "too-many", limit: 5 });
  });
});

describe("describing violations", () => {
  it("lists ten and counts the rest", () => {
    const violations = Array.from({ length: 12 }, (_, i) => ({ field: `check_ins[${i}].person_id`, description: "required" }));

    expect(describeViolations(violations)).toBe(
      `${violations
        .slice(0, 10)
        .map((v) => `${v.field}: required`)
        .join("; ")}; and 2 more`,
    );
  });
});
