import { STATUS_CODES } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";

const PROBLEMS_BASE = "https://udaconnect.dev/problems";

/** Stable `type` URIs: clients branch on these, never on `title` or `detail`. */
export const ProblemType = {
  invalidParameter: `${PROBLEMS_BASE}/invalid-parameter`,
  notFound: `${PROBLEMS_BASE}/not-found`,
  internal: `${PROBLEMS_BASE}/internal`,
  unavailable: `${PROBLEMS_BASE}/unavailable`,
  unauthorized: `${PROBLEMS_BASE}/unauthorized`,
  forbidden: `${PROBLEMS_BASE}/forbidden`,
  rateLimited: `${PROBLEMS_BASE}/rate-limited`,
  /** A connections lookup would find more encounters than it may answer. */
  tooManyEncounters: `${PROBLEMS_BASE}/too-many-encounters`,
  /** consistent_with names a log position the read model has not reached within the wait. */
  notYetConsistent: `${PROBLEMS_BASE}/not-yet-consistent`,
  /** A write's field failed ingest's rules (the same as its RPCs'); `errors` names each field. */
  invalidField: `${PROBLEMS_BASE}/invalid-field`,
  /** The write routes are not configured here (no QUERY_API_INGEST_URL). */
  writesNotConfigured: `${PROBLEMS_BASE}/writes-not-configured`,
  /** RFC 9457: a problem with no meaning beyond its HTTP status. */
  other: "about:blank",
} as const;

/** RFC 9457 problem details, sent as application/problem+json. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** The refused fields of a request body, when there are any. */
  readonly errors?: readonly { readonly field: string; readonly description: string }[];
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const problemSchema = {
  $id: "Problem",
  type: "object",
  description: "RFC 9457 problem details. `type` is a stable URI identifying the kind of problem.",
  required: ["type", "title", "status", "detail"],
  properties: {
    type: { type: "string", format: "uri", examples: [ProblemType.invalidParameter] },
    title: { type: "string", examples: ["Invalid parameter"] },
    status: { type: "integer", examples: [400] },
    detail: { type: "string", examples: ['query parameter start_date must match format "date" (got "2020-13-01")'] },
    instance: { type: "string", description: "Path and query of the request that met the problem." },
    errors: {
      type: "array",
      description: "Write routes only: each refused field of the body, named as the body names it.",
      items: {
        type: "object",
        required: ["field", "description"],
        properties: { field: { type: "string", examples: ["latitude"] }, description: { type: "string", examples: ["must be between -90 and 90, got 91"] } },
      },
    },
  },
} as const;

const DESCRIPTIONS: Record<number, string> = {
  400: "A parameter is malformed or out of range; `detail` names it.",
  404: "No such person, or no such route.",
  500: "Unexpected failure; details are logged, never sent.",
  401: "No bearer token, or one that is malformed, expired or not signed by a known key.",
  403: "The token's role may not read this person's data.",
  429: "Too many requests for this token; retry after `Retry-After` seconds.",
  405: "The path exists but does not answer this method; `Allow` lists the methods it answers.",
  422: "The lookup would find more encounters than one answer may hold; narrow from/to, distance_m or within_s.",
  431: "The request line and headers exceed 16 KB (a very long query string); shorten them.",
  503: "Not available now: the database did not answer (in time), or consistent_with was not reached in time; see `Retry-After` when given.",
};

/** Response headers that come with a problem's status, as OpenAPI (and @fastify/swagger) declare them. */
const PROBLEM_HEADERS: Record<number, Record<string, { type: "string"; description: string }>> = {
  401: { "WWW-Authenticate": { type: "string", description: 'Always `Bearer realm="udaconnect"`: send a bearer token.' } },
  405: { Allow: { type: "string", description: "The methods this path answers, e.g. `GET, POST`." } },
  429: { "Retry-After": { type: "string", description: "Seconds to wait before the next request with this token." } },
  503: { "Retry-After": { type: "string", description: "Seconds to wait before retrying, when the wait is known." } },
};

/** The OpenAPI response of one problem status; `description` replaces the status's usual one. */
export function problemResponse(status: number, description?: string): unknown {
  const headers = PROBLEM_HEADERS[status];
  return {
    description: description ?? DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? "Problem",
    ...(headers === undefined ? {} : { headers }),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "Problem#" } } },
  };
}

/** OpenAPI responses for these statuses, each an application/problem+json Problem. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(statuses.map((status) => [status, problemResponse(status)]));
}

export function tooManyEncounters(limit: number): Problem {
  return {
    type: ProblemType.tooManyEncounters,
    title: "Too many encounters",
    status: 422,
    detail: `The lookup finds more than ${limit} encounters; narrow the range (from, to), distance_m or within_s.`,
  };
}

export function invalidParameter(detail: string): Problem {
  return { type: ProblemType.invalidParameter, title: "Invalid parameter", status: 400, detail };
}

/** A client error with no meaning beyond its status (RFC 9457 about:blank). */
export function clientError(status: number, detail: string): Problem {
  return { type: ProblemType.other, title: STATUS_CODES[status] ?? "Client error", status, detail };
}

export function badRequest(detail: string): Problem {
  return clientError(400, detail);
}

export function notFound(detail: string): Problem {
  return { type: ProblemType.notFound, title: "Not found", status: 404, detail };
}

export function unauthorized(detail: string): Problem {
  return { type: ProblemType.unauthorized, title: "Unauthorized", status: 401, detail };
}

export function forbidden(detail: string): Problem {
  return { type: ProblemType.forbidden, title: "Forbidden", status: 403, detail };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, instance: problem.instance ?? request.url });
}
