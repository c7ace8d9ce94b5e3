import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { once } from "node:events";
import { createServer as createPolyglotServer, type Server as PolyglotServer } from "@httptoolkit/httpolyglot";
import { http1Options, http2Options, limitRequestTime, type ConnectionLimits } from "./connection-limits";
import { InFlightCalls } from "./in-flight-calls";
import type { NodeHandlerFn } from "./node-handler";
import { OpenSockets } from "./open-sockets";

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
 * One TCP port for two protocols: httpolyglot routes each connection by its first bytes, the
 * HTTP/2 client preface (prior knowledge, as gRPC clients send it) to an HTTP/2 server, anything
 * else to an HTTP/1.1 server, so curl, browsers and probes reach the same handler as gRPC clients.
 * Our own TCP server in front of it keeps the connections, so that shutdown can end them and a
 * connection that never speaks is dropped.
 */
export async function listenDualProtocol(handler: NodeHandlerFn, host: string, port: number, limits: ConnectionLimits): Promise<DualProtocolServer> {
  const calls = new InFlightCalls();
  const track: NodeHandlerFn = (req, res) => {
    if (req instanceof http2.Http2ServerRequest) {
      limitRequestTime(req, limits);
    }
    calls.track(req, res, handler);
  };
  const polyglot = createPolyglotServer({ http: http1Options(limits), http2: http2Options(limits) }, track as http.RequestListener);
  const { h1, h2 } = subServers(polyglot);
  // Node tracks requests for headersTimeout and requestTimeout from "listening" on; h1 never
  // listens itself (it is handed its sockets), so without this no HTTP/1.1 request would ever
  // time out, and a client trickling its headers would hold its socket for good.
  h1.emit("listening");
  // Without a "timeout" listener Node destroys the idle session.
  h2.setTimeout(limits.idleTimeoutMs);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  const sockets = new OpenSockets();
  h1.on("connection", (socket: net.Socket) => sockets.spoke(socket, "http/1.1"));
  h2.on("connection", (socket: net.Socket) => sockets.spoke(socket, "h2c"));
  const tcp = net.createServer((socket) => {
    sockets.add(socket, PREFACE_TIMEOUT_MS);
    polyglot.emit("connection", socket);
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

/**
 * httpolyglot (3.1) builds its HTTP/1.1 and HTTP/2 servers from the options given and keeps
 * them private, while the limits above need them: h1 must be told it listens, h2 takes the
 * idle timeout, and both say which connections they were handed. Checked here so that a
 * release that renames them fails at start, not by quietly dropping a limit.
 */
function subServers(polyglot: PolyglotServer): { h1: http.Server; h2: http2.Http2Server } {
  const internals = polyglot as unknown as { _httpServer?: unknown; _http2Server?: unknown };
  const h1 = internals._httpServer;
  const h2 = internals._http2Server;
  if (!(h1 instanceof http.Server) || !(h2 instanceof net.Server) || h2 instanceof http.Server) {
    throw new Error("@httptoolkit/httpolyglot no longer holds _httpServer and _http2Server; pin the version in pnpm-workspace.yaml's catalog");
  }
  return { h1, h2: h2 as http2.Http2Server };
}
