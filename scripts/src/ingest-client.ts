import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { IngestService } from "@udaconnect/schemas";

/** Sends `authorization: Bearer <token>` on every call; with no token, sends none. */
export function bearerToken(token: string | undefined): Interceptor[] {
  if (token === undefined || token === "") return [];
  return [
    (next) => async (request) => {
      request.header.set("authorization", `Bearer ${token}`);
      return next(request);
    },
  ];
}

/** A gRPC client of the ingest gateway (HTTP/2, so client and bidi streams work). */
export function createIngestClient(baseUrl: string, token?: string): Client<typeof IngestService> {
  return createClient(IngestService, createGrpcTransport({ baseUrl, interceptors: bearerToken(token) }));
}
