import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The check behind up's readiness: /readyz counts only when the service's own process holds the
// listening socket, so another program's answer on that port is never taken for it.
const REPO = fileURLToPath(new URL("../../", import.meta.url));

function servesPort(pid: number, port: number): Promise<boolean> {
  const script = 'source scripts/lib/common.sh && source scripts/lib/up-services.sh && serves_port "$1" "$2"';
  return new Promise((resolve) => {
    execFile("bash", ["-c", script, "serves-port", String(pid), String(port)], { cwd: REPO }, (error) => resolve(error === null));
  });
}

describe("serves_port (scripts/lib/up-services.sh)", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_, response) => response.end("ok")).listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => {
    server.close();
  });

  it("is true for the process that listens on the port", async () => {
    expect(await servesPort(process.pid, port)).toBe(true);
  });

  it("is false for another process, even while the port answers", async () => {
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    try {
      expect(await servesPort(other.pid ?? 0, port)).toBe(false);
    } finally {
      other.kill();
    }
  });

  it("is false once nothing listens on the port", async () => {
    const closed = createServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    expect(await servesPort(process.pid, closedPort)).toBe(false);
  });
});
