import { parseArgs } from "node:util";
import { createTestDatabase } from "@udaconnect/test-support";
import { explainEncounters } from "../src/encounters/find-encounters";
import { createDatabase } from "../src/postgres/create-database";
import { describeMemoryPeaks } from "@udaconnect/test-support";
import { startApiProcess } from "./api-process";
import { compareSerializers, type Serializer } from "./compare-serializers";
import { loadBenchConfig } from "./config";
import { cpuPerLookup, cpuSnapshot, type CpuSnapshot } from "./cpu-meter";
import { generateVenue, VENUE_START } from "./generate-venue";
import { timeLegacyLookup } from "./legacy-connections";
import { fixed, percentile, timeDirectLookups, timeHttpLookups, type Lookup } from "./measure";

const HELP = `usage: scripts/bench-query [--people 2000] [--checkins 500] [--days 3] [--booths 300] [--samples 100] [--legacy-people 2]
                           [--legacy-checkins 5] [--seed 0.42] [--max-accuracy-m M] [--explain] [--keep] [--reuse <database url>]
                           [--cpu-prof <dir>] [--serializer handwritten|fastify|both] [--rounds 5]
Builds a seeded venue (people × check-ins over --days days, booths over ~1 km²) in a fresh database on
DATABASE_URL's server (else the local PostGIS), then times GET /v1/persons/{id}/connections (day 2: 1 day, 5 m, 600 s) over HTTP
against the API running as its own process (src/main.ts) for --samples people, and the legacy algorithm
(one ST_DWithin per own check-in) for a few of them.
10M check-ins, same per-person rate and venue density: --checkins 5000 --days 30 (about 10 minutes to build).
--keep leaves the database (and prints its URL); --reuse <url> measures a kept one again (same sizes!).
--cpu-prof <dir> writes a CPU profile of the API process there. --legacy-people 0 skips the legacy copy.
--max-accuracy-m M adds max_accuracy_m=M to every lookup (the venue's check-ins report 0.5–29.5 m, one in five none).
--serializer compares who writes the answer's JSON (the hand-written byte writer, Fastify's schema serializer, or both
side by side plus a second hand-written server as an A/A control; each in its own server process, asked in turn) over
--rounds rounds of the same lookups, instead of the above.`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      people: { type: "string", default: "2000" },
      checkins: { type: "string", default: "500" },
      days: { type: "string", default: "3" },
      booths: { type: "string", default: "300" },
      samples: { type: "string", default: "100" },
      "legacy-people": { type: "string", default: "2" },
      "legacy-checkins": { type: "string", default: "5" },
      seed: { type: "string", default: "0.42" },
      "max-accuracy-m": { type: "string" },
      explain: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      reuse: { type: "string" },
      "cpu-prof": { type: "string" },
      serializer: { type: "string" },
      rounds: { type: "string", default: "5" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
} catch (error) {
  console.error(`bench-query: ${(error as Error).message} (see --help)`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
// "both" adds a second hand-written server, an A/A control: what two identical servers differ by is the noise.
const serializers: Serializer[] | undefined =
  values.serializer === undefined ? undefined : values.serializer === "both" ? ["handwritten", "fastify", "handwritten"] : [values.serializer as Serializer];
if (serializers !== undefined && !serializers.every((s) => s === "handwritten" || s === "fastify")) {
  console.error(`bench-query: --serializer must be handwritten, fastify or both, got '${values.serializer}' (see --help)`);
  process.exit(2);
}
const config = loadBenchConfig();
const people = Number(values.people);
const checkIns = Number(values.checkins);
const days = Number(values.days);
const samples = Math.min(Number(values.samples), people);
const legacyPeople = Number(values["legacy-people"]);
const DAY_MS = 86_400_000;
const range = { from: new Date(VENUE_START.getTime() + DAY_MS), to: new Date(VENUE_START.getTime() + 2 * DAY_MS) };
const bound = values["max-accuracy-m"] === undefined ? {} : { maxAccuracyMetres: Number(values["max-accuracy-m"]) };
const lookups: Lookup[] = Array.from({ length: samples }, (_, i) => ({ personNumber: 1 + Math.floor((i * people) / samples), ...range, ...bound }));

const bench = values.reuse === undefined ? await createTestDatabase(config.databaseUrl) : reused(values.reuse);
try {
  const started = performance.now();
  if (values.reuse === undefined) {
    const size = { people, checkInsPerPerson: checkIns, booths: Number(values.booths), days, seed: Number(values.seed), legacy: legacyPeople > 0 };
    await generateVenue(bench.db, size, (line) => console.log(`${line} (${seconds(started)} s)`));
  }
  console.log(
    `venue: ${people} people × ${checkIns} check-ins = ${people * checkIns} check-ins, ${values.booths} booths, ${days} days; ` +
      `built in ${seconds(started)} s`,
  );
  if (serializers === undefined) {
    await measure();
  } else {
    await compareSerializers(bench.url, config.apiEnv, serializers, lookups, Number(values.rounds));
  }
} finally {
  if (values.keep || values.reuse !== undefined) {
    await bench.db.destroy();
    console.log(`kept the database: --reuse ${bench.url}`);
  } else {
    await bench.drop();
  }
}

async function measure(): Promise<void> {
  const api = await startApiProcess(bench.url, config.apiEnv, values["cpu-prof"]);
  const cpu: CpuSnapshot[] = [];
  let http;
  let memory;
  try {
    http = await timeHttpLookups(api.url, lookups, 10, async () => {
      cpu.push(await cpuSnapshot(bench.db, api.pid));
    });
    memory = { peakRssMiB: api.peakRssMiB(), peaks: api.memoryPeaks() };
  } finally {
    await api.stop();
  }
  const { response, parsed } = http;
  console.log(
    `new  /v1/persons/{id}/connections (1 day, 5 m, 600 s${bound.maxAccuracyMetres === undefined ? "" : `, max_accuracy_m ${bound.maxAccuracyMetres}`}) ` +
      `over HTTP (API in its own process), ${samples} people: ` +
      `p50 ${percentile(response, 50)} ms, p95 ${percentile(response, 95)} ms, p99 ${percentile(response, 99)} ms, ` +
      `max ${fixed(response.at(-1) ?? 0)} ms; ${(http.personsMet / samples).toFixed(1)} persons met on average`,
  );
  console.log(`     the same, including the client's JSON.parse: p50 ${percentile(parsed, 50)} ms, p95 ${percentile(parsed, 95)} ms`);
  const [before, after] = cpu;
  if (before !== undefined && after !== undefined) {
    const { apiMs, databaseMs } = cpuPerLookup(before, after, samples);
    console.log(`     CPU per lookup (user + system, whatever else runs): API process ${fixed(apiMs)} ms, PostgreSQL ${fixed(databaseMs)} ms`);
  }
  console.log(`     query-api process: peak RSS ${memory.peakRssMiB.toFixed(0)} MiB (target <= 200); peak ${describeMemoryPeaks(memory.peaks)}`);
  const direct = createDatabase(bench.url);
  const sqlTimings = await timeDirectLookups(direct, lookups);
  await direct.destroy();
  console.log(
    `     the same lookups without HTTP (findEncountersJson): ` +
      `p50 ${percentile(sqlTimings, 50)} ms, p95 ${percentile(sqlTimings, 95)} ms, p99 ${percentile(sqlTimings, 99)} ms`,
  );
  await measureLegacy(Number(percentile(response, 50)));
  if (values.explain) {
    // On a pool set up as the API's (JIT off: the test database's pool would JIT-compile the plan),
    // planned as lookups plan it (prepared, generic plan). Its planning time is that of a first run
    // on a connection; lookups plan once per connection.
    const api = createDatabase(bench.url);
    const first = lookups[0]?.personNumber ?? 1;
    const plan = await explainEncounters(api, { personId: `p${first}`, ...range, distanceMetres: 5, withinSeconds: 600, ...bound });
    await api.destroy();
    console.log(`EXPLAIN ANALYZE of the prepared statement (generic plan) for p${first}:\n${plan.join("\n")}`);
  }
}

async function measureLegacy(newP50: number): Promise<void> {
  const legacy: number[] = [];
  for (const { personNumber } of lookups.slice(0, legacyPeople)) {
    const timed = await timeLegacyLookup(bench.db, personNumber, range, 5, Number(values["legacy-checkins"]));
    const lookupMs = timed.msPerCheckIn * timed.ownCheckIns;
    legacy.push(lookupMs);
    console.log(
      `legacy p${personNumber}: ${fixed(timed.msPerCheckIn)} ms per own check-in (${timed.timed} of ${timed.ownCheckIns} timed) ` +
        `→ ${fixed(lookupMs)} ms per lookup (extrapolated)`,
    );
  }
  if (legacy.length > 0) {
    const legacyMean = legacy.reduce((a, b) => a + b, 0) / legacy.length;
    console.log(`ratio: legacy mean ${fixed(legacyMean)} ms / new p50 ${fixed(newP50)} ms = ${fixed(legacyMean / newP50)}×`);
  }
}

function reused(url: string) {
  return { url, db: createDatabase(url).db, drop: async () => {} };
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}
