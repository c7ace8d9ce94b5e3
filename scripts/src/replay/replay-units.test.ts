import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EventSchema, LocationRecordedSchema, decodeEvent, encodeEvent } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { matchesFilter } from "./event-filter";
import { toEventRow } from "./event-row";
import { createFormat } from "./output-format";
import { parseReplayArgs } from "./replay-args";

const at = { topic: "t", partition: 1, offset: 7n, timestamp: new Date("2026-03-01T09:00:00Z") };
const occurredAt = timestampFromDate(new Date("2026-03-01T08:59:00Z"));
const location = create(LocationRecordedSchema, { eventId: "e1", personId: "42", latitude: 35.06, longitude: -106.57, occurredAt, accuracyM: 5 });
const event = create(EventSchema, {
  eventId: "e1",
  type: "udaconnect.v1.LocationRecorded",
  recordedAt: occurredAt,
  payload: { case: "locationRecorded", value: location },
});

describe("decoding records of a newer schema", () => {
  it("keeps the known fields when the record carries an unknown field number", () => {
    // Field 99, varint 1: what a newer writer might add to the envelope.
    const bytes = new Uint8Array([...encodeEvent(event), 0x98, 0x06, 0x01]);

    const row = toEventRow(decodeEvent(bytes), at);

    expect(row).toEqual({
      topic: "t",
      partition: 1,
      offset: "7",
      timestamp: "2026-03-01T09:00:00.000Z",
      event_id: "e1",
      type: "LocationRecorded",
      recorded_at: "2026-03-01T08:59:00.000Z",
      person_id: "42",
      latitude: 35.06,
      longitude: -106.57,
      occurred_at: "2026-03-01T08:59:00.000Z",
      accuracy_m: 5,
    });
  });
});

describe("output formats", () => {
  const row = toEventRow(event, at);

  it("writes CSV with a header and quoted fields", () => {
    const csv = createFormat("csv");
    const person = { ...row, type: "PersonRegistered", company_name: 'Hampton, "H" and McQuill' };

    expect(csv.header).toBe(
      "topic,partition,offset,timestamp,event_id,type,recorded_at,person_id,latitude,longitude,occurred_at,accuracy_m,first_name,last_name,company_name\n",
    );
    expect(csv.row(person)).toBe(
      't,1,7,2026-03-01T09:00:00.000Z,e1,PersonRegistered,2026-03-01T08:59:00.000Z,42,35.06,-106.57,2026-03-01T08:59:00.000Z,5,,,"Hampton, ""H"" and McQuill"\n',
    );
  });

  it("streams a GeoJSON FeatureCollection of check-ins, [longitude, latitude]", () => {
    const geo = createFormat("geojson");
    const text = geo.header + geo.row(row) + geo.row({ ...row, latitude: undefined, longitude: undefined }) + geo.row(row) + geo.footer;

    const parsed = JSON.parse(text) as { features: { geometry: { coordinates: number[] } }[] };
    expect(parsed.features).toHaveLength(2);
    expect(parsed.features[0]?.geometry.coordinates).toEqual([-106.57, 35.06]);
  });
});

describe("filters", () => {
  const row = toEventRow(event, at);

  it.each([
    [{ personIds: ["42"], types: [] }, true],
    [{ personIds: ["7"], types: [] }, false],
    [{ personIds: [], types: ["PersonRegistered"] }, false],
    [{ personIds: [], types: [], bbox: { minLon: -107, minLat: 35, maxLon: -106, maxLat: 36 } }, true],
    [{ personIds: [], types: [], bbox: { minLon: -106, minLat: 35, maxLon: -105, maxLat: 36 } }, false],
  ])("%j keeps the check-in: %s", (filter, kept) => {
    expect(matchesFilter(row, filter)).toBe(kept);
  });
});

describe("replay arguments", () => {
  it("reads bounds, filters and short topic names", () => {
    const parsed = parseReplayArgs(
      [
        "--topic",
        "locations",
        "--from",
        "2026-03-01T09:00:00Z",
        "--to",
        "0:10,3:4",
        "--person",
        "1",
        "--person",
        "5",
        "--type",
        "locationrecorded",
        "--bbox=-107,35,-106,36",
        "-f",
        "geojson",
      ],
      "ns",
    );

    expect(parsed).toEqual({
      kind: "args",
      args: {
        topic: "ns.udaconnect.locations.v1",
        from: { kind: "time", at: new Date("2026-03-01T09:00:00Z") },
        to: {
          kind: "offsets",
          offsets: new Map([
            [0, 10n],
            [3, 4n],
          ]),
        },
        format: "geojson",
        personIds: ["1", "5"],
        types: ["LocationRecorded"],
        bbox: { minLon: -107, minLat: 35, maxLon: -106, maxLat: 36 },
        strict: false,
      },
    });
  });

  it("lists every problem", () => {
    expect(parseReplayArgs(["--from", "yesterday", "--format", "xml", "--bbox", "1,2,0,3", "--type", "Moved"], "")).toEqual({
      kind: "usage-error",
      problems: [
        "--topic is required: persons, locations, dead-letter or a full topic name",
        '--from must be "beginning", "end", an RFC 3339 time (2026-11-28T10:00:00Z) or offsets per partition (0:120,1:98), got "yesterday"',
        '--format must be one of ndjson, csv, geojson, got "xml"',
        '--type must be one of PersonRegistered, LocationRecorded, PersonUpdated, PersonErased, got "Moved"',
        '--bbox must be minLon,minLat,maxLon,maxLat in degrees with min <= max, got "1,2,0,3"',
      ],
    });
  });
});
