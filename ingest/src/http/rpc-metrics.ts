import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import type { IngestMetrics } from "./metrics";

/**
 * Counts and times every RPC by method and final status code. Place it before
 * translateErrors among the router's interceptors, so that it sees translated codes.
 * A streaming call is observed when its response stream ends, not when it starts.
 */
export function rpcMetrics(metrics: Pick<IngestMetrics, "observeRpc">): Interceptor {
  return (next) => async (request) => {
    const method = request.method.name;
    const started = performance.now();
    const observe = (code: string) => metrics.observeRpc(method, code, (performance.now() - started) / 1000);
    try {
      const response = await next(request);
      if (!response.stream) {
        observe("ok");
        return response;
      }
      return { ...response, message: observedStream(response.message, observe) };
    } catch (error) {
      observe(codeOf(error));
      throw error;
    }
  };
}

async function* observedStream<Message>(messages: AsyncIterable<Message>, observe: (code: string) => void): AsyncGenerator<Message> {
  // A client that goes away stops the iteration: neither the end nor an error, so "canceled".
  let code = "canceled";
  try {
    yield* messages;
    code = "ok";
  } catch (error) {
    code = codeOf(error);
    throw error;
  } finally {
    observe(code);
  }
}

function codeOf(error: unknown): string {
  return codeToString(ConnectError.from(error).code);
}
