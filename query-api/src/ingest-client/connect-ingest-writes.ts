import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { IngestService } from "@udaconnect/schemas";
import type { FieldViolation, IngestOutcome, IngestWrites } from "./ingest-writes";

export interface ConnectIngestOptions {
  /** Base URL of the ingest gateway, e.g. http://ingest:50051. */
  readonly baseUrl: string;
  /** A call that takes longer is answered "unavailable"; default 10 s (an append waits for acks=all). */
  readonly timeoutMs?: number;
  /** Where causes go (the wire gets a sentence, never a stack). */
  readonly onError?: (error: ConnectError) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * IngestWrites over the Connect protocol (binary, HTTP/1.1: any proxy carries it), calling
 * ingest's RegisterPerson and RecordLocation, so a write is validated by ingest's own rules.
 */
export function connectIngestWrites(options: ConnectIngestOptions): IngestWrites {
  const client: Client<typeof IngestService> = createClient(
    IngestService,
    createConnectTransport({ baseUrl: options.baseUrl, httpVersion: "1.1", useBinaryFormat: true }),
  );
  const callOptions = (token: string | undefined) => ({
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    headers: token === undefined ? undefined : { authorization: `Bearer ${token}` },
  });
  const settle = async <Reply>(call: () => Promise<Reply>): Promise<IngestOutcome<Reply>> => {
    try {
      return { outcome: "appended", reply: await call() };
    } catch (error) {
      const failure = ConnectError.from(error);
      options.onError?.(failure);
      return outcomeOf(failure);
    }
  };
  return {
    registerPerson: (registration, token) =>
      settle(async () => {
        const reply = await client.registerPerson(registration, callOptions(token));
        return { personId: reply.personId, eventId: reply.eventId, consistencyToken: reply.consistencyToken };
      }),
    recordLocation: (checkIn, token) =>
      settle(async () => {
        const request = { checkIn: { ...checkIn, occurredAt: timestampFromDate(checkIn.occurredAt) } };
        const reply = await client.recordLocation(request, callOptions(token));
        return { eventId: reply.eventId, consistencyToken: reply.consistencyToken };
      }),
  };
}

/** Ingest's status codes, as outcomes; anything not the caller's doing is "unavailable" (a retry may succeed). */
export function outcomeOf(error: ConnectError): IngestOutcome<never> {
  const detail = error.rawMessage;
  switch (error.code) {
    case Code.InvalidArgument:
      return { outcome: "invalid", violations: parseViolations(detail), detail };
    case Code.Unauthenticated:
      return { outcome: "unauthenticated", detail };
    case Code.PermissionDenied:
      return { outcome: "forbidden", detail };
    default:
      return { outcome: "unavailable", detail: `the ingest gateway did not take the write (${Code[error.code]}: ${detail})` };
  }
}

// Ingest's INVALID_ARGUMENT message is "field: description; field: description…" (describeViolations
// in ingest). Its fields are snake_case proto paths (first_name, check_in.latitude, check_ins[2].event_id),
// so a "; b: " inside a quoted value does not start a new one.
const FIELD = String.raw`(?:[a-z]+_[a-z_]+|[a-z_]+(?:\[\d+\])?\.[a-z_]+)`;
const NEXT_VIOLATION = new RegExp(`; (?=${FIELD}: )`);
const VIOLATION = new RegExp(`^(${FIELD}): ([\\s\\S]*)$`);

/** The field violations of an INVALID_ARGUMENT message; one "request" violation if it has another form. */
export function parseViolations(message: string): FieldViolation[] {
  const parts = message.split(NEXT_VIOLATION).map((part) => VIOLATION.exec(part));
  if (parts.some((match) => match === null)) {
    return [{ field: "request", description: message }];
  }
  return parts.map((match) => ({ field: match?.[1] ?? "", description: match?.[2] ?? "" }));
}
