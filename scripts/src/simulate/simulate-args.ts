import { parseArgs } from "node:util";

export interface SimulateArgs {
  readonly seed: number;
  readonly attendees: number;
  readonly booths: number;
  readonly sessions: number;
  readonly sessionMinutes: number;
  readonly checkInEverySeconds: number;
  /** Undefined: as fast as possible. */
  readonly ratePerSecond?: number;
  readonly batchSize: number;
  readonly distanceM: number;
  readonly withinS: number;
  /** Undefined: the schedule ends now (so every check-in is in the past and recent). */
  readonly start?: Date;
  readonly idPrefix?: string;
  readonly truthFile?: string;
  readonly dryRun: boolean;
  readonly ingestUrl?: string;
  readonly token?: string;
}

export type ParsedSimulateArgs = { kind: "help" } | { kind: "args"; args: SimulateArgs } | { kind: "usage-error"; problems: string[] };

const INTEGERS = {
  seed: [0, 2 ** 32 - 1, 1],
  attendees: [2, 100_000, 50],
  booths: [1, 10_000, 10],
  sessions: [1, 1_000, 4],
  "session-minutes": [1, 1_440, 15],
  "check-in-every": [1, 3_600, 60],
  "batch-size": [1, 1_000, 100],
  "within-s": [0, 86_400, 60],
} as const;

export function parseSimulateArgs(argv: readonly string[]): ParsedSimulateArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        ...Object.fromEntries(Object.keys(INTEGERS).map((k) => [k, { type: "string" as const }])),
        rate: { type: "string" },
        "distance-m": { type: "string" },
        start: { type: "string" },
        "id-prefix": { type: "string" },
        truth: { type: "string" },
        "dry-run": { type: "boolean" },
        "ingest-url": { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { kind: "usage-error", problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (values.help === true) return { kind: "help" };
  const text = (name: string) => values[name as keyof typeof values] as string | undefined;
  const problems: string[] = [];
  const integer = (name: keyof typeof INTEGERS) => {
    const [min, max, fallback] = INTEGERS[name];
    const value = Number(text(name) ?? fallback);
    if (!Number.isSafeInteger(value) || value < min || value > max) problems.push(`--${name} must be an integer from ${min} to ${max}, got "${text(name)}"`);
    return value;
  };
  const rate = text("rate") ?? "max";
  const ratePerSecond = rate === "max" ? undefined : Number(rate);
  if (ratePerSecond !== undefined && !(ratePerSecond > 0)) problems.push(`--rate must be "max" or check-ins per second (> 0), got "${rate}"`);
  const distanceM = Number(text("distance-m") ?? 10);
  if (!(distanceM > 0 && distanceM <= 1000)) problems.push(`--distance-m must be in (0, 1000], got "${text("distance-m")}"`);
  const start = text("start") === undefined ? undefined : new Date(text("start") as string);
  if (start !== undefined && Number.isNaN(start.getTime())) problems.push(`--start must be an RFC 3339 time, got "${text("start")}"`);
  const args = {
    seed: integer("seed"),
    attendees: integer("attendees"),
    booths: integer("booths"),
    sessions: integer("sessions"),
    sessionMinutes: integer("session-minutes"),
    checkInEverySeconds: integer("check-in-every"),
    batchSize: integer("batch-size"),
    withinS: integer("within-s"),
    distanceM,
    dryRun: values["dry-run"] === true,
    ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
    ...(start === undefined ? {} : { start }),
    ...optionalText("idPrefix", text("id-prefix")),
    ...optionalText("truthFile", text("truth")),
    ...optionalText("ingestUrl", text("ingest-url")),
    ...optionalText("token", text("token")),
  };
  return problems.length > 0 ? { kind: "usage-error", problems } : { kind: "args", args };
}

function optionalText<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
