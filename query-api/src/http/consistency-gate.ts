import type { preHandlerAsyncHookHandler } from "fastify";
import { decodeConsistencyToken, type LogPosition } from "@udaconnect/schemas";
import { waitForPositions, type PositionsCovered } from "../consistency/wait-for-positions";
import { invalidParameter, ProblemType, sendProblem } from "./problem";

/** What a client waits for; Retry-After of the 503 when the bound passes. */
const RETRY_AFTER_SECONDS = 1;

export const consistentWithParameterSchema = {
  type: "string",
  minLength: 1,
  maxLength: 4096,
  // base64url, as ingest writes it; what else a token must be (one ingest issued) only reading it tells.
  pattern: "^[A-Za-z0-9_-]+$",
  description:
    "Read-your-writes: the `consistency_token` of an ingest reply. The read waits (bounded) until the projection " +
    "covers that write; if it cannot in time the answer is 503 with Retry-After, never stale data.",
} as const;

/** Runs before a read: with `consistent_with`, waits until the projection covers it (or answers 400/503). */
export function consistencyGate(covered: PositionsCovered, waitMs: number): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    const token = (request.query as { consistent_with?: string }).consistent_with;
    if (token === undefined) {
      return;
    }
    let positions: LogPosition[];
    try {
      positions = decodeConsistencyToken(token);
    } catch (error) {
      return sendProblem(request, reply, invalidParameter(`consistent_with: ${(error as Error).message}`));
    }
    if ((await waitForPositions(covered, positions, { waitMs })) === "timed-out") {
      return sendProblem(request, reply.header("retry-after", String(RETRY_AFTER_SECONDS)), {
        type: ProblemType.notYetConsistent,
        title: "Not yet consistent",
        status: 503,
        detail: `the projection has not reached consistent_with within ${waitMs} ms; retry later`,
      });
    }
  };
}
