import { parseArgs } from "node:util";

export interface ChaosArgs {
  /** How long faults are injected (the drain and the checks come after). */
  readonly durationMs: number;
  readonly seed: number;
  /** Device-SDK processes, each streaming the check-ins of its share of the attendees. */
  readonly devices: number;
  /** Check-ins per second over all devices. */
  readonly ratePerSecond: number;
  /** Where the JSON summary goes; stdout when undefined. */
  readonly jsonFile?: string;
  /** Keep the run's state directory (logs, queues, data) even when every check passed. */
  readonly keep: boolean;
}

export type ParsedChaosArgs = { kind: "help" } | { kind: "install" } | { kind: "args"; args: ChaosArgs } | { kind: "usage-error"; problem: string };

/** "90s", "10m", "1m30s" or plain seconds. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)m)?(?:(\d+)s?)?$/.exec(text.trim());
  if (match === null || (match[1] === undefined && match[2] === undefined)) return undefined;
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 1000;
}

/** Every flag is judged even beside --help, so scripts/chaos can check them before it builds anything. */
export function parseChaosArgs(argv: readonly string[]): ParsedChaosArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        duration: { type: "string" },
        seed: { type: "string" },
        devices: { type: "string" },
        rate: { type: "string" },
        json: { type: "string" },
        keep: { type: "boolean" },
        install: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { kind: "usage-error", problem: error instanceof Error ? error.message : String(error) };
  }
  const durationMs = parseDuration(values.duration ?? "10m");
  if (durationMs === undefined || durationMs < 20_000 || durationMs > 24 * 3_600_000) {
    return { kind: "usage-error", problem: `--duration must be like 90s, 10m or 1m30s, from 20s to 24h, got "${values.duration}"` };
  }
  const integer = (name: "seed" | "devices" | "rate", min: number, max: number, fallback: number): number | string => {
    const text = values[name];
    const value = Number(text ?? fallback);
    return Number.isSafeInteger(value) && value >= min && value <= max ? value : `--${name} must be an integer from ${min} to ${max}, got "${text}"`;
  };
  const seed = integer("seed", 0, 2 ** 32 - 1, 1);
  const devices = integer("devices", 1, 64, 4);
  const rate = integer("rate", 1, 5_000, 40);
  for (const value of [seed, devices, rate]) if (typeof value === "string") return { kind: "usage-error", problem: value };
  if (values.help === true) return { kind: "help" };
  if (values.install === true) return { kind: "install" };
  return {
    kind: "args",
    args: {
      durationMs,
      seed: seed as number,
      devices: devices as number,
      ratePerSecond: rate as number,
      keep: values.keep === true,
      ...(values.json === undefined ? {} : { jsonFile: values.json }),
    },
  };
}
