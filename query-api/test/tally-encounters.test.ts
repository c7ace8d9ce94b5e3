import { describe, expect, it } from "vitest";
import { connectionsJson, IsoWriter } from "../src/encounters/connections-json";
import type { EncounterText } from "../src/encounters/encounter-statement";
import { pointOfHexEwkb, tallyEncounters } from "../src/encounters/tally-encounters";

/** POINT(-106.5 35.25) and POINT(1.5 -2.25), SRID 4326, as PostGIS prints geographies. */
const HERE = "0101000020E61000000000000000A05AC00000000000A04140";
const THERE = "0101000020E6100000000000000000F83F00000000000002C0";
const FROM = new Date("2020-03-10T00:00:00Z");

const person = (id: string, name = id) => `${id}\t{"id":"${id}","first_name":"${name}","last_name":"L","company_name":"C"}`;
const uuid = (n: number) => `00000000-0000-0000-0000-${String(n).padStart(12, "0")}`;

/** A statement's answer from own check-in times, pairs `person,event,n,occurred,distance,point`, and persons. */
function part(own: readonly number[], pairs: readonly string[], persons: readonly string[]): EncounterText {
  const column = (i: number) => (pairs.length === 0 ? null : pairs.map((p) => p.split(",")[i] ?? "").join(","));
  return {
    known: true,
    own: own.length === 0 ? null : own.join(","),
    pair_count: String(pairs.length),
    pair_person: column(0),
    pair_event: column(1),
    pair_own: column(2),
    pair_occurred: column(3),
    pair_distance: column(4),
    pair_point: column(5),
    persons: persons.length === 0 ? null : persons.join("\n"),
  };
}

describe("tallyEncounters", () => {
  it("counts each person's encounters, which happen at the later check-in of each pair, first and last", () => {
    const met = tallyEncounters([
      part(
        [1_000_000, 5_000_000],
        [`b,${uuid(1)},1,3000000,2.5,${HERE}`, `b,${uuid(2)},2,4000000,1.25,${THERE}`, `a,${uuid(3)},2,9000000,4,${HERE}`],
        [person("a"), person("b")],
      ),
    ]);

    expect(met).toEqual([
      {
        id: "b",
        personJson: '{"id":"b","first_name":"b","last_name":"L","company_name":"C"}',
        encounters: 2,
        firstAt: 3_000_000,
        lastAt: 5_000_000,
        closest: { distanceMetres: 1.25, distanceText: "1.25", latitude: -2.25, longitude: 1.5, occurredAt: 4_000_000 },
      },
      expect.objectContaining({ id: "a", encounters: 1, firstAt: 9_000_000, lastAt: 9_000_000 }),
    ]);
  });

  it("breaks a tie on distance by the earlier encounter, then by the lower event id", () => {
    const [byTime] = tallyEncounters([
      part([0], [`b,${uuid(1)},1,2000000,3,${HERE}`, `b,${uuid(2)},1,1000000,3,${THERE}`], [person("b")]),
    ]);
    const [byEventId] = tallyEncounters([
      part([5_000_000], [`b,${uuid(9)},1,2000000,3,${HERE}`, `b,${uuid(3)},1,1000000,3,${THERE}`], [person("b")]),
    ]);

    expect(byTime?.closest.occurredAt).toBe(1_000_000);
    // Both encounters happen at the own check-in (5 s): the lower event id wins.
    expect(byEventId?.closest.occurredAt).toBe(1_000_000);
    expect(byEventId?.firstAt).toBe(5_000_000);
  });

  it("merges parts that split the own check-ins, orders by first encounter then id in byte order, and leaves out the unregistered", () => {
    const met = tallyEncounters([
      part([0, 0], [`b,${uuid(1)},1,7,1,${HERE}`, `ghost,${uuid(2)},1,1,1,${HERE}`, `Z,${uuid(3)},1,7,1,${HERE}`], [person("b"), person("Z")]),
      part([0, 0], [`b,${uuid(4)},2,3,2,${HERE}`, `a,${uuid(5)},2,7,1,${HERE}`], [person("b"), person("a")]),
    ]);

    expect(met.map((m) => [m.id, m.encounters, m.firstAt])).toEqual([
      ["b", 2, 3],
      ["Z", 1, 7],
      ["a", 1, 7],
    ]);
  });

  it("answers nobody for no pairs, and refuses a line it cannot read", () => {
    expect(tallyEncounters([part([], [], [])])).toEqual([]);
    const short = { ...part([0], [`b,${uuid(1)},1,2,1,${HERE}`], [person("b")]), pair_point: null };
    expect(() => tallyEncounters([short])).toThrow(/different numbers of pairs/);
    expect(() => tallyEncounters([part([0], [`b,${uuid(1)},2,1,1,${HERE}`], [person("b")])])).toThrow(/own check-in 2, which is not listed/);
    expect(() => tallyEncounters([part([0], [`b,${uuid(1)},1,1x,1,${HERE}`], [person("b")])])).toThrow(/not an integer: 1x/);
  });
});

