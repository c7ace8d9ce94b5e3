import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, boolean>>;
}

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  readonly readiness: () => Promise<Readiness>;
  /** What GET /metrics answers (a prom-client registry's scrape); omitted: /metrics is 404. */
  readonly metrics?: () => Promise<{ readonly contentType: string; readonly text: string }>;
}

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * GET /healthz: the process is up (liveness). GET /readyz: 200 when every
 * readiness check passes, else 503 with the failed checks (readiness).
 */
export async function startOpsServer({ host, port, readiness, metrics }: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((request, response) => {
    route(request, response, readiness, metrics).catch(() => send(response, 500, { status: "error" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  readiness: () => Promise<Readiness>,
  metrics: OpsServerOptions["metrics"],
): Promise<void> {
  const path = new URL(request.url ?? "/", "http://ops").pathname;
  if (request.method !== "GET" && request.method !== "HEAD") {
    send(response, 405, { status: "method not allowed" }, { allow: "GET, HEAD" });
  } else if (path === "/healthz") {
    send(response, 200, { status: "up" });
  } else if (path === "/readyz") {
    const { ready, checks } = await readiness();
    send(response, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
  } else if (path === "/metrics" && metrics !== undefined) {
    const { contentType, text } = await metrics();
    response.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
    response.end(text);
  } else {
    send(response, 404, { status: "not found" });
  }
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}
