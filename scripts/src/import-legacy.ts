import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { IngestService } from "@udaconnect/schemas";
import { loadConfig } from "./config";
import { planDumpDirectory, sendPlan } from "./legacy/index";

const USAGE = `usage: scripts/import-legacy [--ingest-url URL] [--dry-run] [--verbose] [DUMP_DIR]

Imports the original UdaConnect data (its SQL dump files) as events through
the ingest API. Safe to run twice: event ids are derived from the legacy rows.
DUMP_DIR defaults to $LEGACY_DATA_DIR or ../shared/udaconnect-legacy;
the ingest URL to $INGEST_URL or http://127.0.0.1:50051. --verbose lists
every coordinate it fixed; rejected rows are always listed.`;

async function main(): Promise<number> {
  const config = loadConfig();
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "ingest-url": { type: "string" },
      "dry-run": { type: "boolean" },
      verbose: { type: "boolean", short: "v" },
      help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const directory = positionals[0] ?? config.legacyDataDir;
  const { plan, problems } = await planDumpDirectory(directory);
  for (const p of problems) console.error(`skipped ${p.file}:${p.line}: ${p.reason}`);
  if (values.verbose) for (const f of plan.fixed) console.error(`fixed location ${f.locationId}: ${f.reason}`);
  for (const r of plan.rejected) console.error(`rejected location ${r.locationId}: ${r.reason}`);
  const summary = `${plan.persons.length} people, ${plan.checkIns.length} check-ins (${plan.fixed.length} fixed, ${plan.rejected.length + problems.length} rejected)`;
  if (values["dry-run"]) {
    console.log(`dry run: would import ${summary} from ${directory}`);
    return 0;
  }
  const baseUrl = values["ingest-url"] ?? config.ingestUrl;
  const client = createClient(IngestService, createGrpcTransport({ baseUrl }));
  const sent = await sendPlan(client, plan);
  console.log(`imported ${summary} from ${directory} through ${baseUrl}: ${sent.personsRegistered} registrations and ${sent.checkInsAccepted} check-ins acknowledged`);
  return 0;
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
