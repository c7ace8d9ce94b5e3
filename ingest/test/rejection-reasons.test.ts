import { describe, expect, it } from "vitest";
import { refusedCheckInReasons } from "../src/ingest/rejection-reasons";

describe("refusedCheckInReasons", () => {
  it("gives each refused check-in the reason of its first refused field, and REFUSED_WITH_CALL to its valid neighbours", () => {
    const violations = [
      { field: "check_ins[1].latitude", description: "must be between -90 and 90, got 91" },
      { field: "check_ins[1].accuracy_m", description: "must be a finite number >= 0, got -1" },
      { field: "check_ins[3].event_id", description: 'repeats check_ins[0].event_id "x"' },
    ];

    expect(refusedCheckInReasons(violations, 4)).toEqual(["REFUSED_WITH_CALL", "INVALID_LATITUDE", "REFUSED_WITH_CALL", "INVALID_EVENT_ID"]);
  });

  it("names a single RecordLocation's check-in, and a missing one", () => {
    expect(refusedCheckInReasons([{ field: "check_in.occurred_at", description: "required" }], 1)).toEqual(["INVALID_OCCURRED_AT"]);
    expect(refusedCheckInReasons([{ field: "check_in", description: "required" }], 1)).toEqual(["INVALID_CHECK_IN"]);
  });
});
