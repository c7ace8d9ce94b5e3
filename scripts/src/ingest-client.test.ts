import { create } from "@bufbuild/protobuf";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { IngestService, RegisterPersonResponseSchema } from "@udaconnect/schemas";
import { describe, expect, it } from "vitest";
import { bearerToken } from "./ingest-client";

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
