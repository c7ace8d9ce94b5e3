import type { NodeHandlerFn, NodeServerResponse } from "./node-handler";

/**
 * Answers what is not an RPC: `GET /healthz` (the process serves requests)
 * and `GET /readyz` (it can also append: Kafka connected, not shutting down),
 * `GET /metrics` (Prometheus text format),
 * for Kubernetes probes and load balancers; anything else is a JSON 404.
 */
export function probes(isReady: () => boolean, metrics: () => Promise<{ readonly contentType: string; readonly text: string }>): NodeHandlerFn {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const isRead = req.method === "GET" || req.method === "HEAD";
    if (isRead && path === "/healthz") {
      send(res, 200, { status: "ok" });
    } else if (isRead && path === "/readyz") {
      const ready = isReady();
      send(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready" });
    } else if (isRead && path === "/metrics") {
      metrics().then(
        ({ contentType, text }) => {
          res.writeHead(200, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
          res.end(text);
        },
        () => send(res, 500, { status: "metrics unavailable" }),
      );
    } else {
      send(res, 404, { status: "not found", path });
    }
  };
}

function send(res: NodeServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
