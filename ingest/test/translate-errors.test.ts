import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { IngestService, StreamCheckInsRequestSchema, StreamCheckInsResponseSchema } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { translateErrors } from "../src/http/connect-errors";
import { AppendEventsError } from "../src/ingest/ports";

/** The interceptor is the one place errors are translated: handlers throw whatever they meet. */
const silent = { info() {}, warn() {}, error() {} } as unknown as Parameters<typeof translateErrors>[0];

const client = createClient(
  IngestService,
  createRouterTransport(
    (router) => {
      router.service(IngestService, {
        registerPerson: async () => {
          throw new AppendEventsError("Kafka refused the events", { cause: new Error("ECONNREFUSED 10.0.0.7:9092") });
        },
        erasePerson: async () => {
          throw new ConnectError("this call needs an operator token", Code.PermissionDenied);
        },
        async *streamCheckIns() {
          yield create(StreamCheckInsResponseSchema, { batchId: 1n });
          throw new TypeError("Cannot read properties of undefined (reading 'secret')");
        },
      });
    },
    { router: { interceptors: [translateErrors(silent)] } },
  ),
);

async function codeAndMessage(call: Promise<unknown>): Promise<[Code, string]> {
  const error = ConnectError.from(
    await call.then(
      () => undefined,
      (e: unknown) => e,
    ),
  );
  return [error.code, error.rawMessage];
}

describe("RPC errors, translated by the router's interceptor", () => {
  it("answers a unary call's failed append with UNAVAILABLE and retry advice, without the Kafka detail", async () => {
    expect(await codeAndMessage(client.registerPerson({ personId: "p-1" }))).toEqual([
      Code.Unavailable,
      "the event log is unavailable, so the events may not have been recorded; " +
        "retry the call with the same event ids (and person id) so that a duplicate is recognised",
    ]);
  });

  it("passes a Connect error through", async () => {
    expect(await codeAndMessage(client.erasePerson({ personId: "p-1" }))).toEqual([Code.PermissionDenied, "this call needs an operator token"]);
  });

  it("ends a stream with INTERNAL after the replies already sent, without the error's message", async () => {
    const replies: bigint[] = [];
    const stream = client.streamCheckIns(
      (async function* () {
        yield create(StreamCheckInsRequestSchema, { batchId: 1n });
      })(),
    );
    const ended = await codeAndMessage(
      (async () => {
        for await (const reply of stream) replies.push(reply.batchId);
      })(),
    );

    expect([replies, ended]).toEqual([[1n], [Code.Internal, "internal error"]]);
  });
});
