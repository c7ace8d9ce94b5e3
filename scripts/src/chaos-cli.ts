import { rmSync, writeFileSync } from "node:fs";
import { parseChaosArgs } from "./chaos/chaos-args";
import { CleanupStack } from "./chaos/cleanup-stack";
import { claimRunDir, cleanStaleRuns, markFinished } from "./chaos/stale-runs";

const USAGE = `usage: scripts/chaos [options]

A fault-injection run. A seeded conference (scripts/simulate's generator) is streamed by
device-SDK processes through an ingest gateway and two projectors (one consumer group),
while, at seeded random moments and one after another, Kafka, PostgreSQL, the gateway, a
projector and devices are SIGKILLed and started again, and Toxiproxy adds latency, resets
and cuts connections, or stalls them, between the services and Kafka or PostgreSQL. Then
the faults stop, the devices drain their queues, the projection catches up, and every
check-in a device was told was acknowledged is looked up in the topic and the read model.

It runs its own Kafka (KRaft) and PostgreSQL on free ports, state under
$UDACONNECT_STATE_DIR/chaos (.local/chaos), never the shared ones. Toxiproxy is built
once with go install and cached in \${UDACONNECT_CACHE_DIR:-~/.cache/udaconnect}.

  --duration D   how long faults are injected: 90s, 10m, 1m30s (default 10m)
  --seed N       the conference and the faults (default 1)
  --devices N    device processes (default 4)
  --rate R       check-ins per second over all devices (default 40)
  --json FILE    write the JSON summary to FILE instead of stdout
  --keep         keep the run's folder (logs, queues, data) even when every check passed
  --install      only build and install what the run needs, then exit

The figures go to stderr as a table, the summary to stdout as JSON.
Exit codes: 0 nothing acknowledged was lost or doubled, every queue drained and the
projection caught up; 1 any of those failed (the run's folder is kept), or the run could
not start; 2 usage error.`;

async function main(): Promise<number> {
  const parsed = parseChaosArgs(process.argv.slice(2));
  if (parsed.kind === "usage-error") {
    console.error(`chaos: ${parsed.problem} (see --help)`);
    return 2;
  }
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "install") return 0;
  const { args } = parsed;
  // Loaded only now: --help and flag errors answer without loading the Kafka and pg clients.
  const [{ loadChaosConfig }, { runChaos }, { summaryTable }] = await Promise.all([import("./config"), import("./chaos/chaos-run"), import("./chaos/report")]);
  const config = loadChaosConfig();
  const say = (line: string) => process.stderr.write(`\x1b[1m==>\x1b[0m ${line}\n`);
  const cleaned = cleanStaleRuns(config.home);
  if (cleaned > 0) say(`removed ${cleaned} run(s) whose command was killed, and the processes they left`);
  const runDir = claimRunDir(config.home);
  const cleanup = new CleanupStack();
  const interrupted = (signal: NodeJS.Signals, code: number) => {
    say(`${signal}: stopping what the run started (its folder stays: ${runDir})`);
    void cleanup.run().finally(() => {
      markFinished(runDir);
      process.exit(code);
    });
  };
  process.once("SIGINT", () => interrupted("SIGINT", 130));
  process.once("SIGTERM", () => interrupted("SIGTERM", 143));

  let outcome;
  try {
    outcome = await runChaos(config, args, runDir, cleanup, say);
  } catch (error) {
    markFinished(runDir);
    console.error(`chaos: ${error instanceof Error ? error.message : String(error)}; the run's logs are in ${runDir}/logs`);
    return 1;
  }
  markFinished(runDir);
  const { summary, figures } = outcome;
  process.stderr.write(`${summaryTable(summary)}\n`);
  const json = `${JSON.stringify({ ...figures, ...summary }, null, 1)}\n`;
  if (args.jsonFile === undefined) process.stdout.write(json);
  else writeFileSync(args.jsonFile, json);
  if (summary.ok && !args.keep) rmSync(runDir, { recursive: true, force: true });
  else say(`the run's folder (logs, device queues and records, Kafka and PostgreSQL data) is kept: ${runDir}`);
  return summary.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`chaos: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
