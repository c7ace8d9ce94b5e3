import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import { IngestService } from "@udaconnect/schemas";
import { forgedTokens, type ForgedToken } from "@udaconnect/auth/forged-tokens";
import { eventually } from "@udaconnect/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startAttackPipeline, type AttackPipeline, type RpcProtocol, type Snapshot } from "./attack-pipeline";
import { fetchOperations, requestFor, send, type Operation, type Target } from "./openapi-operations";
import { RPC_CALLS, type RpcOutcome } from "./rpc-calls";

/**
 * Forged and broken tokens against every IngestService RPC (Connect and gRPC) and every
 * authenticated query-API operation of the served OpenAPI document: each is refused
 * (UNAUTHENTICATED / 401 with WWW-Authenticate), a genuine attendee token is refused another
 * person's data (PERMISSION_DENIED / 403), and the log and the read models do not change.
 */

const INGEST_RPCS = Object.keys(RPC_CALLS).filter((key) => key.startsWith("udaconnect.v1.IngestService/"));
const UNARY_RPCS = IngestService.methods.filter((m) => m.methodKind === "unary").map((m) => `${IngestService.typeName}/${m.name}`);
const PROTOCOLS: readonly RpcProtocol[] = ["connect", "grpc", "connect-http1", "grpc-web-http1"];
/** Client streaming needs HTTP/2: over HTTP/1.1 only the unary RPCs. */
const rpcsOver = (protocol: RpcProtocol) => (protocol.endsWith("http1") ? INGEST_RPCS.filter((rpc) => UNARY_RPCS.includes(rpc)) : INGEST_RPCS);

let pipeline: AttackPipeline;
let victim: Target;
let attacker: Target;
let operations: Operation[];
let forged: ForgedToken[];
let before: Snapshot;

beforeAll(async () => {
  pipeline = await startAttackPipeline({ kafkaBrokers: inject("kafkaBrokers"), databaseUrl: inject("databaseUrl") });
  const operator = createClient(IngestService, pipeline.ingest("grpc", `Bearer ${await pipeline.token({ subject: "ops", role: "operator" })}`));
  [victim, attacker] = (await Promise.all(
    ["victim", "attacker"].map(async (name) => {
      const personId = `${name}-${randomUUID().slice(0, 8)}`;
      await operator.registerPerson({ personId, firstName: name, lastName: "Test", companyName: "Attack Suite" });
      const checkIn = { personId, latitude: 40.4168, longitude: -3.7038, occurredAt: timestampFromDate(new Date(Date.now() - 120_000)) };
      const { eventId } = await operator.recordLocation({ checkIn });
      return { personId, locationId: eventId };
    }),
  )) as [Target, Target];
  await eventually(async () => expect(await pipeline.snapshot()).toMatchObject({ persons: 2, locations: 2 }));
  operations = await fetchOperations(pipeline.queryApiUrl);
  forged = [...(await forgedTokens(pipeline.keys, { subject: victim.personId, role: "operator" }, { subject: attacker.personId, role: "attendee" }))];
  before = await settledSnapshot();
});

afterAll(async () => {
  await pipeline?.stop();
});

