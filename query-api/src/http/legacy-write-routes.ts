import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { IngestOutcome, IngestWrites } from "../ingest-client/ingest-writes";
import { bearerToken, isOpenRequest, requireLegacyToken, sendRefusal, type Authentication, type LegacyApiAuth } from "./access";
import {
  legacyLocationBodySchema,
  legacyPersonBodySchema,
  legacyViolations,
  locationCheckIn,
  personRegistration,
  type LegacyLocationBody,
  type LegacyPersonBody,
} from "./legacy-write-bodies";
import { jsonBodyValidator } from "./json-body-validator";
import { forbidden, invalidParameter, problemResponse, problemResponses, ProblemType, sendProblem, unauthorized } from "./problem";

/** The ingest gateway behind the write routes; undefined: not configured, the routes answer 501. */
export interface IngestForWrites {
  readonly writes: IngestWrites;
  /** query-api's own token, sent for callers without one on open routes (LEGACY_API_AUTH=open, or auth disabled). */
  readonly serviceToken?: () => Promise<string>;
}

export interface LegacyWritesDependencies {
  readonly auth: Authentication;
  readonly mode: LegacyApiAuth;
  /** The OpenAPI security of the legacy routes in this mode. */
  readonly security: readonly Record<string, string[]>[];
  readonly ingest?: IngestForWrites;
}

const OWN_TOKEN_REFUSED = "This server's credentials for the ingest gateway are missing or were refused; its operators must renew them.";

/** What a client should wait before retrying when ingest cannot take a write. */
const INGEST_RETRY_AFTER_SECONDS = 5;

const consistencyToken = {
  type: "string",
  description: "Pass as `consistent_with` to a GET to read this write (the GET waits until the read model holds it).",
  examples: ["ChsKFXVkYWNvbm5lY3QucGVyc29ucy52MRADGCo"],
} as const;

const acceptedHeaders = {
  Location: { type: "string", description: "Where the written resource will be readable once projected, e.g. /api/persons/ada." },
} as const;

const WRITE_DESCRIPTION =
  "Validated by the ingest gateway exactly as its RPC (the same rules, the same messages) and appended to Kafka (acks=all); " +
  "the read model shows it once the projector has applied it: read it with `consistent_with` = `consistency_token`. " +
  "An attendee token may write only its own person; an analyst token none.";

export function registerLegacyWriteRoutes(app: FastifyInstance, deps: LegacyWritesDependencies): void {
  const { auth, mode, ingest } = deps;
  const writeResponses = (accepted: unknown) => ({
    202: accepted,
    ...problemResponses(400, 401, 403, 413, 415, 429, 500),
    422: problemResponse(422, "A field failed ingest's rules; `errors` names each one. Nothing was written."),
    501: problemResponse(501, "Writes are not configured on this server (no QUERY_API_INGEST_URL): send them to the ingest gateway."),
    503: problemResponse(503, "The ingest gateway or Kafka cannot take the write now; retry after `Retry-After` seconds (a retry with the same ids is safe)."),
  });

  // One compiler for both writes: their bodies are read as sent, a `null` or `false` where a number or a string belongs is a 400.
  const validatorCompiler = jsonBodyValidator();
  app.post<{ Body: LegacyPersonBody }>(
    "/api/persons",
    {
      validatorCompiler,
      schema: {
        operationId: "createPerson",
        tags: ["persons"],
        summary: "Register a person (the original's POST /api/persons), as a PersonRegistered event",
        description: `${WRITE_DESCRIPTION} An attendee token registers its own person: \`id\` omitted or equal to its subject.`,
        security: deps.security,
        body: legacyPersonBodySchema,
        response: writeResponses({
          description: "Accepted: the registration is in the log.",
          headers: acceptedHeaders,
          type: "object",
          required: ["id", "event_id", "consistency_token"],
          properties: {
            id: { type: "string", description: "The person's id (the one sent, or the one ingest assigned).", examples: ["ada"] },
            event_id: { type: "string", format: "uuid", examples: ["01938a4e-6c1a-7d2e-9f3b-5a6c7d8e9f01"] },
            consistency_token: consistencyToken,
          },
          examples: [{ id: "ada", event_id: "01938a4e-6c1a-7d2e-9f3b-5a6c7d8e9f01", consistency_token: "ChsKFXVkYWNvbm5lY3QucGVyc29ucy52MRADGCo" }],
        }),
      },
      preHandler: requireLegacyToken(auth, mode),
    },
    async (request, reply) => {
      if (ingest === undefined) {
        return sendNotConfigured(request, reply);
      }
      const credentials = await readCredentials(request, deps, ingest);
      if (credentials === undefined) {
        return sendUnavailable(request, reply, OWN_TOKEN_REFUSED);
      }
      const outcome = await ingest.writes.registerPerson(personRegistration(request.body), credentials.token);
      return answer(request, reply, outcome, credentials, "person", (r) => ({
        location: `/api/persons/${encodeURIComponent(r.personId)}`,
        body: { id: r.personId, event_id: r.eventId, consistency_token: r.consistencyToken },
      }));
    },
  );

  app.post<{ Body: LegacyLocationBody }>(
    "/api/locations",
    {
      validatorCompiler,
      schema: {
        operationId: "createLocation",
        tags: ["locations"],
        summary: "Record a check-in (the original's POST /api/locations), as a LocationRecorded event",
        description:
          `${WRITE_DESCRIPTION} Operators may import check-ins of any age; attendees' must lie within ingest's retention window ` +
          "and at most 5 minutes ahead of its clock.",
        security: deps.security,
        body: legacyLocationBodySchema,
        response: writeResponses({
          description: "Accepted: the check-in is in the log.",
          headers: acceptedHeaders,
          type: "object",
          required: ["id", "event_id", "consistency_token"],
          properties: {
            id: { type: "string", format: "uuid", description: "The location's id: its event id.", examples: ["01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012"] },
            event_id: { type: "string", format: "uuid", examples: ["01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012"] },
            consistency_token: consistencyToken,
          },
          examples: [
            {
              id: "01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012",
              event_id: "01938a4e-7b2c-7e3f-8a4b-6c7d8e9fa012",
              consistency_token: "Ch4KF3VkYWNvbm5lY3QubG9jYXRpb25zLnYxEAcY0gk",
            },
          ],
        }),
      },
      preHandler: requireLegacyToken(auth, mode),
    },
    async (request, reply) => {
      if (ingest === undefined) {
        return sendNotConfigured(request, reply);
      }
      const checkIn = locationCheckIn(request.body);
      if (!checkIn.ok) {
        const detail = checkIn.violations.map((v) => `${v.field}: ${v.description}`).join("; ");
        return sendProblem(request, reply, { ...invalidParameter(detail), errors: checkIn.violations });
      }
      const credentials = await readCredentials(request, deps, ingest);
      if (credentials === undefined) {
        return sendUnavailable(request, reply, OWN_TOKEN_REFUSED);
      }
      const outcome = await ingest.writes.recordLocation(checkIn.value, credentials.token);
      return answer(request, reply, outcome, credentials, "location", (r) => ({
        location: `/api/locations/${r.eventId}`,
        body: { id: r.eventId, event_id: r.eventId, consistency_token: r.consistencyToken },
      }));
    },
  );
}

