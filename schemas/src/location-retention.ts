import { composite } from "@udaconnect/config";

/**
 * How long location data is kept: check-ins in the locations topic and rows in
 * the read models. One setting for every component that applies it (ingest's
 * and the projector's topic creation, the projector's projection, the pruning
 * job), so they cannot disagree. Person records are not location data and keep
 * their topic's own policy.
 */
export const LOCATION_RETENTION_VARIABLE = "LOCATION_RETENTION";

/**
 * Forever by default: the original UdaConnect's data (2020) and tests with old
 * timestamps stay whole, and a deployment chooses its own period (e.g. "90d").
 */
export const DEFAULT_LOCATION_RETENTION = "forever";

/** A parsed retention: `ms` undefined keeps everything. */
export interface Retention {
  /** As configured, e.g. "90d" or "forever". */
  readonly text: string;
  readonly ms: number | undefined;
}

export const RETAIN_FOREVER: Retention = Object.freeze({ text: "forever", ms: undefined });

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** "forever", or a positive whole number of s, m, h, d or w ("90d", "12h"); undefined when malformed. */
export function parseRetention(text: string): Retention | undefined {
  const trimmed = text.trim();
  if (trimmed === "forever") {
    return RETAIN_FOREVER;
  }
  const match = /^(\d{1,6})([smhdw])$/.exec(trimmed);
  if (match === null || Number(match[1]) === 0) {
    return undefined;
  }
  return Object.freeze({ text: trimmed, ms: Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] });
}

/**
 * LOCATION_RETENTION of `env` (the default when unset or empty); a malformed
 * value adds a problem naming the variable to `problems` and gives RETAIN_FOREVER.
 */
export function locationRetentionFrom(env: Readonly<Record<string, string | undefined>>, problems: string[]): Retention {
  const text = env[LOCATION_RETENTION_VARIABLE] || DEFAULT_LOCATION_RETENTION;
  const retention = parseRetention(text);
  if (retention === undefined) {
    problems.push(`${LOCATION_RETENTION_VARIABLE} must be "forever" or a positive duration like "90d", "12h", "30m", "3600s" or "2w", got "${text}"`);
    return RETAIN_FOREVER;
  }
  return retention;
}

/** The oldest occurred_at still kept at `now`; undefined when everything is kept. */
export function oldestRetained(retention: Retention, now: Date): Date | undefined {
  return retention.ms === undefined ? undefined : new Date(now.getTime() - retention.ms);
}

/** Kafka's `retention.ms` for a retention: -1 keeps every record. */
export function retentionMsOf(retention: Retention): number {
  return retention.ms ?? -1;
}

/** LOCATION_RETENTION as one setting, as the gateway, the projector and the pruning job list it in their config.ts. */
export const LOCATION_RETENTION = composite({
  names: [LOCATION_RETENTION_VARIABLE],
  description: "how long location data is kept: the locations topic's retention.ms; older check-ins are neither projected nor kept in the read models",
  read: locationRetentionFrom,
});