/** Every malformed Authorization header and forged token, as the header value sent. */
function badCredentials(): { name: string; authorization: string | undefined }[] {
  return [
    { name: "no Authorization header", authorization: undefined },
    { name: "Basic credentials", authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` },
    { name: "Bearer without a token", authorization: "Bearer " },
    { name: "two tokens", authorization: "Bearer a.b.c d.e.f" },
    ...forged.map((f) => ({ name: f.name, authorization: `Bearer ${f.token}` })),
  ];
}

async function settledSnapshot(): Promise<Snapshot> {
  // Two equal snapshots in a row: nothing is still on its way to the read model.
  let previous = await pipeline.snapshot();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await pipeline.snapshot();
    if (JSON.stringify(next) === JSON.stringify(previous)) return next;
    previous = next;
  }
}

describe("forged and broken tokens", () => {
  it("are UNAUTHENTICATED on every IngestService RPC, over Connect and gRPC (HTTP/2), and Connect and gRPC-Web (HTTP/1.1, unary)", async () => {
    const outcomes: Record<string, RpcOutcome> = {};
    const expected: Record<string, RpcOutcome> = {};
    for (const { name, authorization } of badCredentials()) {
      for (const protocol of PROTOCOLS) {
        const transport = pipeline.ingest(protocol, authorization);
        for (const rpc of rpcsOver(protocol)) {
          const key = `${rpc} over ${protocol} with ${name}`;
          outcomes[key] = await (RPC_CALLS[rpc] as NonNullable<(typeof RPC_CALLS)[string]>)(transport, victim.personId);
          expected[key] = "UNAUTHENTICATED";
        }
      }
    }

    expect([INGEST_RPCS.length, UNARY_RPCS.length]).toEqual([6, 4]);
    expect(outcomes).toEqual(expected);
  });

  it("are 401 problem+json with WWW-Authenticate on every authenticated query-API operation", async () => {
    const secured = operations.filter((op) => op.secured);
    const answers: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const { name, authorization } of badCredentials()) {
      for (const operation of secured) {
        const response = await send(pipeline.queryApiUrl, requestFor(operation, victim), authorization);
        const key = `${operation.operationId} with ${name}`;
        answers[key] = { status: response.status, wwwAuthenticate: response.headers.get("www-authenticate"), type: response.headers.get("content-type") };
        expected[key] = { status: 401, wwwAuthenticate: 'Bearer realm="udaconnect"', type: "application/problem+json; charset=utf-8" };
        await response.body?.cancel();
      }
    }

    expect(secured.map((op) => op.operationId)).toEqual(
      expect.arrayContaining(["v1GetPerson", "v1ListLocations", "v1FindConnections", "getPerson", "getLocation", "createPerson", "createLocation"]),
    );
    expect(answers).toEqual(expected);
  });
});

describe("a genuine attendee token", () => {
  it("is refused another person's data on every RPC that names a person", async () => {
    const authorization = `Bearer ${await pipeline.token({ subject: attacker.personId, role: "attendee" })}`;
    const outcomes: Record<string, RpcOutcome> = {};
    const expected: Record<string, RpcOutcome> = {};
    for (const protocol of PROTOCOLS) {
      const transport = pipeline.ingest(protocol, authorization);
      for (const rpc of rpcsOver(protocol)) {
        const key = `${rpc} over ${protocol}`;
        outcomes[key] = await (RPC_CALLS[rpc] as NonNullable<(typeof RPC_CALLS)[string]>)(transport, victim.personId);
        expected[key] = rpc.endsWith("/StreamCheckIns") ? "REJECTED:FORBIDDEN_PERSON" : "PERMISSION_DENIED";
      }
    }

    expect(outcomes).toEqual(expected);
  });

  it("is 403 problem+json on every query-API operation about another person", async () => {
    const authorization = `Bearer ${await pipeline.token({ subject: attacker.personId, role: "attendee" })}`;
    const aboutSomeone = operations.filter((op) => op.secured && namesAPerson(op));
    const answers: Record<string, unknown> = {};
    for (const operation of aboutSomeone) {
      const response = await send(pipeline.queryApiUrl, requestFor(operation, victim), authorization);
      answers[operation.operationId] = { status: response.status, type: response.headers.get("content-type") };
      await response.body?.cancel();
    }

    expect(aboutSomeone.map((op) => op.operationId)).toEqual(
      expect.arrayContaining([
        "v1GetPerson",
        "v1ListLocations",
        "v1FindConnections",
        "getPerson",
        "findConnections",
        "getLocation",
        "createPerson",
        "createLocation",
      ]),
    );
    expect(answers).toEqual(Object.fromEntries(aboutSomeone.map((op) => [op.operationId, { status: 403, type: "application/problem+json; charset=utf-8" }])));
  });
});

describe("after every attack", () => {
  it("the log and the read models are as before; a genuine write does show (the check can fail)", async () => {
    expect(await settledSnapshot()).toEqual(before);

    const authorization = `Bearer ${await pipeline.token({ subject: victim.personId, role: "attendee" })}`;
    expect(
      await (RPC_CALLS["udaconnect.v1.IngestService/RecordLocation"] as NonNullable<(typeof RPC_CALLS)[string]>)(
        pipeline.ingest("connect", authorization),
        victim.personId,
      ),
    ).toBe("OK");
    await eventually(async () => expect((await pipeline.snapshot()).locations).toBe(before.locations + 1));
  });
});

/** Operations whose request is about one person: a person or check-in in the path, or a person in the body. */
function namesAPerson(operation: Operation): boolean {
  return (
    operation.parameters.some((p) => p.in === "path") ||
    (operation.bodySchema !== undefined && Object.keys((operation.bodySchema.properties ?? {}) as object).some((name) => name === "person_id" || name === "id"))
  );
}
