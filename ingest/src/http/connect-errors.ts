import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { AppendEventsError } from "../ingest/ports";
import type { Outcome } from "../ingest/decision";
import { describeViolations } from "../ingest/violations";
import type { Logger } from "@udaconnect/observability";

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
    logger.warn({ rpc: procedure, err: error }, "Kafka did not acknowledge an append");
    return new ConnectError(
      "the event log is unavailable, so the events may not have been recorded; " +
        "retry the call with the same event ids (and person id) so that a duplicate is recognised",
      Code.Unavailable,
    );
  }
  logger.error({ rpc: procedure, err: error }, "Unexpected error in a call");
  return new ConnectError("internal error", Code.Internal);
}

/**
 * translateError for every RPC the router serves, as an interceptor: a unary call's error,
 * and a streaming call's error whenever it ends the stream (replies already sent stay sent).
 * Give it last among the router's interceptors, so that the others see translated statuses.
 */
export function translateErrors(logger: Logger): Interceptor {
  return (next) => async (request) => {
    const procedure = request.method.name;
    try {
      const response = await next(request);
      return response.stream ? { ...response, message: translatedStream(response.message, logger, procedure) } : response;
    } catch (error) {
      throw translateError(error, logger, procedure);
    }
  };
}

async function* translatedStream<Message>(messages: AsyncIterable<Message>, logger: Logger, procedure: string): AsyncGenerator<Message> {
  try {
    yield* messages;
  } catch (error) {
    throw translateError(error, logger, procedure);
  }
}
