import { parseArgs } from "node:util";
import { deadLetterTopic, locationsTopic, personsTopic, topicName } from "@udaconnect/schemas";
import type { BoundingBox } from "./event-filter";
import { EVENT_TYPES } from "./event-row";
import { FORMATS, type FormatName } from "./output-format";
import type { Bound } from "./replay-range";

export interface ReplayArgs {
  readonly topic: string;
  readonly from: Bound;
  readonly to: Bound;
  readonly format: FormatName;
  readonly output?: string;
  readonly personIds: readonly string[];
  readonly bbox?: BoundingBox;
  readonly types: readonly string[];
  readonly strict: boolean;
  readonly brokers?: string;
}

export type ParsedReplayArgs = { kind: "help" } | { kind: "args"; args: ReplayArgs } | { kind: "usage-error"; problems: string[] };

const SHORT_TOPICS = { persons: personsTopic, locations: locationsTopic, "dead-letter": deadLetterTopic } as const;

const OPTIONS = {
  topic: { type: "string", short: "t" },
  from: { type: "string" },
  to: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  person: { type: "string", multiple: true },
  bbox: { type: "string" },
  type: { type: "string", multiple: true },
  strict: { type: "boolean" },
  brokers: { type: "string" },
  namespace: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Reads the command line; every problem is listed, not only the first. */
export function parseReplayArgs(argv: readonly string[], namespace: string): ParsedReplayArgs {
  let values;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS }));
  } catch (error) {
    return { kind: "usage-error", problems: [error instanceof Error ? error.message : String(error)] };
  }
  if (values.help) return { kind: "help" };
  const problems: string[] = [];
  const topic = toTopic(values.topic, values.namespace ?? namespace, problems);
  const from = toBound(values.from, "--from", problems);
  const to = toBound(values.to, "--to", problems);
  const format = (values.format ?? "ndjson") as FormatName;
  if (!FORMATS.includes(format)) problems.push(`--format must be one of ${FORMATS.join(", ")}, got "${values.format}"`);
  const types = (values.type ?? []).map((t) => EVENT_TYPES.find((known) => known.toLowerCase() === t.replace(/^udaconnect\.v1\./, "").toLowerCase()) ?? t);
  for (const t of types) if (!(EVENT_TYPES as readonly string[]).includes(t)) problems.push(`--type must be one of ${EVENT_TYPES.join(", ")}, got "${t}"`);
  const bbox = values.bbox === undefined ? undefined : toBbox(values.bbox, problems);
  if (problems.length > 0) return { kind: "usage-error", problems };
  return {
    kind: "args",
    args: {
      topic,
      from,
      to,
      format,
      types,
      personIds: values.person ?? [],
      strict: values.strict ?? false,
      ...(values.output === undefined ? {} : { output: values.output }),
      ...(bbox === undefined ? {} : { bbox }),
      ...(values.brokers === undefined ? {} : { brokers: values.brokers }),
    },
  };
}

function toTopic(value: string | undefined, namespace: string, problems: string[]): string {
  if (value === undefined || value === "") {
    problems.push("--topic is required: persons, locations, dead-letter or a full topic name");
    return "";
  }
  const spec = SHORT_TOPICS[value as keyof typeof SHORT_TOPICS];
  return spec === undefined ? value : topicName(spec, namespace);
}

/** "beginning"/"end", an RFC 3339 time, or "P:OFFSET[,P:OFFSET…]". */
export function toBound(value: string | undefined, flag: string, problems: string[]): Bound {
  if (value === undefined || value === "beginning" || value === "end") return { kind: "edge" };
  if (/^\d+:\d+(,\d+:\d+)*$/.test(value)) {
    const offsets = new Map<number, bigint>();
    for (const pair of value.split(",")) {
      const [partition, offset] = pair.split(":");
      offsets.set(Number(partition), BigInt(offset ?? "0"));
    }
    return { kind: "offsets", offsets };
  }
  const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  const at = new Date(value);
  if (rfc3339.test(value) && !Number.isNaN(at.getTime())) return { kind: "time", at };
  problems.push(`${flag} must be "beginning", "end", an RFC 3339 time (2026-11-28T10:00:00Z) or offsets per partition (0:120,1:98), got "${value}"`);
  return { kind: "edge" };
}

function toBbox(value: string, problems: string[]): BoundingBox | undefined {
  const numbers = value.split(",").map((n) => (n.trim() === "" ? Number.NaN : Number(n)));
  const [minLon, minLat, maxLon, maxLat] = numbers;
  const valid =
    numbers.length === 4 &&
    numbers.every(Number.isFinite) &&
    minLon !== undefined &&
    minLat !== undefined &&
    maxLon !== undefined &&
    maxLat !== undefined &&
    minLon <= maxLon &&
    minLat <= maxLat &&
    Math.abs(minLat) <= 90 &&
    Math.abs(maxLat) <= 90 &&
    Math.abs(minLon) <= 180 &&
    Math.abs(maxLon) <= 180;
  if (!valid) {
    problems.push(`--bbox must be minLon,minLat,maxLon,maxLat in degrees with min <= max, got "${value}"`);
    return undefined;
  }
  return { minLon: minLon as number, minLat: minLat as number, maxLon: maxLon as number, maxLat: maxLat as number };
}
