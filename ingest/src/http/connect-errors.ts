import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { AppendEventsError } from "../ingest/ports";
import type { Outcome } from "../ingest/decision";
import { describeViolations } from "../ingest/violations";
import type { Logger } from "../log";

/** A refused request becomes INVALID_ARGUMENT naming each field; an appended one its reply. */
export function replyOrRefuse<Reply>(outcome: Outcome<Reply>): Reply {
  if (outcome.outcome === "rejected") {
    throw new ConnectError(describeViolations(outcome.violations), Code.InvalidArgument);
  }
  return outcome.reply;
}

/**
 * The one place errors are translated into Connect statuses. Causes go to the
 * log; the wire gets a status and a sentence, never a stack or a Kafka detail.
 */
export function translateError(error: unknown, logger: Logger, procedure: string): ConnectError {
  if (error instanceof ConnectError) {
    return error;
  }
  if (error instanceof AppendEventsError) {
    logger.warn("Kafka did not acknowledge an append", { procedure, error });
    return new ConnectError(
      "the event log is unavailable, so the events may not have been recorded; " +
        "retry the call with the same event ids (and person id) so that a duplicate is recognised",
      Code.Unavailable,
    );
  }
  logger.error("Unexpected error in a call", { procedure, error });
  return new ConnectError("internal error", Code.Internal);
}

/** Wraps a handler so that every error leaving it has gone through translateError. */
export function translated<Request, Reply>(
  procedure: string,
  logger: Logger,
  handler: (request: Request, context: HandlerContext) => Promise<Reply>,
): (request: Request, context: HandlerContext) => Promise<Reply> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      throw translateError(error, logger, procedure);
    }
  };
}

/** translated() for a server-streaming handler: replies already sent stay sent, the error ends the stream. */
export function translatedStream<Request, Reply>(
  procedure: string,
  logger: Logger,
  handler: (requests: AsyncIterable<Request>, context: HandlerContext) => AsyncGenerator<Reply>,
): (requests: AsyncIterable<Request>, context: HandlerContext) => AsyncGenerator<Reply> {
  return async function* (requests, context) {
    try {
      yield* handler(requests, context);
    } catch (error) {
      throw translateError(error, logger, procedure);
    }
  };
}