interface Credentials {
  readonly token: string | undefined;
  /** The token is query-api's own: ingest refusing it is this server's fault, not the caller's. */
  readonly own: boolean;
}

/** The caller's bearer token; on an open route a caller without one writes with query-api's own token, if configured. */
async function credentialsFor(request: FastifyRequest, deps: LegacyWritesDependencies, ingest: IngestForWrites): Promise<Credentials> {
  const token = bearerToken(request);
  const open = deps.auth === "disabled" || isOpenRequest(deps.mode, request);
  if (token !== undefined || !open || ingest.serviceToken === undefined) {
    return { token, own: false };
  }
  return { token: await ingest.serviceToken(), own: true };
}

/** A token file that cannot be read is this server's fault: 503, the cause in the log. */
async function readCredentials(request: FastifyRequest, deps: LegacyWritesDependencies, ingest: IngestForWrites): Promise<Credentials | undefined> {
  try {
    return await credentialsFor(request, deps, ingest);
  } catch (error) {
    request.log.error({ err: error }, "query-api's own ingest token (QUERY_API_INGEST_TOKEN_FILE) cannot be read");
    return undefined;
  }
}

function answer<Reply>(
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: IngestOutcome<Reply>,
  credentials: Credentials,
  kind: "person" | "location",
  accepted: (reply: Reply) => { location: string; body: object },
): FastifyReply {
  switch (outcome.outcome) {
    case "appended": {
      const { location, body } = accepted(outcome.reply);
      return reply.code(202).header("location", location).send(body);
    }
    case "invalid": {
      const errors = legacyViolations(outcome.violations, kind);
      const detail = errors.map((v) => `${v.field}: ${v.description}`).join("; ");
      return sendProblem(request, reply, { type: ProblemType.invalidField, title: "Invalid field", status: 422, detail, errors });
    }
    case "unauthenticated":
    case "forbidden":
      if (credentials.own) {
        request.log.error(`the ingest gateway refused query-api's own token (QUERY_API_INGEST_TOKEN_FILE): ${outcome.detail}`);
        return sendUnavailable(request, reply, OWN_TOKEN_REFUSED);
      }
      return sendRefusal(request, reply, outcome.outcome === "forbidden" ? forbidden(outcome.detail) : unauthorized(outcome.detail));
    case "unavailable":
      request.log.warn(`a write was not taken: ${outcome.detail}`);
      return sendUnavailable(
        request,
        reply,
        "The ingest gateway or the event log cannot take the write now; retry later (with the same ids, a retry is recognised).",
      );
  }
}

function sendUnavailable(request: FastifyRequest, reply: FastifyReply, detail: string): FastifyReply {
  return sendProblem(request, reply.header("retry-after", String(INGEST_RETRY_AFTER_SECONDS)), {
    type: ProblemType.unavailable,
    title: "Not available",
    status: 503,
    detail,
  });
}

function sendNotConfigured(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(request, reply, {
    type: ProblemType.writesNotConfigured,
    title: "Writes not configured",
    status: 501,
    detail: "This query API has no ingest gateway configured (QUERY_API_INGEST_URL); send writes to the ingest gateway's RPCs instead.",
  });
}
