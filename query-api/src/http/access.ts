import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { mayRead, TokenError, type Principal, type VerifyToken } from "@udaconnect/auth";
import { forbidden, sendProblem, unauthorized, type Problem } from "./problem";

/** How requests are authenticated: a verifier of bearer tokens, or explicitly nobody checks. */
export type Authentication = VerifyToken | "disabled";

/**
 * LEGACY_API_AUTH: what the original's routes (/api/…) ask of a caller. "bearer" (default):
 * the same tokens as /v1. "open": a request without an Authorization header is served as the
 * original served everyone (reads as an analyst, writes with query-api's own ingest token);
 * one with a token is still checked, and answered as that token's principal.
 */
export type LegacyApiAuth = "bearer" | "open";

const BEARER = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/;
const ANONYMOUS: Principal = Object.freeze({ subject: "anonymous", role: "analyst" });

/** The bearer token of the request, if it carries one in the expected form. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** With authentication disabled everyone reads everything, as an analyst would. */
export async function authenticate(auth: Authentication, request: FastifyRequest): Promise<Principal | Problem> {
  if (auth === "disabled") {
    return ANONYMOUS;
  }
  const token = bearerToken(request);
  if (token === undefined) {
    const present = request.headers.authorization !== undefined;
    return unauthorized(present ? "the Authorization header is not Bearer <token>" : "an Authorization: Bearer <token> header is required");
  }
  try {
    return await auth(token);
  } catch (error) {
    if (error instanceof TokenError) {
      return unauthorized(error.message);
    }
    throw error;
  }
}

export function isProblem(value: Principal | Problem): value is Problem {
  return "status" in value;
}

/** The 401 or 403 of a refused caller; a 401 says how to authenticate. */
export function sendRefusal(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  return sendProblem(request, problem.status === 401 ? reply.header("www-authenticate", 'Bearer realm="udaconnect"') : reply, problem);
}

/** An open legacy route asked without any Authorization header: served as the original served everyone. */
export function isOpenRequest(mode: LegacyApiAuth, request: FastifyRequest): boolean {
  return mode === "open" && request.headers.authorization === undefined;
}

/** The caller of a legacy route: anonymous (an analyst) when the route is open and no token came, else as /v1. */
export async function legacyCaller(auth: Authentication, mode: LegacyApiAuth, request: FastifyRequest): Promise<Principal | Problem> {
  return isOpenRequest(mode, request) ? ANONYMOUS : authenticate(auth, request);
}

/** requireReaderOfPerson for the legacy routes, open to callers without a token in LEGACY_API_AUTH=open. */
export function requireLegacyReader(auth: Authentication, mode: LegacyApiAuth): preHandlerAsyncHookHandler {
  const reader = requireReaderOfPerson(auth);
  return async function (request, reply) {
    if (!isOpenRequest(mode, request)) {
      return reader.call(this, request, reply);
    }
  };
}

/** requireToken for the legacy routes that check more in the handler, open to callers without a token in LEGACY_API_AUTH=open. */
export function requireLegacyToken(auth: Authentication, mode: LegacyApiAuth): preHandlerAsyncHookHandler {
  const tokenHolder = requireToken(auth);
  return async function (request, reply) {
    if (!isOpenRequest(mode, request)) {
      return tokenHolder.call(this, request, reply);
    }
  };
}

/** Any valid token (any role) may pass. */
export function requireToken(auth: Authentication): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const principal = await authenticate(auth, request);
    if (isProblem(principal)) {
      return sendProblem(request, reply.header("www-authenticate", 'Bearer realm="udaconnect"'), principal);
    }
  };
}

/** A valid token whose principal may read the person of the path's person_id (mayRead), if the path has one. */
export function requireReaderOfPerson(auth: Authentication): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const principal = await authenticate(auth, request);
    if (isProblem(principal)) {
      return sendProblem(request, reply.header("www-authenticate", 'Bearer realm="udaconnect"'), principal);
    }
    const personId = (request.params as { person_id?: string }).person_id;
    if (personId !== undefined && !mayRead(principal, personId)) {
      return sendProblem(request, reply, forbidden(`an attendee token may read only its own person's data, not person "${personId}"`));
    }
  };
}
