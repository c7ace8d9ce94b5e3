import { existsSync } from "node:fs";
import { dirname, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config";
import { parseLocationDump, parsePersonDump } from "./legacy-dump";
import { planLegacyImport, toLatLon, uuidV5 } from "./legacy-plan";
import { ORIGINAL_DATA_DIR } from "./original-data";
import { LOCATION_DUMP, PERSON_DUMP, planDumpDirectory } from "./read-dump-dir";

describe("legacy dump files", () => {
  it("are read by default from the repository itself, never from beside it", () => {
    const dataDir = loadConfig({}).legacyDataDir;
    const repoRoot = repositoryRoot(dataDir);

    expect(dataDir).toBe(ORIGINAL_DATA_DIR);
    expect(relative(repoRoot, dataDir)).toBe("scripts/data/legacy");
    expect([PERSON_DUMP, LOCATION_DUMP, "README.md"].filter((file) => !existsSync(`${dataDir}/${file}`))).toEqual([]);
  });

  it("plans 5 people and 39 check-ins, swapping the 22 Albuquerque points", async () => {
    const { plan, problems } = await planDumpDirectory(ORIGINAL_DATA_DIR);

    expect(problems).toEqual([]);
    expect(plan.persons.map((p) => p.personId).sort()).toEqual(["1", "5", "6", "8", "9"]);
    expect(plan.checkIns).toHaveLength(39);
    expect(plan.fixed).toHaveLength(22);
    expect(plan.rejected).toEqual([]);
    const sanMateo = plan.checkIns.find((c) => c.eventId === uuidV5("3f1c9a52-6f0e-4b8e-9d6a-2b7f0c4e8a11", "location:29"));
    expect(sanMateo).toEqual({
      eventId: uuidV5("3f1c9a52-6f0e-4b8e-9d6a-2b7f0c4e8a11", "location:29"),
      personId: "1",
      latitude: 37.553441,
      longitude: -122.290524,
      occurredAt: new Date("2020-08-18T10:37:06Z"),
    });
  });

  it("reads a person, unquoting SQL strings", () => {
    const { rows, problems } = parsePersonDump(
      "insert into public.person (id, first_name, last_name, company_name) values (8, 'Paul', 'O''Badman', 'Paul Badman & Associates');",
    );

    expect(problems).toEqual([]);
    expect(rows).toEqual([{ id: 8, firstName: "Paul", lastName: "O'Badman", companyName: "Paul Badman & Associates" }]);
  });

  it("reports unreadable lines by number and keeps the rest", () => {
    const { rows, problems } = parseLocationDump(
      [
        "insert into public.location (id, person_id, coordinate, creation_time) values (42, 6, '0101000000842FA75F7D874140CEEEDAEF9AA45AC0', '2020-07-07 10:37:06.000000');",
        "insert into public.location (id, person_id, coordinate, creation_time) values (43, 6, 'zz', '2020-07-06 10:37:06.000000');",
        "drop table person;",
      ].join("\n"),
    );

    expect(rows.map((r) => r.id)).toEqual([42]);
    expect(rows[0]).toMatchObject({ x: 35.0585136, y: -106.5719566, creationTime: new Date("2020-07-07T10:37:06Z") });
    expect(problems).toEqual([
      { line: 2, reason: "coordinate is not a 2-D point in hex (E)WKB: zz" },
      { line: 3, reason: "not an INSERT into public.location" },
    ]);
  });
});

describe("coordinates", () => {
  it.each([
    [
      { x: -122.29, y: 37.55 },
      { kind: "as-stored", latitude: 37.55, longitude: -122.29 },
    ],
    [
      { x: 35.06, y: -106.57 },
      { kind: "swapped", latitude: 35.06, longitude: -106.57 },
    ],
    [
      { x: 45, y: 45 },
      { kind: "as-stored", latitude: 45, longitude: 45 },
    ],
    [
      { x: 200, y: 100 },
      { kind: "rejected", reason: "x=200, y=100 is no position on Earth in either order" },
    ],
  ])("reads %j as (lon, lat), swapping only when impossible", (point, expected) => {
    expect(toLatLon(point)).toEqual(expected);
  });

  it("derives the same event id from the same legacy row", () => {
    const location = { id: 7, personId: 1, x: 1, y: 2, creationTime: new Date(0) };
    const first = planLegacyImport([], [location]).checkIns[0]?.eventId;

    expect(planLegacyImport([], [location]).checkIns[0]?.eventId).toBe(first);
    expect(uuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.example.com")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });
});

/** The nearest folder above `path` holding pnpm-workspace.yaml. */
function repositoryRoot(path: string): string {
  for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(`${dir}/pnpm-workspace.yaml`)) return dir;
  throw new Error(`no pnpm-workspace.yaml above ${path}`);
}
