import { parseArgs } from "node:util";
import { createTestDatabase } from "@udaconnect/test-support";
import { explainEncounters, findEncounters } from "../src/encounters/find-encounters";
import { createDatabase } from "../src/postgres/create-database";
import { startQueryApi } from "../src/server";
import { loadBenchConfig } from "./config";
import { generateVenue, VENUE_START } from "./generate-venue";
import { timeLegacyLookup } from "./legacy-connections";

const HELP = `scripts/bench-query [--people 2000] [--checkins 500] [--booths 300] [--samples 100] [--legacy-people 2]
                    [--legacy-checkins 5] [--seed 0.42] [--explain] [--keep] [--reuse <database url>]
Builds a seeded venue (people × check-ins over 3 days, booths over ~1 km²) in a fresh database on
DATABASE_URL's server, then times GET /v1/persons/{id}/connections (1 day, 5 m, 600 s) over HTTP for
--samples people, and the legacy algorithm (one ST_DWithin per own check-in) for a few of them.
--keep leaves the database (and prints its URL); --reuse <url> measures a kept one again (same sizes!).`;

const { values } = parseArgs({
  options: {
    people: { type: "string", default: "2000" },
    checkins: { type: "string", default: "500" },
    booths: { type: "string", default: "300" },
    samples: { type: "string", default: "100" },
    "legacy-people": { type: "string", default: "2" },
    "legacy-checkins": { type: "string", default: "5" },
    seed: { type: "string", default: "0.42" },
    explain: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    reuse: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const serverUrl = loadBenchConfig().databaseUrl;
const people = Number(values.people);
const checkIns = Number(values.checkins);
const samples = Math.min(Number(values.samples), people);
const DAY_MS = 86_400_000;
const range = { from: new Date(VENUE_START.getTime() + DAY_MS), to: new Date(VENUE_START.getTime() + 2 * DAY_MS) };

const bench = values.reuse === undefined ? await createTestDatabase(serverUrl) : reused(values.reuse);
try {
  let started = performance.now();
  if (values.reuse === undefined) {
    await generateVenue(bench.db, { people, checkInsPerPerson: checkIns, booths: Number(values.booths), days: 3, seed: Number(values.seed) });
  }
  console.log(`venue: ${people} people × ${checkIns} check-ins = ${people * checkIns} check-ins, ${values.booths} booths, 3 days; built in ${seconds(started)} s`);

  const api = await startQueryApi({ databaseUrl: bench.url, port: 0 });
  try {
    const query = `from=${range.from.toISOString()}&to=${range.to.toISOString()}&distance_m=5&within_s=600`;
    const ids = Array.from({ length: samples }, (_, i) => 1 + Math.floor((i * people) / samples));
    let met = 0;
    for (const id of ids.slice(0, 10)) {
      await fetch(`${api.url}/v1/persons/p${id}/connections?${query}`).then((r) => r.json());
    }
    const timings: number[] = [];
    started = performance.now();
    for (const id of ids) {
      const t0 = performance.now();
      const response = await fetch(`${api.url}/v1/persons/p${id}/connections?${query}`);
      const body = (await response.json()) as { connections: unknown[] };
      timings.push(performance.now() - t0);
      if (response.status !== 200) {
        throw new Error(`p${id}: HTTP ${response.status} ${JSON.stringify(body)}`);
      }
      met += body.connections.length;
    }
    timings.sort((a, b) => a - b);
    console.log(
      `new  /v1/persons/{id}/connections (1 day, 5 m, 600 s) over HTTP, ${samples} people: ` +
        `p50 ${pct(timings, 50)} ms, p95 ${pct(timings, 95)} ms, p99 ${pct(timings, 99)} ms, max ${fixed(timings.at(-1) ?? 0)} ms; ` +
        `${(met / samples).toFixed(1)} persons met on average; ${seconds(started)} s in all`,
    );

    const direct = createDatabase(bench.url);
    const sqlTimings: number[] = [];
    for (const id of ids) {
      const t0 = performance.now();
      await findEncounters(direct, { personId: `p${id}`, ...range, distanceMetres: 5, withinSeconds: 600 });
      sqlTimings.push(performance.now() - t0);
    }
    await direct.destroy();
    sqlTimings.sort((a, b) => a - b);
    console.log(`     the same lookups without HTTP (findEncounters): p50 ${pct(sqlTimings, 50)} ms, p95 ${pct(sqlTimings, 95)} ms, p99 ${pct(sqlTimings, 99)} ms`);

    const legacyPeople = ids.slice(0, Number(values["legacy-people"]));
    const legacy: number[] = [];
    for (const id of legacyPeople) {
      const timed = await timeLegacyLookup(bench.db, id, range, 5, Number(values["legacy-checkins"]));
      const lookupMs = timed.msPerCheckIn * timed.ownCheckIns;
      legacy.push(lookupMs);
      console.log(
        `legacy p${id}: ${fixed(timed.msPerCheckIn)} ms per own check-in (${timed.timed} of ${timed.ownCheckIns} timed) ` +
          `→ ${fixed(lookupMs)} ms per lookup (extrapolated)`,
      );
    }
    if (legacy.length > 0) {
      const legacyMean = legacy.reduce((a, b) => a + b, 0) / legacy.length;
      console.log(`ratio: legacy mean ${fixed(legacyMean)} ms / new p50 ${pct(timings, 50)} ms = ${fixed(legacyMean / Number(pct(timings, 50)))}×`);
    }
    if (values.explain) {
      const plan = await explainEncounters(bench.db, { personId: `p${ids[0]}`, ...range, distanceMetres: 5, withinSeconds: 600 });
      console.log(`EXPLAIN ANALYZE for p${ids[0]}:\n${plan.join("\n")}`);
    }
  } finally {
    await api.close();
  }
} finally {
  if (values.keep || values.reuse !== undefined) {
    await bench.db.destroy();
    console.log(`kept the database: --reuse ${bench.url}`);
  } else {
    await bench.drop();
  }
}

function reused(url: string) {
  return { url, db: createDatabase(url), drop: async () => {} };
}

function pct(sorted: readonly number[], p: number): string {
  return fixed(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

function fixed(ms: number): string {
  return ms.toFixed(1);
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
