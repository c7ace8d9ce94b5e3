/**
 * What the rebuild CLI (projector/src/rebuild/run-rebuild.ts) prints on the switch:
 * "rebuild: generation 7 is live; generation 6 retired" (or without the retired part
 * on a first build).
 */
const SWITCH = /^rebuild: generation (\d+) is live(?:; generation (\d+) retired)?/;

export interface Switch {
  readonly generation: number;
  readonly retired: number | undefined;
}

export function switchIn(line: string): Switch | undefined {
  const match = SWITCH.exec(line);
  if (match === null) return undefined;
  return { generation: Number(match[1]), retired: match[2] === undefined ? undefined : Number(match[2]) };
}

/** The rebuild CLI's exit code when another rebuild holds its PostgreSQL advisory lock. */
export const REBUILD_LOCKED_EXIT_CODE = 3;

/**
 * The log as read so far: the last lines for a failure report, and where the log was
 * when the API server closed the stream. A reconnect asks for the log since that
 * timestamp, which the API rounds down to the second: lines seen before are skipped
 * by their nanosecond timestamp and text.
 */
export class LogTail {
  private readonly lines: string[] = [];
  private readonly recent = new Set<string>();
  private lastTimestamp = "";

  constructor(private readonly keep = 15) {}

  /** false when the line was seen already. */
  accept(timestamp: string, text: string): boolean {
    const key = `${timestamp} ${text}`;
    if (compareTimestamps(timestamp, this.lastTimestamp) < 0 || this.recent.has(key)) {
      return false;
    }
    this.lastTimestamp = timestamp;
    this.recent.add(key);
    if (this.recent.size > 1_000) this.recent.delete(this.recent.values().next().value as string);
    this.lines.push(text);
    if (this.lines.length > this.keep) this.lines.shift();
    return true;
  }

  /** The sinceTime for a reconnect; undefined before the first line. */
  since(): string | undefined {
    return this.lastTimestamp === "" ? undefined : this.lastTimestamp;
  }

  last(): readonly string[] {
    return this.lines;
  }
}

/** RFC 3339 with up to nine fractional digits; "" is before everything. */
export function compareTimestamps(a: string, b: string): number {
  if (a === b) return 0;
  if (b === "") return 1;
  if (a === "") return -1;
  const [sa, na] = split(a);
  const [sb, nb] = split(b);
  return sa !== sb ? Math.sign(sa - sb) : Math.sign(na - nb);
}

function split(timestamp: string): [number, number] {
  const match = /^(.*?)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (match === null) return [Date.parse(timestamp) / 1000, 0];
  return [Date.parse(`${match[1]}${match[3]}`) / 1000, Number((match[2] ?? "").padEnd(9, "0"))];
}
