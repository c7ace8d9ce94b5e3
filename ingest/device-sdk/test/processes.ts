import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { childProcessEnv, eventually } from "@udaconnect/test-support";

const SDK_DIR = fileURLToPath(new URL("..", import.meta.url));
const INGEST_DIR = fileURLToPath(new URL("../..", import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  readonly lines: () => string[];
  /** Waits for a stdout line starting with `prefix` and returns the rest of it. */
  readonly waitFor: (prefix: string, timeoutMs?: number) => Promise<string>;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
}

function start(cwd: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd,
    env: childProcessEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = () => stdout.split("\n").filter((l) => l !== "");
  const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    process: child,
    lines,
    exited,
    waitFor: async (prefix, timeoutMs = 30_000) => {
      let found: string | undefined;
      await eventually(
        () => {
          found = lines().find((l) => l.startsWith(prefix));
          if (found === undefined) throw new Error(`no "${prefix}" line yet; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-500)}`);
        },
        { timeoutMs, intervalMs: 2 },
      );
      return (found ?? "").slice(prefix.length).trim();
    },
  };
}

/** test/device-process.ts: a device queueing `count` check-ins into `queueDir` and flushing them. */
export function startDevice(gatewayUrl: string, queueDir: string, personId: string, count: number): Child {
  return start(SDK_DIR, ["test/device-process.ts", gatewayUrl, queueDir, personId, String(count)], {});
}

/** The gateway as deployed: src/main.ts with environment variables only. */
export function startGatewayProcess(env: Record<string, string>): Child {
  return start(INGEST_DIR, ["src/main.ts"], env);
}
