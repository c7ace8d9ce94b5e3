import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SupervisedProcess } from "./supervised-process";

export interface Toxic {
  readonly name: string;
  readonly type: "latency" | "reset_peer" | "timeout" | "bandwidth";
  readonly stream: "upstream" | "downstream";
  readonly attributes: Readonly<Record<string, number>>;
}

/** Toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api), on loopback. */
export class Toxiproxy {
  readonly process: SupervisedProcess;

  constructor(
    binary: string,
    readonly apiPort: number,
    logDir: string,
    env: Readonly<Record<string, string>>,
  ) {
    this.process = new SupervisedProcess({
      name: "toxiproxy",
      command: binary,
      args: ["-host", "127.0.0.1", "-port", String(apiPort)],
      cwd: logDir,
      env,
      logFile: join(logDir, "toxiproxy.log"),
    });
  }

  async start(): Promise<void> {
    this.process.start();
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await this.#call("GET", "/version");
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`toxiproxy-server did not answer on 127.0.0.1:${this.apiPort}: ${String(error)}`);
        await sleep(100);
      }
    }
  }

  async createProxy(name: string, listenPort: number, upstreamPort: number): Promise<void> {
    await this.#call("POST", "/proxies", { name, listen: `127.0.0.1:${listenPort}`, upstream: `127.0.0.1:${upstreamPort}`, enabled: true });
  }

  /** Disabled: it closes every connection and listens no more, until enabled again. */
  async setEnabled(proxy: string, enabled: boolean): Promise<void> {
    await this.#call("POST", `/proxies/${proxy}`, { enabled });
  }

  async addToxic(proxy: string, toxic: Toxic): Promise<void> {
    await this.#call("POST", `/proxies/${proxy}/toxics`, { ...toxic, toxicity: 1 });
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.#call("DELETE", `/proxies/${proxy}/toxics/${name}`);
  }

  /** Every proxy enabled and without toxics. */
  async reset(): Promise<void> {
    await this.#call("POST", "/reset");
  }

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.apiPort}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`toxiproxy ${method} ${path}: ${response.status} ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  }
}
