import { describe, expect, it } from "vitest";
import { parseEncounterQuery, parseInstant } from "../src/encounters/encounter-criteria";

describe("parseInstant", () => {
  it.each([
    ["2020-03-10T10:00:00Z", "2020-03-10T10:00:00.000Z"],
    ["2020-03-10t10:00:00.123456z", "2020-03-10T10:00:00.123Z"],
    ["2020-03-10T12:00:00+02:00", "2020-03-10T10:00:00.000Z"],
    ["2020-02-29T00:00:00Z", "2020-02-29T00:00:00.000Z"],
  ])("reads %s as %s", (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each(["2021-02-29T00:00:00Z", "2020-03-10T24:00:00Z", "2020-03-10T23:59:60Z", "2020-03-10 10:00:00Z", "2020-03-10T10:00:00", "1583834400"])(
    "refuses %s",
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );
});

describe("parseEncounterQuery", () => {
  const base = { from: "2020-03-10T00:00:00Z", to: "2020-03-11T00:00:00Z", distanceMetres: 5, withinSeconds: 600 };

  it("gives a half-open range, a radius and a time tolerance", () => {
    expect(parseEncounterQuery(base)).toEqual({
      from: new Date("2020-03-10T00:00:00Z"),
      to: new Date("2020-03-11T00:00:00Z"),
      distanceMetres: 5,
      withinSeconds: 600,
    });
  });

  it.each([
    [{ to: "2020-03-10T00:00:00Z" }, "to", "to (2020-03-10T00:00:00Z) must be after from (2020-03-10T00:00:00Z)"],
    [{ to: "2020-04-10T00:00:01Z" }, "to", "the range from 2020-03-10T00:00:00Z to 2020-04-10T00:00:01Z is longer than 31 days"],
    [{ from: "2021-02-29T00:00:00Z" }, "from", 'from must be an RFC 3339 date-time such as 2020-03-10T00:00:00Z, got "2021-02-29T00:00:00Z"'],
    [{ distanceMetres: 1000.001 }, "distance_m", "distance_m must be above 0 and at most 1000, got 1000.001"],
    [{ withinSeconds: -1 }, "within_s", "within_s must be an integer from 0 to 86400, got -1"],
    [{ maxAccuracyMetres: 0 }, "max_accuracy_m", "max_accuracy_m must be above 0 and at most 1000, got 0"],
    [{ maxAccuracyMetres: 1000.5 }, "max_accuracy_m", "max_accuracy_m must be above 0 and at most 1000, got 1000.5"],
    [{ maxAccuracyMetres: Number.NaN }, "max_accuracy_m", "max_accuracy_m must be above 0 and at most 1000, got NaN"],
  ])("refuses %j", (change, parameter, detail) => {
    expect(parseEncounterQuery({ ...base, ...change })).toEqual({ kind: "invalid-parameter", parameter, detail });
  });

  it("takes max_accuracy_m only when given", () => {
    expect(parseEncounterQuery({ ...base, maxAccuracyMetres: 7.5 })).toMatchObject({ maxAccuracyMetres: 7.5 });
    expect(parseEncounterQuery({ ...base, maxAccuracyMetres: undefined })).not.toHaveProperty("maxAccuracyMetres");
  });

  it("accepts exactly 31 days", () => {
    expect(parseEncounterQuery({ ...base, to: "2020-04-10T00:00:00Z" })).toMatchObject({ to: new Date("2020-04-10T00:00:00Z") });
  });
});
