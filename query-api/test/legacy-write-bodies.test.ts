import { Code, ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { outcomeOf, parseViolations } from "../src/ingest-client/connect-ingest-writes";
import { legacyViolations, locationCheckIn, personRegistration } from "../src/http/legacy-write-bodies";

const BODY = { person_id: 5, latitude: "35.0585136", longitude: "-106.5719566", creation_time: "2020-07-07T10:37:06" };

describe("the original's bodies as ingest's requests", () => {
  it("sends an integer person id as a string and an omitted one as empty (ingest assigns it)", () => {
    const names = { first_name: "Ada", last_name: "Lovelace", company_name: "AE" };

    expect(personRegistration({ ...names, id: 5 })).toEqual({ personId: "5", firstName: "Ada", lastName: "Lovelace", companyName: "AE" });
    expect(personRegistration(names).personId).toBe("");
  });

  it.each([
    ["2020-07-07T10:37:06", "2020-07-07T10:37:06.000Z"],
    ["2020-07-07 10:37:06.000000", "2020-07-07T10:37:06.000Z"],
    ["2020-07-07T10:37:06.123456Z", "2020-07-07T10:37:06.123Z"],
    ["2020-07-07t12:37:06+02:00", "2020-07-07T10:37:06.000Z"],
    ["2020-02-29T00:00:00Z", "2020-02-29T00:00:00.000Z"],
  ])("reads creation_time %s as %s", (text, iso) => {
    const checkIn = locationCheckIn({ ...BODY, creation_time: text });

    expect(checkIn.ok && checkIn.value.occurredAt.toISOString()).toBe(iso);
  });

  it.each(["2020-07-07", "yesterday", "2021-02-29T00:00:00Z", "2020-07-07T24:00:00Z", "2020-07-07T10:37:06+2"])("refuses creation_time %s", (text) => {
    expect(locationCheckIn({ ...BODY, creation_time: text })).toEqual({
      ok: false,
      violations: [{ field: "creation_time", description: `must be a date-time such as 2020-07-07T10:37:06Z, got ${JSON.stringify(text)}` }],
    });
  });

  it("reads coordinates as numbers or decimal strings, and refuses other strings", () => {
    expect(locationCheckIn(BODY)).toEqual({
      ok: true,
      value: { eventId: "", personId: "5", latitude: 35.0585136, longitude: -106.5719566, occurredAt: new Date("2020-07-07T10:37:06Z") },
    });
    expect(locationCheckIn({ ...BODY, latitude: "", longitude: "1e2x" })).toEqual({
      ok: false,
      violations: [
        { field: "latitude", description: 'must be a number or a decimal string, got ""' },
        { field: "longitude", description: 'must be a number or a decimal string, got "1e2x"' },
      ],
    });
  });

  it("names ingest's fields as the original's body does", () => {
    const violations = [
      { field: "check_in.event_id", description: "must be a UUID" },
      { field: "check_in.occurred_at", description: "required" },
      { field: "check_in.person_id", description: "required" },
    ];

    expect(legacyViolations(violations, "location").map((v) => v.field)).toEqual(["id", "creation_time", "person_id"]);
    expect(
      legacyViolations(
        [
          { field: "person_id", description: "x" },
          { field: "last_name", description: "required" },
        ],
        "person",
      ).map((v) => v.field),
    ).toEqual(["id", "last_name"]);
  });
});

describe("ingest's answers as outcomes", () => {
  it("splits an INVALID_ARGUMENT message into its fields, even with '; ' inside a value", () => {
    expect(parseViolations('person_id: must be 1-64 characters of [A-Za-z0-9_-], got "a; b: c"; first_name: required')).toEqual([
      { field: "person_id", description: 'must be 1-64 characters of [A-Za-z0-9_-], got "a; b: c"' },
      { field: "first_name", description: "required" },
    ]);
    expect(parseViolations("check_in.latitude: must be between -90 and 90, got 91")).toEqual([
      { field: "check_in.latitude", description: "must be between -90 and 90, got 91" },
    ]);
    expect(parseViolations("something else entirely")).toEqual([{ field: "request", description: "something else entirely" }]);
  });

  it.each([
    [Code.InvalidArgument, "invalid"],
    [Code.Unauthenticated, "unauthenticated"],
    [Code.PermissionDenied, "forbidden"],
    [Code.Unavailable, "unavailable"],
    [Code.DeadlineExceeded, "unavailable"],
    [Code.Internal, "unavailable"],
  ])("maps code %s to %s", (code, outcome) => {
    expect(outcomeOf(new ConnectError("first_name: required", code)).outcome).toBe(outcome);
  });
});
