import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueNamespace } from "@udaconnect/test-support";
import { startPipeline, type RunningPipeline } from "@udaconnect/test-pipeline";

/**
 * The original UdaConnect's writes on the query API's base URL, through the real path:
 * query-api → ingest (Connect) → Kafka (acks=all) → projector → PostGIS → query-api's reads.
 */

let pipeline: RunningPipeline;
let operator: Record<string, string>;

beforeAll(async () => {
  pipeline = await startPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl"), topicNamespace: uniqueNamespace() });
  operator = await headersOf("operator", "e2e-operator");
});

afterAll(async () => {
  await pipeline?.stop();
});

async function headersOf(role: "attendee" | "analyst" | "operator", subject: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await pipeline.tokenFor({ subject, role })}` };
}

async function post(path: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${pipeline.queryApiUrl}${path}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, location: response.headers.get("location"), body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string, headers: Record<string, string>) {
  const response = await fetch(`${pipeline.queryApiUrl}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Records in the namespace's topics, as /v1/projection/status reports the end of the log. */
async function recordsInTheLog(): Promise<number> {
  const { body } = await get("/v1/projection/status", operator);
  const { partitions, end_offsets_known } = body as { partitions: { end_offset: number }[]; end_offsets_known: boolean };
  expect(end_offsets_known).toBe(true);
  return partitions.reduce((sum, p) => sum + p.end_offset, 0);
}

describe("POST /api/persons and /api/locations through ingest and Kafka to the read model", () => {
  it("answers 202 with a Location that, read with the consistency token, shows the person and the check-in", async () => {
    const person = await post("/api/persons", { id: "ada", first_name: " Ada ", last_name: "Lovelace", company_name: "Engines" }, operator);

    expect(person.status).toBe(202);
    expect(person.location).toBe("/api/persons/ada");
    expect(person.body).toEqual({ id: "ada", event_id: expect.stringMatching(/^[0-9a-f-]{36}$/), consistency_token: expect.any(String) });
    const location = await post(
      "/api/locations",
      { person_id: "ada", latitude: "40.4168", longitude: -3.7038, creation_time: "2024-05-01 10:00:00.250000" },
      operator,
    );
    expect(location.status).toBe(202);
    const id = String(location.body.id);
    expect(location.location).toBe(`/api/locations/${id}`);
    expect(location.body.event_id).toBe(id);

    // No polling: each read waits for its write's position in the log.
    const readPerson = await get(`${person.location}?consistent_with=${String(person.body.consistency_token)}`, operator);
    const readLocation = await get(`${location.location}?consistent_with=${String(location.body.consistency_token)}`, operator);

    expect(readPerson).toEqual({ status: 200, body: { id: "ada", first_name: "Ada", last_name: "Lovelace", company_name: "Engines" } });
    expect(readLocation).toEqual({
      status: 200,
      body: { id, person_id: "ada", latitude: 40.4168, longitude: -3.7038, creation_time: "2024-05-01T10:00:00.250Z" },
    });
  });

  it("lets an attendee register itself (its token's subject), and no one else", async () => {
    const me = randomUUID();
    const attendee = await headersOf("attendee", me);
    const before = await recordsInTheLog();

    const someoneElse = await post("/api/persons", { id: "not-me", first_name: "Eve", last_name: "Mallory", company_name: "X" }, attendee);
    const itself = await post("/api/persons", { first_name: "Grace", last_name: "Hopper", company_name: "Navy" }, attendee);

    expect(someoneElse.status).toBe(403);
    expect(someoneElse.body.detail).toBe(`an attendee token may register or update only its own person ("${me}"), not "not-me"`);
    expect(itself.status).toBe(202);
    expect(itself.body.id).toBe(me);
    expect(await recordsInTheLog()).toBe(before + 1);
    const read = await get(`/api/persons/${me}?consistent_with=${String(itself.body.consistency_token)}`, attendee);
    expect(read).toEqual({ status: 200, body: { id: me, first_name: "Grace", last_name: "Hopper", company_name: "Navy" } });
  });

  it("refuses what ingest's rules refuse with 422 naming the original's fields, and writes nothing", async () => {
    const before = await recordsInTheLog();

    const tooLong = await post("/api/persons", { id: "bob", first_name: "x".repeat(201), last_name: "Noyce", company_name: "Chips" }, operator);
    const offMap = await post("/api/locations", { person_id: "ada", latitude: "91", longitude: "-3.7", creation_time: "2024-05-01T10:00:00Z" }, operator);
    const future = await post("/api/locations", { person_id: "ada", latitude: 40, longitude: -3.7, creation_time: "2999-01-01T00:00:00Z" }, operator);

    expect([tooLong.status, tooLong.body.errors]).toEqual([422, [{ field: "first_name", description: "must be at most 200 characters, got 201" }]]);
    expect([offMap.status, offMap.body.errors]).toEqual([422, [{ field: "latitude", description: "must be between -90 and 90, got 91" }]]);
    expect(future.status).toBe(422);
    expect((future.body.errors as { field: string }[]).map((e) => e.field)).toEqual(["creation_time"]);
    expect(await recordsInTheLog()).toBe(before);
  });

  it("answers 401 without a token and 403 to an analyst, and writes nothing", async () => {
    const before = await recordsInTheLog();
    const checkIn = { person_id: "ada", latitude: 40, longitude: -3.7, creation_time: "2024-05-01T10:00:00Z" };

    const anonymous = await post("/api/locations", checkIn, {});
    const analyst = await post("/api/locations", checkIn, await headersOf("analyst", "e2e-analyst"));

    expect(anonymous.status).toBe(401);
    expect(analyst.status).toBe(403);
    expect(analyst.body.detail).toBe('this token may not write check-ins of person "ada"');
    expect(await recordsInTheLog()).toBe(before);
  });
});
