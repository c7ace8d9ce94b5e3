import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { once } from "node:events";
import { DEFAULT_CONNECTION_LIMITS, http1Options, http2Options, limitRequestTime, type ConnectionLimits } from "./connection-limits";
import { InFlightCalls } from "./in-flight-calls";
import type { NodeHandlerFn } from "./node-handler";
import { OpenSockets } from "./open-sockets";

const HTTP2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** A connection that has not said which protocol it speaks within this time is dropped. */
const PREFACE_TIMEOUT_MS = 10_000;
/** How long closed connections may take to flush their last bytes once no call is in flight. */
const CLOSE_LINGER_MS = 2_000;

export interface DualProtocolServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /**
   * Stops accepting connections, lets calls in flight finish (at most
   * `graceMs`), then closes every connection.
   */
  readonly close: (graceMs: number) => Promise<void>;
}

/**
 * One TCP port for two protocols. Each connection is routed by its first
 * bytes: the HTTP/2 client preface (prior knowledge, as gRPC clients send it)
 * goes to an HTTP/2 server, anything else to an HTTP/1.1 server, so curl,
 * browsers and probes reach the same handler as gRPC clients.
 */
export async function listenDualProtocol(
  handler: NodeHandlerFn,
  host: string,
  port: number,
  limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
): Promise<DualProtocolServer> {
  const calls = new InFlightCalls();
  const track: NodeHandlerFn = (req, res) => {
    if (req instanceof http2.Http2ServerRequest) {
      limitRequestTime(req, limits);
    }
    calls.track(req, res, handler);
  };
  const h1 = http.createServer(http1Options(limits), track);
  // Node tracks requests for headersTimeout and requestTimeout from "listening" on; h1 never
  // listens itself (the TCP server below hands it its sockets), so without this no HTTP/1.1
  // request would ever time out, and a client trickling its headers would hold its socket for good.
  h1.emit("listening");
  const h2 = http2.createServer(http2Options(limits), track);
  // Without a "timeout" listener Node destroys the idle session.
  h2.setTimeout(limits.idleTimeoutMs);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const sockets = new OpenSockets();
  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    routeByPreface(socket, sockets, h1, h2);
  });
  tcp.listen(port, host);
  await once(tcp, "listening");
  return {
    port: (tcp.address() as net.AddressInfo).port,
    close: async (graceMs) => {
      const deadline = Date.now() + graceMs;
      const stopped = new Promise<void>((resolve) => tcp.close(() => resolve()));
      calls.draining = true;
      for (const session of sessions) {
        session.close();
      }
      await calls.drained(graceMs);
      // Closing gracefully lets the last replies leave; HTTP/2 sessions end
      // by themselves once their streams are done, idle HTTP/1.1 ones are ended here.
      sockets.endHttp1();
      await sockets.allClosed(Math.min(CLOSE_LINGER_MS, Math.max(0, deadline - Date.now())));
      sockets.destroyAll();
      // Stops the request-timeout checks started above (no callback: h1 has no listening handle to close).
      h1.close();
      await stopped;
    },
  };
}

function routeByPreface(socket: net.Socket, sockets: OpenSockets, h1: http.Server, h2: http2.Http2Server): void {
  let received = Buffer.alloc(0);
  socket.setTimeout(PREFACE_TIMEOUT_MS, () => socket.destroy());
  socket.on("error", ignore);
  const onReadable = () => {
    let chunk: Buffer | null;
    while ((chunk = socket.read() as Buffer | null) !== null) {
      received = Buffer.concat([received, chunk]);
    }
    const compared = Math.min(received.length, HTTP2_PREFACE.length);
    const mayBeHttp2 = received.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (mayBeHttp2 && received.length < HTTP2_PREFACE.length) {
      return;
    }
    socket.off("readable", onReadable);
    socket.off("error", ignore);
    socket.setTimeout(0);
    socket.unshift(received);
    // The servers would otherwise read the socket's handle directly and miss
    // the bytes put back above (the trick httpolyglot uses for the same job).
    const internals = socket as unknown as { _handle?: { isStreamBase?: boolean } };
    if (internals._handle) {
      internals._handle.isStreamBase = false;
    }
    if (mayBeHttp2) {
      sockets.markHttp2(socket);
    }
    (mayBeHttp2 ? h2 : h1).emit("connection", socket);
  };
  socket.on("readable", onReadable);
}

function ignore(): void {}