describe("pointOfHexEwkb", () => {
  it("reads a point in either byte order, with or without an SRID", () => {
    expect(pointOfHexEwkb(HERE)).toEqual({ latitude: 35.25, longitude: -106.5 });
    expect(pointOfHexEwkb("0020000001000010E6C05AA000000000004041A00000000000")).toEqual({ latitude: 35.25, longitude: -106.5 });
    expect(pointOfHexEwkb("00000000013FF8000000000000C002000000000000")).toEqual({ latitude: -2.25, longitude: 1.5 });
  });

  it("refuses anything but a point", () => {
    expect(() => pointOfHexEwkb("0102000000")).toThrow(/not a 2-D point/);
    expect(() => pointOfHexEwkb("")).toThrow(/not a 2-D point/);
  });
});

describe("IsoWriter", () => {
  it("writes what Date.prototype.toISOString writes, cut to the millisecond, for lookups from year 1 to 9999", () => {
    const froms = ["0001-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "2020-02-28T12:34:56.789Z", "9999-11-30T00:00:00.000Z"].map((t) => new Date(t));
    for (let i = 0; i < 200; i += 1) {
      froms.push(new Date(Date.UTC(1 + ((i * 7919) % 9998), 0, 1) + ((i * 104_729_123) % 31_536_000_000)));
    }
    for (const from of froms) {
      const iso = new IsoWriter(from);
      for (let j = 0; j < 20; j += 1) {
        // Up to 32 days after from (the longest range), with microseconds, which are cut.
        const sinceFrom = j === 0 ? 0 : ((j * 2_654_435_761) % 2_764_800_000) * 1000 + ((j * 7) % 1000);
        expect(iso.write(sinceFrom)).toBe(new Date(from.getTime() + Math.floor(sinceFrom / 1000)).toISOString());
      }
    }
  });
});

describe("connectionsJson", () => {
  it("writes UTF-8 JSON that parses to the answer", () => {
    const [met] = tallyEncounters([part([0], [`b,${uuid(1)},1,1500,0.5,${HERE}`], [person("b", "Zoë ☕ 𝄞")])]);

    const body = connectionsJson(met === undefined ? [] : [met], FROM);

    expect(JSON.parse(body.toString("utf8"))).toEqual({
      connections: [
        {
          person: { id: "b", first_name: "Zoë ☕ 𝄞", last_name: "L", company_name: "C" },
          encounters: 1,
          first_encounter_at: "2020-03-10T00:00:00.001Z",
          last_encounter_at: "2020-03-10T00:00:00.001Z",
          closest_distance_m: 0.5,
          closest_location: { latitude: 35.25, longitude: -106.5, at: "2020-03-10T00:00:00.001Z" },
        },
      ],
    });
    expect(connectionsJson([], FROM).toString()).toBe('{"connections":[]}');
  });
});
