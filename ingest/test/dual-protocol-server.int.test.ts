import http from "node:http";
import http2 from "node:http2";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { listenDualProtocol } from "../src/http/dual-protocol-server";
import type { NodeHandlerFn } from "../src/http/node-handler";

const LIMITS = { maxConcurrentStreams: 100, requestTimeoutMs: 10_000, idleTimeoutMs: 30_000, longLivedPaths: [] };

/** What a request arrived over: its protocol and, for HTTP/2, the kind of handle the session reads and writes. */
const handler: NodeHandlerFn = (req, res) => {
  const session = req instanceof http2.Http2ServerRequest ? req.stream.session : undefined;
  const handle = session?.socket === undefined ? undefined : (session.socket as unknown as { _handle?: object | null })._handle;
  res.end(JSON.stringify({ httpVersion: req.httpVersion, handle: handle?.constructor.name ?? null }));
};

describe("one port for HTTP/1.1 and HTTP/2", () => {
  it("runs HTTP/2 sessions on the TCP socket itself, not through a JavaScript stream wrapper, and still serves HTTP/1.1", async () => {
    const server = await listenDualProtocol(handler, "127.0.0.1", 0, LIMITS);
    try {
      const client = http2.connect(`http://127.0.0.1:${server.port}`);
      const request = client.request({ ":path": "/" });
      request.end();
      let body = "";
      request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      await once(request, "end");
      client.close();
      // httpolyglot marks the handle as no stream base; Node then wraps the socket in a JSStream.
      expect(JSON.parse(body)).toEqual({ httpVersion: "2.0", handle: "TCP" });

      const http1 = await new Promise<string>((resolve, reject) => {
        http
          .get(`http://127.0.0.1:${server.port}/`, (res) => {
            let text = "";
            res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
            res.on("end", () => resolve(text));
          })
          .on("error", reject);
      });
      expect(JSON.parse(http1)).toEqual({ httpVersion: "1.1", handle: null });
    } finally {
      await server.close(1_000);
    }
  });
});
