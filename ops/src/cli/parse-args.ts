import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseDuration } from "./duration";
import { USAGE, type HelpTopic } from "./usage";

export const SCALABLE = ["projector", "ingest", "query-api"] as const;
export type Scalable = (typeof SCALABLE)[number];

export interface GlobalOptions {
  readonly namespace: string;
  readonly context: string | undefined;
}

export type Command =
  | { readonly kind: "rebuild"; readonly graceSeconds: number; readonly timeoutMs: number }
  | { readonly kind: "scale"; readonly target: Scalable; readonly replicas: number; readonly timeoutMs: number; readonly kafkaNamespace: string }
  | { readonly kind: "status"; readonly output: "text" | "json" }
  | { readonly kind: "topics"; readonly dryRun: boolean; readonly kafkaNamespace: string; readonly kafkaCluster: string };

export type ParsedArgs =
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "usage-error"; readonly message: string }
  | { readonly kind: "command"; readonly global: GlobalOptions; readonly command: Command };

export const DEFAULT_NAMESPACE = "udaconnect";
export const DEFAULT_KAFKA_CLUSTER = "udaconnect";

type Options = NonNullable<ParseArgsConfig["options"]>;

const GLOBAL = {
  namespace: { type: "string", short: "n" },
  context: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies Options;

const COMMANDS = {
  rebuild: { "grace-seconds": { type: "string" }, timeout: { type: "string" } },
  scale: { timeout: { type: "string" }, "kafka-namespace": { type: "string" } },
  status: { output: { type: "string", short: "o" } },
  topics: { "dry-run": { type: "boolean" }, "kafka-namespace": { type: "string" }, "kafka-cluster": { type: "string" } },
} as const satisfies Record<string, Options>;

type Values = Record<string, string | boolean | undefined>;

/** Reads `ops [global options] <command> [options]`; global options may come before or after the command. */
export function parseOpsArgs(argv: readonly string[]): ParsedArgs {
  const name = commandName(argv);
  if (name !== undefined && !(name in COMMANDS)) {
    return usageError(`unknown command "${name}": expected one of ${Object.keys(COMMANDS).join(", ")}`);
  }
  const options: Options = { ...GLOBAL, ...(name === undefined ? {} : COMMANDS[name as keyof typeof COMMANDS]) };
  let values: Values;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    values = parsed.values as Values;
    positionals = parsed.positionals;
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error), name);
  }
  if (values.help === true || name === undefined) {
    return { kind: "help", text: USAGE[(name ?? "main") as HelpTopic] };
  }
  const global: GlobalOptions = { namespace: stringOf(values.namespace) ?? DEFAULT_NAMESPACE, context: stringOf(values.context) };
  const rest = positionals.slice(1);
  const command = COMMAND_PARSERS[name as keyof typeof COMMANDS](values, rest, global);
  return typeof command === "string" ? usageError(command, name) : { kind: "command", global, command };
}

/** The first argument that is neither an option nor the value of a global string option. */
function commandName(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (["--namespace", "-n", "--context"].includes(arg)) {
      i++;
    } else if (!arg.startsWith("-")) {
      return arg;
    }
  }
  return undefined;
}

const COMMAND_PARSERS: Record<keyof typeof COMMANDS, (values: Values, rest: string[], global: GlobalOptions) => Command | string> = {
  rebuild(values, rest) {
    if (rest.length > 0) return `rebuild takes no arguments, got "${rest.join(" ")}"`;
    const grace = stringOf(values["grace-seconds"]) ?? "300";
    if (!/^\d+$/.test(grace)) return `--grace-seconds must be a whole number of seconds, got "${grace}"`;
    const timeoutMs = timeoutOf(values, "2h");
    if (typeof timeoutMs === "string") return timeoutMs;
    return { kind: "rebuild", graceSeconds: Number(grace), timeoutMs };
  },
  scale(values, rest, global) {
    const [target, count, ...extra] = rest;
    if (target === undefined || count === undefined || extra.length > 0) return "scale takes a service and a replica count, e.g. 'scale projector 3'";
    if (!(SCALABLE as readonly string[]).includes(target)) return `cannot scale "${target}": expected one of ${SCALABLE.join(", ")}`;
    if (!/^\d+$/.test(count)) return `the replica count must be a whole number, got "${count}"`;
    const timeoutMs = timeoutOf(values, "5m");
    if (typeof timeoutMs === "string") return timeoutMs;
    return {
      kind: "scale",
      target: target as Scalable,
      replicas: Number(count),
      timeoutMs,
      kafkaNamespace: stringOf(values["kafka-namespace"]) ?? global.namespace,
    };
  },
  status(values, rest) {
    if (rest.length > 0) return `status takes no arguments, got "${rest.join(" ")}"`;
    const output = stringOf(values.output) ?? "text";
    if (output !== "text" && output !== "json") return `--output must be text or json, got "${output}"`;
    return { kind: "status", output };
  },
  topics(values, rest, global) {
    if (rest.length > 0) return `topics takes no arguments, got "${rest.join(" ")}"`;
    return {
      kind: "topics",
      dryRun: values["dry-run"] === true,
      kafkaNamespace: stringOf(values["kafka-namespace"]) ?? global.namespace,
      kafkaCluster: stringOf(values["kafka-cluster"]) ?? DEFAULT_KAFKA_CLUSTER,
    };
  },
};

function timeoutOf(values: Values, fallback: string): number | string {
  const text = stringOf(values.timeout) ?? fallback;
  const ms = parseDuration(text);
  return ms === undefined || ms <= 0 ? `--timeout must be a duration such as 90s, 15m or 2h, got "${text}"` : ms;
}

function stringOf(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function usageError(message: string, command?: string): ParsedArgs {
  return { kind: "usage-error", message: `ops${command === undefined ? "" : ` ${command}`}: ${message} (see --help)` };
}
