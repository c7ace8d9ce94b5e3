import type http from "node:http";
import http2 from "node:http2";

/**
 * What one client may hold of the gateway at the HTTP level, so that slow or
 * stalled clients (slowloris, a client that opens streams and never reads)
 * cannot pin its sockets and memory while others wait.
 */
export interface ConnectionLimits {
  /** SETTINGS_MAX_CONCURRENT_STREAMS of each HTTP/2 connection: open calls per connection. */
  readonly maxConcurrentStreams: number;
  /**
   * A call's request must have arrived in full within this time: HTTP/1.1 by Node's
   * requestTimeout (408, connection closed); HTTP/2 by cancelling the stream (RST_STREAM CANCEL).
   */
  readonly requestTimeoutMs: number;
  /** An HTTP/2 connection with no frame in either direction this long is closed. */
  readonly idleTimeoutMs: number;
  /** Paths bounded by a time limit of their own (StreamCheckIns: maxStreamMs), exempt from requestTimeoutMs. */
  readonly longLivedPaths: readonly string[];
}

/** Node's own default wait for a request's headers; shorter when the whole request must arrive sooner. */
const HEADERS_TIMEOUT_MS = 60_000;

export function http1Options(limits: ConnectionLimits): http.ServerOptions {
  const headersTimeout = Math.min(HEADERS_TIMEOUT_MS, limits.requestTimeoutMs);
  return {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout,
    // Node checks those timeouts only this often (default 30 s), which would stretch short ones.
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersTimeout / 4))),
  };
}

export function http2Options(limits: ConnectionLimits): http2.ServerOptions {
  return { settings: { maxConcurrentStreams: limits.maxConcurrentStreams } };
}

/** Cancels an HTTP/2 call whose request has not arrived in full within requestTimeoutMs. */
export function limitRequestTime(req: http2.Http2ServerRequest, limits: ConnectionLimits): void {
  if (limits.longLivedPaths.includes(req.url.split("?")[0] ?? "")) {
    return;
  }
  const timer = setTimeout(() => {
    if (!req.complete) {
      req.stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }, limits.requestTimeoutMs);
  timer.unref();
  req.stream.once("close", () => clearTimeout(timer));
}
