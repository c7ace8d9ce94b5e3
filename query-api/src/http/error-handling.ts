import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { clientError, invalidParameter, notFound, ProblemType, sendProblem } from "./problem";
import { RateLimitExceeded } from "./rate-limit";
import { trackRouteMethods } from "./route-methods";

const LOCATIONS: Record<string, string> = {
  querystring: "query parameter",
  params: "path parameter",
  headers: "header",
  body: "body property",
};

/**
 * The one place where errors become HTTP answers: schema violations are 400s naming the
 * parameter, other client errors keep their status, a known path asked with another method
 * is a 405, a spent rate limit a 429, a statement past its time limit or a database that
 * cannot be reached is a 503, and anything else is a 500 whose cause goes to the log and
 * never to the wire.
 * Register before the routes (it learns their methods as they are added).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  const methodsOf = trackRouteMethods(app);
  // A path no route of this method serves: 405 with Allow when the path is known, else 404.
  const unrouted = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = methodsOf(path);
    // CORS answers OPTIONS on every path: that alone does not make a path exist.
    if (allowed.some((method) => method !== "OPTIONS")) {
      void reply.header("allow", allowed.join(", "));
      return sendProblem(request, reply, clientError(405, `${path} answers ${allowed.join(", ")}, not ${request.method}`));
    }
    return sendProblem(request, reply, notFound(`No route ${request.method} ${path}`));
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // Fastify reads the body of a request no route serves before the not-found handler runs (QUERY without
    // Content-Type, POST with a type nothing parses): what it refuses there is still a 405 or a 404.
    if (request.is404) {
      return unrouted(request, reply);
    }
    if (error.validation !== undefined && error.validation.length > 0) {
      return sendProblem(request, reply, invalidParameter(describeValidationError(error, request)));
    }
    if (error instanceof RateLimitExceeded) {
      return sendProblem(request, reply, { type: ProblemType.rateLimited, title: "Too many requests", status: 429, detail: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendProblem(request, reply, clientError(status, error.message));
    }
    if (isStatementTimeout(error)) {
      request.log.warn({ err: error }, "a statement ran into its time limit");
      return sendProblem(
        request,
        reply,
        unavailable("The database did not answer within its time limit; narrow the request (a shorter range, a smaller radius) or retry later."),
      );
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, "the database cannot be reached");
      return sendProblem(
        request,
        reply.header("retry-after", String(DATABASE_RETRY_AFTER_SECONDS)),
        unavailable("The database cannot be reached; retry later."),
      );
    }
    request.log.error({ err: error }, "request failed");
    return sendProblem(request, reply, {
      type: ProblemType.internal,
      title: "Internal error",
      status: 500,
      detail: `The request failed unexpectedly; it is logged as ${request.id}.`,
    });
  });
  app.setNotFoundHandler(unrouted);
}

/** PostgreSQL's query_canceled: here, statement_timeout (the pool's; see src/postgres/create-database.ts). */
function isStatementTimeout(error: unknown): boolean {
  return fieldOf(error, "code") === "57014";
}

/** A string field of a thrown value (pg's errors carry `code`; anything may be thrown). */
function fieldOf(error: unknown, name: "code" | "message"): string | undefined {
  const value: unknown = typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : undefined;
}

function unavailable(detail: string) {
  return { type: ProblemType.unavailable, title: "Not available", status: 503, detail };
}

/** What a client should wait before retrying when the database cannot be reached. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The database cannot serve at all, whatever the request: the driver could not connect
 * (refused, unreachable, timed out waiting for a connection) or lost its connection, or
 * PostgreSQL says so itself (connection exceptions 08…, shutting down 57P01–57P03, too many
 * connections 53300). pg gives two of these only as messages.
 */
function isDatabaseUnavailable(error: unknown): boolean {
  const code = fieldOf(error, "code");
  return (
    (code !== undefined && (code.startsWith("08") || UNAVAILABLE_CODES.has(code))) ||
    /^(timeout exceeded when trying to connect|Connection terminated)/.test(fieldOf(error, "message") ?? "")
  );
}

const UNAVAILABLE_CODES = new Set([
  "57P01",
  "57P02",
  "57P03",
  "53300",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

function describeValidationError(error: FastifyError, request: FastifyRequest): string {
  const [first] = error.validation ?? [];
  const where = LOCATIONS[error.validationContext ?? ""] ?? error.validationContext ?? "parameter";
  if (first === undefined) {
    return error.message;
  }
  if (first.keyword === "required") {
    return `${where} ${String(first.params.missingProperty)} is required`;
  }
  const name = first.instancePath.replace(/^\//, "").replaceAll("/", ".");
  if (error.validationContext === "body") {
    // The body is echoed nowhere: it may be large, and it is the caller's own.
    return `${name === "" ? "the body" : `${where} ${name}`} ${first.message ?? "is invalid"}`;
  }
  const given = fieldValue(error.validationContext === "params" ? request.params : request.query, name);
  return `${where} ${name} ${first.message ?? "is invalid"}${given === undefined ? "" : ` (got ${given})`}`;
}

function fieldValue(container: unknown, name: string): string | undefined {
  if (typeof container !== "object" || container === null || !(name in container)) {
    return undefined;
  }
  const text = JSON.stringify((container as Record<string, unknown>)[name]) ?? "";
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
