import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { IngestService, RegisterPersonResponseSchema } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { bearerToken, describeFailure } from "./ingest-client";

/** Calls RegisterPerson through an in-memory gateway that only records the authorization header. */
async function headerSent(token: string | undefined): Promise<string | null> {
  let seen: string | null = "not called";
  const transport = createRouterTransport(
    (router) => {
      router.service(IngestService, {
        registerPerson: (_request, context) => {
          seen = context.requestHeader.get("authorization");
          return create(RegisterPersonResponseSchema, { personId: "1" });
        },
      });
    },
    { transport: { interceptors: bearerToken(token) } },
  );
  await createClient(IngestService, transport).registerPerson({ personId: "1" });
  return seen;
}

describe("the ingest client's token", () => {
  it("is sent as a bearer token when given", async () => {
    expect(await headerSent("abc.def.ghi")).toBe("Bearer abc.def.ghi");
  });

  it("is not sent at all when there is none", async () => {
    expect(await headerSent(undefined)).toBeNull();
    expect(await headerSent("")).toBeNull();
  });
});

describe("a failed call's report", () => {
  const url = "http://127.0.0.1:50051";

  it("says to start the pipeline when no gateway answers", () => {
    expect(describeFailure(new ConnectError("connect ECONNREFUSED 127.0.0.1:50051", Code.Unavailable), url)).toBe(
      "no ingest gateway answers at http://127.0.0.1:50051 (connect ECONNREFUSED 127.0.0.1:50051): start the pipeline with ./scripts/up (in another terminal), or pass --ingest-url",
    );
  });

  it("says where to get an operator token when the gateway refuses the caller", () => {
    const report = describeFailure(new ConnectError("missing bearer token", Code.Unauthenticated), url);

    expect(report).toMatch(/^the gateway at http:\/\/127\.0\.0\.1:50051 refused the caller \(missing bearer token\): pass an operator token with --token/);
    expect(report).toContain("scripts/mint-token --role operator");
  });

  it("keeps any other error's own message", () => {
    expect(describeFailure(new ConnectError("bad coordinate", Code.InvalidArgument), url)).toBe("[invalid_argument] bad coordinate");
    expect(describeFailure(new Error("cannot read x/udaconnect_public_person.sql: ENOENT"), url)).toBe("cannot read x/udaconnect_public_person.sql: ENOENT");
  });
});
