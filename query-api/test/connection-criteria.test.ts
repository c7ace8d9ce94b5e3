import { describe, expect, it } from "vitest";
import { checkDistance, parseCalendarDate, parseConnectionQuery, parseDistance } from "../src/legacy-connections/connection-criteria";

const DISTANCE_RULE = "distance must be a decimal number of metres above 0 and at most 10000 (e.g. 5 or 2.5)";

describe("parseCalendarDate", () => {
  it.each([
    ["2020-01-01", "2020-01-01T00:00:00.000Z"],
    ["2020-02-29", "2020-02-29T00:00:00.000Z"],
    ["2020-12-31", "2020-12-31T00:00:00.000Z"],
    ["0099-03-01", "0099-03-01T00:00:00.000Z"],
  ])("reads %s as midnight UTC", (text, expected) => {
    expect(parseCalendarDate(text)?.toISOString()).toBe(expected);
  });

  it.each([
    "2020-13-01",
    "2020-02-30",
    "2021-02-29",
    "2020-04-31",
    "2020-00-10",
    "2020-01-00",
    "abc",
    "",
    "2020-1-1",
    "20200101",
    "2020-01-01T00:00:00Z",
    " 2020-01-01",
    "2020-01-01\n",
    "+02020-01-01",
    "２０２０-01-01",
  ])("rejects %j", (text) => {
    expect(parseCalendarDate(text)).toBeUndefined();
  });
});

describe("checkDistance", () => {
  it.each([0.001, 5, 5.5, 10_000])("accepts %s metres", (distance) => {
    expect(checkDistance(distance)).toBeUndefined();
  });

  it.each([0, -0, -5, 10_000.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("rejects %s", (distance) => {
    expect(checkDistance(distance)).toEqual({
      kind: "invalid-parameter",
      parameter: "distance",
      detail: `${DISTANCE_RULE}, got ${distance}`,
    });
  });
});

describe("parseDistance", () => {
  it.each([
    ["5", 5],
    ["2.5", 2.5],
    ["0.001", 0.001],
    ["10000", 10_000],
    ["05", 5],
    // Any number of decimals and an exponent, as a client serialising a JSON number writes them.
    ["2500.644205157741", 2500.644205157741],
    ["1e3", 1000],
    ["1E-05", 0.00001],
  ])("reads %j as %s metres", (text, metres) => {
    expect(parseDistance(text)).toBe(metres);
  });

  it.each(["", "abc", "NaN", "Infinity", "-1", "0", "0.0", "10000.5", "1e5", "1e", "e3", "0x10", " 5", "5 ", "+5", ".5", "5.", "5,5", "1".repeat(11)])(
    "rejects %j",
    (text) => {
      expect(parseDistance(text)).toEqual({ kind: "invalid-parameter", parameter: "distance", detail: `${DISTANCE_RULE}, got ${JSON.stringify(text)}` });
    },
  );
});

describe("parseConnectionQuery", () => {
  it("makes end_date inclusive of its whole day: the window ends at 00:00Z of the next day", () => {
    expect(parseConnectionQuery({ startDate: "2020-01-01", endDate: "2020-12-30", distance: 5 })).toEqual({
      start: new Date("2020-01-01T00:00:00.000Z"),
      endExclusive: new Date("2020-12-31T00:00:00.000Z"),
      distanceMetres: 5,
    });
  });

  it("accepts a one-day window and rolls over month, leap day and year ends", () => {
    expect(parseConnectionQuery({ startDate: "2020-02-29", endDate: "2020-02-29", distance: 1.5 })).toEqual({
      start: new Date("2020-02-29T00:00:00.000Z"),
      endExclusive: new Date("2020-03-01T00:00:00.000Z"),
      distanceMetres: 1.5,
    });
    expect(parseConnectionQuery({ startDate: "2020-12-31", endDate: "2020-12-31", distance: 5 })).toMatchObject({
      endExclusive: new Date("2021-01-01T00:00:00.000Z"),
    });
  });

  it.each([
    [{ startDate: "2020-02-30", endDate: "2020-03-01", distance: 5 }, "start_date", 'start_date must be a calendar date YYYY-MM-DD, got "2020-02-30"'],
    [{ startDate: "2020-03-01", endDate: "abc", distance: 5 }, "end_date", 'end_date must be a calendar date YYYY-MM-DD, got "abc"'],
    [{ startDate: "2020-03-02", endDate: "2020-03-01", distance: 5 }, "end_date", "end_date (2020-03-01) must not be before start_date (2020-03-02)"],
    [{ startDate: "2020-03-01", endDate: "2020-03-01", distance: 0 }, "distance", `${DISTANCE_RULE}, got 0`],
  ])("rejects %j naming %s", (query, parameter, detail) => {
    expect(parseConnectionQuery(query)).toEqual({ kind: "invalid-parameter", parameter, detail });
  });
});
