import { randomUUID } from "node:crypto";
import type { DescFile, DescService } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import * as schemas from "@udaconnect/schemas";
import { CheckInResult_Status, IngestService } from "@udaconnect/schemas";
import * as reflection from "@udaconnect/schemas/reflection";

/**
 * What a call came to: "OK", a status code in gRPC's spelling (UNAUTHENTICATED,
 * PERMISSION_DENIED…), or, for StreamCheckIns, whose batches are judged check-in by check-in,
 * "REJECTED:<reason>" when the call succeeded but refused the check-in.
 */
export type RpcOutcome = string;

/** "Service/Method" of every RPC in the generated descriptors (schemas/src/gen), the services a gateway may serve. */
export function generatedRpcs(): { key: string; service: DescService }[] {
  const files = [...Object.values(schemas), ...Object.values(reflection.reflectionV1), ...Object.values(reflection.reflectionV1alpha)].filter(isFile);
  const services = [...new Set(files.flatMap((file) => file.services))];
  return services.flatMap((service) => service.methods.map((method) => ({ key: `${service.typeName}/${method.name}`, service })));
}

function isFile(value: unknown): value is DescFile {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "file";
}

type Call = (transport: Transport, personId: string) => Promise<RpcOutcome>;

const checkIn = (personId: string) => ({
  eventId: randomUUID(),
  personId,
  latitude: 40.4168,
  longitude: -3.7038,
  occurredAt: timestampFromDate(new Date(Date.now() - 60_000)),
});

const ingest = (transport: Transport): Client<typeof IngestService> => createClient(IngestService, transport);

async function* once<T>(message: T): AsyncGenerator<T> {
  yield message;
}

/** A valid request of each RPC about `personId`; the matrix test fails for an RPC missing here. */
export const RPC_CALLS: Record<string, Call> = {
  "udaconnect.v1.IngestService/RegisterPerson": (t, personId) =>
    outcome(ingest(t).registerPerson({ personId, firstName: "Eve", lastName: "Mallory", companyName: "Attack Suite" })),
  "udaconnect.v1.IngestService/UpdatePerson": (t, personId) => outcome(ingest(t).updatePerson({ personId, lastName: "Changed" })),
  "udaconnect.v1.IngestService/ErasePerson": (t, personId) => outcome(ingest(t).erasePerson({ personId })),
  "udaconnect.v1.IngestService/RecordLocation": (t, personId) => outcome(ingest(t).recordLocation({ checkIn: checkIn(personId) })),
  "udaconnect.v1.IngestService/RecordLocations": (t, personId) => outcome(ingest(t).recordLocations(once({ checkIns: [checkIn(personId)] }))),
  "udaconnect.v1.IngestService/StreamCheckIns": async (t, personId) => {
    const results: string[] = [];
    const failed = await outcome(
      (async () => {
        for await (const response of ingest(t).streamCheckIns(once({ batchId: 1n, checkIns: [checkIn(personId)] }))) {
          results.push(...response.results.map((r) => (r.status === CheckInResult_Status.ACCEPTED ? "OK" : `REJECTED:${r.reason}`)));
        }
      })(),
    );
    return failed === "OK" ? results.join(",") : failed;
  },
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": (t) =>
    listServices(
      createClient(reflection.reflectionV1.ServerReflection, t).serverReflectionInfo(once({ messageRequest: { case: "listServices" as const, value: "" } })),
    ),
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": (t) =>
    listServices(
      createClient(reflection.reflectionV1alpha.ServerReflection, t).serverReflectionInfo(
        once({ messageRequest: { case: "listServices" as const, value: "" } }),
      ),
    ),
};

async function listServices(responses: AsyncIterable<{ messageResponse: { case: string | undefined } }>): Promise<RpcOutcome> {
  return outcome(
    (async () => {
      for await (const response of responses) {
        if (response.messageResponse.case !== "listServicesResponse") throw new Error(`unexpected ${response.messageResponse.case}`);
      }
    })(),
  );
}

/** "OK", or the status code of the ConnectError the call failed with (anything else is thrown). */
export async function outcome(call: Promise<unknown>): Promise<RpcOutcome> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    return codeName(error.code);
  }
}

export function codeName(code: Code): string {
  return Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}
