import { parseArgs } from "node:util";
import { SERVICE_BUILDS, type ServiceBuild } from "../service-builds";

export const USAGE = `usage: scripts/bench-freshness [--rate 5000] [--duration 60s] [--devices 4] [--baseline-rate 500] [--baseline-duration 20s]
                               [--samples-per-second 20] [--poll-ms 10] [--persons 1000] [--build bundle|source]
SDK device processes (--devices) stream check-ins at --rate per second in total for --duration through the
gateway, the projector and the query API (each its own process); for about --samples-per-second of the
acknowledged check-ins it measures the time from the SDK's acknowledgement until
GET /v1/persons/{id}/locations shows it (polled every --poll-ms) and until a read with the batch's
consistent_with token answers. A --baseline-rate phase runs first in the same run (0: none).
Prints p50/p99/max of both, the rate reached, and each service's CPU time and peak RSS.
--build: what the services run: bundle (default), node dist/main.js as their images run it (NODE_ENV=production,
--enable-source-maps), bundled by infra/images/bundle.mjs into a temporary folder first; source, src/main.ts through tsx.
Uses DATABASE_URL and KAFKA_BROKERS, else the local PostGIS and Kafka (started when not running).`;

export interface FreshnessArgs {
  readonly phases: readonly { readonly rate: number; readonly durationMs: number }[];
  readonly devices: number;
  readonly samplesPerSecond: number;
  readonly pollMs: number;
  readonly persons: number;
  readonly build: ServiceBuild;
}

/** Parses the command line; prints the usage (exit 0) or a one-line error (exit 2) itself. */
export function parseFreshnessArgs(argv: readonly string[]): FreshnessArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        rate: { type: "string", default: "5000" },
        duration: { type: "string", default: "60s" },
        devices: { type: "string", default: "4" },
        "baseline-rate": { type: "string", default: "500" },
        "baseline-duration": { type: "string", default: "20s" },
        "samples-per-second": { type: "string", default: "20" },
        "poll-ms": { type: "string", default: "10" },
        persons: { type: "string", default: "1000" },
        build: { type: "string", default: "bundle" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const rate = positive(values.rate, "--rate");
  const baselineRate = whole(values["baseline-rate"], "--baseline-rate");
  const phases = [
    ...(baselineRate > 0 ? [{ rate: baselineRate, durationMs: duration(values["baseline-duration"], "--baseline-duration") }] : []),
    { rate, durationMs: duration(values.duration, "--duration") },
  ];
  return {
    phases,
    devices: positive(values.devices, "--devices"),
    samplesPerSecond: positive(values["samples-per-second"], "--samples-per-second"),
    pollMs: positive(values["poll-ms"], "--poll-ms"),
    persons: positive(values.persons, "--persons"),
    build: SERVICE_BUILDS.find((b) => b === values.build) ?? fail(`--build must be bundle or source, got '${values.build}'`),
  };
}

function whole(text: string, name: string): number {
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 ? value : fail(`${name} must be a whole number, got '${text}'`);
}

function positive(text: string, name: string): number {
  const value = whole(text, name);
  return value > 0 ? value : fail(`${name} must be at least 1, got '${text}'`);
}

/** "60s", "2m", "500ms", or plain seconds. */
function duration(text: string, name: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (match === null) return fail(`${name} must be a duration such as 60s, 2m or 500ms, got '${text}'`);
  const unit = { ms: 1, s: 1000, m: 60_000 }[match[2] ?? "s"] ?? 1000;
  const ms = Number(match[1]) * unit;
  return ms >= 1000 ? ms : fail(`${name} must be at least 1s, got '${text}'`);
}

function fail(message: string): never {
  console.error(`bench-freshness: ${message} (see --help)`);
  process.exit(2);
}
