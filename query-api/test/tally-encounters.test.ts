import { describe, expect, it } from "vitest";
import { connectionsJson, IsoWriter, JsonBuffer } from "../src/encounters/connections-json";
import type { EncounterText } from "../src/encounters/encounter-statement";
import { tallyEncounters } from "../src/encounters/tally-encounters";

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
    const [byTime] = tallyEncounters([part([0], [`b,${uuid(1)},1,2000000,3,${HERE}`, `b,${uuid(2)},1,1000000,3,${THERE}`], [person("b")])]);
    const [byEventId] = tallyEncounters([part([5_000_000], [`b,${uuid(9)},1,2000000,3,${HERE}`, `b,${uuid(3)},1,1000000,3,${THERE}`], [person("b")])]);

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
        const out = new JsonBuffer(Buffer.alloc(32));
        iso.write(out, sinceFrom);
        expect(out.written().toString("latin1")).toBe(new Date(from.getTime() + Math.floor(sinceFrom / 1000)).toISOString());
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

  it("writes every entry's numbers and instants as JSON.stringify and toISOString would", () => {
    const entries = [
      { id: "a", encounters: 1, firstAt: 0, lastAt: 999, distance: "0", latitude: -89.999999999, longitude: 179.123456789012, occurredAt: 999_999 },
      {
        id: "b",
        encounters: 123_456,
        firstAt: 86_399_999_999,
        lastAt: 2_764_800_000_000,
        distance: "1e-05",
        latitude: 0,
        longitude: -0.5,
        occurredAt: 59_999_999,
      },
      {
        id: "c",
        encounters: 7,
        firstAt: 3_600_000_123,
        lastAt: 3_600_001_000,
        distance: "999.9999999999999",
        latitude: 35.0585136,
        longitude: -106.5719237,
        occurredAt: 3_600_000_000,
      },
    ];
    const met = entries.map((e) => ({
      id: e.id,
      personJson: `{"id":"${e.id}"}`,
      encounters: e.encounters,
      firstAt: e.firstAt,
      lastAt: e.lastAt,
      closest: { distanceMetres: Number(e.distance), distanceText: e.distance, latitude: e.latitude, longitude: e.longitude, occurredAt: e.occurredAt },
    }));
    const instant = (sinceFrom: number) => new Date(FROM.getTime() + Math.floor(sinceFrom / 1000)).toISOString();

    const text = connectionsJson(met, FROM).toString("utf8");

    // The distance is PostgreSQL's text as it is, not JavaScript's printing of the number.
    const expected = JSON.stringify({
      connections: entries.map((e, i) => ({
        person: { id: e.id },
        encounters: e.encounters,
        first_encounter_at: instant(e.firstAt),
        last_encounter_at: instant(e.lastAt),
        closest_distance_m: `@distance ${i}@`,
        closest_location: { latitude: e.latitude, longitude: e.longitude, at: instant(e.occurredAt) },
      })),
    }).replace(/"@distance (\d)@"/g, (_, i: string) => entries[Number(i)]?.distance ?? "");
    expect(text).toBe(expected);
    expect(text).toContain('"closest_distance_m":1e-05,');
  });
});

describe("JsonBuffer", () => {
  it("writes fixed-width digits, ASCII, UTF-8 and bytes in order", () => {
    const out = new JsonBuffer(Buffer.alloc(64));
    out.digits(7, 3);
    out.byte(0x3a);
    out.digits(59, 2);
    out.ascii("-1.5e-7");
    out.utf8("☕");
    out.bytes(Uint8Array.of(0x7b, 0x7d));

    expect(out.written().toString("utf8")).toBe("007:59-1.5e-7☕{}");
  });
});
