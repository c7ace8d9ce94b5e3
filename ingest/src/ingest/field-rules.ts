import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { isPersonId } from "@udaconnect/schemas";
import { isUuid } from "./uuid";
import { invalid, valid, type RuleResult } from "./violations";

export const MAX_NAME_LENGTH = 200;
/** Device clocks drift; a check-in further ahead than this is a wrong clock, not a position. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
// The range google.protobuf.Timestamp defines: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z.
const MIN_TIMESTAMP_SECONDS = -62_135_596_800n;
const MAX_TIMESTAMP_SECONDS = 253_402_300_799n;
const MAX_NANOS = 999_999_999;

/** A person id; empty means "absent" only where the caller allows it. */
export function personIdRule(value: string): RuleResult<string> {
  if (value === "") {
    return invalid("required");
  }
  return isPersonId(value) ? valid(value) : invalid(`must be 1-64 characters of [A-Za-z0-9_-], got ${quote(value)}`);
}

/** A name as people type it: surrounding whitespace is dropped, what is left must be 1..200 characters. */
export function nameRule(value: string): RuleResult<string> {
  const trimmed = value.trim();
  if (trimmed === "") {
    return invalid("required");
  }
  const length = [...trimmed].length;
  return length <= MAX_NAME_LENGTH ? valid(trimmed) : invalid(`must be at most ${MAX_NAME_LENGTH} characters, got ${length}`);
}

/** A client-chosen UUID in lowercase, or "" when the client left it to the server. */
export function eventIdRule(value: string): RuleResult<string> {
  if (value === "" || isUuid(value)) {
    return valid(value.toLowerCase());
  }
  return invalid(`must be a UUID (8-4-4-4-12 hex digits), got ${quote(value)}`);
}

/** WGS 84 degrees within ±limit (inclusive); proto3 `optional`, so absence is visible. */
export function degreesRule(value: number | undefined, limit: 90 | 180): RuleResult<number> {
  if (value === undefined) {
    return invalid("required");
  }
  if (!Number.isFinite(value)) {
    return invalid(`must be a finite number, got ${value}`);
  }
  return value >= -limit && value <= limit ? valid(value) : invalid(`must be between -${limit} and ${limit}, got ${value}`);
}

/**
 * When the person was there: a valid Timestamp, at most MAX_CLOCK_SKEW_MS
 * after the server's `now` and, when `oldest` is given, not before it.
 */
export function occurredAtRule(value: Timestamp | undefined, now: Date, oldest?: Date): RuleResult<Timestamp> {
  if (value === undefined) {
    return invalid("required");
  }
  if (value.nanos < 0 || value.nanos > MAX_NANOS) {
    return invalid(`nanos must be between 0 and ${MAX_NANOS}, got ${value.nanos}`);
  }
  if (value.seconds < MIN_TIMESTAMP_SECONDS || value.seconds > MAX_TIMESTAMP_SECONDS) {
    return invalid(`must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, got ${value.seconds} seconds`);
  }
  // Within the range checked above, milliseconds fit a double exactly (|ms| < 2^53): no BigInt arithmetic per check-in.
  const occurredMs = Number(value.seconds) * 1000 + Math.floor(value.nanos / 1_000_000);
  if (occurredMs > now.getTime() + MAX_CLOCK_SKEW_MS) {
    const when = new Date(occurredMs).toISOString();
    return invalid(`must not be more than 5 minutes ahead of the server clock (${now.toISOString()}), got ${when}`);
  }
  if (oldest !== undefined && occurredMs < oldest.getTime()) {
    const when = new Date(occurredMs).toISOString();
    return invalid(`must not be older than the retention limit (${oldest.toISOString()}), got ${when}`);
  }
  return valid(value);
}

/** Optional uncertainty radius in metres: absent, or finite and >= 0. */
export function accuracyRule(value: number | undefined): RuleResult<number | undefined> {
  if (value === undefined) {
    return valid(undefined);
  }
  return Number.isFinite(value) && value >= 0 ? valid(value) : invalid(`must be a finite number >= 0, got ${value}`);
}

/** Echoes a refused value without letting a huge one flood the error message. */
function quote(value: string): string {
  const shown = value.length > 70 ? `${value.slice(0, 67)}...` : value;
  return JSON.stringify(shown);
}
