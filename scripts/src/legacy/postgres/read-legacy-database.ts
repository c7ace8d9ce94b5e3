import pg from "pg";
import { toUtcTimestamp, type LegacyLocation, type LegacyPerson } from "../legacy-dump";
import { planLegacyImport } from "../legacy-plan";
import type { DumpDirPlan } from "../read-dump-dir";

interface LocationRow {
  id: number;
  person_id: number;
  x: number | null;
  y: number | null;
  creation_time: string;
}

/**
 * Plans the import of a live database of the original UdaConnect: its
 * public.person and public.location tables, the coordinate read with ST_X/ST_Y.
 * Rows it cannot read are reported like unreadable dump lines, by table and id.
 */
export async function planLegacyDatabase(url: string): Promise<DumpDirPlan> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const persons = await client.query<{ id: number; first_name: string; last_name: string; company_name: string }>(
      "SELECT id, first_name, last_name, company_name FROM public.person ORDER BY id",
    );
    // creation_time is a zone-less TIMESTAMP: read it as text so the client's time zone cannot shift it.
    const locations = await client.query<LocationRow>(
      `SELECT id, person_id,
              CASE WHEN GeometryType(coordinate) = 'POINT' THEN ST_X(coordinate) END AS x,
              CASE WHEN GeometryType(coordinate) = 'POINT' THEN ST_Y(coordinate) END AS y,
              creation_time::text AS creation_time
         FROM public.location ORDER BY id`,
    );
    const problems: DumpDirPlan["problems"][number][] = [];
    const readable: LegacyLocation[] = [];
    for (const row of locations.rows) {
      const location = toLocation(row);
      if (typeof location === "string") problems.push({ file: "public.location", line: row.id, reason: location });
      else readable.push(location);
    }
    const people: LegacyPerson[] = persons.rows.map((p) => ({ id: p.id, firstName: p.first_name, lastName: p.last_name, companyName: p.company_name }));
    return { plan: planLegacyImport(people, readable), problems };
  } finally {
    await client.end();
  }
}

function toLocation(row: LocationRow): LegacyLocation | string {
  if (row.x === null || row.y === null) return "coordinate is not a point";
  try {
    return { id: row.id, personId: row.person_id, x: row.x, y: row.y, creationTime: toUtcTimestamp(row.creation_time) };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
