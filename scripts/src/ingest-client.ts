import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
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

/**
 * The one-line report of a failed import or simulation: a gateway that is not there or
 * refuses the caller says what to do next; anything else is its own message.
 */
export function describeFailure(error: unknown, baseUrl: string): string {
  if (!(error instanceof ConnectError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case Code.Unavailable:
      return `no ingest gateway answers at ${baseUrl} (${error.rawMessage}): start the pipeline with ./scripts/up (in another terminal), or pass --ingest-url`;
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      return (
        `the gateway at ${baseUrl} refused the caller (${error.rawMessage}): pass an operator token with --token or $UDACONNECT_TOKEN; ` +
        "./scripts/up prints one, and scripts/mint-token --role operator --subject you --key-file .local/auth/signing-key.jwk.json mints one"
      );
    default:
      return error.message;
  }
}
