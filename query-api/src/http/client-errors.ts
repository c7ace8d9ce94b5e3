import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { clientError, PROBLEM_CONTENT_TYPE, type Problem } from "./problem";

/** Node's limit on the request line plus headers (its --max-http-header-size default). */
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Requests that Node's HTTP parser rejects before Fastify sees them (a request line or
 * headers over 16 KB, a method Node does not know, a malformed request, a client too slow
 * to send its headers) get
 * problem+json like every other error, then the connection closes, as Node would.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) {
    return;
  }
  const problem = problemFor(error.code);
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function problemFor(code: string | undefined): Problem {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return clientError(431, `The request line and headers exceed ${MAX_HEADER_BYTES / 1024} KB; shorten the query string or the headers.`);
    case "HPE_INVALID_METHOD":
      // RFC 9110 §9.1: a method the server does not recognise at all (known methods on the wrong path get 405).
      return clientError(501, "The request method is not one this server implements; the API answers GET (and HEAD, OPTIONS).");
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return clientError(408, "The request was not received in time.");
    default:
      return clientError(400, "The request is not valid HTTP.");
  }
}
