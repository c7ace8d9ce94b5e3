import { writeFile } from "node:fs/promises";
import { loadConfig } from "./config";
import { createIngestClient, describeFailure } from "./ingest-client";
import { planConference } from "./simulate/conference";
import { sendConference } from "./simulate/send-conference";
import { parseSimulateArgs } from "./simulate/simulate-args";
import { conferenceParameters } from "./simulate/simulation";
import { truthDocument } from "./simulate/truth-file";

const USAGE = `usage: scripts/simulate [options]

A seeded conference: N attendees spend each session of a schedule at one of M
booths, checking in through the ingest gateway (StreamCheckIns); everyone is
registered first. The same seed gives the same people, check-ins and event ids,
so running it twice appends nothing new.

  --seed N              default 1
  --attendees N         default 50          --booths M          default 10
  --sessions N          default 4           --session-minutes N default 15
  --check-in-every S    seconds between an attendee's check-ins, default 60
  --start TIME          RFC 3339 start of the schedule; default: it ends a minute ago
  --rate R | max        check-ins per second, default max (as fast as the gateway takes them)
  --batch-size N        check-ins per StreamCheckIns message, default 100
  --id-prefix P         person ids are P0, P1, … (default sim<seed>-)
  --truth FILE          write the ground truth of who met whom (JSON) to FILE
  --distance-m D        for the ground truth, default 10
  --within-s S          for the ground truth, default 60
  --dry-run             plan and write the ground truth; send nothing
  --ingest-url URL      default $INGEST_URL or http://127.0.0.1:50051
  --token JWT           operator token, default $UDACONNECT_TOKEN; none when unset

Exit codes: 0 all sent and accepted (or duplicates of an earlier run); 1 failed;
2 usage error; 3 the gateway rejected some check-ins (listed on stderr).`;

async function main(): Promise<number> {
  const config = loadConfig();
  const parsed = parseSimulateArgs(process.argv.slice(2));
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "usage-error") {
    for (const problem of parsed.problems) console.error(`simulate: ${problem}`);
    return 2;
  }
  const { args } = parsed;
  const parameters = conferenceParameters(args, new Date());
  const conference = planConference(parameters);
  if (args.truthFile !== undefined) {
    await writeFile(args.truthFile, `${JSON.stringify(truthDocument(conference, parameters, args.distanceM, args.withinS), null, 1)}\n`);
  }
  const what = `${conference.persons.length} attendees, ${conference.checkIns.length} check-ins from ${parameters.start.toISOString()}`;
  if (args.dryRun) {
    console.log(`dry run: planned ${what}`);
    return 0;
  }
  const ingestUrl = args.ingestUrl ?? config.ingestUrl;
  const progress = process.stderr.isTTY ? (sent: number, total: number) => process.stderr.write(`\rsent ${sent} of ${total} check-ins   `) : undefined;
  let report;
  try {
    report = await sendConference(createIngestClient(ingestUrl, args.token ?? config.token), conference, {
      batchSize: args.batchSize,
      ...(args.ratePerSecond === undefined ? {} : { ratePerSecond: args.ratePerSecond }),
      ...(progress === undefined ? {} : { onBatch: progress }),
    });
  } catch (error) {
    console.error(`simulate: ${describeFailure(error, ingestUrl)}`);
    return 1;
  }
  for (const r of report.rejected) console.error(`simulate: rejected ${r.eventId}: ${r.reason} ${r.detail}`);
  console.log(`simulated ${what} through ${ingestUrl}: ${report.accepted} accepted, ${report.duplicate} duplicates, ${report.rejected.length} rejected`);
  return report.rejected.length > 0 ? 3 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`simulate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
