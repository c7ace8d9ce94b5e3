import { parseArgs } from "node:util";
import { loadConfig } from "./config";
import { createIngestClient, describeFailure } from "./ingest-client";
import { planDumpDirectory, sendPlan, type DumpDirPlan } from "./legacy/index";
import { planLegacyDatabase } from "./legacy/postgres/read-legacy-database";

const USAGE = `usage: scripts/import-legacy [options] [DUMP_DIR]

Imports the original UdaConnect data as events through the ingest API: its SQL
dump files (DUMP_DIR, default $LEGACY_DATA_DIR or scripts/data/legacy/, the
original project's seed data kept in this repository) or, with --database-url,
a live legacy PostgreSQL database. Safe to run twice: event ids are derived
from the legacy rows.

  --database-url URL  read public.person and public.location of this database
                      (default $LEGACY_DATABASE_URL; when neither is set, the dump files)
  --ingest-url URL    default $INGEST_URL or http://127.0.0.1:50051
  --token JWT         operator token sent as "authorization: Bearer", default
                      $UDACONNECT_TOKEN; none is sent when neither is set
  --dry-run           plan and report only; nothing is sent
  --verbose           also list every coordinate it fixed (rejected rows are always listed)

Exit codes: 0 imported (or planned); 1 failed (source unreadable, ingest refused…);
2 usage error. Rows rejected by the plan do not change the exit code.`;

async function main(): Promise<number> {
  const config = loadConfig();
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        "ingest-url": { type: "string" },
        "database-url": { type: "string" },
        token: { type: "string" },
        "dry-run": { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`import-legacy: ${error instanceof Error ? error.message : String(error)}; see --help`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const databaseUrl = values["database-url"] ?? config.legacyDatabaseUrl;
  const source = databaseUrl === undefined ? (positionals[0] ?? config.legacyDataDir) : redact(databaseUrl);
  const { plan, problems } = databaseUrl === undefined ? await planDumpDirectory(source) : await planLegacyDatabase(databaseUrl);
  report(plan, problems, values.verbose ?? false);
  const summary = `${plan.persons.length} people, ${plan.checkIns.length} check-ins (${plan.fixed.length} fixed, ${plan.rejected.length + problems.length} rejected)`;
  if (values["dry-run"]) {
    console.log(`dry run: would import ${summary} from ${source}`);
    return 0;
  }
  const baseUrl = values["ingest-url"] ?? config.ingestUrl;
  let sent;
  try {
    sent = await sendPlan(createIngestClient(baseUrl, values.token ?? config.token), plan);
  } catch (error) {
    console.error(`import-legacy: ${describeFailure(error, baseUrl)}`);
    return 1;
  }
  console.log(
    `imported ${summary} from ${source} through ${baseUrl}: ${sent.personsRegistered} registrations and ${sent.checkInsAccepted} check-ins acknowledged`,
  );
  return 0;
}

function report({ fixed, rejected }: DumpDirPlan["plan"], problems: DumpDirPlan["problems"], verbose: boolean): void {
  for (const p of problems) console.error(`rejected ${p.file}:${p.line}: ${p.reason}`);
  if (verbose) for (const f of fixed) console.error(`fixed location ${f.locationId}: ${f.reason}`);
  for (const r of rejected) console.error(`rejected location ${r.locationId}: ${r.reason}`);
}

/** The password of a database URL stays out of the output. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "the legacy database";
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`import-legacy: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
