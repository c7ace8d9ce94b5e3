import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import type { Principal } from "@udaconnect/auth";
import { IngestService } from "@udaconnect/schemas";
import { eventually } from "@udaconnect/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAttackPipeline, type AttackPipeline } from "./attack-pipeline";
import { CALLERS, HTTP_MATRIX, RPC_MATRIX, type Caller } from "./authorization-matrix.table";
import { fetchOperations, requestFor, send, type Operation, type Target } from "./openapi-operations";
import { RPC_CALLS, generatedRpcs } from "./rpc-calls";

/**
 * Every operation of the served OpenAPI document and every RPC of the generated descriptors,
 * called by each caller of authorization-matrix.table.ts, against the running services.
 * Reads are about a person registered with one check-in; each write is about a fresh person,
 * so no cell depends on another.
 */

let pipeline: AttackPipeline;
let operations: Operation[];
let registered: Target;

beforeAll(async () => {
  pipeline = await startAttackPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl") });
  const operator = createClient(IngestService, pipeline.ingest("connect", `Bearer ${await pipeline.token({ subject: "ops", role: "operator" })}`));
  const personId = `self-${randomUUID().slice(0, 8)}`;
  await operator.registerPerson({ personId, firstName: "Sam", lastName: "Self", companyName: "Matrix" });
  const checkIn = { personId, latitude: 40.4168, longitude: -3.7038, occurredAt: timestampFromDate(new Date(Date.now() - 120_000)) };
  const { eventId } = await operator.recordLocation({ checkIn });
  registered = { personId, locationId: eventId };
  await eventually(async () => expect(await pipeline.snapshot()).toMatchObject({ persons: 1, locations: 1 }));
  operations = await fetchOperations(pipeline.queryApiUrl);
});

afterAll(async () => {
  await pipeline?.stop();
});

function freshTarget(): Target {
  return { personId: `fresh-${randomUUID().slice(0, 8)}`, locationId: randomUUID() };
}

async function authorization(caller: Caller, target: Target): Promise<string | undefined> {
  const principals: Record<Exclude<Caller, "none">, Principal> = {
    "attendee-self": { subject: target.personId, role: "attendee" },
    "attendee-other": { subject: `other-${randomUUID().slice(0, 8)}`, role: "attendee" },
    analyst: { subject: "matrix-analyst", role: "analyst" },
    operator: { subject: "matrix-operator", role: "operator" },
  };
  return caller === "none" ? undefined : `Bearer ${await pipeline.token(principals[caller])}`;
}

describe("the authorization matrix", () => {
  it("has a row for every query-API operation and every RPC, and no row for anything else", () => {
    const httpKeys = operations.map((op) => op.operationId);
    const rpcKeys = generatedRpcs().map((rpc) => rpc.key);

    expect({
      "operations without a row in authorization-matrix.table.ts": [
        ...httpKeys.filter((k) => !(k in HTTP_MATRIX)),
        ...rpcKeys.filter((k) => !(k in RPC_MATRIX)),
      ],
      "rows without an operation": [
        ...Object.keys(HTTP_MATRIX).filter((k) => !httpKeys.includes(k)),
        ...Object.keys(RPC_MATRIX).filter((k) => !rpcKeys.includes(k)),
      ],
      "RPCs rpc-calls.ts cannot call yet": rpcKeys.filter((k) => !(k in RPC_CALLS)),
    }).toEqual({ "operations without a row in authorization-matrix.table.ts": [], "rows without an operation": [], "RPCs rpc-calls.ts cannot call yet": [] });
  });

  it("holds on the running query API, cell by cell", async () => {
    const observed: Record<string, Record<string, number>> = {};
    for (const operation of operations.filter((op) => op.operationId in HTTP_MATRIX)) {
      const row: Record<string, number> = {};
      for (const caller of CALLERS) {
        const target = operation.method === "GET" ? registered : freshTarget();
        const response = await send(pipeline.queryApiUrl, requestFor(operation, target), await authorization(caller, target));
        row[caller] = response.status;
        await response.body?.cancel();
      }
      observed[operation.operationId] = row;
    }

    expect(observed).toEqual(Object.fromEntries(Object.keys(observed).map((id) => [id, HTTP_MATRIX[id]])));
  });

  it("holds on the running gateway, cell by cell", async () => {
    const observed: Record<string, Record<string, string>> = {};
    for (const { key } of generatedRpcs().filter((rpc) => rpc.key in RPC_MATRIX && rpc.key in RPC_CALLS)) {
      const row: Record<string, string> = {};
      for (const caller of CALLERS) {
        const target = freshTarget();
        const call = RPC_CALLS[key] as NonNullable<(typeof RPC_CALLS)[string]>;
        row[caller] = await call(pipeline.ingest("connect", await authorization(caller, target)), target.personId);
      }
      observed[key] = row;
    }

    expect(observed).toEqual(Object.fromEntries(Object.keys(observed).map((key) => [key, RPC_MATRIX[key]])));
  });
});
