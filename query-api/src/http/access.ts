import type { FastifyRequest, preHandlerAsyncHookHandler } from "fastify";
import { mayRead, TokenError, type Principal, type VerifyToken } from "@udaconnect/auth";
import { forbidden, sendProblem, unauthorized, type Problem } from "./problem";

/** How requests are authenticated: a verifier of bearer tokens, or explicitly nobody checks. */
export type Authentication = VerifyToken | "disabled";

const BEARER = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/;
const ANONYMOUS: Principal = Object.freeze({ subject: "anonymous", role: "analyst" });

/** The bearer token of the request, if it carries one in the expected form. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** With authentication disabled everyone reads everything, as an analyst would. */
async function authenticate(auth: Authentication, request: FastifyRequest): Promise<Principal | Problem> {
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

function isProblem(value: Principal | Problem): value is Problem {
  return "status" in value;
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
