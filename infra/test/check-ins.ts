// Check-ins sent to the ingest pod with the project's own gRPC client, and read back from the
// query-api pod's /v1, for infra/test/pipeline.cluster.test.ts.
import { randomBytes, randomUUID } from "node:crypto";
import { createIngestClient } from "../../scripts/src/ingest-client";
import { QUERY_API_URL } from "./local-deployment";

// infra/ is no package: the client comes from scripts/, with the dependencies it resolves there.
export type Ingest = ReturnType<typeof createIngestClient>;
export { createIngestClient };

/** A failed call (ConnectError, matched by name: this file cannot import @connectrpc/connect). */
const isCallFailure = (error: unknown) => error instanceof Error && error.name === "ConnectError";

export interface CheckIn {
  readonly eventId: string;
  readonly personId: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly occurredAt: { seconds: bigint; nanos: number };
}

/** Persons with ids unique to this run: `<prefix>-<run>-<i>`. */
export function personIds(prefix: string, count: number): string[] {
  const runId = randomBytes(3).toString("hex");
  return Array.from({ length: count }, (_, i) => `${prefix}-${runId}-${i}`);
}

/** Registers each person; the consistency tokens of the registrations, in order. */
export async function registerAll(ingest: Ingest, ids: readonly string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const personId of ids) {
    const reply = await ingest.registerPerson({ personId, firstName: "Pod", lastName: personId, companyName: "Cluster" });
    tokens.push(reply.consistencyToken);
  }
  return tokens;
}

/** `count` check-ins per person, one second apart, a few metres apart, in the last hour. */
export function checkInsFor(ids: readonly string[], count: number): CheckIn[] {
  const start = Math.floor(Date.now() / 1000) - 3600;
  return ids.flatMap((personId, p) =>
    Array.from({ length: count }, (_, i) => ({
      eventId: randomUUID(),
      personId,
      latitude: 40.4168 + p / 1000 + i / 1_000_000,
      longitude: -3.7038,
      occurredAt: { seconds: BigInt(start + i), nanos: 0 },
    })),
  );
}

export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/** One RecordLocations call (a client stream of one message); its consistency token. */
export async function recordBatch(ingest: Ingest, batch: readonly CheckIn[]): Promise<string> {
  async function* requests() {
    yield { checkIns: [...batch] };
  }
  const summary = await ingest.recordLocations(requests());
  if (summary.acceptedCount !== batch.length) throw new Error(`ingest accepted ${summary.acceptedCount} of ${batch.length} check-ins`);
  return summary.consistencyToken;
}

export interface Delivery {
  /** Event ids of the batches the gateway acknowledged, in order. */
  readonly acknowledged: string[];
  /** Calls that failed (the gateway gone, a reset stream) and were sent again with the same event ids. */
  readonly failedCalls: number;
}

/**
 * Sends the batches one after the other; a call that fails says nothing about its check-ins,
 * so it is sent again with the same event ids (as the device SDK does) until acknowledged.
 */
export async function deliverAll(
  ingest: Ingest,
  batches: Iterable<readonly CheckIn[]>,
  deadlineMs: number,
  onAcknowledged?: (count: number) => void,
): Promise<Delivery> {
  const deadline = Date.now() + deadlineMs;
  const acknowledged: string[] = [];
  let failedCalls = 0;
  for (const batch of batches) {
    for (;;) {
      try {
        await recordBatch(ingest, batch);
        break;
      } catch (error) {
        if (!isCallFailure(error) || Date.now() > deadline) throw error;
        failedCalls += 1;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    acknowledged.push(...batch.map((c) => c.eventId));
    onAcknowledged?.(acknowledged.length);
  }
  return { acknowledged, failedCalls };
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export async function get(path: string, token: string): Promise<Answer> {
  const response = await fetch(`${QUERY_API_URL}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.text() };
}

export async function getJson<T>(path: string, token: string): Promise<T> {
  const answer = await get(path, token);
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as T;
}

/** Every check-in id of a person through /v1 (all pages), optionally waiting for a consistency token. */
export async function locationIds(personId: string, token: string, consistentWith?: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "500" });
    if (cursor !== null) query.set("cursor", cursor);
    if (consistentWith !== undefined) query.set("consistent_with", consistentWith);
    const page: { locations: { id: string }[]; next_cursor: string | null } = await getJson(`/v1/persons/${personId}/locations?${query}`, token);
    ids.push(...page.locations.map((l) => l.id));
    cursor = page.next_cursor;
  } while (cursor !== null);
  return ids;
}
