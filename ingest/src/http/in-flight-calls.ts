import type http from "node:http";
import http2 from "node:http2";
import type { NodeHandlerFn, NodeServerRequest, NodeServerResponse } from "./node-handler";

/** How long an answered HTTP/2 call may keep uploading before its stream is cancelled. */
const ANSWERED_STREAM_LINGER_MS = 1_000;

/** Counts calls from request to the close of their response, so shutdown can wait for them. */
export class InFlightCalls {
  draining = false;
  #count = 0;
  #idle: (() => void)[] = [];

  track(req: NodeServerRequest, res: NodeServerResponse, handler: NodeHandlerFn): void {
    this.#count++;
    res.once("close", () => {
      this.#count--;
      if (this.#count === 0) {
        for (const wake of this.#idle.splice(0)) wake();
      }
    });
    if (req instanceof http2.Http2ServerRequest) {
      releaseOnceAnswered(req);
    } else {
      closeConnectionIfUnread(req, res as http.ServerResponse, () => this.draining);
    }
    handler(req, res);
  }

  /** Resolves when no call is in flight, or after `graceMs`, whichever comes first. */
  drained(graceMs: number): Promise<void> {
    if (this.#count === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      this.#idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * A call can be answered before its request is read to the end (a message
 * over the size limit, too many check-ins). Unread data would hold the
 * HTTP/2 connection's flow-control window, stalling every other call on it,
 * so it is read and dropped. A client may then never end its stream
 * (connect-node 2.1's gRPC and gRPC-Web clients do not), keeping it open for
 * good, so it is cancelled after a pause. Not at once: the reset would
 * overtake the trailers still queued, and gRPC's status travels in them.
 */
function releaseOnceAnswered(req: http2.Http2ServerRequest): void {
  // node:http2's compatibility API always waits for trailers: this fires once the reply is complete.
  req.stream.once("wantTrailers", () => {
    if (req.complete) {
      return;
    }
    // The request object may already be destroyed, and would pause the stream on every chunk.
    req.stream.removeAllListeners("data");
    req.stream.on("data", ignore);
    req.stream.resume();
    const timer = setTimeout(() => req.stream.close(http2.constants.NGHTTP2_CANCEL), ANSWERED_STREAM_LINGER_MS);
    req.stream.once("close", () => clearTimeout(timer));
  });
}

/**
 * The HTTP/1.1 counterpart: once a reply is written before the request was
 * read to the end, the unread bytes sit where the next request on that
 * connection would be parsed. So such a reply says "Connection: close" (as
 * does every reply while draining), and the client opens a new connection.
 */
function closeConnectionIfUnread(req: http.IncomingMessage, res: http.ServerResponse, draining: () => boolean): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    if (!req.complete || draining()) {
      res.setHeader("connection", "close");
    }
    return writeHead(...args);
  }) as typeof res.writeHead;
}

function ignore(): void {}
