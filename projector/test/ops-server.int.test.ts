import { afterEach, describe, expect, it } from "vitest";
import { startOpsServer, type OpsServer, type Readiness } from "../src/http/ops-server";

describe("ops server", () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  async function get(readiness: Readiness, path: string) {
    server = await startOpsServer({ host: "127.0.0.1", port: 0, readiness: async () => readiness });
    const response = await fetch(`${server.url}${path}`);
    return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
  }

  it("answers /healthz while the process is up, ready or not", async () => {
    expect(await get({ ready: false, checks: {} }, "/healthz")).toEqual({ status: 200, type: "application/json", body: { status: "up" } });
  });

  it("answers /readyz with 200 when every check passes", async () => {
    const checks = { consumer: true, database: true };
    expect(await get({ ready: true, checks }, "/readyz")).toEqual({
      status: 200,
      type: "application/json",
      body: { status: "ready", checks },
    });
  });

  it("answers /readyz with 503 and the failed check otherwise", async () => {
    const checks = { consumer: true, database: false };
    expect(await get({ ready: false, checks }, "/readyz")).toEqual({
      status: 503,
      type: "application/json",
      body: { status: "not ready", checks },
    });
  });

  it("answers 404 for any other path", async () => {
    expect(await get({ ready: true, checks: {} }, "/metrics")).toEqual({ status: 404, type: "application/json", body: { status: "not found" } });
  });

  it("answers /metrics with the Prometheus text when given metrics", async () => {
    server = await startOpsServer({
      host: "127.0.0.1",
      port: 0,
      readiness: async () => ({ ready: true, checks: {} }),
      metrics: async () => ({ contentType: "text/plain; version=0.0.4; charset=utf-8", text: "m 1\n" }),
    });
    const response = await fetch(`${server.url}/metrics`);
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([200, "text/plain; version=0.0.4; charset=utf-8", "m 1\n"]);
  });
});
