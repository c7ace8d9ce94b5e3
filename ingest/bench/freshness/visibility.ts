import { setTimeout as sleep } from "node:timers/promises";
import type { SampleMessage } from "./device-protocol";

/** How long after its acknowledgement a check-in was first seen, or why it was not. */
export type Visibility = { readonly kind: "seen"; readonly ms: number } | { readonly kind: "not-seen"; readonly reason: string };

const GIVE_UP_MS = 60_000;

const wallNow = () => performance.timeOrigin + performance.now();

/** The person's check-ins in the millisecond of the sample (from inclusive, to exclusive): a small answer. */
function locationsUrl(apiUrl: string, sample: SampleMessage): string {
  const from = new Date(sample.occurredAtMs).toISOString();
  const to = new Date(sample.occurredAtMs + 1).toISOString();
  return `${apiUrl}/v1/persons/${encodeURIComponent(sample.personId)}/locations?from=${from}&to=${to}`;
}

async function holds(reply: Response, eventId: string): Promise<boolean> {
  const body = (await reply.json()) as { locations?: { id: string }[] };
  return body.locations?.some((l) => l.id === eventId) === true;
}

/** Polls GET /v1/persons/{id}/locations every `pollMs` until the check-in is in the answer. */
export async function pollUntilVisible(apiUrl: string, sample: SampleMessage, pollMs: number): Promise<Visibility> {
  const url = locationsUrl(apiUrl, sample);
  while (wallNow() - sample.ackedAtMs < GIVE_UP_MS) {
    const reply = await fetch(url);
    if (reply.status === 200 && (await holds(reply, sample.eventId))) return { kind: "seen", ms: wallNow() - sample.ackedAtMs };
    if (reply.status !== 200) await reply.arrayBuffer();
    await sleep(pollMs);
  }
  return { kind: "not-seen", reason: `not visible within ${GIVE_UP_MS / 1000} s` };
}

/** One GET …/locations?consistent_with=<the batch's token>: the time until it answers with the check-in. */
export async function readConsistentWith(apiUrl: string, sample: SampleMessage): Promise<Visibility> {
  const reply = await fetch(`${locationsUrl(apiUrl, sample)}&consistent_with=${encodeURIComponent(sample.token)}`);
  const ms = wallNow() - sample.ackedAtMs;
  if (reply.status !== 200) return { kind: "not-seen", reason: `HTTP ${reply.status}: ${await reply.text()}` };
  return (await holds(reply, sample.eventId))
    ? { kind: "seen", ms }
    : { kind: "not-seen", reason: "answered 200 without the check-in (not read-your-writes!)" };
}

/** Sorted values' p50, p99 and max, ms. */
export function spread(values: readonly number[]): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}
